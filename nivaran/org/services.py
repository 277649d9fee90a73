"""Writes of the organisation kept by the departments themselves: the L1..L4 level mapping
(U2) and nodal appointments (W9, W10).

Each function takes the acting user, checks their right over the department, district or
office first, runs the rules of `org/checks.py`, writes in one transaction and appends an
`OrgChange` row (who, when, before, after). A refusal is a domain error whose detail says
why in an officer's words. No grievance is touched: grievances already routed keep their
post; new routing and escalation read the new mapping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.core.errors import InvalidInput, NotFound, PermissionDenied
from nivaran.geo.models import Area
from nivaran.org.checks import chain_gaps, chain_inversions, mapping_errors, nodal_errors
from nivaran.org.models import (
    Department,
    LevelMapping,
    NodalAppointment,
    NodalScope,
    Office,
    OrgChange,
    OrgChangeKind,
    Post,
)
from nivaran.org.selectors import (
    LevelResolver,
    departments_administered,
    nodal_appointments_managed,
)
from nivaran.profiles.loader import active_profile


def _post_snapshot(post: Post) -> dict[str, Any]:
    return {
        "post": post.code,
        "post_title": post.title,
        "designation": post.designation.name,
        "rank": post.designation.rank,
        "holder": post.holder.username if post.holder else None,
    }


def _mapping_snapshot(mapping: LevelMapping) -> dict[str, Any]:
    return {
        "level": mapping.level,
        "area": mapping.area.code if mapping.area else None,
        "category": mapping.category.code if mapping.category else None,
        **_post_snapshot(mapping.post),
    }


def _record(
    *,
    actor: User,
    kind: str,
    department: Department | None,
    old: dict[str, Any],
    new: dict[str, Any],
    at: datetime | None,
) -> OrgChange:
    return OrgChange.objects.create(
        at=at or timezone.now(),
        actor=actor,
        actor_username=actor.username,
        actor_role=actor.role,
        kind=kind,
        department=department,
        old=old,
        new=new,
    )


def _department_for_edit(*, actor: User, code: str) -> Department:
    """The department, locked for the edit, if `actor` keeps its mapping."""
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("There is no department %(code)s.") % {"code": code})
    if not departments_administered(actor=actor).filter(pk=department.pk).exists():
        raise PermissionDenied(
            _(
                "Only %(department)s's head of department and administrative secretary keep "
                "its level mapping."
            )
            % {"department": department.name}
        )
    # One edit of a department's mapping at a time: the chain checks read the other rows.
    return Department.objects.select_for_update().get(pk=department.pk)


def _where(area: Area | None, category: Category | None) -> str:
    place = area.name if area else _("the whole state")
    if category is None:
        return place
    return _("%(place)s, for %(category)s") % {"place": place, "category": category.name}


def _chains_checked(department: Department, area: Area | None) -> set[tuple[str, int | None]]:
    """The (area path, complaint type) chains a change at `area` can alter: its own, and
    those of every narrower row of the department below it."""
    path = area.path if area else ""
    keys: set[tuple[str, int | None]] = {(path, None)}
    for row_path, category_id in LevelMapping.objects.filter(department=department).values_list(
        "area__path", "category_id"
    ):
        if (row_path or "").startswith(path):
            keys.add((row_path or "", category_id))
    return keys


def _chain_states(
    department: Department, keys: set[tuple[str, int | None]]
) -> dict[tuple[str, int | None], list[Post | None]]:
    resolver = LevelResolver.preloaded(department_id=department.pk)
    return {
        (path, cat): resolver.chain(department_id=department.pk, area_path=path, category_id=cat)
        for path, cat in keys
    }


def _refuse_if_worse(
    department: Department,
    before: dict[tuple[str, int | None], list[Post | None]],
) -> None:
    """Refuse a change that opens a gap in a chain, or puts a level at or below the one
    under it, where the chain had neither before (existing faults are for the gaps report)."""
    after = _chain_states(department, set(before))
    areas = {a.path: a for a in Area.objects.filter(path__in=[p for p, _c in before if p])}
    categories = Category.objects.in_bulk([c for _p, c in before if c is not None])
    reasons: list[str] = []
    for key in sorted(before, key=lambda k: (k[0], k[1] or 0)):
        old, new = before[key], after[key]
        where = _where(areas.get(key[0]), categories.get(key[1]) if key[1] else None)
        for level in sorted(chain_gaps(new) - chain_gaps(old)):
            reasons.append(
                _(
                    "This would leave %(where)s without an L%(level)d officer. Map another "
                    "post at L%(level)d there first."
                )
                % {"where": where, "level": level}
            )
        for lower, upper in sorted(chain_inversions(new) - chain_inversions(old)):
            low, up = new[lower - 1], new[upper - 1]
            assert low is not None and up is not None
            reasons.append(
                _(
                    "In %(where)s, L%(upper)d (%(upper_post)s, %(upper_rank)s) would not be "
                    "senior to L%(lower)d (%(lower_post)s, %(lower_rank)s). Each level must be "
                    "more senior than the one below."
                )
                % {
                    "where": where,
                    "upper": upper,
                    "upper_post": up.title,
                    "upper_rank": up.designation.name,
                    "lower": lower,
                    "lower_post": low.title,
                    "lower_rank": low.designation.name,
                }
            )
    if reasons:
        raise InvalidInput(" ".join(reasons))


@transaction.atomic
def level_mapping_save(
    *,
    actor: User,
    department: str,
    level: int,
    post: str,
    area: str | None = None,
    category: str | None = None,
    at: datetime | None = None,
) -> LevelMapping:
    """Map `post` at `level` for the department in `area` (None: the whole state), for one
    complaint type or all of them: a new row, or a new post on the existing row."""
    dept = _department_for_edit(actor=actor, code=department)
    if level not in (1, 2, 3, 4):
        raise InvalidInput(_("The level must be L1, L2, L3 or L4."))
    found_area = Area.objects.filter(code=area).first() if area else None
    if area and found_area is None:
        raise InvalidInput(_("There is no area %(code)s.") % {"code": area})
    found_category = Category.objects.filter(code=category).first() if category else None
    if category and (found_category is None or found_category.department_id != dept.pk):
        raise InvalidInput(
            _("%(code)s is not a complaint type of %(department)s.")
            % {"code": category, "department": dept.name},
        )
    found_post = (
        Post.objects.select_related("designation", "area", "department", "holder")
        .filter(code=post)
        .first()
    )
    if found_post is None:
        raise InvalidInput(_("There is no post %(code)s.") % {"code": post})
    row = (
        LevelMapping.objects.select_related("post__designation", "post__holder", "area", "category")
        .filter(department=dept, area=found_area, category=found_category, level=level)
        .first()
    )
    old = _mapping_snapshot(row) if row else {}
    candidate = row or LevelMapping(
        department=dept, area=found_area, category=found_category, level=level
    )
    candidate.post = found_post
    errors = mapping_errors(candidate, hod_level=active_profile().hod_level)
    if errors:
        raise InvalidInput(" ".join(errors))
    before = _chain_states(dept, _chains_checked(dept, found_area))
    candidate.save()
    _refuse_if_worse(dept, before)
    _record(
        actor=actor,
        kind=OrgChangeKind.LEVEL_MAPPING,
        department=dept,
        old=old,
        new=_mapping_snapshot(candidate),
        at=at,
    )
    return candidate


@transaction.atomic
def level_mapping_remove(*, actor: User, mapping_id: int, at: datetime | None = None) -> None:
    """Remove one row of a department's mapping, unless that leaves a level without a post."""
    row = (
        LevelMapping.objects.select_related(
            "department", "post__designation", "post__holder", "area", "category"
        )
        .filter(pk=mapping_id)
        .first()
    )
    if row is None:
        raise NotFound(_("This row of the level mapping no longer exists."))
    dept = _department_for_edit(actor=actor, code=row.department.code)
    before = _chain_states(dept, _chains_checked(dept, row.area))
    old = _mapping_snapshot(row)
    row.delete()
    _refuse_if_worse(dept, before)
    _record(actor=actor, kind=OrgChangeKind.LEVEL_MAPPING, department=dept, old=old, new={}, at=at)


