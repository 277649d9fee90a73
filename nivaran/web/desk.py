"""The feedback desk: the queue of ATRs awaiting the citizen's word, and the call page
where an agent records what the citizen said (H5, H6, U1).

Reads go through nivaran.grievances.quality and selectors (scoped to the signed-in
user), the write through the workflow door (record_feedback); domain errors are mapped
in web.errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from nivaran.accounts.models import User
from nivaran.core.errors import DomainError, NotFound, PermissionDenied
from nivaran.exports.kinds import may_export
from nivaran.grievances import quality
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrOutcome,
    FeedbackOutcome,
    Grievance,
    Status,
)
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.grievances.workflow import grievance_act
from nivaran.web.errors import flash_domain_error, shows_domain_errors
from nivaran.web.labels import status_label

PAGE_SIZE = 25
FIELDS = ("outcome", "reason", "recording_ref", "comments")
# Access keys of the outcome radios (Alt+key in Chromium, Alt+Shift+key in Firefox).
ACCESS_KEYS = {
    FeedbackOutcome.SATISFIED: "y",
    FeedbackOutcome.NOT_SATISFIED: "n",
    FeedbackOutcome.UNREACHABLE: "u",
}


class FeedbackForm(forms.Form):
    """What the agent fills in; the door validates (the reason is needed when not satisfied)."""

    outcome = forms.ChoiceField(
        label=gettext_lazy("What did the citizen say?"),
        choices=FeedbackOutcome.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Citizen's reason"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Needed when the citizen is not satisfied: in their words."),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control", "data-reason": True}),
    )
    recording_ref = forms.CharField(
        label=gettext_lazy("Recording reference"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _desk_check(actor: User) -> None:
    if actor.role not in quality.FEEDBACK_DESK or not actor.is_active:
        raise PermissionDenied("Only the feedback desk takes feedback calls.")


def _atr_get(actor: User, atr_id: int) -> ActionTakenReport:
    _desk_check(actor)
    atr = (
        ActionTakenReport.objects.filter(
            pk=atr_id, grievance__in=grievances_visible_to(actor=actor).values("id")
        )
        .select_related(
            "grievance__citizen",
            "grievance__category",
            "grievance__area",
            "grievance__department",
            "department",
            "submitted_by",
            "post",
        )
        .prefetch_related("documents")
        .first()
    )
    if atr is None:
        raise NotFound("No such action taken report.")
    return atr


def _is_open(atr: ActionTakenReport) -> bool:
    """Still waiting for the citizen's word: not answered, and not overtaken by events."""
    return atr.outcome == AtrOutcome.AWAITING and atr.grievance.status == Status.ATR_SUBMITTED


@login_required
@require_GET
@shows_domain_errors
def queue(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    now = timezone.now()
    due = quality.feedback_queue(actor=actor, now=now)
    later = (
        quality.feedback_queue(actor=actor, now=now, due_only=False)
        .filter(next_call_at__gt=now)
        .count()
    )
    page = Paginator(due, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/desk/queue.html",
        {
            "page": page,
            "atrs": list(page.object_list),
            "later": later,
            "now": now,
            "may_export": may_export(actor, "feedback_queue"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@shows_domain_errors
def call(request: HttpRequest, atr_id: int) -> HttpResponse:
    actor = _actor(request)
    atr = _atr_get(actor, atr_id)
    grievance = atr.grievance
    is_open = _is_open(atr)
    form = FeedbackForm()
    invalid: set[str] = set()
    if request.method == "POST":
        form = FeedbackForm(initial={name: request.POST.get(name, "") for name in FIELDS})
        if not is_open:
            messages.warning(request, _("This ATR has already been answered; nothing was saved."))
            return redirect("web:feedback-call", atr_id=atr.pk)
        # Blank optional inputs count as not given, as they would from an API client.
        data: dict[str, object] = {
            name: value
            for name in FIELDS
            if isinstance(value := request.POST.get(name), str) and value.strip()
        }
        # The ATR on the page: if another agent answered it and a newer one arrived
        # meanwhile, the door refuses rather than record this call against the new one.
        data["atr"] = atr.pk
        try:
            grievance = grievance_act(
                grievance_id=grievance.pk, actor=actor, action="record_feedback", data=data
            )
        except DomainError as exc:
            labels = {name: str(field.label) for name, field in form.fields.items()}
            flash_domain_error(request, exc, labels=labels)
            if isinstance(exc.fields, dict):
                invalid = {str(name) for name in exc.fields}
            # Another agent may have answered meanwhile: the page then says so.
            atr.refresh_from_db(fields=["outcome", "feedback_attempts", "next_call_at"])
            grievance.refresh_from_db(fields=["status"])
            is_open = _is_open(atr)
        else:
            atr.refresh_from_db()
            messages.success(request, _success(grievance, str(data["outcome"]), atr))
            return redirect("web:feedback-queue")
    _decorate(form, invalid)
    return render(
        request,
        "web/desk/call.html",
        {
            "atr": atr,
            "grievance": grievance,
            "is_open": is_open,
            "documents": list(atr.documents.all()),
            "earlier": list(quality.feedback_of(grievance=grievance)),
            "atrs": [a for a in quality.atrs_of(grievance=grievance) if a.pk != atr.pk],
            "form": form,
            "outcomes": _outcomes(form),
            "now": timezone.now(),
        },
    )


def _decorate(form: FeedbackForm, invalid: set[str]) -> None:
    """Mark the fields the door refused; the reason takes the focus when it was missing."""
    if "reason" in invalid:
        form.fields["reason"].widget.attrs["autofocus"] = True
    for name in invalid & set(form.fields):
        widget = form.fields[name].widget
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        widget.attrs["aria-invalid"] = "true"


def _outcomes(form: FeedbackForm) -> list[dict[str, Any]]:
    """The outcome radios, each with its access key; the chosen one (else the first) focused."""
    chosen = str(form["outcome"].value() or "")
    focus = chosen if chosen in FeedbackOutcome.values else FeedbackOutcome.values[0]
    if form.fields["reason"].widget.attrs.get("autofocus"):
        focus = ""
    return [
        {
            "value": value,
            "label": label,
            "key": ACCESS_KEYS[FeedbackOutcome(value)],
            "checked": value == chosen,
            "autofocus": value == focus,
        }
        for value, label in FeedbackOutcome.choices
    ]


def _success(grievance: Grievance, outcome: str, atr: ActionTakenReport) -> str:
    label = FeedbackOutcome(outcome).label
    number = grievance.number or ""
    if outcome == FeedbackOutcome.UNREACHABLE and atr.next_call_at is not None:
        return _(
            "%(outcome)s recorded on %(number)s (attempt %(attempt)s). "
            "The next call is due from %(when)s."
        ) % {
            "outcome": label,
            "number": number,
            "attempt": atr.feedback_attempts,
            "when": formats.date_format(timezone.localtime(atr.next_call_at), "D j M Y, H:i"),
        }
    return _("%(outcome)s recorded on %(number)s. The grievance's status is now: %(status)s.") % {
        "outcome": label,
        "number": number,
        "status": status_label(grievance.status),
    }


urlpatterns: list[URLPattern] = [
    path("", queue, name="feedback-queue"),
    path("<int:atr_id>/", call, name="feedback-call"),
]
