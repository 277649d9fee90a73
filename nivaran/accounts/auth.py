"""Authentication that refuses demo logins outside demo mode."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def demo_allowed(user: Any) -> bool:
    return not getattr(user, "is_demo", False) or settings.DEMO_MODE


class Backend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and demo_allowed(user)


class Token(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if not demo_allowed(user):
            raise exceptions.AuthenticationFailed("Demo logins work only in demo mode.")
        return user, token
