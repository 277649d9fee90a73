from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from nivaran.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "mobile", "is_active"]
    list_filter = ["role", "is_active", "is_demo"]
    search_fields = ["username", "first_name", "last_name", "mobile"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Nivaran", {"fields": ("role", "mobile", "preferred_language", "area")}),
    )
    autocomplete_fields = ["area"]
