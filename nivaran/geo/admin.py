from django.contrib import admin

from nivaran.geo.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ["code", "name", "name_hi", "type", "parent"]
    list_filter = ["type"]
    search_fields = ["code", "name", "name_hi"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["path"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Moving a subtree would leave its descendants' paths stale: code and parent are fixed.
        return ["path", "code", "parent"] if obj else ["path"]
