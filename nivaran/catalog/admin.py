from django.contrib import admin

from nivaran.catalog.models import Category


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
