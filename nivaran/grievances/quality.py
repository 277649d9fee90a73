"""Reads of the resolution-quality loop: the feedback desk's queue, the ATRs a senior
sees, the special-close review queue, and the counts per department and officer that
reviewers and the analytics read.

Writes happen only through the workflow door (nivaran.grievances.workflow).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone

from nivaran.accounts.models import User
from nivaran.accounts.roles import STATEWIDE_ROLES, Role
from nivaran.core.errors import PermissionDenied
from nivaran.grievances.models import (
    ActionTakenReport,
    AtrOutcome,
    FeedbackCall,
    FieldVisit,
    Grievance,
    ReviewOutcome,
    SpecialClose,
    Status,
)
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.org.models import Post
from nivaran.org.selectors import jurisdiction_q, user_jurisdictions
from nivaran.profiles.loader import active_profile

FEEDBACK_DESK = frozenset({Role.FEEDBACK_AGENT, Role.CMO_GRIEVANCE_CELL})


def feedback_queue(
    *, actor: User, now: datetime | None = None, due_only: bool = True
) -> QuerySet[ActionTakenReport]:
    """ATRs waiting for the citizen's word, oldest call first (H6, U1).

    `due_only` leaves out those whose next attempt (after an unanswered call) is later.
    """
    if actor.role not in FEEDBACK_DESK or not actor.is_active:
        raise PermissionDenied("Only the feedback desk works the feedback queue.")
    now = now or timezone.now()
    qs = ActionTakenReport.objects.filter(
        outcome=AtrOutcome.AWAITING, grievance__status=Status.ATR_SUBMITTED
    )
    if due_only:
        qs = qs.filter(next_call_at__lte=now)
    return qs.select_related(
        "grievance__citizen", "grievance__category", "grievance__area", "department", "submitted_by"
    ).order_by("next_call_at", "id")


def feedback_of(*, grievance: Grievance) -> QuerySet[FeedbackCall]:
    """Every earlier feedback on a grievance, as an officer must see it before an ATR (H5)."""
    return grievance.feedback.select_related("taken_by", "atr").order_by("at", "id")


def atrs_of(*, grievance: Grievance) -> QuerySet[ActionTakenReport]:
    return (
        grievance.atrs.select_related("submitted_by", "post", "senior_post")
        .prefetch_related("documents")
        .order_by("submitted_at", "id")
    )


def special_closes_of(*, grievance: Grievance) -> QuerySet[SpecialClose]:
    """A grievance's special closes with their reviews (the grievance is already scoped)."""
    return grievance.special_closes.select_related("closed_by", "reviewed_by").order_by(
        "closed_at", "id"
    )


def field_visits_of(*, grievance: Grievance) -> QuerySet[FieldVisit]:
    return grievance.field_visits.select_related("executive").order_by("picked_at", "id")


def atrs_for_senior(*, actor: User) -> QuerySet[ActionTakenReport]:
    """ATRs submitted by the officers one level below the posts the actor holds (H6)."""
    posts = list(Post.objects.filter(holder=actor).values_list("id", flat=True))
    return (
        ActionTakenReport.objects.filter(senior_post_id__in=posts)
        .select_related("grievance", "submitted_by", "post")
        .order_by("-submitted_at", "-id")
    )


def special_close_queue(*, actor: User) -> QuerySet[SpecialClose]:
    """Special closes awaiting the profile's reviewer (U3), within what the actor sees."""
    if actor.role != active_profile().special_close_reviewer:
        raise PermissionDenied("Your role does not review special closes in this state.")
    visible = grievances_visible_to(actor=actor).values("id")
    return (
        SpecialClose.objects.filter(review=ReviewOutcome.PENDING, grievance_id__in=visible)
        .select_related("grievance__category", "grievance__area", "department", "closed_by")
        .order_by("closed_at", "id")
    )


