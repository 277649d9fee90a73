"""The master data a grievance names (its complaint type, department and area), read
from copies kept per process (`nivaran.core.versions`) instead of from joins or lookups.

Every read of grievances joined these three tables: on PostgreSQL a statement over eight
tables plans for longer than it runs (3-18 ms against 0.2 ms), and the rows are the same
few hundred types and areas on every page. They change rarely, and every save or delete
of one moves the version its copies are kept under (`catalog.apps`, `geo.apps`), so the
next read in any process sees the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS

from nivaran.catalog.apps import TYPES_VERSION
from nivaran.catalog.models import Category
from nivaran.core.versions import KeyedCopy
from nivaran.geo.apps import AREAS_VERSION
from nivaran.geo.models import Area
from nivaran.org.models import Department

# Copies are read from the primary: one read from a replica that has not yet replayed a
# write would be kept under the write's new version, stale until the next write.
PRIMARY = DEFAULT_DB_ALIAS

if TYPE_CHECKING:
    from nivaran.grievances.models import Grievance

_open_types: KeyedCopy[str, Category | None] = KeyedCopy(
    TYPES_VERSION,
    lambda code: (
        Category.objects.using(PRIMARY)
        .filter(code=code, is_active=True, selectable=True)
        .select_related("department", "parent")  # the parent: routing walks up the tree
        .order_by()
        .first()
    ),
)
_areas_by_code: KeyedCopy[str, Area | None] = KeyedCopy(
    AREAS_VERSION, lambda code: Area.objects.using(PRIMARY).filter(code=code).order_by().first()
)
_types: KeyedCopy[int, Category] = KeyedCopy(
    TYPES_VERSION,
    lambda pk: Category.objects.using(PRIMARY).select_related("department", "parent").get(pk=pk),
)
_departments: KeyedCopy[int, Department] = KeyedCopy(
    TYPES_VERSION, lambda pk: Department.objects.using(PRIMARY).get(pk=pk)
)
_areas: KeyedCopy[int, Area] = KeyedCopy(
    AREAS_VERSION, lambda pk: Area.objects.using(PRIMARY).get(pk=pk)
)


def open_type(code: str) -> Category | None:
    """The complaint type a grievance may be registered under, by its code."""
    return _open_types.get(code)


def area_by_code(code: str) -> Area | None:
    return _areas_by_code.get(code)


def attach(grievances: Iterable[Grievance]) -> None:
    """Set each grievance's type, department and area (as `select_related` would)."""
    fields = ("category_id", "department_id", "area_id")
    rows = [g for g in grievances if all(f in g.__dict__ for f in fields)]  # none deferred
    if not rows:
        return
    types = _types.get_many(
        {g.category_id for g in rows},
        lambda ids: (
            Category.objects.using(PRIMARY).select_related("department", "parent").in_bulk(ids)
        ),
    )
    departments = _departments.get_many(
        {g.department_id for g in rows if g.department_id is not None},
        lambda ids: Department.objects.using(PRIMARY).in_bulk(ids),
    )
    areas = _areas.get_many(
        {g.area_id for g in rows}, lambda ids: Area.objects.using(PRIMARY).in_bulk(ids)
    )
    # Into the relations' caches, as select_related puts them: the ids are not touched.
    meta = rows[0]._meta
    for name, found in (("category", types), ("department", departments), ("area", areas)):
        field: Any = meta.get_field(name)
        for g in rows:
            related = found.get(getattr(g, field.attname))
            if related is not None:
                field.set_cached_value(g, related)
