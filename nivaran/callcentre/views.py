"""The call-centre pages: the registration console (W3) and the callback queue (W2).

Reads go through callcentre.selectors, writes through grievance_register and
callcentre.services; domain errors are mapped by nivaran.web.errors.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nivaran.accounts.models import User
from nivaran.callcentre import selectors
from nivaran.callcentre.forms import AttemptForm, RegistrationForm, category_label
from nivaran.callcentre.models import Outcome
from nivaran.callcentre.services import (
    CALLBACK_AGENTS,
    Registration,
    callback_attempt_record,
)
from nivaran.core.errors import DomainError, InvalidInput
from nivaran.core.phones import mobile_normalise
from nivaran.duplicates.selectors import Candidate, Draft, duplicate_candidates_for_draft
from nivaran.grievances.models import Channel
from nivaran.grievances.selectors import grievance_get
from nivaran.grievances.workflow import grievance_register, intake_key
from nivaran.web.errors import flash_domain_error, shows_domain_errors

PAGE_SIZE = 25
# The console's "Look up caller" button (a POST that shows the caller's history).
LOOKUP = "lookup"
# grievance_register's field names -> the form's.
REGISTER_FIELDS = {
    "citizen.name": "citizen_name",
    "citizen.mobile": "mobile",
    "category": "category",
    "area": "area",
    "description": "description",
    "kind": "kind",
}


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _pickers() -> dict[str, Any]:
    return {
        "categories": [
            (c.code, category_label(c.code, c.name, c.name_hi))
            for c in selectors.categories_selectable()
        ],
        "districts": selectors.districts_with_blocks(),
    }


def _hours_context() -> dict[str, Any]:
    return {"hours": selectors.call_centre_hours(at=timezone.now())}


def _put_errors(form: RegistrationForm, exc: DomainError) -> None:
    """A service's field errors onto the form's fields; the rest as form errors."""
    fields = exc.fields if isinstance(exc.fields, dict) else {}
    for name, errors in fields.items():
        target = REGISTER_FIELDS.get(name)
        for error in errors if isinstance(errors, list) else [errors]:
            form.add_error(target if target in form.fields else None, str(error))
    if not fields:
        form.add_error(None, exc.detail)


def _register_from(form: RegistrationForm) -> Registration:
    data = form.cleaned_data
    return Registration(
        citizen_name=data["citizen_name"],
        mobile=data["mobile"],
        category_code=data["category"],
        area_code=data["area"],
        description=data["description"],
        emergency=data["emergency"],
        kind=data["kind"] or None,
    )


def _draft_candidates(actor: User, values: Any, mobile: str) -> list[Candidate]:
    """Likely duplicates of what the tele-caller has typed so far, with their reasons;
    none until the complaint type, the area and a few words of the description are in."""
    category = str(values.get("category", "")).split(" ", 1)[0]
    area = str(values.get("area", ""))
    description = str(values.get("description", ""))
    if not (mobile and category and area and len(description.strip()) >= 10):
        return []
    draft = Draft(
        name=str(values.get("citizen_name", "")),
        mobile=mobile,
        category_code=category,
        area_code=area,
        description=description,
    )
    try:
        return duplicate_candidates_for_draft(actor=actor, draft=draft)
    except InvalidInput:  # half-typed in the picker: not a choice yet
        return []


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def console(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    selectors.console_access_check(actor=actor)
    history = None
    if request.method == "POST" and LOOKUP in request.POST:
        # "Look up caller" without JavaScript: the form comes back as typed, with the
        # history. A POST, so that the mobile stays out of the URL and the access logs.
        form = RegistrationForm(initial=request.POST.dict())
    elif request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            reg = _register_from(form)
            try:
                grievance, _created = grievance_register(
                    actor=actor,
                    citizen_name=reg.citizen_name,
                    mobile=reg.mobile,
                    category_code=reg.category_code,
                    area_code=reg.area_code,
                    description=reg.description,
                    emergency=reg.emergency,
                    kind=reg.kind,
                    channel=Channel.CALL_CENTRE,
                    source="Call centre",
                    intake_key=(
                        intake_key(door="console", sender=actor.pk, client_key=key)
                        if (key := form.cleaned_data["intake_key"])
                        else None
                    ),
                )
            except InvalidInput as exc:
                _put_errors(form, exc)
            else:
                return redirect("callcentre:acknowledgement", number=grievance.number)
    else:
        form = RegistrationForm(initial={"intake_key": uuid.uuid4().hex})
    form.fields["mobile"].widget.attrs.update(
        {"data-lookup": reverse("callcentre:lookup"), "autofocus": True}
    )
    form.fields["category"].widget.attrs["data-lookup-category"] = True
    mobile = mobile_normalise(str(form["mobile"].value() or ""))
    candidates: list[Candidate] = []
    if mobile:
        history = selectors.caller_history(
            actor=actor,
            mobile=mobile,
            now=timezone.now(),
            category_code=str(form["category"].value() or "") or None,
        )
        candidates = _draft_candidates(actor, request.POST, mobile)
    return render(
        request,
        "callcentre/console.html",
        {
            "form": form,
            "history": history,
            "mobile": mobile,
            "candidates": candidates,
            **_pickers(),
            **_hours_context(),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def lookup(request: HttpRequest) -> HttpResponse:
    """The caller's earlier grievances and likely duplicates, as an HTML fragment.

    POST (with the CSRF token) so that the mobile is never in a URL: URLs go into access
    logs, proxies' logs and browser history."""
    actor = _actor(request)
    mobile = mobile_normalise(request.POST.get("mobile", ""))
    history = None
    candidates: list[Candidate] = []
    if mobile:
        history = selectors.caller_history(
            actor=actor,
            mobile=mobile,
            now=timezone.now(),
            category_code=request.POST.get("category", "").split(" ", 1)[0] or None,
        )
        candidates = _draft_candidates(actor, request.POST, mobile)
    else:
        selectors.console_access_check(actor=actor)
    return render(
        request,
        "callcentre/partials/history.html",
        {"history": history, "mobile": mobile, "candidates": candidates},
    )


