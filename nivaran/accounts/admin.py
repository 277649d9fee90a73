from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nivaran.accounts.forms import AdminSignInForm
from nivaran.accounts.models import User
from nivaran.accounts.throttle import signin_unlock

# The admin's own sign-in says so when it is locked, like the officer pages.
admin.site.login_form = AdminSignInForm


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
    actions = ["unlock_signin"]

    @admin.action(description=_("Unlock sign-in (forget the wrong passwords)"))
    def unlock_signin(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            signin_unlock(username=user.username)
        self.message_user(
            request,
            ngettext(
                "Sign-in unlocked for %(count)d user.",
                "Sign-in unlocked for %(count)d users.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )
