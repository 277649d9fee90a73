"""At phone size in a real Chromium: the citizen answers the ATR and reopens a closed one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nivaran.grievances.models import Grievance, Status
from nivaran.grievances.workflow import grievance_act
from nivaran.portal.tests.helpers import last_otp
from nivaran.testing.browser import ARGS, CHROMIUM, PHONE, artifacts, csp_violations
from nivaran.testing.world import World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = artifacts("portal")
MOBILE = "9811100011"


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


def _with_atr(world: World) -> Grievance:
    grievance = world.register(mobile=MOBILE, citizen_name="Kamla Devi")
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="interim_reply",
        data={"message": "The drain will be cleaned this week.", "expected_by": "2030-01-15"},
    )
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "The drain is cleaned and the water has gone."},
    )
    return grievance


@pytest.mark.browser
def test_a_citizen_disputes_an_atr_and_reopens_a_closed_grievance(live_server, live_world: World):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    disputed = _with_atr(live_world)
    finished = _with_atr(live_world)
    grievance_act(
        grievance_id=finished.pk,
        actor=live_world["feedback"],
        action="record_feedback",
        data={"outcome": "satisfied"},
    )
    base = f"{live_server.url}/citizen"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"feedback-phone-{name}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=PHONE).new_page()
            csp = csp_violations(page)
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )
            page.goto(f"{base}/track/")
            page.fill("#id_number", str(disputed.number))
            page.fill("#id_mobile", MOBILE)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/track/otp/")
            page.fill("#id_code", last_otp(MOBILE))
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/track/{disputed.number}/")
            expect(page.locator("[data-testid=atr]")).to_contain_text("The drain is cleaned")
            expect(page.locator("[data-event=interim_reply]")).to_contain_text("15-01-2030")
            shot(page, "1-asked")

            # "No" without a reason: told what is missing, nothing recorded.
            page.locator("#feedback-form input[value=no]").check()
            page.click("[data-testid=send-feedback]")
            expect(page.locator("[data-error=reason]")).to_be_visible()
            disputed.refresh_from_db()
            assert disputed.status == Status.ATR_SUBMITTED
            page.fill("#id_reason", "Water collects again after every rain.")
            shot(page, "2-not-satisfied")
            page.click("[data-testid=send-feedback]")
            page.wait_for_url(f"{base}/track/{disputed.number}/")
            expect(page.locator(".messages")).to_contain_text("administrative secretary")
            expect(page.locator("[data-testid=status]")).to_contain_text("sent for clarification")
            shot(page, "3-sent-for-clarification")
            disputed.refresh_from_db()
            assert disputed.status == Status.CONFLICT

            # Another grievance of the same mobile, closed: reopen it within the window.
            page.goto(f"{base}/track/")
            page.fill("#id_number", str(finished.number))
            page.fill("#id_mobile", MOBILE)
            page.click("main button[type=submit]")
            page.wait_for_url(f"{base}/track/{finished.number}/")
            expect(page.locator("#reopen-form")).to_be_visible()
            page.fill("#id_reopen_reason", "The drain is blocked again.")
            shot(page, "4-reopen")
            page.click("[data-testid=reopen]")
            page.wait_for_url(f"{base}/track/{finished.number}/")
            expect(page.locator("[data-event=reopen]")).to_contain_text("Reopened at your request")
            shot(page, "5-reopened")
            finished.refresh_from_db()
            assert finished.status == Status.REOPENED
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"
            assert not failed, failed
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()
