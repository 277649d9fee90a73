"""Reads over the organisation: level chains, jurisdictions, nodal officers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.catalog.models import Category
from nivaran.core.errors import PermissionDenied
from nivaran.core.versions import KeyedCopy
from nivaran.geo.models import Area
from nivaran.org.apps import MAPPINGS_VERSION
from nivaran.org.models import (
    Department,
    FieldCoverage,
    LevelMapping,
    NodalAppointment,
    NodalScope,
    Office,
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


Row = tuple[int | None, str, Post]  # (category id or None, area path or "", post)


class LevelResolver:
    """Answers "which post is level N for this grievance".

    The most specific mapping wins: the grievance's category, then its nearest
    ancestor category, then none; within that, the nearest enclosing area.

    By default it reads what each question needs and keeps it: for a department and an
    area path, the mappings of that area's ancestors (and the whole state) at every level
    (one indexed query, kept per process until a mapping or an area is written) and their
    posts with their holders (one query by primary key, always fresh), and the category's
    ancestors one step at a time unless the category came with its parent. A registration
    or a workflow action then costs one or two small queries, whatever the number of
    posts, areas and mappings of the state. `preloaded()` loads every
    mapping at once instead, for the batch jobs that ask about thousands of grievances
    (the sweep, bulk intake, the mapping checks).
    """

    def __init__(self, *, department_id: int | None = None, preload: bool = False) -> None:
        self._department_id = department_id
        self._preloaded = preload
        # Preloaded: (department, level) -> every row; lazy: (department, area path) ->
        # level -> the rows of that area's ancestors.
        self._rows: dict[tuple[int, int], list[Row]] = defaultdict(list)
        self._near: dict[tuple[int, str], dict[int, list[Row]]] = {}
        self._parent: dict[int, int | None] = {}
        if preload:
            mappings = LevelMapping.objects.select_related(
                "post", "post__holder", "post__designation", "area"
            )
            if department_id is not None:
                mappings = mappings.filter(department_id=department_id)
            for m in mappings:
                self._rows[(m.department_id, m.level)].append(
                    (m.category_id, m.area.path if m.area else "", m.post)
                )
            categories = Category.objects.all()
            if department_id is not None:
                categories = categories.filter(department_id=department_id)
            self._parent = dict(categories.values_list("id", "parent_id"))

    @classmethod
    def preloaded(cls, *, department_id: int | None = None) -> LevelResolver:
        return cls(department_id=department_id, preload=True)

    def _candidates(self, department_id: int, area_path: str, level: int) -> list[Row]:
        if self._preloaded:
            return self._rows.get((department_id, level), [])
        key = (department_id, area_path)
        if key not in self._near:
            near = _near_mappings.get(key)
            # The posts are read afresh (who holds them changes without a mapping write).
            posts = Post.objects.select_related("holder").in_bulk(
                {post_id for rows in near.values() for _c, _p, post_id in rows}
            )
            self._near[key] = {
                level: [(c, p, posts[post_id]) for c, p, post_id in rows if post_id in posts]
                for level, rows in near.items()
            }
        return self._near[key].get(level, [])

    def knows(self, category: Category) -> LevelResolver:
        """Take a loaded category's parent from it rather than from a query, and its
        parent's parent when the parent was loaded with it (`select_related("parent")`)."""
        current: Category | None = category
        while current is not None:
            self._parent.setdefault(current.pk, current.parent_id)
            loaded = current._state.fields_cache.get("parent")
            current = loaded if isinstance(loaded, Category) else None
        return self

    def _parent_of(self, category_id: int) -> int | None:
        if category_id not in self._parent:
            if self._preloaded and self._department_id is None:
                return None  # every category was loaded: this one does not exist
            self._parent.update(
                Category.objects.filter(pk=category_id).order_by().values_list("id", "parent_id")
            )
            self._parent.setdefault(category_id, None)
        return self._parent[category_id]

    def category_chain(self, category_id: int | None) -> list[int | None]:
        chain: list[int | None] = []
        current: int | None = category_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self._parent_of(current)
        chain.append(None)
        return chain

    def post_for(
        self, *, department_id: int, area_path: str, category_id: int | None, level: int
    ) -> Post | None:
        candidates = self._candidates(department_id, area_path, level)
        if not candidates:
            return None
        for cat in self.category_chain(category_id):
            best: tuple[int, Post] | None = None
            for row_cat, row_path, post in candidates:
                fits = row_cat == cat and area_path.startswith(row_path)
                if fits and (best is None or len(row_path) > best[0]):
                    best = (len(row_path), post)
            if best:
                return best[1]
        return None

    def chain(
        self, *, department_id: int, area_path: str, category_id: int | None
    ) -> list[Post | None]:
        """The posts at L1..L4 for a department x area (x complaint type; None: any type)."""
        return [
            self.post_for(
                department_id=department_id,
                area_path=area_path,
                category_id=category_id,
                level=level,
            )
            for level in range(1, 5)
        ]

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


