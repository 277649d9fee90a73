from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nivaran.core.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    list_display = ["date", "name", "name_hi"]
    date_hierarchy = "date"
    search_fields = ["name", "name_hi"]


class SystemKeyAdmin(admin.ModelAdmin[Any]):
    """Systems that sign in with an API key (partners, IVRS, Open311 clients).

    Keys are issued and rotated by their management command, which shows the key once;
    here an administrator can only see the systems and switch them off or on.
    """

    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
