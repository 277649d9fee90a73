"""Reads of the citizen portal: pickers in the page's language, the citizen's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.geo.models import Area, AreaType
from nivaran.grievances.inputs import SubmitAtrInput
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrOutcome,
    Grievance,
    GrievanceEvent,
    Status,
)
from nivaran.grievances.quality import atrs_of
from nivaran.grievances.selectors import grievance_history, grievances_visible_to
from nivaran.grievances.workflow import ACTIVE
from nivaran.grievances.workflow.lifecycle import reopen_until
from nivaran.portal.models import Attachment, GrievanceLocation
from nivaran.profiles.loader import active_profile

INDENT = "\u00a0\u00a0"


def _hindi() -> bool:
    return (get_language() or "en").startswith("hi")


def label(name: str, name_hi: str) -> str:
    return name_hi if _hindi() and name_hi else name


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


def categories_for_picker(*, kind: str, q: str = "") -> list[Choice]:
    qs = Category.objects.filter(is_active=True, selectable=True, kind=kind)
    if q.strip():
        words = q.split()
        for word in words:
            qs = qs.filter(Q(name__icontains=word) | Q(name_hi__icontains=word))
    choices = [Choice(c.code, label(c.name, c.name_hi)) for c in qs.order_by("name")]
    return sorted(choices, key=lambda c: (c.label.lower(), c.code))


def districts() -> list[Choice]:
    qs = Area.objects.filter(type=AreaType.DISTRICT)
    return sorted((Choice(a.code, label(a.name, a.name_hi)) for a in qs), key=lambda c: c.label)


@dataclass(frozen=True)
class AreaChoice:
    code: str
    name: str
    type: str
    depth: int  # 0: the district itself, 1: its blocks, tehsils and cities, ...


def district_areas(*, district_code: str) -> list[AreaChoice]:
    """The district itself, then its blocks, GPs and wards, in tree order."""
    district = Area.objects.filter(code=district_code, type=AreaType.DISTRICT).first()
    if district is None:
        return []
    depth0 = district.path.count("/")
    rows = Area.objects.filter(path__startswith=district.path).order_by("path")
    return [
        AreaChoice(
            area.code, label(area.name, area.name_hi), area.type, area.path.count("/") - depth0
        )
        for area in rows
    ]


def areas_in_district(*, district_code: str) -> list[Choice]:
    """The district itself, then its blocks, GPs and wards, indented by depth."""
    out = []
    whole = _("whole district")
    for area in district_areas(district_code=district_code):
        if area.depth == 0:
            text = f"{area.name} ({whole})"
        else:
            kind = AreaType(area.type).label if area.type in AreaType.values else area.type
            text = f"{INDENT * area.depth}{area.name} ({kind})"
        out.append(Choice(area.code, text))
    return out


STATUS_FOR_CITIZEN: dict[str, Promise] = {
    Status.OPEN: _("Received: with the officer"),
    Status.IN_PROGRESS: _("Being worked on"),
    Status.ATR_SUBMITTED: _("Action taken: awaiting your feedback"),
    Status.CONFLICT: _("You disputed the action taken: sent for clarification"),
    Status.REOPENED: _("Reopened: being worked on again"),
    Status.CLOSED: _("Resolved and closed"),
    Status.REJECTED: _("Not taken up"),
    Status.SPECIAL_CLOSED: _("Closed by the department"),
    Status.OUT_OF_JURISDICTION: _("Being sent to the department that deals with it"),
    Status.MERGED: _("Joined to your other grievance about the same matter"),
}
RESOLUTION_TYPES: dict[str, Promise] = dict(SubmitAtrInput.RESOLUTION_TYPES)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    action: str
    title: str
    text: str = ""
    detail: str = ""


def _feedback_line(event: GrievanceEvent, data: dict[str, object]) -> tuple[str, str, str]:
    outcome = data.get("outcome")
    if outcome is None:  # events recorded before feedback had outcomes
        outcome = "satisfied" if data.get("satisfied") else "not_satisfied"
    if outcome == "satisfied":
        return str(_("Your feedback: satisfied. Closed.")), "", ""
    if outcome == "not_satisfied":
        reason = str(data.get("reason") or event.note)
        if event.to_status == Status.CONFLICT:
            title = _("Your feedback: not satisfied. Sent for clarification.")
        else:
            title = _("Your feedback: not satisfied. Reopened.")
        return str(title), reason, ""
    if event.to_status == Status.ATR_SUBMITTED:
        return str(_("We could not reach you for your feedback")), "", ""
    return str(_("Closed: we could not reach you for your feedback")), "", ""


def _line(event: GrievanceEvent) -> tuple[str, str, str] | None:
    """(title, text, detail) a citizen may see for one event, or None to hide it."""
    action, note, data = event.action, event.note, event.data or {}
    if action == "register":
        linked = data.get("linked_to")
        if isinstance(linked, str) and linked:
            detail = str(_("About your earlier grievance %(number)s")) % {"number": linked}
            return str(_("Registered")), "", detail
        return str(_("Registered")), "", ""
    if action == "interim_reply":
        expected = data.get("expected_by")
        detail = ""
        if isinstance(expected, str) and expected:
            when = date.fromisoformat(expected).strftime("%d-%m-%Y")
            detail = str(_("Expected by %(date)s")) % {"date": when}
        return str(_("Reply from the office")), note, detail
    if action == "submit_atr":
        kind = RESOLUTION_TYPES.get(str(data.get("resolution_type", "")), "")
        return str(_("Action taken report")), note, str(kind)
    if action == "record_feedback":
        return _feedback_line(event, data)
    if action == "clarify_conflict":
        return str(_("Clarified by the administrative secretary; with the officer again")), "", ""
    if action == "recall":
        return str(_("Action taken found short on a field check; with the officer again")), "", ""
    if action == "reject":
        return str(_("Not taken up")), note, ""
    if action == "special_close":
        return str(_("Closed by the department")), note, ""
    if action == "reopen":
        if event.actor_role == Role.CITIZEN:
            return str(_("Reopened at your request")), note, ""
        return str(_("Reopened on review")), "", ""
    if action == "escalate":
        return str(_("Escalated to a senior officer")), "", ""
    if action in {"transfer", "mark_out_of_jurisdiction"} or (
        action == "change_type" and data.get("department_changed")
    ):
        if data.get("to_department") is None:
            return str(_("Being sent to the department that deals with it")), "", ""
        return str(_("Sent to the department that deals with it")), "", ""
    if action == "merge":
        into = data.get("into")
        detail = str(_("Follow grievance %(number)s")) % {"number": into} if into else ""
        return str(_("Joined to your other grievance about the same matter")), "", detail
    if action == "absorb_duplicate":
        return str(_("Your other grievance about the same matter was joined to this one")), "", ""
    return None  # overdue flags and anything new stay internal until decided


@dataclass(frozen=True)
class AtrView:
    """The action taken report the citizen is asked about (or the last one)."""

    summary: str
    resolution_type: str
    reason: str
    submitted_at: datetime
    awaiting: bool


@dataclass(frozen=True)
class ReopenWindow:
    """Whether the citizen may still reopen a closed grievance, and until when."""

    days: int
    until: datetime | None
    open: bool


def reopen_window(*, grievance: Grievance, now: datetime | None = None) -> ReopenWindow | None:
    """For a closed grievance: the profile's window to reopen it (None when not closed)."""
    if grievance.status != Status.CLOSED:
        return None
    profile = active_profile()
    days = int(profile.rules.get("reopen_window_days", 0))
    until = reopen_until(grievance, profile)
    return ReopenWindow(days, until, until is not None and (now or timezone.now()) <= until)


