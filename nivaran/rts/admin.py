from django.contrib import admin

from nivaran.rts.models import NotifiedService


@admin.register(NotifiedService)
class NotifiedServiceAdmin(admin.ModelAdmin[NotifiedService]):
    list_display = ("code", "name", "department", "time_limit_days", "is_active")
    list_filter = ("department", "is_active")
    search_fields = ("code", "name", "name_hi")
