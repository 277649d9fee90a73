"""A citizen lodges and tracks a grievance in a real Chromium: phone, desktop, Hindi."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nivaran.grievances.models import Grievance
from nivaran.portal.tests.helpers import PNG, last_otp
from nivaran.testing.browser import ARGS, CHROMIUM, DESKTOP, PHONE, artifacts, csp_violations
from nivaran.testing.world import World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize


ARTIFACTS = artifacts("portal")
RUNS: dict[str, tuple[ViewportSize, str]] = {
    "phone": (PHONE, ""),
    "desktop": (DESKTOP, ""),
    "phone-hi": (PHONE, "/hi"),
}


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


@pytest.mark.browser
@pytest.mark.parametrize("run", RUNS)
def test_a_citizen_lodges_and_tracks(live_server, live_world: World, run: str, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    # CI shares two cores with the test server: give the page time, not a flaky failure.
    expect.set_options(timeout=20_000)

    viewport, prefix = RUNS[run]
    mobile = {"phone": "9811100001", "desktop": "9811100002", "phone-hi": "9811100003"}[run]
    base = f"{live_server.url}{prefix}/citizen"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    photo = tmp_path / "road.png"
    photo.write_bytes(PNG)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{run}-{name}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=viewport).new_page()
            csp = csp_violations(page)
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )
            page.goto(f"{base}/")
            expect(page.locator("html")).to_have_attribute("lang", "hi" if prefix else "en")
            shot(page, "1-home")
            page.click("[data-testid=go-lodge]")
            page.fill("#id_name", "Sita Devi")
            page.fill("#id_mobile", mobile)
            shot(page, "2-mobile")
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/lodge/otp/")
            page.fill("#id_code", last_otp(mobile))
            shot(page, "3-otp")
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/lodge/details/")

            page.select_option("#id_pick_district", live_world.district.code)
            page.wait_for_url(f"**/lodge/details/?*district={live_world.district.code}*")
            page.fill("#id_q", "इंतकाल" if prefix else "mutation")
            page.click("#picker button[type=submit]")
            page.wait_for_url("**q=*")
            page.select_option("#id_category", live_world.category.code)
            page.select_option("#id_area", live_world.block.code)
            page.fill("#id_description", "मेरी ज़मीन का इंतकाल छह महीने से लंबित है।")
            page.locator("#location summary").click()
            page.fill("#id_latitude", "28.613900")
            page.fill("#id_longitude", "77.209000")
            page.set_input_files("#id_attachments", str(photo))
            shot(page, "4-details")
            page.click("#lodge-form button[type=submit]")
            page.wait_for_url(f"{base}/lodge/done/")
            number = page.locator("[data-testid=number]").inner_text().strip()
            grievance = Grievance.objects.get(number=number)
            assert grievance.channel == "web" and grievance.citizen.mobile == mobile
            shot(page, "5-done")

            page.goto(f"{base}/track/")
            page.fill("#id_number", number)
            page.fill("#id_mobile", mobile)
            shot(page, "6-track")
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/track/otp/")
            page.fill("#id_code", last_otp(mobile))
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/track/{number}/")
            expect(page.locator("[data-event=register]")).to_be_visible()
            shot(page, "7-status")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"the page scrolls sideways: {width}px"
            assert not failed, failed
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()