def _atr_view(grievance: Grievance) -> AtrView | None:
    atr: ActionTakenReport | None = atrs_of(grievance=grievance).last()
    if atr is None or atr.outcome == AtrOutcome.RECALLED:
        return None
    return AtrView(
        summary=atr.summary,
        resolution_type=str(RESOLUTION_TYPES.get(atr.resolution_type, atr.resolution_type)),
        reason=atr.reason,
        submitted_at=atr.submitted_at,
        awaiting=atr.outcome == AtrOutcome.AWAITING and grievance.status == Status.ATR_SUBMITTED,
    )


@dataclass(frozen=True)
class CitizenView:
    grievance: Grievance
    status: str
    active: bool
    category: str
    area: str
    history: list[HistoryLine]
    atr: str
    atr_report: AtrView | None
    reopen: ReopenWindow | None
    # Another grievance may be lodged about this one: closed for good, or not reopenable.
    follow_up: bool
    linked_to: str
    # The office's latest expected date (from an interim reply), while it is being worked on.
    expected_by: date | None = None


def citizen_view(*, grievance: Grievance) -> CitizenView:
    history: list[HistoryLine] = []
    atr = ""
    expected: date | None = None
    for event in grievance_history(grievance=grievance):
        shown = _line(event)
        if shown is None:
            continue
        if event.action == "submit_atr":
            atr = event.note
        if event.action == "interim_reply":
            raw = (event.data or {}).get("expected_by")
            expected = date.fromisoformat(raw) if isinstance(raw, str) and raw else None
        history.append(HistoryLine(event.at, event.action, *shown))
    window = reopen_window(grievance=grievance)
    finished = grievance.status in {Status.CLOSED, Status.REJECTED, Status.SPECIAL_CLOSED}
    return CitizenView(
        grievance=grievance,
        status=str(STATUS_FOR_CITIZEN.get(grievance.status, grievance.status)),
        active=grievance.status in ACTIVE,
        category=label(grievance.category.name, grievance.category.name_hi),
        area=label(grievance.area.name, grievance.area.name_hi),
        history=history,
        atr=atr,
        atr_report=_atr_view(grievance),
        reopen=window,
        follow_up=finished and not (window and window.open),
        linked_to=(grievance.linked_to.number or "") if grievance.linked_to else "",
        expected_by=expected if grievance.status in ACTIVE else None,
    )


