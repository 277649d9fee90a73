"""Loads a state profile's master data into the database, idempotently.

Running it again updates what changed and creates what is new; it never
deletes, since grievances refer to areas, categories and posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model

from nivaran.catalog.models import Category
from nivaran.core.models import Holiday
from nivaran.geo.models import Area
from nivaran.geo.selectors import ring_contains
from nivaran.org.checks import level_mapping_problems
from nivaran.org.models import (
    Department,
    Designation,
    LevelMapping,
    NodalAppointment,
    NodalScope,
    Post,
)
from nivaran.profiles.loader import Profile, ProfileError
from nivaran.profiles.signals import profile_applied


@dataclass
class ApplyReport:
    areas: int = 0
    holidays: int = 0
    departments: int = 0
    categories: int = 0
    posts: int = 0
    level_mappings: int = 0
    problems: list[str] = field(default_factory=list)


M = TypeVar("M", bound=Model)


def _upsert(model: type[M], code: str, **values: Any) -> M:
    obj, _ = model._default_manager.update_or_create(code=code, defaults=values)
    return obj


def _place(node: dict[str, Any]) -> dict[str, Any]:
    """The area's point (`point: [lat, long]`) and boundary (`boundary: [[lat, long], ...]`)."""
    point = node.get("point")
    if point is not None and not (
        isinstance(point, list)
        and len(point) == 2
        and all(isinstance(v, int | float) for v in point)
    ):
        raise ProfileError(
            f"geography.yaml: {node.get('code')}: point must be [latitude, longitude]"
        )
    return {
        "latitude": float(point[0]) if point else None,
        "longitude": float(point[1]) if point else None,
        "boundary": node.get("boundary"),
    }


def _area(node: dict[str, Any], parent: Area | None, default_type: str) -> Area:
    area = _upsert(
        Area,
        node["code"],
        name=node["name"],
        name_hi=node.get("name_hi", ""),
        type=node.get("type", default_type),
        parent=parent,
        **_place(node),
    )
    try:
        area.full_clean()
    except ValidationError as error:
        raise ProfileError(f"geography.yaml: {area.code}: {error.messages}") from error
    return area


def _areas(
    nodes: list[dict[str, Any]], parent: Area, default_type: str, report: ApplyReport
) -> None:
    for node in nodes:
        area = _area(node, parent, default_type)
        report.areas += 1
        _areas(node.get("children", []), area, "block", report)


def _check_points_inside(state: Area) -> None:
    """Every area's point lies inside the state's boundary, else the data is wrong."""
    if not state.boundary:
        return
    for area in Area.objects.filter(path__startswith=state.path, latitude__isnull=False):
        assert area.latitude is not None and area.longitude is not None
        if not ring_contains(state.boundary, latitude=area.latitude, longitude=area.longitude):
            raise ProfileError(
                f"geography.yaml: the point of {area.code} ({area.latitude}, {area.longitude}) "
                f"lies outside the boundary of {state.code}"
            )


def _categories(
    nodes: list[dict[str, Any]], dept: Department, parent: Category | None, report: ApplyReport
) -> None:
    for node in nodes:
        deadline = node.get("deadline") or {}
        selectable = "kind" in node or not node.get("children")
        category = _upsert(
            Category,
            node["code"],
            department=dept,
            parent=parent,
            name=node["name"],
            name_hi=node.get("name_hi", ""),
            kind=node.get("kind", "grievance"),
            selectable=selectable,
            is_others=bool(node.get("others", False)),
            deadline_unit=deadline.get("unit", ""),
            deadline_l1=deadline.get("l1"),
            deadline_l2=deadline.get("l2"),
            deadline_l3=deadline.get("l3"),
            deadline_l4=deadline.get("l4"),
        )
        category.full_clean()
        report.categories += 1
        _categories(node.get("children", []), dept, category, report)


def post_code(dept: str, suffix: str, area: Area | None = None) -> str:
    return f"{dept}-{suffix}" + (f"-{area.code}" if area else "")


