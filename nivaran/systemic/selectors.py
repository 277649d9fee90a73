"""Reads for systemic issues: the weekly counts the detector runs on, and the issues each
user may see. Every read is scoped to the acting user; grievances are only counted."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr, TruncWeek
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import POST_ROLES, STATEWIDE_ROLES, Role
from nivaran.catalog.models import Category
from nivaran.core.errors import NotFound, PermissionDenied
from nivaran.duplicates.normalise import text_terms
from nivaran.geo.models import Area
from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.org.models import Post
from nivaran.org.selectors import jurisdiction_q, user_jurisdictions
from nivaran.profiles.loader import active_profile
from nivaran.systemic.clusters import Text
from nivaran.systemic.detection import WEEK, Counts
from nivaran.systemic.models import SystemicIssue

# Who may acknowledge a department's issues (with a post of that department covering the
# issue's area), and who any issue.
DEPARTMENT_ACKNOWLEDGERS = frozenset(
    {Role.ADMINISTRATIVE_SECRETARY, Role.HEAD_OF_DEPARTMENT, Role.NODAL_OFFICER}
)
STATE_ACKNOWLEDGERS = frozenset({Role.CMO_GRIEVANCE_CELL})


def state_tz() -> tzinfo:
    """The state's time zone (the profile's): weeks run Monday to Sunday in it."""
    return active_profile().calendar.tz


def week_of(moment: datetime, tz: tzinfo | None = None) -> date:
    """The Monday of the week (in the state's time zone) that `moment` falls in."""
    local = moment.astimezone(tz or state_tz()).date()
    return local - timedelta(days=local.weekday())


def latest_complete_week(now: datetime, tz: tzinfo | None = None) -> date:
    return week_of(now, tz) - WEEK


def week_start(week: date, tz: tzinfo | None = None) -> datetime:
    return datetime.combine(week, time.min, tzinfo=tz or state_tz())


def district_path_expression() -> Substr:
    """The first two segments of `area_path` ("HR/HR-AMB/"), computed by the database."""
    first = StrIndex("area_path", Value("/"))
    second = StrIndex(Substr("area_path", first + 1), Value("/"))
    return Substr("area_path", 1, first + second)


def weekly_counts(*, first_week: date, last_week: date) -> Counts:
    """Registered grievances per (complaint type, district path) per week (its Monday),
    from `first_week` through `last_week`: one GROUP BY over the `registered_at` range
    (index `grv_recent`). Plain data, so rollups can feed the detector instead later."""
    tz = state_tz()
    rows = (
        Grievance.objects.filter(
            registered_at__gte=week_start(first_week, tz),
            registered_at__lt=week_start(last_week + WEEK, tz),
        )
        .order_by()
        .values("category_id")
        .annotate(district=district_path_expression(), week=TruncWeek("registered_at", tzinfo=tz))
        .values("category_id", "district", "week")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[int, str], dict[date, int]] = defaultdict(dict)
    for row in rows:
        week = row["week"]
        monday = week.astimezone(tz).date() if isinstance(week, datetime) else week
        cell = counts[(row["category_id"], row["district"])]
        cell[monday] = cell.get(monday, 0) + row["n"]
    return dict(counts)


def data_since() -> date | None:
    """The Monday of the week of the first registered grievance (None: there is none)."""
    first = Grievance.objects.aggregate(first=Min("registered_at"))["first"]
    return week_of(first) if first else None


def sample_numbers(
    *, category_id: int, district_paths: list[str], weeks: list[date], limit: int = 5
) -> list[str]:
    """A few grievance numbers of the cell(s) in those weeks, newest first."""
    tz = state_tz()
    where = Q(pk__in=[])
    for path in district_paths:
        where |= Q(area_path__startswith=path)
    numbers = (
        Grievance.objects.filter(
            where,
            category_id=category_id,
            registered_at__gte=week_start(min(weeks), tz),
            registered_at__lt=week_start(max(weeks) + WEEK, tz),
        )
        .exclude(number__isnull=True)
        .order_by("-registered_at", "-id")
        .values_list("number", flat=True)[:limit]
    )
    return [n for n in numbers if n]


def cluster_candidates(
    counts: Counts, *, tested: list[date], min_count: int, min_districts: int
) -> list[int]:
    """The complaint types whose texts may hold a cluster: in the tested weeks, at least
    `min_count` grievances in at least `min_districts` districts (from the weekly counts
    the detector already has, so the texts of other types are never read)."""
    weeks = set(tested)
    totals: dict[int, int] = defaultdict(int)
    districts: dict[int, set[str]] = defaultdict(set)
    for (category_id, district), per_week in counts.items():
        n = sum(c for w, c in per_week.items() if w in weeks)
        if n:
            totals[category_id] += n
            districts[category_id].add(district)
    return sorted(
        c for c, n in totals.items() if n >= min_count and len(districts[c]) >= min_districts
    )


def recategorised_types(*, since: date) -> set[int]:
    """The complaint types grievances were moved from or to (the category pages' split,
    merge and carve, through the `recategorise` action) since the Monday `since`. Only
    pending grievances move, so such a type's texts lean to the recent weeks whatever
    they say: its clusters would look new. One range over the history's `at` index."""
    codes: set[str] = set()
    moves = GrievanceEvent.objects.filter(
        at__gte=week_start(since), action="recategorise"
    ).values_list("data", flat=True)
    for data in moves.iterator(chunk_size=2000):
        codes.update(str(data.get(k, "")) for k in ("from_category", "to_category") if data)
    codes.discard("")
    return set(Category.objects.filter(code__in=codes).values_list("id", flat=True))


def cluster_texts(
    *, category_ids: list[int], first_week: date, last_week: date
) -> Iterator[tuple[int, Iterator[Text]]]:
    """Per complaint type (in id order), its grievances registered from `first_week`
    through `last_week` as the clustering reads them, newest first: one streamed query
    over the `registered_at` range, never the whole table, and one type's texts in memory
    at a time."""
    tz = state_tz()
    rows = (
        Grievance.objects.filter(
            category_id__in=category_ids,
            registered_at__gte=week_start(first_week, tz),
            registered_at__lt=week_start(last_week + WEEK, tz),
        )
        .annotate(district=district_path_expression())
        .order_by("category_id", "-registered_at", "-id")
        .values_list("category_id", "registered_at", "district", "number", "description")
        .iterator(chunk_size=2000)
    )

    def texts(group: Iterator[tuple[Any, ...]]) -> Iterator[Text]:
        for _category_id, registered_at, district, number, description in group:
            yield Text(
                terms=text_terms(description or ""),
                week=week_of(registered_at, tz),
                district=district,
                number=number or "",
            )

    for category_id, group in groupby(rows, key=itemgetter(0)):
        yield category_id, texts(group)


# --- Who sees which issue ------------------------------------------------------------


def issues_visible_to(*, actor: User) -> QuerySet[SystemicIssue]:
    """Statewide roles see every issue; post holders their departments x areas (a post with
    no department, as a District Magistrate's, every department in its area); others none
    (a citizen, a field validation executive: refused)."""
    if not actor.is_active:
        raise PermissionDenied(_("Systemic issues are for the state's officers."))
    qs = SystemicIssue.objects.all()
    if actor.role in STATEWIDE_ROLES:
        return qs
    if actor.role in POST_ROLES:
        return qs.filter(jurisdiction_q(user_jurisdictions(user=actor)))
    raise PermissionDenied(_("Systemic issues are for the state's officers."))


@dataclass(frozen=True)
class IssueFilters:
    status: str | None = None
    kind: str | None = None
    department: str | None = None  # a department's code
    district: str | None = None  # an area's code: issues inside it
    since: date | None = None  # weeks from this Monday on (a later day: its week on)


def issue_list(*, actor: User, filters: IssueFilters) -> QuerySet[SystemicIssue]:
    qs = issues_visible_to(actor=actor)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.district:
        area = Area.objects.filter(code=filters.district).only("path").first()
        qs = (
            qs.filter(area_path__startswith=area.path, district__isnull=False)
            if area
            else qs.none()
        )
    if filters.since:
        qs = qs.filter(week__gte=filters.since - timedelta(days=filters.since.weekday()))
    return qs.select_related("category", "department", "district", "acknowledged_by").order_by(
        "-week", "p_value", "id"
    )


MAX_ID = 2**63 - 1


def issue_get(*, actor: User, issue_id: int) -> SystemicIssue:
    if not 0 < issue_id <= MAX_ID:
        raise NotFound(_("No such systemic issue."))
    issue = (
        issues_visible_to(actor=actor)
        .select_related("category", "department", "district", "acknowledged_by")
        .filter(pk=issue_id)
        .first()
    )
    if issue is None:
        # Issue ids say nothing about a person: a 403 for one out of reach is no leak.
        if SystemicIssue.objects.filter(pk=issue_id).exists():
            raise PermissionDenied(_("This systemic issue is outside your jurisdiction."))
        raise NotFound(_("No such systemic issue."))
    return issue


def visible_numbers(*, actor: User, numbers: list[str]) -> set[str]:
    """Those of `numbers` whose grievance `actor` may open."""
    if not numbers:
        return set()
    found = grievances_visible_to(actor=actor).filter(number__in=numbers)
    return {n for n in found.values_list("number", flat=True) if n}


@dataclass(frozen=True)
class AcknowledgeReach:
    """Which issues a user may acknowledge: all, or (department, area path) pairs."""

    everything: bool
    posts: tuple[tuple[int, str], ...] = ()

    def covers(self, issue: SystemicIssue) -> bool:
        return self.everything or any(
            issue.department_id == department_id and issue.area_path.startswith(path)
            for department_id, path in self.posts
        )


def acknowledge_reach(*, actor: User) -> AcknowledgeReach:
    """The CMO grievance cell any issue; a department's administrative secretary, head of
    department or nodal officer the issues of that department within a post they hold."""
    if not actor.is_active:
        return AcknowledgeReach(everything=False)
    if actor.role in STATE_ACKNOWLEDGERS:
        return AcknowledgeReach(everything=True)
    if actor.role not in DEPARTMENT_ACKNOWLEDGERS:
        return AcknowledgeReach(everything=False)
    posts = Post.objects.filter(holder=actor, department__isnull=False).values_list(
        "department_id", "area__path"
    )
    return AcknowledgeReach(everything=False, posts=tuple((d, p) for d, p in posts if d))


def may_acknowledge(*, actor: User, issue: SystemicIssue) -> bool:
    return acknowledge_reach(actor=actor).covers(issue)
