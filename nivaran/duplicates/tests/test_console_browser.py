"""The tele-caller sees a duplicate candidate with its reasons while typing, in Chromium,
under the strict CSP."""

from __future__ import annotations

import pytest

from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("duplicates")


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_console_shows_a_candidate_before_registering(live_server, live_world, viewport):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    earlier = live_world.register(
        citizen_name="सुनीता देवी",
        mobile="9812345678",
        description="गांव में तीन महीने से पीने के पानी की सप्लाई नहीं आ रही है।",
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
            csp = csp_violations(page)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "telecaller")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/callcentre/")
            # Another mobile, the name in Latin script with a slip, the text in English.
            page.fill("#id_mobile", "9898989898")
            page.fill("#id_citizen_name", "Sunita Dvi")
            page.fill("#id_category", "REV-LAND-MUT")
            page.select_option("#id_area", "TS-ONE-B1")
            candidates = page.locator("[data-testid=draft-candidates]")
            expect(candidates).to_have_count(0)
            page.fill(
                "#id_description",
                "Drinking water supply has not come to the village for three months.",
            )
            row = page.locator(f'[data-candidate="{earlier.number}"]')
            expect(row).to_be_visible()
            expect(row.locator('[data-reason="name_match"]')).to_be_visible()
            expect(row.locator('[data-reason="text_similar"]')).to_be_visible()
            expect(row.locator('[data-reason="same_mobile"]')).to_have_count(0)
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-console-candidate.png"))
            # The candidate's link opens the grievance.
            row.locator("a").click()
            page.wait_for_url(f"{live_server.url}/grievances/{earlier.number}/")
            assert csp == [], csp
        finally:
            browser.close()
