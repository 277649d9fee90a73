"""What every browser test shares: Debian's Chromium, its flags, the viewports, artifacts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

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


# Chromium logs each refusal as a console error; the listener below makes sure of it
# (init scripts run outside the page's policy).
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.violatedDirective + " " +
    (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def csp_violations(page: Page) -> list[str]:
    """Collects every Content-Security-Policy violation on the page, across navigations;
    a journey asserts the list is empty at the end."""
    found: list[str] = []
    page.add_init_script(_REPORT_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return found
