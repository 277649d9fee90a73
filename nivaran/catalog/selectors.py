from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category, CategoryChange
from nivaran.catalog.versions import tree_version
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


def categories_suggestible(
    *, ids: Iterable[int] | None = None, kind: str | None = None
) -> QuerySet[Category]:
    """The complaint types the category suggester may propose (B3): open, selectable and
    not an "Others" type; a retired type is never proposed, whatever a model learnt."""
    qs = Category.objects.filter(is_active=True, selectable=True, is_others=False)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("parent", "department")


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


@dataclass(frozen=True)
class PendingCounts:
    """Pending grievances per complaint type of a department, as counted at `at`."""

    counts: dict[int, int]
    at: datetime


def _count_pending(department: Department) -> dict[int, int]:
    rows = (
        Grievance.objects.filter(department=department, status__in=PENDING)
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["category_id"]: r["n"] for r in rows}


def pending_counts(*, department: Department, now: datetime | None = None) -> PendingCounts:
    """Pending grievances per complaint type of the department (index `grv_dept`), from
    the cache: counted again after a write of the department's tree (the cache key carries
    the tree's version, `catalog.versions`) and at the latest when the counts are
    `NIVARAN_CATALOG_COUNTS_SECONDS` old (grievances lodged, closed or transferred since
    are not a tree write). The counts are the department's, whoever reads them: the pages
    that show them check first that the reader may read the tree."""
    now = now or timezone.now()
    ttl = settings.NIVARAN_CATALOG_COUNTS_SECONDS
    key = f"catalog:pending:{department.pk}:{tree_version(department_id=department.pk)}"
    hit = cache.get(key) if ttl > 0 else None
    if hit is not None and timedelta(0) <= now - hit.at < timedelta(seconds=ttl):
        assert isinstance(hit, PendingCounts)
        return hit
    counted = PendingCounts(counts=_count_pending(department), at=now)
    if ttl > 0:
        cache.set(key, counted, timeout=ttl)
    return counted


def category_tree(
    *, actor: User, department: Department, counts: PendingCounts | None = None
) -> list[CategoryNode]:
    """The department's tree, depth first in code order, each node with its pending
    grievances (`counts`, or `pending_counts` read here); retired nodes included (they
    stay readable)."""
    category_tree_check(actor=actor, department=department)
    pending = (counts or pending_counts(department=department)).counts
    nodes = {
        c.pk: CategoryNode(c, 0, pending.get(c.pk, 0))
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
