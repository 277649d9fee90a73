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


@pytest.mark.browser
def test_a_citizen_picks_a_suggested_type_on_the_portal(live_server, live_world):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    from nivaran.grievances.models import Grievance
    from nivaran.portal.tests.helpers import last_otp

    expect.set_options(timeout=20_000)
    mobile = "9811100011"
    base = f"{live_server.url}/hi/citizen"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORTS["phone"]).new_page()
            csp = csp_violations(page)
            page.goto(f"{base}/lodge/")
            page.fill("#id_name", "Sita Devi")
            page.fill("#id_mobile", mobile)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/lodge/otp/")
            page.fill("#id_code", last_otp(mobile))
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/lodge/details/")
            page.select_option("#id_pick_district", live_world.district.code)
            page.wait_for_url(f"**/lodge/details/?*district={live_world.district.code}*")
            # A search narrowed the list to flood relief; the text is about a mutation.
            page.fill("#id_q", "flood")
            page.click("#picker button[type=submit]")
            page.wait_for_url("**q=*")
            page.select_option("#id_area", live_world.block.code)
            page.fill(
                "#id_description", "Mera intkal chhe mahine se pending hai, tehsil mein sunwai nahi"
            )
            box = page.locator("[data-testid=suggested-types]")
            first = box.locator("[data-suggest-pick]").first
            expect(first).to_have_attribute("data-suggest-pick", "REV-LAND-MUT")
            expect(first).to_contain_text("इंतकाल लंबित")  # the Hindi page: the Hindi name
            first.click()
            expect(page.locator("#id_category")).to_have_value("REV-LAND-MUT")
            page.screenshot(path=str(ARTIFACTS / "phone-portal.png"), full_page=True)
            page.click("#lodge-form button[type=submit]")
            page.wait_for_url(f"{base}/lodge/done/")
            number = page.locator("[data-testid=number]").inner_text().strip()
            assert Grievance.objects.get(number=number).category.code == "REV-LAND-MUT"
            assert csp == []
        finally:
            browser.close()
