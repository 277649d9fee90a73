from django.contrib import admin

from nivaran.core.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    list_display = ["date", "name", "name_hi"]
    date_hierarchy = "date"
    search_fields = ["name", "name_hi"]
