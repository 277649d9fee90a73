from django.contrib import admin

from nivaran.core.admin import SystemKeyAdmin
from nivaran.open311.models import Open311Client


@admin.register(Open311Client)
class Open311ClientAdmin(SystemKeyAdmin):
    readonly_fields = ["key_hash", "user"]