def _post(
    code: str,
    designation: Designation,
    area: Area,
    department: Department | None,
    *,
    label: str,
    label_hi: str,
    hod: bool = False,
) -> Post:
    return _upsert(
        Post,
        code,
        designation=designation,
        area=area,
        department=department,
        title=f"{designation.name}, {label}",
        title_hi=f"{designation.name_hi}, {label_hi}",
        is_head_of_department=hod,
    )


@transaction.atomic
def profile_apply(profile: Profile) -> ApplyReport:
    report = ApplyReport()
    geo = profile.read("geography.yaml")
    st = geo["state"]
    if st["code"] != profile.state_code:
        raise ProfileError(
            f"geography state {st['code']} is not the profile's {profile.state_code}"
        )
    state = _area(st, None, "state")
    report.areas += 1
    _areas(geo["districts"], state, "district", report)
    _check_points_inside(state)
    districts = list(Area.objects.filter(parent=state, type="district"))

    for day, name, name_hi in profile.holidays:
        Holiday.objects.update_or_create(date=day, defaults={"name": name, "name_hi": name_hi})
        report.holidays += 1

    org = profile.read("organisation.yaml")
    designations = {
        d["code"]: _upsert(
            Designation,
            d["code"],
            name=d["name"],
            name_hi=d.get("name_hi", ""),
            rank=int(d["rank"]),
        )
        for d in org["designations"]
    }

    def designation(code: str) -> Designation:
        if code not in designations:
            raise ProfileError(f"organisation.yaml: unknown designation {code!r}")
        return designations[code]

    for d in org["departments"]:
        dept = _upsert(Department, d["code"], name=d["name"], name_hi=d.get("name_hi", ""))
        report.departments += 1
        _categories(d.get("categories", []), dept, None, report)
        for level_key, spec in sorted(d["levels"].items(), key=lambda kv: int(kv[0])):
            level = int(level_key)
            des = designation(spec["designation"])
            hod = bool(spec.get("head_of_department", False))
            areas: list[Area | None] = (
                list(districts) if spec.get("scope") == "district" else [None]
            )
            for area in areas:
                post = _post(
                    post_code(dept.code, f"L{level}", area),
                    des,
                    area or state,
                    dept,
                    label=f"{dept.name}" + (f", {area.name}" if area else ""),
                    label_hi=f"{dept.name_hi}" + (f", {area.name_hi}" if area else ""),
                    hod=hod,
                )
                report.posts += 1
                LevelMapping.objects.update_or_create(
                    department=dept,
                    area=area,
                    category=None,
                    level=level,
                    defaults={"post": post},
                )
                report.level_mappings += 1
        if nodal := d.get("nodal"):
            post = _post(
                post_code(dept.code, "NODAL"),
                designation(nodal["designation"]),
                state,
                dept,
                label=f"{dept.name} (nodal)",
                label_hi=f"{dept.name_hi} (नोडल)",
            )
            report.posts += 1
            appointment, _ = NodalAppointment.objects.update_or_create(
                scope=NodalScope.DEPARTMENT,
                department=dept,
                district=None,
                defaults={"post": post},
            )
            appointment.full_clean()

    admin = org.get("district_administration") or {}
    for district in districts:
        if head := admin.get("head"):
            _post(
                post_code("DM", "HEAD", district),
                designation(head["designation"]),
                district,
                None,
                label=district.name,
                label_hi=district.name_hi,
            )
            report.posts += 1
        if nodal := admin.get("nodal"):
            post = _post(
                post_code("DM", "NODAL", district),
                designation(nodal["designation"]),
                district,
                None,
                label=f"{district.name} (nodal)",
                label_hi=f"{district.name_hi} (नोडल)",
            )
            report.posts += 1
            appointment, _ = NodalAppointment.objects.update_or_create(
                scope=NodalScope.DISTRICT,
                department=None,
                district=district,
                defaults={"post": post},
            )
            appointment.full_clean()
    report.problems = level_mapping_problems(profile=profile, check_vacancies=False)
    profile_applied.send(sender=Profile, profile=profile)
    return report
