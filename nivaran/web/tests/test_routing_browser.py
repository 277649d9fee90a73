"""M1 in a real Chromium: the L1 officer finds the right type with the picker's search box
and changes it; the history shows the change."""

from __future__ import annotations

import pytest

from nivaran.grievances.models import Grievance
from nivaran.profiles.loader import active_profile
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("web")


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_l1_officer_searches_the_types_and_changes_it(
    live_server, live_world: World, viewport: str
):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    active_profile().rules["type_change_window_days"] = 3  # Madhya Pradesh's rule
    grievance = live_world.register()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
            csp = csp_violations(page)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "officer_l1")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/grievances/{grievance.number}/")
            page.locator('[data-action="change_type"] .accordion-button').click()
            search = page.locator("[data-search-for=id_change_type_category]")
            expect(search).to_be_visible()
            search.fill("flood")
            select = page.locator("#id_change_type_category")
            visible = select.evaluate(
                "s => [...s.options].filter(o => o.value && !o.hidden).map(o => o.value)"
            )
            assert visible == ["REV-FLOOD"]
            assert select.input_value() == "REV-FLOOD"
            page.fill("#id_change_type_reason", "The complaint is about flood relief.")
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-change-type.png"), full_page=True)
            page.locator('form[data-action-form="change_type"] button[type=submit]').click()
            expect(page.locator(".alert-success")).to_be_visible()
            expect(page.locator("body")).to_contain_text("Complaint type changed")
            assert csp == []
        finally:
            browser.close()
    assert Grievance.objects.get(pk=grievance.pk).category.code == "REV-FLOOD"
