from django.contrib import admin
from django.http import HttpRequest

from nivaran.rts.models import NotifiedService, RtsCase


@admin.register(NotifiedService)
class NotifiedServiceAdmin(admin.ModelAdmin[NotifiedService]):
    list_display = ("code", "name", "department", "time_limit_days", "is_active")
    list_filter = ("department", "is_active")
    search_fields = ("code", "name", "name_hi")


@admin.register(RtsCase)
class RtsCaseAdmin(admin.ModelAdmin[RtsCase]):
    """Read only: a case changes through the workflow's actions, never by hand."""

    list_display = ("grievance", "service", "stage", "nodal_post", "call_due_at")
    list_filter = ("stage",)
    search_fields = ("grievance__number", "service__code")
    list_select_related = ("grievance", "service", "nodal_post")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
