"""Reads of the citizen portal: pickers in the page's language, the citizen's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nivaran.catalog.models import Category
from nivaran.geo.models import Area, AreaType
from nivaran.grievances.inputs import SubmitAtrInput
from nivaran.grievances.models import Grievance, Status
from nivaran.grievances.workflow import ACTIVE
from nivaran.portal.models import Attachment, GrievanceLocation

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


def areas_in_district(*, district_code: str) -> list[Choice]:
    """The district itself, then its blocks, GPs and wards, indented by depth."""
    district = Area.objects.filter(code=district_code, type=AreaType.DISTRICT).first()
    if district is None:
        return []
    depth0 = district.path.count("/")
    rows = Area.objects.filter(path__startswith=district.path).order_by("path")
    out = []
    whole = _("whole district")
    for area in rows:
        depth = area.path.count("/") - depth0
        text = label(area.name, area.name_hi)
        if depth == 0:
            text = f"{text} ({whole})"
        else:
            text = f"{INDENT * depth}{text} ({area.get_type_display()})"
        out.append(Choice(area.code, text))
    return out


STATUS_FOR_CITIZEN: dict[str, Promise] = {
    Status.OPEN: _("Received: with the officer"),
    Status.IN_PROGRESS: _("Being worked on"),
    Status.ATR_SUBMITTED: _("Action taken: awaiting your feedback"),
    Status.REOPENED: _("Reopened: being worked on again"),
    Status.CLOSED: _("Resolved and closed"),
    Status.REJECTED: _("Not taken up"),
    Status.SPECIAL_CLOSED: _("Closed by the department"),
}
RESOLUTION_TYPES: dict[str, Promise] = dict(SubmitAtrInput.RESOLUTION_TYPES)


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    action: str
    title: str
    text: str = ""
    detail: str = ""


def _line(action: str, note: str, data: dict[str, object]) -> tuple[str, str, str] | None:
    """(title, text, detail) a citizen may see for one event, or None to hide it."""
    if action == "register":
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
        if data.get("satisfied"):
            return str(_("Your feedback: satisfied. Closed.")), "", ""
        return str(_("Your feedback: not satisfied. Reopened.")), "", ""
    if action == "reject":
        return str(_("Not taken up")), note, ""
    if action == "special_close":
        return str(_("Closed by the department")), note, ""
    if action == "reopen":
        return str(_("Reopened on review")), "", ""
    if action == "escalate":
        return str(_("Escalated to a senior officer")), "", ""
    return None  # overdue flags and anything new stay internal until decided


@dataclass(frozen=True)
class CitizenView:
    grievance: Grievance
    status: str
    active: bool
    category: str
    area: str
    history: list[HistoryLine]
    atr: str


def citizen_view(*, grievance: Grievance) -> CitizenView:
    history: list[HistoryLine] = []
    atr = ""
    for event in grievance.events.order_by("at", "id"):
        shown = _line(event.action, event.note, event.data or {})
        if shown is None:
            continue
        if event.action == "submit_atr":
            atr = event.note
        history.append(HistoryLine(event.at, event.action, *shown))
    return CitizenView(
        grievance=grievance,
        status=str(STATUS_FOR_CITIZEN.get(grievance.status, grievance.status)),
        active=grievance.status in ACTIVE,
        category=label(grievance.category.name, grievance.category.name_hi),
        area=label(grievance.area.name, grievance.area.name_hi),
        history=history,
        atr=atr,
    )


def grievance_for_mobile(*, number: str, mobile: str) -> Grievance | None:
    return (
        Grievance.objects.select_related("category", "area", "citizen")
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
