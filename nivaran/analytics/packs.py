"""The weekly review pack (U6): one department's or one district's week, from the rollups.

What is pending by age and by level at the week's end, the week's flows, the types
most complained about (and the share under "Others"), the subject's place in the
ranking with its movement, and its officers worst first. The page, the Excel file,
the PDF and the API all render the one `Pack` this module computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import STATEWIDE_ROLES, Role
from nivaran.analytics.models import DailyFigure, PendingSnapshot
from nivaran.analytics.ranking import (
    FIRST_YEAR,
    LAST_YEAR,
    Entry,
    Period,
    acts,
    ranking_compute,
)
from nivaran.analytics.rollups import local_day
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied
from nivaran.geo.models import Area
from nivaran.org.models import Department, Post
from nivaran.systemic.models import IssueKind
from nivaran.systemic.selectors import IssueFilters, issue_list

KINDS = ("department", "district")
PACK_ROLES = frozenset({Role.HEAD_OF_DEPARTMENT, Role.ADMINISTRATIVE_SECRETARY, Role.NODAL_OFFICER})
AGE_LABELS: tuple[tuple[str, Promise], ...] = (
    ("age_0_7", _("Up to 7 days")),
    ("age_8_15", _("8 to 15 days")),
    ("age_16_30", _("16 to 30 days")),
    ("age_31_50", _("31 to 50 days")),
    ("age_over_50", _("Over 50 days")),
)
WEEK_FLOWS: tuple[tuple[str, Promise], ...] = (
    ("registered", _("Registered")),
    ("disposed", _("Disposed")),
    ("disposed_in_time", _("Disposed within the deadline")),
    ("satisfied", _("Closed with the citizen satisfied")),
    ("feedback_answered", _("Feedback answered")),
    ("special_closed", _("Special closes")),
    ("rejected", _("Rejected")),
    ("reopened", _("Reopened by the citizen")),
    ("conflicts", _("Conflicts")),
    ("recalled", _("Recalled after a field visit")),
    ("escalated", _("Escalated by the sweep")),
)
TOP_CATEGORIES = 10
OFFICERS_SHOWN = 15


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int
    code: str
    name: str

    @property
    def within(self) -> dict[str, int]:
        return {f"{self.kind}_id": self.id}


@dataclass
class CategoryRow:
    code: str
    name: str
    registered: int
    share: float
    is_others: bool


@dataclass
class IssueRow:
    kind: str
    kind_label: str
    category: str
    district: str | None
    count: int
    baseline: float
    acknowledged: bool


@dataclass
class Pack:
    subject: Subject
    week: Period
    generated_at: datetime
    flows: list[tuple[str, str, int]]  # (code, label, count)
    pending_as_of: date | None
    pending: int
    age_buckets: list[tuple[str, str, int]]
    levels: list[dict[str, int]]  # level, waiting, overdue
    top_categories: list[CategoryRow]
    others_share: float | None
    standing: Entry | None  # the subject in the ranking of its kind
    standing_of: int  # how many are ranked
    officers: list[Entry]
    systemic: list[IssueRow]


def _hindi() -> bool:
    return (get_language() or "en").startswith("hi")


def named(obj: Department | Area | Category) -> str:
    if _hindi() and obj.name_hi:
        return str(obj.name_hi)
    return str(obj.name)


def week_parse(text: str | None, *, today: date) -> Period:
    """The week (Monday to Sunday) holding the day given; by default the last complete one."""
    if text:
        try:
            day = date.fromisoformat(text)
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                raise ValueError
        except ValueError:
            raise InvalidInput(
                gettext("The week must be a date, YYYY-MM-DD."),
                fields={"week": [gettext("A day of the week, e.g. 2026-11-23.")]},
            ) from None
    else:
        day = today - timedelta(days=today.weekday() + 7)
    start = day - timedelta(days=day.weekday())
    return Period(start=start, end=start + timedelta(days=6))


def department_wide_posts(actor: User) -> QuerySet[Post]:
    """The actor's posts that cover a whole department (a post at the state's level): a
    department's pack and drives are for those, not for a post of one district."""
    return Post.objects.filter(holder=actor, department__isnull=False, area__parent__isnull=True)


def pack_subjects(*, actor: User) -> list[Subject]:
    """The departments and districts whose pack the actor may open."""
    if not acts(actor) or actor.role == Role.CITIZEN:
        return []
    departments = Department.objects.filter(is_active=True)
    districts = Area.objects.filter(type="district")
    if actor.role in STATEWIDE_ROLES:
        pass
    elif actor.role in PACK_ROLES:
        mine = department_wide_posts(actor).values_list("department_id")
        departments, districts = departments.filter(pk__in=mine), districts.none()
    elif actor.role == Role.DISTRICT_ADMINISTRATION:
        paths = list(Post.objects.filter(holder=actor).values_list("area__path", flat=True))
        covered = Q(pk__in=[])
        for path in paths:
            covered |= Q(path__startswith=path) | Q(pk__in=_district_above(path))
        departments, districts = departments.none(), districts.filter(covered)
    else:
        return []
    return [
        *(Subject("department", d.pk, d.code, named(d)) for d in departments.order_by("code")),
        *(Subject("district", a.pk, a.code, named(a)) for a in districts.order_by("code")),
    ]


