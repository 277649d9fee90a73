"""Sign-in forms that say so when sign-in is locked (accounts/throttle.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from nivaran.accounts.throttle import locked_message, signin_locked_for


class _SaysWhenLocked:
    request: Any
    data: Any
    errors: Any

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()  # type: ignore[misc, no-any-return]
        except forms.ValidationError:
            username = str(self.data.get("username") or "")
            if self.request is not None and signin_locked_for(
                request=self.request, username=username
            ):
                raise forms.ValidationError(locked_message(), code="locked") from None
            raise

    @property
    def locked(self) -> bool:
        errors = self.errors.as_data().get("__all__", [])
        return any(error.code == "locked" for error in errors)


class SignInForm(_SaysWhenLocked, AuthenticationForm):
    pass


class AdminSignInForm(_SaysWhenLocked, AdminAuthenticationForm):
    pass
