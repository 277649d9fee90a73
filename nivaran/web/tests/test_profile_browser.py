"""The officer changes their mobile on the profile page in a real Chromium: the OTP to
the new number, a wrong code told with the tries left, then the right one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from nivaran.accounts.models import ProfileChange, User
from nivaran.notifications.models import Message
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = artifacts("profile")
NEW = "9123456780"


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


def code_sent_to(mobile: str) -> str:
    message = Message.objects.filter(to=mobile, purpose="otp").order_by("-id").first()
    assert message is not None
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    return found.group(1)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_officer_changes_name_and_mobile(live_server, live_world: World, viewport: str):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{viewport}-{name}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
            csp = csp_violations(page)
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            # A wrong code's page answers 400 on purpose; nothing else may fail.
            confirm = f"{live_server.url}/profile/mobile/confirm/"
            page.on(
                "response",
                lambda r: failed.append(r.url) if r.status >= 400 and r.url != confirm else None,
            )
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "officer_l1")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")

            if viewport == "phone":
                page.locator(".navbar-toggler").click()
            page.locator("[data-testid=profile-link]").click()
            page.wait_for_url(f"{live_server.url}/profile/")
            expect(page.locator("[data-testid=current-mobile]")).to_contain_text("90xxxxxx01")
            shot(page, "1-profile")

            page.fill("#id_first_name", "Asha")
            page.fill("#id_last_name", "Verma")
            page.locator("[data-testid=details-form] button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text("Your profile is saved.")
            expect(page.locator("[data-testid=who]")).to_contain_text("Asha Verma")

            # Step 1: the new number gets the OTP; nothing changes yet.
            page.fill("#id_mobile", NEW)
            page.fill("[data-testid=mobile-form] #id_password", PASSWORD)
            page.locator("[data-testid=mobile-form] button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/profile/mobile/confirm/")
            expect(page.locator("main")).to_contain_text("91xxxxxx80")
            assert User.objects.get(username="officer_l1").mobile == "9000000001"
            shot(page, "2-otp-sent")

            # Step 2: a wrong code first, then the right one.
            code = code_sent_to(NEW)
            page.fill("#id_code", f"{(int(code) + 1) % 1_000_000:06d}")
            page.locator("[data-testid=code-form] button[type=submit]").click()
            expect(page.locator("[data-testid=code-error]")).to_contain_text("4 more times")
            shot(page, "3-wrong-code")
            page.fill("#id_code", code)
            page.locator("[data-testid=code-form] button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/profile/")
            expect(page.locator(".alert-success")).to_contain_text("91xxxxxx80")
            expect(page.locator("[data-testid=current-mobile]")).to_contain_text("91xxxxxx80")
            expect(page.locator("[data-testid=changes]")).to_contain_text("90xxxxxx01 → 91xxxxxx80")
            shot(page, "4-changed")

            assert User.objects.get(username="officer_l1").mobile == NEW
            kinds = set(ProfileChange.objects.values_list("kind", flat=True))
            assert kinds == {"changed", "otp_sent", "refused"}
            assert not failed, failed
            assert not csp, csp
        finally:
            browser.close()