def _district_above(path: str) -> list[int]:
    parts = path.split("/")
    if len(parts) <= 3:
        return []
    return list(Area.objects.filter(path="/".join(parts[:2]) + "/").values_list("pk", flat=True))


def pack_subject(*, actor: User, kind: str, code: str) -> Subject:
    if kind not in KINDS:
        raise NotFound(gettext("There is no such pack."))
    for subject in pack_subjects(actor=actor):
        if subject.kind == kind and subject.code == code:
            return subject
    if actor.role == Role.CITIZEN or not acts(actor) or not pack_subjects(actor=actor):
        raise PermissionDenied(
            gettext(
                "Weekly packs are for the departments' heads, secretaries and nodal "
                "officers, the district administration and statewide roles."
            )
        )
    raise NotFound(gettext("There is no such pack within your reach."))


def weekly_pack(*, actor: User, subject: Subject, week: Period) -> Pack:
    within = subject.within
    flows = DailyFigure.objects.filter(day__gte=week.start, day__lte=week.end, **within).aggregate(
        **{code: Sum(code) for code, _label in WEEK_FLOWS}
    )
    ranking = ranking_compute(actor=actor, scope=subject.kind, period=week)
    standing = next((e for e in ranking.entries if e.key == subject.code), None)
    officers = ranking_compute(actor=actor, scope="officer", period=week, within=within)
    snap_day = ranking.pending_as_of
    snapshot = PendingSnapshot.objects.filter(day=snap_day, **within) if snap_day else None
    ages = (
        snapshot.aggregate(**{code: Sum(code) for code, _label in AGE_LABELS})
        if snapshot is not None
        else {}
    )
    levels = (
        list(
            snapshot.values("level")
            .annotate(waiting=Sum("waiting"), overdue=Sum("overdue"), pending=Sum("pending"))
            .order_by("level")
        )
        if snapshot is not None
        else []
    )
    categories, others = _top_categories(week, within)
    return Pack(
        subject=subject,
        week=week,
        generated_at=timezone.now(),
        flows=[(code, str(label), flows[code] or 0) for code, label in WEEK_FLOWS],
        pending_as_of=snap_day,
        pending=sum(v or 0 for v in ages.values()),
        age_buckets=[(code, str(label), ages.get(code) or 0) for code, label in AGE_LABELS],
        levels=levels,
        top_categories=categories,
        others_share=others,
        standing=standing,
        standing_of=sum(1 for e in ranking.entries if e.score is not None),
        officers=officers.entries[:OFFICERS_SHOWN],
        systemic=_systemic(actor, subject, week),
    )


def _systemic(actor: User, subject: Subject, week: Period) -> list[IssueRow]:
    """The systemic issues detected in the week within the subject (U4, B4), as far as
    the actor may see them."""
    filters = (
        IssueFilters(department=subject.code, since=week.start)
        if subject.kind == "department"
        else IssueFilters(district=subject.code, since=week.start)
    )
    try:
        issues = issue_list(actor=actor, filters=filters).filter(week=week.start)[:20]
    except PermissionDenied:
        return []
    return [
        IssueRow(
            kind=i.kind,
            kind_label=str(IssueKind(i.kind).label),
            category=named(i.category),
            district=named(i.district) if i.district else None,
            count=i.count,
            baseline=round(i.baseline, 1),
            acknowledged=i.status != "open",
        )
        for i in issues
    ]


def _top_categories(week: Period, within: dict[str, int]) -> tuple[list[CategoryRow], float | None]:
    rows = list(
        DailyFigure.objects.filter(day__gte=week.start, day__lte=week.end, **within)
        .values("category_id")
        .annotate(n=Sum("registered"))
        .filter(n__gt=0)
        .order_by("-n", "category_id")
    )
    total = sum(r["n"] for r in rows)
    if not total:
        return [], None
    names = {c.pk: c for c in Category.objects.filter(pk__in=[r["category_id"] for r in rows])}
    others = sum(r["n"] for r in rows if names[r["category_id"]].is_others)
    top = [
        CategoryRow(
            code=names[r["category_id"]].code,
            name=named(names[r["category_id"]]),
            registered=r["n"],
            share=round(r["n"] / total, 4),
            is_others=names[r["category_id"]].is_others,
        )
        for r in rows[:TOP_CATEGORIES]
    ]
    return top, round(others / total, 4)


def default_week() -> Period:
    return week_parse(None, today=local_day(timezone.now()))
