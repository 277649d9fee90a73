from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from nivaran.accounts.forms import AdminSignInForm
from nivaran.accounts.models import ProfileChange, ProfileChangeVia, User
from nivaran.accounts.services import profile_changes_record_all
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

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        """An administrator's own mobile changes only by OTP, on their profile page (M4):
        here it is read-only. Another user's may be changed, and is audited."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields.append("mobile")
        return fields

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        before = User.objects.filter(pk=obj.pk).first() if change else None
        if before is not None and obj.pk == request.user.pk:
            obj.mobile = before.mobile  # read-only above; a forged POST changes nothing
        super().save_model(request, obj, form, change)
        if before is not None:
            actor = request.user
            assert isinstance(actor, User)
            profile_changes_record_all(
                before=before, after=obj, actor=actor, via=ProfileChangeVia.ADMIN
            )

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


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin[ProfileChange]):
    """The profile audit, read-only: append-only rows, mobiles masked."""

    list_display = ["at", "user", "field", "kind", "old_shown", "new_shown", "via", "actor"]
    list_filter = ["field", "kind", "via"]
    search_fields = ["user__username", "actor__username"]
    list_select_related = ["user", "actor"]
    readonly_fields = (
        "at",
        "user",
        "actor",
        "field",
        "kind",
        "via",
        "old_shown",
        "new_shown",
        "reason",
    )
    fields = readonly_fields

    @admin.display(description=_("old value"))
    def old_shown(self, obj: ProfileChange) -> str:
        return obj.shown(obj.old)

    @admin.display(description=_("new value"))
    def new_shown(self, obj: ProfileChange) -> str:
        return obj.shown(obj.new)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
