"""Rules of the level mapping (U2) and nodal appointments (W9, W10), reported, never skipped.

One set of rules for the Django admin (the models' `clean()`), the profile loader, the
`check_levels` command, the officers' mapping editor (`org/services.py`) and the gaps
report: each function returns sentences an officer can act on, in the page's language.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.org.models import (
    Department,
    Designation,
    LevelMapping,
    NodalAppointment,
    NodalScope,
    Post,
)
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import Profile


def mapping_errors(mapping: LevelMapping, *, hod_level: int) -> list[str]:
    """What is wrong with one mapping row on its own."""
    errors = []
    post = mapping.post
    if post.department_id not in (None, mapping.department_id):
        errors.append(
            _("The post %(post)s belongs to another department (%(department)s).")
            % {"post": post.code, "department": post.department.code if post.department else ""}
        )
    if mapping.area is not None and not mapping.area.path.startswith(post.area.path):
        errors.append(
            _("The post %(post)s serves %(post_area)s, which does not include %(area)s.")
            % {"post": post.code, "post_area": post.area.name, "area": mapping.area.name}
        )
    if mapping.level == hod_level and not post.is_head_of_department:
        errors.append(
            _("L%(level)d must be the head of department; %(post)s is not.")
            % {"level": hod_level, "post": post.code}
        )
    elif post.is_head_of_department and mapping.level != hod_level:
        errors.append(
            _("%(post)s is the head of department, who sits at L%(hod)d, not at L%(level)d.")
            % {"post": post.code, "hod": hod_level, "level": mapping.level}
        )
    return errors


def chain_gaps(posts: Sequence[Post | None]) -> set[int]:
    """The levels (1..4) of a resolved chain that have no post."""
    return {i + 1 for i, p in enumerate(posts) if p is None}


def chain_inversions(posts: Sequence[Post | None]) -> set[tuple[int, int]]:
    """(lower, upper) levels, next to each other among the mapped ones, where the upper
    post is not more senior than the lower (by designation rank)."""
    mapped = [(i + 1, p) for i, p in enumerate(posts) if p is not None]
    return {
        (lo, up)
        for (lo, low), (up, high) in itertools.pairwise(mapped)
        if low.designation.rank >= high.designation.rank
    }


def chain_errors(posts: Sequence[Post | None]) -> list[str]:
    """What is wrong with a resolved L1..L4 chain: a level without a post (a gap), or a level
    not more senior than the one below it."""
    missing = sorted(chain_gaps(posts))
    if missing:
        return [_("has no %(levels)s") % {"levels": ", ".join(f"L{n}" for n in missing)}]
    if chain_inversions(posts):
        return [_("each level must be more senior than the one below")]
    return []


def nodal_floor(scope: str, *, profile: Profile) -> Designation | None:
    """The lowest designation a nodal officer of this scope may hold (W9, W10): data from the
    profile's `nodal_officer_min_rank`; a CP's or SP's office follows the district's floor
    unless the profile names its own (`office`)."""
    floors = profile.nodal_min_rank
    code = floors.get(scope) or floors.get("district")
    return Designation.objects.filter(code=code).first() if code else None


def nodal_errors(appointment: NodalAppointment, *, profile: Profile) -> list[str]:
    scope = appointment.scope
    floor = nodal_floor(scope, profile=profile)
    post = appointment.post
    errors = []
    if floor is None:
        errors.append(
            _("The state profile names no valid minimum rank for a %(scope)s nodal officer.")
            % {"scope": scope}
        )
    elif post.designation.rank < floor.rank:
        errors.append(
            _(
                "A %(scope)s nodal officer may not be below %(floor)s; "
                "%(post)s is a %(designation)s."
            )
            % {
                "scope": NodalScope(scope).label.lower(),
                "floor": floor.name,
                "post": post.title,
                "designation": post.designation.name,
            }
        )
    if scope == NodalScope.DEPARTMENT:
        if appointment.department_id is None:
            errors.append(_("A department nodal officer needs a department."))
        elif post.department_id != appointment.department_id:
            errors.append(
                _("The post %(post)s is not a post of this department.") % {"post": post.code}
            )
    elif scope == NodalScope.DISTRICT:
        district = appointment.district
        if district is None or district.type != "district":
            errors.append(_("A district nodal officer needs a district."))
        elif not post.area.path.startswith(district.path):
            errors.append(
                _("The post %(post)s is not in %(district)s.")
                % {"post": post.code, "district": district.name}
            )
    elif scope == NodalScope.OFFICE:
        if appointment.office_id is None:
            errors.append(_("An office nodal officer needs an office."))
        elif post.office_id != appointment.office_id:
            errors.append(_("The post %(post)s is not in this office.") % {"post": post.code})
    return errors


def raise_if(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class MappingGap:
    """A department x district x complaint type whose L1..L4 chain is incomplete or out of
    rank order."""

    department: Department
    district: Area
    category: Category
    missing: tuple[int, ...]
    problem: str


def mapping_gaps(
    *,
    department_ids: Collection[int] | None = None,
    district_ids: Collection[int] | None = None,
) -> list[MappingGap]:
    """Every department x district x selectable complaint type without a complete L1..L4
    chain (or with one out of rank order), from one load of the mappings."""
    resolver = LevelResolver.preloaded()
    districts = Area.objects.filter(type="district").order_by("code")
    if district_ids is not None:
        districts = districts.filter(pk__in=district_ids)
    categories = (
        Category.objects.filter(selectable=True, is_active=True)
        .select_related("department")
        .order_by("department__code", "code")
    )
    if department_ids is not None:
        categories = categories.filter(department_id__in=department_ids)
    district_list = list(districts)
    gaps = []
    for category in categories:
        for district in district_list:
            posts = resolver.chain(
                department_id=category.department_id,
                area_path=district.path,
                category_id=category.pk,
            )
            for problem in chain_errors(posts):
                missing = tuple(i + 1 for i, p in enumerate(posts) if p is None)
                gaps.append(MappingGap(category.department, district, category, missing, problem))
    return gaps


def level_mapping_problems(*, profile: Profile, check_vacancies: bool = True) -> list[str]:
    """Every breach of the rules, and every district x complaint type left without a level."""
    problems: list[str] = []
    mappings = list(
        LevelMapping.objects.select_related(
            "post__designation", "post__area", "post__department", "area", "department"
        )
    )
    for m in mappings:
        problems += [
            f"{m.department.code} L{m.level}: {e}"
            for e in mapping_errors(m, hod_level=profile.hod_level)
        ]
    problems += [
        f"{g.department.code}: {g.category.code} in {g.district.code}: {g.problem}"
        for g in mapping_gaps()
    ]
    for appointment in NodalAppointment.objects.select_related(
        "post__designation", "post__area", "district"
    ):
        problems += [
            f"nodal {appointment}: {e}" for e in nodal_errors(appointment, profile=profile)
        ]
    if check_vacancies:
        problems += [
            f"post {p.code} is vacant"
            for p in Post.objects.filter(
                holder__isnull=True, level_mappings__isnull=False
            ).distinct()
        ]
    return sorted(set(problems))
