from django.contrib import admin
from django.http import HttpRequest

from nivaran.catalog.models import Category, CategoryChange


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = [
        "code",
        "name",
        "name_hi",
        "department",
        "parent",
        "kind",
        "selectable",
        "is_others",
        "deadline_unit",
        "deadline_l1",
        "deadline_l2",
        "deadline_l3",
        "deadline_l4",
        "is_active",
    ]
    list_filter = ["department", "kind", "selectable", "is_others", "is_active"]
    search_fields = ["code", "name", "name_hi"]
    autocomplete_fields = ["department", "parent"]


@admin.register(CategoryChange)
class CategoryChangeAdmin(admin.ModelAdmin[CategoryChange]):
    """The log of the departments' category edits made in the pages (H8): read-only."""

    list_display = ["at", "operation", "category", "department", "actor_username", "actor_role"]
    list_filter = ["operation", "department"]
    search_fields = ["actor_username", "category__code"]
    readonly_fields = [f.name for f in CategoryChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: CategoryChange | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: CategoryChange | None = None
    ) -> bool:
        return False
