"""Exportable review lists (X6): the field visits waiting (/field/) and the systemic issues
(/analytics/systemic/).

Each is scoped exactly as its page: the rows come from the page's own selector
(`grievances.fieldwork.visits_visible_to`, `systemic.selectors.issue_list`). The field
visits' citizen name and mobile are masked by `exports.pii` for the roles that do not
contact citizens; a systemic issue's sample grievances are only those the owner may open
(`systemic.selectors.visible_numbers`, looked up once per chunk of rows). Imported by
`nivaran.exports.kinds`, which registers them.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from rest_framework import serializers

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.exports.kinds import Cell, ExportKind, Source, register
from nivaran.exports.kinds_more import NoFilters, local_name
from nivaran.exports.pii import mobile_masked, name_masked, sees_citizen_contact
from nivaran.grievances import fieldwork
from nivaran.grievances.models import VisitPick
from nivaran.systemic import selectors as systemic
from nivaran.systemic.api import _FilterInput
from nivaran.systemic.models import IssueKind, IssueStatus

# --- field_visits: the visits waiting, as /field/ lists them --------------------------

# The roles /field/ lists visits for: the executive their districts' pending visits, the
# CMO grievance cell every pending one (the administrative secretary picks, sees no list).
FIELD_LISTS = frozenset({Role.FIELD_VALIDATION_EXECUTIVE, Role.CMO_GRIEVANCE_CELL})

VISIT_FIELDS = (
    "grievance__number",
    "picked_at",
    "picked_how",
    "department__name",
    "department__name_hi",
    "grievance__category__name",
    "grievance__category__name_hi",
    "grievance__area__name",
    "grievance__area__name_hi",
    "atr__submitted_at",
    "grievance__citizen__name",
    "grievance__citizen__mobile",
)


def _visit_columns() -> list[str]:
    return [
        _("Number"),
        _("Picked at"),
        _("Picked"),
        _("Department"),
        _("Complaint type"),
        _("Area"),
        _("ATR submitted at"),
        _("Citizen"),
        _("Mobile"),
    ]


def _visit_source(*, actor: User, filters: dict[str, Any]) -> Source:
    found = fieldwork.visits_visible_to(actor=actor, pending=True)
    contact = sees_citizen_contact(actor)
    hindi = get_language() == "hi"
    picks = {value: str(label) for value, label in VisitPick.choices}

    def row(v: tuple[Any, ...]) -> list[Cell]:
        (number, picked, how, dept, dept_hi, cat, cat_hi, area, area_hi) = v[:9]
        (submitted, citizen, mobile) = v[9:]
        return [
            number,
            picked,
            picks.get(how, how),
            local_name(hindi, dept, dept_hi),
            local_name(hindi, cat, cat_hi),
            local_name(hindi, area, area_hi),
            submitted,
            citizen if contact else name_masked(citizen),
            mobile if contact else mobile_masked(mobile),
        ]

    return Source(rows=found.values_list(*VISIT_FIELDS), row=row)


def _field_list(user: User) -> bool:
    return user.is_active and user.role in FIELD_LISTS


FIELD_VISITS = register(
    ExportKind(
        code="field_visits",
        title=gettext_lazy("Field visits waiting"),
        filters=NoFilters,
        may_export=_field_list,
        columns=_visit_columns,
        source=_visit_source,
    )
)


# --- systemic_issues: the issues /analytics/systemic/ and its API list ----------------


class SystemicExportFilters(_FilterInput):
    """The filters of `GET /api/v1/analytics/systemic-issues/` (status, kind, department,
    district, since), validated as there; an unknown filter is refused, not ignored."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {str(name)[:60]: ["Unknown filter."] for name in unknown}
                )
        return attrs


ISSUE_FIELDS = (
    "week",
    "kind",
    "category__code",
    "category__name",
    "category__name_hi",
    "department__name",
    "department__name_hi",
    "district__name",
    "district__name_hi",
    "topic",
    "count",
    "baseline",
    "p_value",
    "method",
    "status",
    "acknowledged_by__username",
    "acknowledged_at",
    "policy_note",
    "sample_numbers",
)
# Sample numbers looked up per query: well under any database's limit of parameters.
LOOKUP = 900


def _issue_columns() -> list[str]:
    return [
        _("Week"),
        _("Kind"),
        _("Complaint type code"),
        _("Complaint type"),
        _("Department"),
        _("District"),
        _("Topic"),
        _("Count"),
        _("Baseline"),
        _("p-value"),
        _("Method"),
        _("Status"),
        _("Acknowledged by"),
        _("Acknowledged at"),
        _("Policy note"),
        _("Sample grievances"),
    ]


def _issue_source(*, actor: User, filters: dict[str, Any]) -> Source:
    from nivaran.systemic.views import METHODS  # the page's names of the methods

    found = systemic.issue_list(actor=actor, filters=systemic.IssueFilters(**filters))
    hindi = get_language() == "hi"
    # The model's choices, whatever kinds the detector finds; labels translated once.
    kinds = {value: str(label) for value, label in IssueKind.choices}
    statuses = {value: str(label) for value, label in IssueStatus.choices}
    methods = {value: str(label) for value, label in METHODS.items()}
    state = _("Whole state")
    visible: set[str] = set()

    def before_chunk(chunk: list[tuple[Any, ...]]) -> None:
        """The chunk's sample numbers the owner may open, one query per LOOKUP numbers."""
        numbers = sorted({n for v in chunk for n in (v[-1] or []) if isinstance(n, str)})
        visible.clear()
        for start in range(0, len(numbers), LOOKUP):
            visible.update(
                systemic.visible_numbers(actor=actor, numbers=numbers[start : start + LOOKUP])
            )

    def row(v: tuple[Any, ...]) -> list[Cell]:
        (week, kind, cat_code, cat, cat_hi, dept, dept_hi, district, district_hi) = v[:9]
        (topic, count, baseline, p_value, method, status, by, at, note, samples) = v[9:]
        return [
            week,
            kinds.get(kind, kind),
            cat_code,
            local_name(hindi, cat, cat_hi),
            local_name(hindi, dept, dept_hi),
            local_name(hindi, district, district_hi) if district else state,
            topic,
            count,
            round(baseline, 2),
            p_value,
            methods.get(method, method),
            statuses.get(status, status),
            by or "",
            at,
            note,
            ", ".join(n for n in samples or [] if n in visible),
        ]

    return Source(rows=found.values_list(*ISSUE_FIELDS), row=row, before_chunk=before_chunk)


def _sees_systemic(user: User) -> bool:
    """Whoever the page and the API list issues for (`issues_visible_to`)."""
    return user.is_active and user.role != Role.SYSTEM and user.role in STATEWIDE_ROLES | POST_ROLES


SYSTEMIC_ISSUES = register(
    ExportKind(
        code="systemic_issues",
        title=gettext_lazy("Systemic issues"),
        filters=SystemicExportFilters,
        may_export=_sees_systemic,
        columns=_issue_columns,
        source=_issue_source,
    )
)
