from django.contrib import admin

from nivaran.core.admin import SystemKeyAdmin
from nivaran.partners.models import Partner


@admin.register(Partner)
class PartnerAdmin(SystemKeyAdmin):
    list_display = ["name", "code", "source_flag", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "key_hash"]
