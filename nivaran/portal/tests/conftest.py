from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _portal_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # reverse() in the test follows the active language; a page request may leave "hi" on.
    with translation.override("en"):
        yield