def citizen_grievances(*, user: User) -> QuerySet[Grievance]:
    """A citizen account's own grievances, newest first (the Citizen API's list): those
    the workflow lets it act on as their owner (`grievances_visible_to`)."""
    return (
        grievances_visible_to(actor=user)
        .select_related("category", "area", "linked_to")
        .order_by("-registered_at", "-id")
    )


def citizen_grievance(*, user: User, number: str) -> Grievance | None:
    """One of them by number; None alike for a stranger's grievance and for none."""
    return (
        citizen_grievances(user=user)
        .select_related("citizen")
        .filter(number=number.strip().upper())
        .first()
    )


def grievance_for_mobile(*, number: str, mobile: str) -> Grievance | None:
    return (
        Grievance.objects.select_related("category", "area", "citizen", "linked_to")
        .filter(number=number.strip().upper(), citizen__mobile=mobile)
        .first()
    )


@dataclass(frozen=True)
class Evidence:
    """What the citizen gave besides the text: attachments and where the problem is."""

    attachments: list[Attachment]
    location: GrievanceLocation | None


def grievance_evidence(*, grievance: Grievance) -> Evidence:
    """For the officer's page; the caller has already checked the grievance is in reach."""
    return Evidence(
        attachments=list(Attachment.objects.filter(grievance=grievance).order_by("id")),
        location=GrievanceLocation.objects.filter(grievance=grievance).first(),
    )


def grievance_attachment(*, grievance: Grievance, attachment_id: int) -> Attachment | None:
    return Attachment.objects.filter(grievance=grievance, pk=attachment_id).first()
