"""Reads over the organisation: level chains, jurisdictions, nodal officers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.core.errors import PermissionDenied
from nivaran.geo.models import Area
from nivaran.org.models import (
    Department,
    FieldCoverage,
    LevelMapping,
    NodalAppointment,
    NodalScope,
    Post,
)


@dataclass(frozen=True)
class Jurisdiction:
    department_id: int | None  # None: every department
    area_path: str


def user_jurisdictions(*, user: User) -> list[Jurisdiction]:
    return [
        Jurisdiction(department_id=p.department_id, area_path=p.area.path)
        for p in Post.objects.filter(holder=user).select_related("area")
    ]


def jurisdiction_q(jurisdictions: list[Jurisdiction], *, prefix: str = "") -> Q:
    """A filter matching rows (with department and area_path) inside any of the jurisdictions."""
    q = Q(pk__in=[])
    for j in jurisdictions:
        part = Q(**{f"{prefix}area_path__startswith": j.area_path})
        if j.department_id is not None:
            part &= Q(**{f"{prefix}department_id": j.department_id})
        q |= part
    return q


def jurisdiction_covers(
    jurisdictions: list[Jurisdiction], *, department_id: int, area_path: str
) -> bool:
    return any(
        (j.department_id is None or j.department_id == department_id)
        and area_path.startswith(j.area_path)
        for j in jurisdictions
    )


class LevelResolver:
    """Answers "which post is level N for this grievance" from one load of the mappings.

    The most specific mapping wins: the grievance's category, then its nearest
    ancestor category, then none; within that, the nearest enclosing area.
    """

    def __init__(self, *, department_id: int | None = None) -> None:
        self._rows: dict[tuple[int, int], list[tuple[int | None, str, Post]]] = defaultdict(list)
        mappings = LevelMapping.objects.select_related("post", "post__holder", "area")
        if department_id is not None:
            mappings = mappings.filter(department_id=department_id)
        for m in mappings:
            self._rows[(m.department_id, m.level)].append(
                (m.category_id, m.area.path if m.area else "", m.post)
            )
        self._parent: dict[int, int | None] = dict(Category.objects.values_list("id", "parent_id"))

    def category_chain(self, category_id: int) -> list[int | None]:
        chain: list[int | None] = []
        current: int | None = category_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self._parent.get(current)
        chain.append(None)
        return chain

    def post_for(
        self, *, department_id: int, area_path: str, category_id: int, level: int
    ) -> Post | None:
        candidates = self._rows.get((department_id, level), [])
        for cat in self.category_chain(category_id):
            best: tuple[int, Post] | None = None
            for row_cat, row_path, post in candidates:
                fits = row_cat == cat and area_path.startswith(row_path)
                if fits and (best is None or len(row_path) > best[0]):
                    best = (len(row_path), post)
            if best:
                return best[1]
        return None

    def level_of(
        self, *, user: User, department_id: int, area_path: str, category_id: int
    ) -> int | None:
        """The level at which `user` sits on this grievance's chain, if any (highest wins)."""
        found = None
        for level in range(1, 5):
            post = self.post_for(
                department_id=department_id,
                area_path=area_path,
                category_id=category_id,
                level=level,
            )
            if post is not None and post.holder_id == user.pk:
                found = level
        return found


def nodal_officer_for_department(*, department_id: int) -> Post | None:
    appointment = (
        NodalAppointment.objects.filter(scope=NodalScope.DEPARTMENT, department_id=department_id)
        .select_related("post__holder")
        .first()
    )
    return appointment.post if appointment else None


def field_paths(actor: User) -> list[str]:
    """Area paths of the districts a field validation executive covers (W7, W8); the
    user's own area counts too, for an executive set up before coverage was kept."""
    if not actor.is_active:
        return []
    paths = list(
        FieldCoverage.objects.filter(executive=actor).values_list("district__path", flat=True)
    )
    if actor.area_id is not None and actor.area is not None:
        paths.append(actor.area.path)
    return paths


# --- The directory (W4): who serves what, for integrators ------------------------------------


def directory_shows_holders(*, actor: User) -> bool:
    """Post holders (usernames, names) are for staff: every role but the citizen."""
    return actor.is_active and actor.role not in {Role.CITIZEN, Role.SYSTEM}


def departments_directory() -> QuerySet[Department]:
    return Department.objects.filter(is_active=True).order_by("code")


@dataclass(frozen=True)
class PostFilters:
    department: str | None = None
    area: str | None = None  # the area or any area below it
    level: int | None = None  # posts mapped at this level
    vacant: bool | None = None


def posts_directory(*, actor: User, filters: PostFilters) -> QuerySet[Post]:
    """The posts with their level mappings, for staff only (a citizen's business with the
    state goes through a grievance, not through a named officer)."""
    if not directory_shows_holders(actor=actor):
        raise PermissionDenied("The directory of posts is for staff; citizens see departments.")
    qs = Post.objects.select_related("designation", "department", "area", "holder")
    if filters.department:
        qs = qs.filter(department__code=filters.department)
    if filters.area:
        area = Area.objects.filter(code=filters.area).only("path").first()
        qs = qs.filter(area__path__startswith=area.path) if area else qs.none()
    if filters.level:
        qs = qs.filter(level_mappings__level=filters.level).distinct()
    if filters.vacant is not None:
        qs = qs.filter(holder__isnull=filters.vacant)
    mappings = LevelMapping.objects.select_related("department", "area", "category").order_by(
        "level", "department__code", "id"
    )
    return qs.prefetch_related(Prefetch("level_mappings", queryset=mappings)).order_by("code")
