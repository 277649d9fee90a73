"""A tele-caller's journeys in a real Chromium, at phone and desktop widths."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from nivaran.callcentre.models import Callback
from nivaran.callcentre.services import ivrs_call_receive, ivrs_key_issue
from nivaran.grievances.models import Grievance
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page


ARTIFACTS = artifacts("callcentre")


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


def _a_past_sunday_morning() -> datetime:
    today = timezone.localdate()
    sunday = today - timedelta(days=today.weekday() + 8)
    return datetime.combine(sunday, time(11, 0), tzinfo=timezone.get_current_timezone())


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_tele_caller_registers_and_works_callbacks(live_server, live_world: World, viewport):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    # CI shares two cores with the test server: give the page time, not a flaky failure.
    expect.set_options(timeout=20_000)

    earlier = live_world.register(mobile="9876543210")
    system, _key = ivrs_key_issue(name="ivrs")
    call = ivrs_call_receive(
        system=system,
        call_id="c1",
        caller="9812345678",
        called_at=_a_past_sunday_morning(),
        recording_ref="ivrs/2026/rec-0001.wav",
    )
    assert call.callback is not None
    callback = call.callback
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
            # Every request the pages make, to check that no mobile travels in a URL.
            urls: list[str] = []
            page.on("request", lambda request: urls.append(request.url))
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "telecaller")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")

            # The console, keyboard only.
            page.goto(f"{live_server.url}/callcentre/")
            expect(page.locator("[data-testid=hours]")).to_be_visible()
            expect(page.locator("#id_mobile")).to_be_focused()
            shot(page, "1-console")
            kb = page.keyboard
            kb.type("+91 98765 43210")
            kb.press("Tab")
            expect(page.locator(f'[data-earlier="{earlier.number}"]')).to_be_visible()
            expect(page.locator(f'[data-duplicate="{earlier.number}"]')).to_be_visible()
            assert any(url.endswith("/callcentre/lookup/") for url in urls), urls
            kb.type("Ramesh Kumar")
            kb.press("Tab")
            kb.type("REV-LAND-MUT")
            kb.press("Tab")
            kb.press("ArrowDown")  # district: the first one
            kb.press("Tab")
            kb.press("ArrowDown")  # area: the whole district
            kb.press("ArrowDown")  # area: its block
            expect(page.locator("#id_area")).to_have_value("TS-ONE-B1")
            kb.press("Tab")
            kb.type("Mutation of my land has been pending for three months.")
            shot(page, "2-console-filled")
            kb.press("Tab")  # kind
            kb.press("Tab")  # emergency
            kb.press("Tab")  # register
            kb.press("Enter")
            expect(page.locator("[data-testid=acknowledgement]")).to_be_visible()
            number = page.locator("[data-testid=grievance-number]").inner_text()
            grievance = Grievance.objects.get(number=number)
            assert grievance.channel == "call_centre"
            shot(page, "3-acknowledgement")

            # The callback queue: no answer first.
            page.goto(f"{live_server.url}/callcentre/callbacks/")
            row = page.locator(f'[data-callback="{callback.pk}"]')
            expect(row).to_contain_text("9812345678")
            expect(row).to_contain_text("rec-0001")
            shot(page, "4-queue")
            row.click()
            expect(page.locator("[data-testid=attempt-form]")).to_be_visible()
            shot(page, "5-callback")
            page.select_option("#id_outcome", "no_answer")
            page.fill("#id_notes", "Rang twice, no answer.")
            page.locator("[data-testid=save-attempt]").click()
            # The page's message, not the call-centre hours (also green while it is open).
            expect(page.locator(".alert-success[role=alert]")).to_be_visible()
            expect(page.locator(f'[data-callback="{callback.pk}"]')).to_have_count(0)
            shot(page, "6-queue-after-attempt")

            # Later: reached, and the grievance registered in the same step.
            page.goto(f"{live_server.url}/callcentre/callbacks/{callback.pk}/")
            page.select_option("#id_outcome", "reached_registered")
            expect(page.locator("#id_reg-citizen_name")).to_be_visible()
            expect(page.locator("#id_reg-mobile")).to_have_value("9812345678")
            page.fill("#id_reg-citizen_name", "Sunita Devi")
            page.fill("#id_reg-category", "REV-LAND-MUT")
            page.select_option("#id_reg-area", "TS-ONE-B1")
            page.fill("#id_reg-description", "इंतकाल तीन महीने से लंबित है, कृपया जल्द करें।")
            shot(page, "7-callback-registering")
            page.locator("[data-testid=save-attempt]").click()
            # The page's message, not the call-centre hours (also green while it is open).
            expect(page.locator(".alert-success[role=alert]")).to_be_visible()
            expect(page.locator("[data-testid=callback-status]")).to_have_text("Reached")
            expect(page.locator("[data-testid=callback-grievance]")).to_be_visible()
            shot(page, "8-callback-registered")
            callback = Callback.objects.get(pk=callback.pk)
            assert callback.grievance is not None
            assert callback.grievance.channel == "ivrs"
            assert callback.attempts == 2
            assert not failed, failed
            assert not [url for url in urls if "9876543210" in url or "9812345678" in url], urls
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()
