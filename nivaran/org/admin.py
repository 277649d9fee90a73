from django.contrib import admin
from django.http import HttpRequest

from nivaran.org.models import (
    Department,
    Designation,
    FieldCoverage,
    LevelMapping,
    NodalAppointment,
    Office,
    OrgChange,
    Post,
)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ["code", "name", "name_hi", "is_active"]
    search_fields = ["code", "name", "name_hi"]


@admin.register(Designation)
class DesignationAdmin(admin.ModelAdmin[Designation]):
    list_display = ["code", "name", "name_hi", "rank"]
    search_fields = ["code", "name"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = ["code", "name", "department", "area"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["department", "area"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = [
        "code",
        "title",
        "designation",
        "department",
        "area",
        "holder",
        "is_head_of_department",
    ]
    list_filter = ["department", "is_head_of_department", "designation"]
    search_fields = ["code", "title", "holder__username"]
    autocomplete_fields = ["designation", "office", "department", "area", "holder"]


@admin.register(LevelMapping)
class LevelMappingAdmin(admin.ModelAdmin[LevelMapping]):
    """Departments keep their L1-L4 mapping here (U2); rule breaches are refused on save."""

    list_display = ["department", "level", "area", "category", "post"]
    list_filter = ["department", "level"]
    autocomplete_fields = ["department", "area", "category", "post"]


@admin.register(NodalAppointment)
class NodalAppointmentAdmin(admin.ModelAdmin[NodalAppointment]):
    list_display = ["scope", "department", "district", "office", "post", "appointed_at"]
    list_filter = ["scope"]
    autocomplete_fields = ["department", "district", "office", "post"]


@admin.register(FieldCoverage)
class FieldCoverageAdmin(admin.ModelAdmin[FieldCoverage]):
    """Which field validation executive covers which district (W7, W8)."""

    list_display = ["executive", "district", "since"]
    list_filter = ["district"]
    search_fields = ["executive__username", "executive__first_name", "district__name"]
    autocomplete_fields = ["executive", "district"]


@admin.register(OrgChange)
class OrgChangeAdmin(admin.ModelAdmin[OrgChange]):
    """The log of changes made in the officers' pages (U2, W9, W10): read-only."""

    list_display = ["at", "kind", "department", "actor_username", "actor_role"]
    list_filter = ["kind", "department"]
    search_fields = ["actor_username"]
    readonly_fields = [f.name for f in OrgChange._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OrgChange | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: OrgChange | None = None) -> bool:
        return False
