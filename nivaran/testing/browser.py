"""What every browser test shares: Debian's Chromium, its flags, the viewports, artifacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

# Playwright's sync API runs an event loop in the test's thread; the ORM calls made
# there (the fixture data) are plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
VIEWPORTS: dict[str, ViewportSize] = {"phone": PHONE, "desktop": DESKTOP}


def artifacts(name: str) -> Path:
    """Where a journey's screenshots go (test-artifacts/<name>/)."""
    return Path(settings.BASE_DIR) / "test-artifacts" / name