def _read_near_mappings(key: tuple[int, str]) -> dict[int, list[tuple[int | None, str, int]]]:
    """level -> (category, area path, post) of the department's mappings for the area's
    ancestors and for the whole state: one indexed query."""
    department_id, area_path = key
    near: dict[int, list[tuple[int | None, str, int]]] = defaultdict(list)
    rows = (
        LevelMapping.objects.using(DEFAULT_DB_ALIAS)  # kept per process: from the primary
        .filter(department_id=department_id)
        .filter(Q(area__isnull=True) | Q(area__path__in=ancestor_paths(area_path)))
        .order_by()
        .values_list("level", "category_id", "area__path", "post_id")
    )
    for level, category_id, path, post_id in rows:
        near[level].append((category_id, path or "", post_id))
    return dict(near)


# Kept per process until a mapping or an area is written (org.apps tracks both).
_near_mappings = KeyedCopy(MAPPINGS_VERSION, _read_near_mappings)


def ancestor_paths(area_path: str) -> list[str]:
    """The paths of an area and of the areas enclosing it: "HR/HR-AMB/" gives "HR/" and
    "HR/HR-AMB/" (a mapping's area fits when the grievance's path starts with its)."""
    parts = [p for p in area_path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


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


# --- Who keeps the organisation (U2, W9, W10): the mapping editor, gaps, nodal officers ------

# The department's own administrators: the head of department and the administrative
# secretary, each for the departments of the posts they hold.
DEPARTMENT_ADMIN_ROLES = frozenset({Role.HEAD_OF_DEPARTMENT, Role.ADMINISTRATIVE_SECRETARY})
# Keep every department's mapping and every nodal appointment.
ORG_ADMIN_ROLES = frozenset({Role.PLATFORM_ADMIN})
# Read every department's gaps and the nodal directory (W9: names shared with the cell).
ORG_READER_ROLES = frozenset({Role.PLATFORM_ADMIN, Role.CMO_GRIEVANCE_CELL})


def departments_administered(*, actor: User) -> QuerySet[Department]:
    """The departments whose level mapping `actor` may change."""
    if not actor.is_active:
        return Department.objects.none()
    if actor.role in ORG_ADMIN_ROLES:
        return Department.objects.filter(is_active=True)
    if actor.role in DEPARTMENT_ADMIN_ROLES:
        return Department.objects.filter(is_active=True, posts__holder=actor).distinct()
    return Department.objects.none()


def departments_reported_to(*, actor: User) -> QuerySet[Department]:
    """The departments whose gaps report `actor` may read."""
    if actor.is_active and actor.role in ORG_READER_ROLES:
        return Department.objects.filter(is_active=True)
    return departments_administered(actor=actor)


def mapping_rows(*, actor: User, department: Department) -> QuerySet[LevelMapping]:
    """A department's mapping rows, for one of its administrators."""
    if not departments_administered(actor=actor).filter(pk=department.pk).exists():
        raise PermissionDenied(
            _(
                "Only %(department)s's head of department and administrative secretary keep its "
                "level mapping."
            )
            % {"department": department.name}
        )
    return (
        LevelMapping.objects.filter(department=department)
        .select_related("area", "category", "post__designation", "post__holder", "post__area")
        .order_by("area__path", "category__code", "level")
    )


def mapping_posts(*, department: Department) -> QuerySet[Post]:
    """The posts that may be mapped for a department: its own and the department-less ones
    (a district magistrate's)."""
    return (
        Post.objects.filter(Q(department=department) | Q(department__isnull=True))
        .select_related("designation", "area", "holder")
        .order_by("area__path", "-designation__rank", "code")
    )


def vacant_posts(*, department_ids: list[int] | None) -> QuerySet[Post]:
    """Posts without a holder: every one for the state's readers, a department's own for its
    administrators."""
    qs = Post.objects.filter(holder__isnull=True).select_related(
        "designation", "department", "area"
    )
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return qs.order_by("department__code", "area__path", "code")


def district_heads(*, district: Area) -> list[Post]:
    """The senior-most posts of the district administration (no department) in the district:
    the District Magistrate, who appoints the district's nodal officer (W10). Seniority is
    the designation's rank, data, not a name."""
    posts = list(
        Post.objects.filter(
            department__isnull=True, area=district, holder__isnull=False
        ).select_related("designation")
    )
    top = max((p.designation.rank for p in posts), default=None)
    return [p for p in posts if p.designation.rank == top]


def office_heads(*, office: Office) -> list[Post]:
    """The senior-most posts of an office (the CP or SP of a police office, W10)."""
    posts = list(office.posts.filter(holder__isnull=False).select_related("designation"))
    top = max((p.designation.rank for p in posts), default=None)
    return [p for p in posts if p.designation.rank == top]


def nodal_appointments_managed(*, actor: User) -> list[NodalAppointmentTarget]:
    """Every department, district and office whose nodal officer `actor` appoints: the head
    of department for the department (W9), the District Magistrate for the district, the CP
    or SP for their office (W10); the platform administrator for all."""
    if not actor.is_active:
        return []
    everything = actor.role in ORG_ADMIN_ROLES
    targets: list[NodalAppointmentTarget] = []
    departments = Department.objects.filter(is_active=True).order_by("code")
    if not everything:
        departments = (
            departments.filter(posts__holder=actor, posts__is_head_of_department=True).distinct()
            if actor.role == Role.HEAD_OF_DEPARTMENT
            else departments.none()
        )
    targets += [
        NodalAppointmentTarget(NodalScope.DEPARTMENT, d.code, d.name, d) for d in departments
    ]
    districts = Area.objects.filter(type="district").order_by("code")
    if not everything:
        held = Post.objects.filter(holder=actor, department__isnull=True, area__type="district")
        districts = districts.filter(pk__in=held.values("area_id"))
    for district in districts:
        if everything or any(p.holder_id == actor.pk for p in district_heads(district=district)):
            targets.append(
                NodalAppointmentTarget(NodalScope.DISTRICT, district.code, district.name, district)
            )
    offices = Office.objects.order_by("code")
    if not everything:
        offices = offices.filter(posts__holder=actor).distinct()
    for office in offices:
        if everything or any(p.holder_id == actor.pk for p in office_heads(office=office)):
            targets.append(
                NodalAppointmentTarget(NodalScope.OFFICE, office.code, office.name, office)
            )
    return targets


@dataclass(frozen=True)
class NodalAppointmentTarget:
    scope: str
    code: str
    name: str
    subject: Department | Area | Office


@dataclass(frozen=True)
class NodalEntry:
    """One line of the nodal directory, as the CMO grievance cell reads it."""

    scope: str
    unit_code: str
    unit: str
    post: str
    designation: str
    rank: int
    name: str
    mobile: str
    email: str


def nodal_directory(*, actor: User) -> list[NodalEntry]:
    """Every nodal officer with the contact the CMO grievance cell calls them on (W9, W10)."""
    if not actor.is_active or actor.role not in ORG_READER_ROLES:
        raise PermissionDenied(_("The nodal directory is kept for the CMO grievance cell."))
    entries = []
    for a in NodalAppointment.objects.select_related(
        "department", "district", "office", "post__designation", "post__holder"
    ):
        unit = a.department or a.district or a.office
        holder = a.post.holder
        entries.append(
            NodalEntry(
                scope=a.scope,
                unit_code=getattr(unit, "code", ""),
                unit=getattr(unit, "name", ""),
                post=a.post.title,
                designation=a.post.designation.name,
                rank=a.post.designation.rank,
                name=holder.get_full_name() or holder.username if holder else "",
                mobile=holder.mobile if holder else "",
                email=holder.email if holder else "",
            )
        )
    order = {NodalScope.DEPARTMENT: 0, NodalScope.DISTRICT: 1, NodalScope.OFFICE: 2}
    return sorted(entries, key=lambda e: (order.get(NodalScope(e.scope), 9), e.unit_code))
