"""The staff member's profile page (M4): name and language saved directly; the mobile in
two steps, the second taking the OTP sent to the new number. Staff only: a citizen gets
the 403 page. Writes go through accounts.services and staffprofile.services.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from nivaran.accounts.models import ProfileChangeVia, User
from nivaran.accounts.selectors import profile_changes_of
from nivaran.accounts.services import profile_update, staff_check
from nivaran.core.clients import client_address
from nivaran.core.errors import DomainError
from nivaran.core.phones import mobile_mask
from nivaran.otp.services import OtpLocked, OtpRefused
from nivaran.staffprofile.services import profile_mobile_change, profile_mobile_otp_send
from nivaran.web.errors import flash_domain_error, shows_domain_errors

# The new mobile waiting for its OTP, kept in the session (never in a URL).
PENDING = "web:profile_mobile"
TEXT = {"class": "form-control"}


class DetailsForm(forms.Form):
    first_name = forms.CharField(
        label=gettext_lazy("First name"), max_length=150, widget=forms.TextInput(TEXT)
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(TEXT),
    )
    preferred_language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        choices=[("en", "English"), ("hi", "हिन्दी")],
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The language of the SMS the platform sends you."),
    )


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=gettext_lazy("New mobile number"),
        max_length=20,
        widget=forms.TextInput({**TEXT, "inputmode": "tel", "autocomplete": "tel"}),
        help_text=gettext_lazy("We send an OTP to this number. It changes once you enter it."),
    )
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        max_length=128,
        widget=forms.PasswordInput({**TEXT, "autocomplete": "current-password"}),
        help_text=gettext_lazy("Asked again before your SMS go to another phone."),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("OTP"),
        max_length=12,
        widget=forms.TextInput({**TEXT, "inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    staff_check(actor=user)
    return user


def _page(request: HttpRequest, actor: User, **forms_: forms.Form) -> HttpResponse:
    context = {
        "details": DetailsForm(
            initial={
                "first_name": actor.first_name,
                "last_name": actor.last_name,
                "preferred_language": actor.preferred_language,
            }
        ),
        "mobile_form": MobileForm(),
        "mobile_masked": mobile_mask(actor.mobile) if actor.mobile else "",
        "changes": [
            (change, change.shown(change.old), change.shown(change.new))
            for change in profile_changes_of(actor=actor)
        ],
        **forms_,
    }
    status = 400 if any(form.errors for form in forms_.values()) else 200
    return render(request, "web/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def profile(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    if request.method == "GET":
        return _page(request, actor)
    form = DetailsForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, details=form)
    try:
        profile_update(actor=actor, via=ProfileChangeVia.PAGE, **form.cleaned_data)
    except DomainError as exc:
        flash_domain_error(request, exc)
        return _page(request, actor, details=form)
    messages.success(request, _("Your profile is saved."))
    return redirect("web:profile")


@login_required
@require_POST
@shows_domain_errors
def mobile_start(request: HttpRequest) -> HttpResponse:
    """Step 1: send the OTP to the new number."""
    actor = _staff(request)
    form = MobileForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, mobile_form=form)
    try:
        challenge = profile_mobile_otp_send(
            actor=actor,
            mobile=form.cleaned_data["mobile"],
            password=form.cleaned_data["password"],
            request=request,
            via=ProfileChangeVia.PAGE,
            client=client_address(request),
        )
    except DomainError as exc:
        fields = exc.fields or {}
        if fields.get("password"):
            for text in fields["password"]:
                form.add_error("password", text)
        else:
            for text in fields.get("mobile", []) or [exc.detail]:
                form.add_error("mobile", text)
        return _page(request, actor, mobile_form=form)
    request.session[PENDING] = challenge.mobile
    messages.info(
        request, _("We have sent an OTP to %(mobile)s.") % {"mobile": mobile_mask(challenge.mobile)}
    )
    return redirect("web:profile-mobile-confirm")


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def mobile_confirm(request: HttpRequest) -> HttpResponse:
    """Step 2: the OTP sent to the new number makes it the profile's mobile."""
    actor = _staff(request)
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("web:profile")
    form = CodeForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        try:
            profile_mobile_change(
                actor=actor,
                mobile=pending,
                code=form.cleaned_data["code"],
                via=ProfileChangeVia.PAGE,
            )
        except OtpLocked as exc:
            locked = True
            form.add_error("code", exc.detail)
        except OtpRefused as exc:
            form.add_error("code", exc.detail)
        except DomainError as exc:
            flash_domain_error(request, exc)
        else:
            del request.session[PENDING]
            messages.success(
                request,
                _("Your mobile number is now %(mobile)s.") % {"mobile": mobile_mask(pending)},
            )
            return redirect("web:profile")
    context = {"form": form, "pending_masked": mobile_mask(pending), "locked": locked}
    return render(request, "web/profile_mobile.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def mobile_cancel(request: HttpRequest) -> HttpResponse:
    request.session.pop(PENDING, None)
    return redirect("web:profile")


urlpatterns = [
    path("", profile, name="profile"),
    path("mobile/", mobile_start, name="profile-mobile"),
    path("mobile/confirm/", mobile_confirm, name="profile-mobile-confirm"),
    path("mobile/cancel/", mobile_cancel, name="profile-mobile-cancel"),
]
