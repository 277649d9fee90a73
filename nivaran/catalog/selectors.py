from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from nivaran.catalog.models import Category


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
