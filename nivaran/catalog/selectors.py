from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category, CategoryChange
from nivaran.core.errors import PermissionDenied
from nivaran.grievances.models import Grievance
from nivaran.grievances.selectors import grievances_visible_to
from nivaran.grievances.workflow import PENDING
from nivaran.org.models import Department
from nivaran.org.selectors import departments_administered


def categories_for_intake(
    *, department: str | None = None, kind: str | None = None
) -> QuerySet[Category]:
    qs = Category.objects.filter(is_active=True, selectable=True).select_related(
        "department", "parent"
    )
    if department:
        qs = qs.filter(department__code=department)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("department__code", "code")


# --- Who keeps the category trees (H8) -------------------------------------------------

# Keep their own departments' trees: the administrative secretaries (the departments of the
# posts they hold); every department's: the platform administrator.
CATEGORY_KEEPERS = frozenset({Role.ADMINISTRATIVE_SECRETARY, Role.PLATFORM_ADMIN})
# Read their own departments' trees (the head of department) or every one (the CMO cell).
CATEGORY_READERS_OWN = frozenset({Role.HEAD_OF_DEPARTMENT})
CATEGORY_READERS_ALL = frozenset({Role.CMO_GRIEVANCE_CELL})


def category_departments_kept(*, actor: User) -> QuerySet[Department]:
    """The departments whose category tree `actor` may change."""
    if not actor.is_active or actor.role not in CATEGORY_KEEPERS:
        return Department.objects.none()
    return departments_administered(actor=actor)


def category_departments_readable(*, actor: User) -> QuerySet[Department]:
    """The departments whose category tree `actor` may read: those they keep, a head of
    department's own, and every one for the CMO grievance cell."""
    if not actor.is_active:
        return Department.objects.none()
    if actor.role in CATEGORY_READERS_ALL:
        return Department.objects.filter(is_active=True)
    if actor.role in CATEGORY_READERS_OWN:
        return departments_administered(actor=actor)
    return category_departments_kept(actor=actor)


def category_tree_check(*, actor: User, department: Department) -> None:
    if not category_departments_readable(actor=actor).filter(pk=department.pk).exists():
        raise PermissionDenied(
            _("The categories of %(department)s are kept by its administrative secretary.")
            % {"department": department.name}
        )


@dataclass
class CategoryNode:
    category: Category
    depth: int
    pending: int
    children: list[CategoryNode] = field(default_factory=list)


def pending_counts(*, department: Department) -> dict[int, int]:
    """Pending grievances per complaint type of the department (index `grv_dept`)."""
    rows = (
        Grievance.objects.filter(department=department, status__in=PENDING)
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["category_id"]: r["n"] for r in rows}


def category_tree(*, actor: User, department: Department) -> list[CategoryNode]:
    """The department's tree, depth first in code order, each node with its pending
    grievances; retired nodes included (they stay readable)."""
    category_tree_check(actor=actor, department=department)
    counts = pending_counts(department=department)
    nodes = {
        c.pk: CategoryNode(c, 0, counts.get(c.pk, 0))
        for c in Category.objects.filter(department=department).order_by("code")
    }
    roots: list[CategoryNode] = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id or 0)
        (parent.children if parent else roots).append(node)
    flat: list[CategoryNode] = []

    def walk(level: Sequence[CategoryNode], depth: int) -> None:
        for node in level:
            node.depth = depth
            flat.append(node)
            walk(node.children, depth + 1)

    walk(roots, 0)
    return flat


def grievances_to_move(*, actor: User, category: Category) -> QuerySet[Grievance]:
    """The pending grievances of a complaint type that a split or merge would move, among
    those the actor may see, oldest first."""
    return (
        grievances_visible_to(actor=actor)
        .filter(category=category, status__in=PENDING)
        .select_related("area", "assigned_post")
        .order_by("registered_at", "id")
    )


def category_changes(
    *, actor: User, department: Department, limit: int = 50
) -> list[CategoryChange]:
    """The latest changes of the department's tree, newest first."""
    category_tree_check(actor=actor, department=department)
    return list(
        CategoryChange.objects.filter(department=department)
        .select_related("category")
        .order_by("-at", "-id")[:limit]
    )


# --- The "Others" share (H9) ------------------------------------------------------------


@dataclass(frozen=True)
class MonthShare:
    month: date  # the first day of the month, in the platform's time zone
    total: int
    others: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.others / self.total, 1) if self.total else None


@dataclass(frozen=True)
class OthersShare:
    department_id: int
    months: list[MonthShare]
    # "up", "down" or "steady": the least-squares slope of the monthly share over the
    # months with any grievance, at least one percentage point a month either way to move;
    # None with fewer than two such months.
    trend: str | None
    slope: float | None  # percentage points per month


def _months_back(now: datetime, months: int) -> list[date]:
    local = timezone.localtime(now)
    year, month = local.year, local.month
    out = []
    for _n in range(months):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def _trend(months: Iterable[MonthShare]) -> tuple[str | None, float | None]:
    points = [(i, m.percent) for i, m in enumerate(months) if m.percent is not None]
    if len(points) < 2:
        return None, None
    n = len(points)
    mean_x = sum(x for x, _y in points) / n
    mean_y = sum(float(y) for _x, y in points if y is not None) / n
    sxx = sum((x - mean_x) ** 2 for x, _y in points)
    sxy = sum((x - mean_x) * (float(y) - mean_y) for x, y in points if y is not None)
    slope = round(sxy / sxx, 2)
    if slope >= 1:
        return "up", slope
    if slope <= -1:
        return "down", slope
    return "steady", slope


def others_share(
    *, department_ids: Sequence[int], months: int = 6, now: datetime
) -> dict[int, OthersShare]:
    """Each department's grievances registered per month, and how many under its "Others"
    type(s), for the current month and the `months - 1` before it (the current month so
    far), with the trend. One grouped query over the index `grv_dept_registered`
    (department, registered_at); plain data, so that rollups can replace the query."""
    firsts = _months_back(now, months)
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime(firsts[0].year, firsts[0].month, 1), tz)
    others_ids = list(
        Category.objects.filter(department_id__in=department_ids, is_others=True).values_list(
            "id", flat=True
        )
    )
    rows = (
        Grievance.objects.filter(
            department_id__in=department_ids, registered_at__gte=start, registered_at__lte=now
        )
        .annotate(month=TruncMonth("registered_at", tzinfo=tz))
        .values("department_id", "month")
        .annotate(total=Count("id"), others=Count("id", filter=Q(category_id__in=others_ids)))
        .order_by()
    )
    found: dict[tuple[int, date], tuple[int, int]] = {}
    for r in rows:
        month = r["month"]
        month = month.date() if isinstance(month, datetime) else month
        found[(r["department_id"], month)] = (r["total"], r["others"])
    result = {}
    for dept in department_ids:
        series = [MonthShare(m, *found.get((dept, m), (0, 0))) for m in firsts]
        trend, slope = _trend(series)
        result[dept] = OthersShare(dept, series, trend, slope)
    return result
