"""Field validation pages (W7, W8): the executive's visit queue and visit form (phone
first: they are in the field), the CMO cell's pending list and pick, and coverage.

Reads and writes go through nivaran.grievances.fieldwork; domain errors are mapped in
web.errors.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.core.errors import DomainError, PermissionDenied
from nivaran.exports.kinds import may_export
from nivaran.grievances import fieldwork
from nivaran.grievances.models import FieldVisit
from nivaran.web.errors import flash_domain_error, shows_domain_errors

PAGE_SIZE = 25
RATING_LABELS = {
    1: gettext_lazy("Very poor: nothing done on the ground"),
    2: gettext_lazy("Poor: much less than the ATR says"),
    3: gettext_lazy("Acceptable: mostly as the ATR says"),
    4: gettext_lazy("Good: as the ATR says"),
    5: gettext_lazy("Very good: fully resolved"),
}


class VisitForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Quality of the action taken"),
        choices=[(n, f"{n} · {label}") for n, label in RATING_LABELS.items()],
        coerce=int,
        widget=forms.RadioSelect,
    )
    remarks = forms.CharField(
        label=gettext_lazy("Remarks"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
        help_text=gettext_lazy(
            "What you saw on the ground. Below the standard these are the reasons sent back."
        ),
    )


class PickForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Grievance number"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_GET
@shows_domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    found: QuerySet[FieldVisit] | None = None
    if actor.role == Role.FIELD_VALIDATION_EXECUTIVE:
        found = fieldwork.visits_for_executive(actor=actor)
    elif actor.role == Role.CMO_GRIEVANCE_CELL:
        found = fieldwork.visits_for_cell(actor=actor, pending=True)
    elif actor.role != Role.ADMINISTRATIVE_SECRETARY:
        raise PermissionDenied(
            _("Field visits are for field validation and the CMO grievance cell.")
        )
    page = (
        Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")) if found is not None else None
    )
    return render(
        request,
        "web/field/queue.html",
        {
            "page": page,
            "visits": list(page.object_list) if page is not None else [],
            "is_executive": actor.role == Role.FIELD_VALIDATION_EXECUTIVE,
            "show_list": actor.role != Role.ADMINISTRATIVE_SECRETARY,
            "may_pick": actor.role in fieldwork.PICKERS,
            "pick_form": PickForm(),
            "standard": fieldwork.field_standard(),
            "may_export": may_export(actor, "field_visits"),
        },
    )


@login_required
@require_POST
@shows_domain_errors
def pick(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PickForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the number of a grievance."))
        return redirect("web:field-queue")
    try:
        visit, created = fieldwork.field_visit_pick(
            number=form.cleaned_data["number"].strip(), actor=actor
        )
    except DomainError as exc:
        flash_domain_error(request, exc)
    else:
        number = visit.grievance.number
        if not created:
            messages.info(
                request, _("%(number)s is already waiting for a visit.") % {"number": number}
            )
        else:
            messages.success(
                request, _("%(number)s is picked for a field visit.") % {"number": number}
            )
    return redirect("web:field-queue")


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = _actor(request)
    found = fieldwork.visit_get(actor=actor, visit_id=visit_id)
    may_record = actor.role == Role.FIELD_VALIDATION_EXECUTIVE and found.visited_at is None
    form = VisitForm(request.POST or None)
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied(_("This visit cannot be recorded by you now."))
        if form.is_valid():
            try:
                result = fieldwork.field_visit_record(
                    visit_id=found.pk,
                    actor=actor,
                    rating=form.cleaned_data["rating"],
                    remarks=form.cleaned_data["remarks"],
                    photos=request.FILES.getlist("photos"),
                )
            except DomainError as exc:
                labels = {"photos": _("Photos"), "rating": _("Rating"), "remarks": _("Remarks")}
                flash_domain_error(request, exc, labels=labels)
            else:
                _flash_result(request, result)
                return redirect("web:field-queue")
    return render(
        request,
        "web/field/visit.html",
        {
            "visit": found,
            "grievance": found.grievance,
            "atr": found.atr,
            "photos": list(found.photos.all()),
            "form": form,
            "may_record": may_record,
            "standard": fieldwork.field_standard(),
            "max_photos": fieldwork.MAX_PHOTOS,
        },
    )


def _flash_result(request: HttpRequest, result: fieldwork.VisitResult) -> None:
    number = result.visit.grievance.number
    if result.meets_standard:
        messages.success(
            request,
            _("Visit to %(number)s recorded. The ATR meets the standard; it stands.")
            % {"number": number},
        )
    elif result.recalled:
        messages.warning(
            request,
            _(
                "Visit to %(number)s recorded. The ATR is below the standard and has been "
                "recalled to the head of department with your remarks."
            )
            % {"number": number},
        )
    else:
        messages.warning(
            request,
            _(
                "Visit to %(number)s recorded. The ATR is below the standard but was not "
                "recalled: the grievance has moved on since."
            )
            % {"number": number},
        )


@login_required
@require_GET
@shows_domain_errors
def coverage(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    rows = fieldwork.coverage_visible_to(actor=actor)
    return render(
        request,
        "web/field/coverage.html",
        {"rows": rows, "all_districts": actor.role == Role.CMO_GRIEVANCE_CELL},
    )


urlpatterns = [
    path("", queue, name="field-queue"),
    path("pick/", pick, name="field-pick"),
    path("visits/<int:visit_id>/", visit, name="field-visit"),
    path("coverage/", coverage, name="field-coverage"),
]
