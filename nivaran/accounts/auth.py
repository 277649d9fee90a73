"""Authentication that refuses demo logins outside demo mode and locked sign-ins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from nivaran.accounts.throttle import signin_failed, signin_locked_for, signin_succeeded


def demo_allowed(user: Any) -> bool:
    return not getattr(user, "is_demo", False) or settings.DEMO_MODE


class Backend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None:
            return super().authenticate(request, username, password, **kwargs)
        if signin_locked_for(request=request, username=username):
            # Django's authenticate() stops at PermissionDenied and answers "no user".
            raise PermissionDenied("sign-in locked")
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            signin_failed(request=request, username=username)
        else:
            signin_succeeded(request=request, username=username)
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and demo_allowed(user)


class Token(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if not demo_allowed(user):
            raise exceptions.AuthenticationFailed("Demo logins work only in demo mode.")
        return user, token
