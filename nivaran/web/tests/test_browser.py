"""The officer's main journey in a real Chromium, at phone and desktop widths."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page


ARTIFACTS = artifacts("web")


@pytest.fixture
def live_world(transactional_db) -> World:
    """The `world` for a live server: committed rows the server's thread can read."""
    return build_world()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_an_officer_submits_an_atr(live_server, live_world: World, viewport: str):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    # CI shares two cores with the test server: give the page time, not a flaky failure.
    expect.set_options(timeout=20_000)

    grievance = live_world.register(emergency=True)
    live_world.register(mobile="9876500001", description="बिजली का बिल गलत आया है, सुधार करें।")
    live_world.register(mobile="9876500002", at=timezone.now() - timedelta(days=60))  # overdue
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{viewport}-{name}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport=VIEWPORTS[viewport])
            page = context.new_page()
            csp = csp_violations(page)
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )

            page.goto(f"{live_server.url}/login/")
            shot(page, "1-login")
            page.fill("#id_username", "officer_l1")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")

            page.wait_for_url(f"{live_server.url}/")
            expect(page.locator('[data-count="mine"]')).to_have_text("3")
            expect(page.locator('[data-count="overdue"]')).to_have_text("1")
            shot(page, "2-inbox")

            page.locator(f'a[href="/grievances/{grievance.number}/"]:visible').first.click()
            expect(page.locator("[data-testid=status]")).to_have_text("Open")
            shot(page, "3-grievance")

            page.locator('[data-action="submit_atr"] .accordion-button').click()
            summary = page.locator("#id_submit_atr_summary")
            expect(summary).to_be_visible()
            summary.fill("Mutation entered in the revenue record; copy sent to the citizen.")
            page.select_option("#id_submit_atr_resolution_type", "resolved")
            shot(page, "4-atr-form")
            page.locator('form[data-action-form="submit_atr"] button[type=submit]').click()

            expect(page.locator("[data-testid=status]")).to_have_text("ATR submitted")
            expect(page.locator(".alert-success")).to_be_visible()
            expect(page.locator('[data-event="submit_atr"]')).to_contain_text("ATR submitted")
            shot(page, "5-atr-submitted")

            # The same page in Hindi, through the language switcher.
            page.locator('button[name="language"][value="hi"]').click()
            page.wait_for_url(f"{live_server.url}/hi/grievances/{grievance.number}/")
            expect(page.locator("html")).to_have_attribute("lang", "hi")
            shot(page, "6-grievance-hi")
            page.goto(f"{live_server.url}/hi/")
            shot(page, "7-inbox-hi")

            assert not failed, failed  # every page and asset is served, all locally
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()
