from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Grievances change only through the workflow; the admin shows them, never edits them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline[GrievanceEvent, Grievance]):
    model = GrievanceEvent
    fields = (
        "at",
        "actor_username",
        "actor_name",
        "actor_role",
        "action",
        "from_status",
        "to_status",
        "level",
        "assigned_to",
        "note",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Grievance)
class GrievanceAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "status",
        "level",
        "department",
        "category",
        "area",
        "assigned_to",
        "due_at",
        "is_overdue",
        "emergency",
    ]
    list_filter = ["status", "level", "is_overdue", "emergency", "channel", "department"]
    search_fields = ["number", "citizen__mobile"]
    inlines = [EventInline]
    show_full_result_count = False


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin[Citizen]):
    list_display = ["name", "mobile", "language", "created_at"]
    search_fields = ["name", "mobile"]
