"""The tele-caller sees suggested types while typing the description and picks one, in
Chromium, under the strict CSP; the officer picks one for the type change."""

from __future__ import annotations

import pytest

from nivaran.profiles.loader import active_profile
from nivaran.suggestions.services import suggestion_model_train
from nivaran.suggestions.tests.conftest import lodge_texts
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("suggestions")


@pytest.fixture
def live_world(transactional_db) -> World:
    world = build_world()
    lodge_texts(world)
    suggestion_model_train()
    return world


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_suggested_types_are_picked_with_a_click(live_server, live_world, viewport):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    active_profile().rules.update(type_change_window_days=3, type_change_window_calendar="calendar")
    wrong = live_world.register(
        category=live_world.hours_category,
        description="Hamare gaon mein do din se bijli nahi hai, light kab aayegi?",
        mobile="9600000001",
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
            csp = csp_violations(page)

            def sign_in(username: str) -> None:
                page.goto(f"{live_server.url}/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit].w-100")
                page.wait_for_url(f"{live_server.url}/")

            sign_in("telecaller")
            page.goto(f"{live_server.url}/callcentre/")
            box = page.locator("[data-testid=suggested-types]")
            expect(box).to_be_hidden()
            page.fill("#id_description", "गांव में कल शाम से बिजली नहीं है, कोई नहीं आया।")
            first = box.locator("[data-suggest-pick]").first
            expect(first).to_have_attribute("data-suggest-pick", "PWR-SUP")
            expect(box.locator("[data-suggest-pick]")).to_have_count(3)
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-console.png"), full_page=True)
            first.click()
            expect(page.locator("#id_category")).to_have_value("PWR-SUP")
            expect(first).to_have_attribute("aria-pressed", "true")

            # The officer's type change: a click chooses the suggested type in the form.
            page.context.clear_cookies()
            sign_in("officer_l1")
            page.goto(f"{live_server.url}/grievances/{wrong.number}/")
            page.click("[data-action=change_type] .accordion-button")
            suggested = page.locator("[data-action=change_type] [data-suggest-pick]").first
            expect(suggested).to_have_attribute("data-suggest-pick", "PWR-SUP")
            suggested.click()
            expect(page.locator("#id_change_type_category")).to_have_value("PWR-SUP")
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-officer.png"), full_page=True)
            assert csp == []
        finally:
            browser.close()
