from __future__ import annotations

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
