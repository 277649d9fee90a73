"""Rules of the level mapping (U2) and nodal appointments (W9, W10), reported, never skipped."""

from __future__ import annotations

import itertools

from django.core.exceptions import ValidationError

from nivaran.catalog.models import Category
from nivaran.geo.models import Area
from nivaran.org.models import Designation, LevelMapping, NodalAppointment, NodalScope, Post
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import Profile


def mapping_errors(mapping: LevelMapping, *, hod_level: int) -> list[str]:
    """What is wrong with one mapping row on its own."""
    errors = []
    post = mapping.post
    if post.department_id not in (None, mapping.department_id):
        errors.append(f"post {post.code} belongs to another department")
    if mapping.area is not None and not mapping.area.path.startswith(post.area.path):
        errors.append(f"post {post.code} does not cover area {mapping.area.code}")
    if mapping.level == hod_level and not post.is_head_of_department:
        errors.append(f"L{hod_level} must be the head of department; {post.code} is not")
    return errors


def nodal_errors(appointment: NodalAppointment, *, profile: Profile) -> list[str]:
    key = "department" if appointment.scope == NodalScope.DEPARTMENT else "district"
    floor_code = profile.nodal_min_rank.get(key)
    floor = Designation.objects.filter(code=floor_code).first()
    errors = []
    if floor is None:
        errors.append(f"the profile's minimum rank {floor_code!r} is not a designation")
    elif appointment.post.designation.rank < floor.rank:
        errors.append(
            f"a {key} nodal officer may not be below {floor.name}; "
            f"{appointment.post.designation.name} is"
        )
    if appointment.scope == NodalScope.DEPARTMENT and appointment.department_id is None:
        errors.append("a department nodal officer needs a department")
    if appointment.scope == NodalScope.DISTRICT and (
        appointment.district is None or appointment.district.type != "district"
    ):
        errors.append("a district nodal officer needs a district")
    return errors


def raise_if(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


def level_mapping_problems(*, profile: Profile, check_vacancies: bool = True) -> list[str]:
    """Every breach of the rules, and every district x complaint type left without a level."""
    problems: list[str] = []
    mappings = list(
        LevelMapping.objects.select_related("post__designation", "post__area", "area", "department")
    )
    for m in mappings:
        problems += [
            f"{m.department.code} L{m.level}: {e}"
            for e in mapping_errors(m, hod_level=profile.hod_level)
        ]
    resolver = LevelResolver()
    districts = list(Area.objects.filter(type="district"))
    categories = list(
        Category.objects.filter(selectable=True, is_active=True).select_related("department")
    )
    for category in categories:
        for district in districts:
            posts = [
                resolver.post_for(
                    department_id=category.department_id,
                    area_path=district.path,
                    category_id=category.pk,
                    level=level,
                )
                for level in range(1, 5)
            ]
            missing = [f"L{i + 1}" for i, p in enumerate(posts) if p is None]
            if missing:
                problems.append(
                    f"{category.department.code}: {category.code} in {district.code} has no "
                    f"{', '.join(missing)}"
                )
                continue
            ranks = [p.designation.rank for p in posts if p is not None]
            if any(a >= b for a, b in itertools.pairwise(ranks)):
                problems.append(
                    f"{category.department.code}: {category.code} in {district.code}: "
                    "each level must be more senior than the one below"
                )
    for appointment in NodalAppointment.objects.select_related("post__designation", "district"):
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