@dataclass(frozen=True)
class _Subject:
    department: Department | None = None
    district: Area | None = None
    office: Office | None = None


@transaction.atomic
def nodal_appoint(
    *, actor: User, scope: str, unit: str, post: str, at: datetime | None = None
) -> NodalAppointment:
    """Appoint the holder of `post` the nodal officer of a department (the head of
    department appoints, W9), a district (the District Magistrate, W10) or a CP's or SP's
    office (its head, W10), replacing the one before. The post's designation must not rank
    below the profile's floor for that scope."""
    if scope not in NodalScope.values:
        raise InvalidInput(_("Choose a department, a district or an office."))
    managed = {(t.scope, t.code): t.subject for t in nodal_appointments_managed(actor=actor)}
    subject = managed.get((scope, unit))
    if subject is None:
        raise PermissionDenied(
            _(
                "You cannot appoint this nodal officer: a department's is appointed by its "
                "head of department, a district's by its District Magistrate, an office's by "
                "its head."
            )
        )
    what = _Subject(
        department=subject if isinstance(subject, Department) else None,
        district=subject if isinstance(subject, Area) else None,
        office=subject if isinstance(subject, Office) else None,
    )
    found_post = (
        Post.objects.select_related("designation", "area", "holder").filter(code=post).first()
    )
    if found_post is None:
        raise InvalidInput(_("There is no post %(code)s.") % {"code": post})
    lookup = {"department": what.department, "district": what.district, "office": what.office}
    # One appointment at a time per department, district or office: lock its row.
    type(subject).objects.select_for_update().filter(pk=subject.pk).first()
    appointment = (
        NodalAppointment.objects.select_for_update(of=("self",))
        .select_related("post__designation", "post__holder")
        .filter(scope=scope, **lookup)
        .first()
    )
    old = _post_snapshot(appointment.post) if appointment else {}
    appointment = appointment or NodalAppointment(scope=scope, **lookup)
    appointment.post = found_post
    appointment.appointed_at = at or timezone.now()
    errors = nodal_errors(appointment, profile=active_profile())
    if errors:
        raise InvalidInput(" ".join(errors))
    appointment.save()
    _record(
        actor=actor,
        kind=OrgChangeKind.NODAL_APPOINTMENT,
        department=what.department,
        old={"scope": scope, "unit": unit, **old} if old else {},
        new={"scope": scope, "unit": unit, **_post_snapshot(found_post)},
        at=at,
    )
    return appointment