@dataclass(frozen=True)
class QualityCounts:
    """One row of quality counts: a department, or an officer within one."""

    key: str  # department code, or the officer's username
    name: str
    atrs: int
    conflicts: int
    recalls: int
    special_closes: int
    special_closes_reverted: int
    closures: int  # grievances closed with the citizen's consent

    @property
    def special_close_share(self) -> float:
        """Special closes as a share of all closures by this department or officer."""
        total = self.closures + self.special_closes
        return self.special_closes / total if total else 0.0


def _full_name(user: str) -> Concat:
    return Concat(F(f"{user}__first_name"), Value(" "), F(f"{user}__last_name"))


def _window(field: str, since: datetime | None, until: datetime | None) -> Q:
    q = Q()
    if since is not None:
        q &= Q(**{f"{field}__gte": since})
    if until is not None:
        q &= Q(**{f"{field}__lt": until})
    return q


def quality_scope(*, actor: User) -> Q | None:
    """What of the counts the actor may read, as a filter on the counted rows; None: all.

    Statewide staff read everything; an officer (an administrative secretary reviewing
    special closes, say) reads the grievances within their posts' department x area.
    """
    if actor.role in STATEWIDE_ROLES:
        return None
    return jurisdiction_q(user_jurisdictions(user=actor), prefix="grievance__")


def quality_counts_by_department(
    *,
    within: Q | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[QualityCounts]:
    """Conflicts, recalls, special closes and closures per department (H7, U3, W7);
    only those matching `within` (see `quality_scope`) when given.

    A handful of grouped queries over the ATR and special-close rows, whatever the size.
    """
    return _counts(by="department", within=within, since=since, until=until)


def quality_counts_by_officer(
    *,
    department_code: str | None = None,
    within: Q | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[QualityCounts]:
    """The same counts per officer: who submitted the ATR, or who special-closed."""
    return _counts(
        by="officer",
        department_code=department_code,
        within=within,
        since=since,
        until=until,
    )


def _counts(
    *,
    by: str,
    department_code: str | None = None,
    within: Q | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[QualityCounts]:
    atr_who = "department__code" if by == "department" else "submitted_by__username"
    atr_name = F("department__name") if by == "department" else _full_name("submitted_by")
    spc_who = "department__code" if by == "department" else "closed_by__username"
    spc_name = F("department__name") if by == "department" else _full_name("closed_by")
    atrs = ActionTakenReport.objects.filter(_window("submitted_at", since, until))
    spcs = SpecialClose.objects.filter(_window("closed_at", since, until))
    if department_code:
        atrs = atrs.filter(department__code=department_code)
        spcs = spcs.filter(department__code=department_code)
    if within is not None:
        atrs = atrs.filter(within)
        spcs = spcs.filter(within)
    rows: dict[str, dict[str, object]] = {}

    def row(key: str, name: str) -> dict[str, object]:
        return rows.setdefault(
            key,
            {
                "key": key,
                "name": name.strip() or key,
                "atrs": 0,
                "conflicts": 0,
                "recalls": 0,
                "special_closes": 0,
                "special_closes_reverted": 0,
                "closures": 0,
            },
        )

    for item in atrs.values(key=F(atr_who), label=atr_name).annotate(
        atrs=Count("id"),
        conflicts=Count("id", filter=Q(outcome=AtrOutcome.CONFLICT)),
        recalls=Count("id", filter=Q(outcome=AtrOutcome.RECALLED)),
        closures=Count("id", filter=Q(outcome=AtrOutcome.SATISFIED)),
    ):
        r = row(item["key"], item["label"])
        for name in ("atrs", "conflicts", "recalls", "closures"):
            r[name] = item[name]
    for item in spcs.values(key=F(spc_who), label=spc_name).annotate(
        total=Count("id"), reverted=Count("id", filter=Q(review=ReviewOutcome.REVERTED))
    ):
        r = row(item["key"], item["label"])
        r["special_closes"] = item["total"]
        r["special_closes_reverted"] = item["reverted"]
    return sorted(
        (QualityCounts(**values) for values in rows.values()),  # type: ignore[arg-type]
        key=lambda c: (-c.conflicts - c.recalls - c.special_closes, c.key),
    )
