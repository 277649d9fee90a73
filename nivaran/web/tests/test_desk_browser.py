"""The feedback agent works the queue in a real Chromium, at phone and desktop widths."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nivaran.grievances.models import ActionTakenReport, FeedbackCall, Grievance, Status
from nivaran.grievances.workflow import grievance_act
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page


ARTIFACTS = artifacts("desk")


@pytest.fixture
def live_world(transactional_db) -> World:
    """The `world` for a live server: committed rows the server's thread can read."""
    return build_world()


def _atr(world: World, name: str, mobile: str, summary: str) -> ActionTakenReport:
    grievance = world.register(citizen_name=name, mobile=mobile)
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": summary, "resolution_type": "resolved"},
    )
    return ActionTakenReport.objects.get(grievance=grievance)


def _status(atr: ActionTakenReport) -> str:
    return Grievance.objects.get(pk=atr.grievance_id).status


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_feedback_agent_works_the_queue(live_server, live_world: World, viewport: str):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    # CI shares two cores with the test server: give the page time, not a flaky failure.
    expect.set_options(timeout=20_000)

    away = _atr(live_world, "Ramesh Kumar", "9876500001", "Mutation entered in the record.")
    happy = _atr(
        live_world,
        "Sunita Devi",
        "9876500002",
        "Drain cleared and the road repaired; photographs of the site attached to the file.",
    )
    unhappy = _atr(live_world, "Mohan Lal", "9876500003", "Electricity bill corrected.")
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
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "feedback")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")

            page.goto(f"{live_server.url}/feedback/")
            rows = page.locator("[data-atr]:visible")
            expect(rows).to_have_count(3)
            expect(page.locator("[data-call]:visible").first).to_be_focused()
            expect(page.locator("[data-later]")).to_have_attribute("data-later", "0")
            shot(page, "1-queue")

            # The oldest first: no answer, recorded with the keyboard alone.
            kb = page.keyboard
            kb.press("Enter")
            page.wait_for_url(f"{live_server.url}/feedback/{away.pk}/")
            expect(page.locator("[data-testid=atr]")).to_contain_text("Mutation entered")
            expect(page.locator("#id_outcome_satisfied")).to_be_focused()
            shot(page, "2-call")
            kb.press("ArrowDown")
            kb.press("ArrowDown")
            expect(page.locator("#id_outcome_unreachable")).to_be_checked()
            kb.press("Tab")  # reason
            kb.press("Tab")  # recording reference
            kb.type("rec/2026/0001.wav")
            kb.press("Tab")  # comments
            kb.type("Rang twice, no answer.")
            kb.press("Tab")  # save
            kb.press("Enter")
            page.wait_for_url(f"{live_server.url}/feedback/")
            expect(page.locator(".alert-success")).to_contain_text("attempt 1")
            expect(page.locator(f'[data-atr="{away.pk}"]')).to_have_count(0)
            expect(page.locator("[data-atr]:visible")).to_have_count(2)
            expect(page.locator("[data-later]")).to_have_attribute("data-later", "1")
            shot(page, "3-queue-after-unreachable")
            away.refresh_from_db()
            assert away.feedback_attempts == 1
            assert _status(away) == Status.ATR_SUBMITTED
            assert FeedbackCall.objects.get(atr=away).recording_ref == "rec/2026/0001.wav"

            # Satisfied: the grievance closes.
            page.locator(f'[data-call="{happy.pk}"]:visible').click()
            page.locator('label[data-outcome="satisfied"]').click()
            page.fill("#id_recording_ref", "rec/2026/0002.wav")
            page.fill("#id_comments", "Thanked the department.")
            shot(page, "4-call-satisfied")
            page.locator("[data-testid=save-feedback]").click()
            page.wait_for_url(f"{live_server.url}/feedback/")
            expect(page.locator(".alert-success")).to_contain_text("Closed")
            expect(page.locator("[data-atr]:visible")).to_have_count(1)
            assert _status(happy) == Status.CLOSED

            # Not satisfied: the reason is needed, then it goes to the secretary (Haryana).
            page.locator(f'[data-call="{unhappy.pk}"]:visible').click()
            page.locator('label[data-outcome="not_satisfied"]').click()
            expect(page.locator("#id_reason")).to_have_attribute("required", "")
            page.locator("[data-testid=save-feedback]").click()
            expect(page).to_have_url(f"{live_server.url}/feedback/{unhappy.pk}/")
            page.fill("#id_reason", "The bill still shows the old reading.")
            shot(page, "5-call-not-satisfied")
            page.locator("[data-testid=save-feedback]").click()
            page.wait_for_url(f"{live_server.url}/feedback/")
            expect(page.locator(".alert-success")).to_contain_text("Conflict")
            expect(page.locator("[data-testid=queue-empty]")).to_be_visible()
            shot(page, "6-queue-empty")
            assert _status(unhappy) == Status.CONFLICT
            assert FeedbackCall.objects.get(atr=unhappy).reason == (
                "The bill still shows the old reading."
            )

            # Back to the answered one: it says so, with no form.
            page.goto(f"{live_server.url}/feedback/{happy.pk}/")
            expect(page.locator("[data-testid=stale]")).to_be_visible()
            expect(page.locator("[data-testid=feedback-form]")).to_have_count(0)
            shot(page, "7-stale")
            assert not failed, failed
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()