@login_required
@require_GET
@shows_domain_errors
def acknowledgement(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    selectors.console_access_check(actor=actor)
    grievance = grievance_get(actor=actor, number=number)
    return render(request, "callcentre/acknowledgement.html", {"grievance": grievance})


@login_required
@require_GET
@shows_domain_errors
def callbacks(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    now = timezone.now()
    due = selectors.callbacks_due(actor=actor, now=now)
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "callcentre/callbacks.html",
        {
            "page": page,
            "callbacks": list(page.object_list),
            "later": selectors.callbacks_pending_later(actor=actor, now=now),
            "can_work": actor.role in CALLBACK_AGENTS,
            **_hours_context(),
        },
    )


@login_required
@require_GET
@shows_domain_errors
def callback(request: HttpRequest, callback_id: int) -> HttpResponse:
    actor = _actor(request)
    item = selectors.callback_get(actor=actor, callback_id=callback_id)
    return _callback_page(
        request,
        actor,
        item.pk,
        AttemptForm(),
        RegistrationForm(prefix="reg", initial={"mobile": item.caller}),
    )


def _callback_page(
    request: HttpRequest,
    actor: User,
    callback_id: int,
    form: AttemptForm,
    reg_form: RegistrationForm,
    status: int = 200,
) -> HttpResponse:
    item = selectors.callback_get(actor=actor, callback_id=callback_id)
    return render(
        request,
        "callcentre/callback.html",
        {
            "callback": item,
            "attempts": list(selectors.callback_attempts(callback=item)),
            "form": form,
            "reg_form": reg_form,
            "can_work": actor.role in CALLBACK_AGENTS and item.status == "pending",
            "history": selectors.caller_history(actor=actor, mobile=item.caller, now=timezone.now())
            if actor.role in selectors.CONSOLE_ROLES
            else None,
            **_pickers(),
            **_hours_context(),
        },
        status=status,
    )


@login_required
@require_POST
@shows_domain_errors
def callback_attempt(request: HttpRequest, callback_id: int) -> HttpResponse:
    actor = _actor(request)
    item = selectors.callback_get(actor=actor, callback_id=callback_id)
    form = AttemptForm(request.POST)
    registering = request.POST.get("outcome") == Outcome.REACHED_REGISTERED
    reg_form = RegistrationForm(
        request.POST if registering else None,
        prefix="reg",
        initial={"mobile": item.caller},
    )
    if not form.is_valid() or (registering and not reg_form.is_valid()):
        return _callback_page(request, actor, item.pk, form, reg_form, status=400)
    next_at = form.cleaned_data["next_attempt_at"]
    if next_at is not None and timezone.is_naive(next_at):
        next_at = timezone.make_aware(next_at)
    try:
        attempt = callback_attempt_record(
            callback_id=item.pk,
            actor=actor,
            outcome=form.cleaned_data["outcome"],
            notes=form.cleaned_data["notes"],
            next_attempt_at=next_at,
            registration=_register_from(reg_form) if registering else None,
        )
    except InvalidInput as exc:
        if registering:
            _put_errors(reg_form, exc)
        flash_domain_error(request, exc)
        return _callback_page(request, actor, item.pk, form, reg_form, status=400)
    except DomainError as exc:
        flash_domain_error(request, exc)
        return redirect("callcentre:callback", callback_id=item.pk)
    if attempt.grievance is not None:
        messages.success(
            request,
            _("Grievance %(number)s registered for caller %(mobile)s.")
            % {"number": attempt.grievance.number, "mobile": item.caller},
        )
        return redirect("callcentre:callback", callback_id=item.pk)
    messages.success(
        request,
        _("Attempt recorded: %(outcome)s.") % {"outcome": attempt.get_outcome_display()},
    )
    return redirect("callcentre:callbacks")
