"""H5 in a real Chromium: an officer must acknowledge the citizen's earlier feedback
before the browser (and the server) accepts the ATR."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nivaran.grievances.models import (
    ActionTakenReport,
    FeedbackCall,
    GrievanceEvent,
    SpecialClose,
    Status,
)
from nivaran.grievances.workflow import grievance_act
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
def test_an_officer_acknowledges_the_earlier_feedback(
    live_server, live_world: World, viewport: str
):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)

    # An ATR the citizen disputed (a conflict), clarified back to the L1 officer.
    grievance = live_world.register()
    for username, action, data in [
        ("officer_l1", "submit_atr", {"summary": "Mutation entered in the register."}),
        (
            "feedback",
            "record_feedback",
            {
                "outcome": "not_satisfied",
                "reason": "The record still shows the old owner.",
                "recording_ref": "REC-2026-0042",
            },
        ),
        ("secretary", "clarify_conflict", {"clarification": "Correct the record and report."}),
    ]:
        grievance_act(
            grievance_id=grievance.pk, actor=live_world[username], action=action, data=data
        )
    grievance.refresh_from_db()
    assert grievance.status == Status.REOPENED
    call = FeedbackCall.objects.get(grievance=grievance)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{viewport}-atr-{name}.png"), full_page=True)

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
            page.fill("#id_username", "officer_l1")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")

            page.goto(f"{live_server.url}/grievances/{grievance.number}/")
            expect(page.locator("[data-testid=status]")).to_have_text("Reopened")
            expect(page.locator("[data-testid=feedback]")).to_contain_text(
                "The record still shows the old owner."
            )
            page.locator('[data-action="submit_atr"] .accordion-button').click()
            form = page.locator('form[data-action-form="submit_atr"]')
            summary = page.locator("#id_submit_atr_summary")
            expect(summary).to_be_visible()
            summary.fill("Record corrected; new owner entered after a site visit.")
            page.set_input_files(
                "#id_submit_atr_documents",
                files=[
                    {
                        "name": "record.pdf",
                        "mimeType": "application/pdf",
                        "buffer": b"%PDF-1.4 corrected record",
                    }
                ],
            )
            acknowledge = page.locator(f"#id_submit_atr_acknowledged_feedback_{call.pk}")
            expect(acknowledge).to_be_visible()
            expect(form).to_contain_text("REC-2026-0042")
            shot(page, "1-form")

            # Not ticked: the browser refuses to send the form.
            form.locator("button[type=submit]").click()
            assert acknowledge.evaluate("el => !el.validity.valid")
            expect(page.locator("[data-testid=status]")).to_have_text("Reopened")
            shot(page, "2-refused")
            assert ActionTakenReport.objects.filter(grievance=grievance).count() == 1

            acknowledge.check()
            form.locator("button[type=submit]").click()
            expect(page.locator("[data-testid=status]")).to_have_text("ATR submitted")
            expect(page.locator(".alert-success")).to_be_visible()
            expect(page.locator("[data-testid=acknowledged]")).to_contain_text(f"#{call.pk}")
            expect(page.locator("[data-testid=atrs]")).to_contain_text("record.pdf")
            shot(page, "3-submitted")

            assert not failed, failed
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()

    atr = ActionTakenReport.objects.filter(grievance=grievance).latest("id")
    assert atr.acknowledged_feedback == [call.pk]
    assert atr.documents.count() == 1
    event = GrievanceEvent.objects.filter(grievance=grievance, action="submit_atr").latest("id")
    assert event.data["acknowledged_feedback"] == [call.pk]
    for document in atr.documents.all():
        document.file.delete(save=False)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_reviewer_confirms_a_special_close(live_server, live_world: World, viewport: str):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    grievance = live_world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=live_world["hod"],
        action="special_close",
        data={"reason_code": "duplicate", "reason": "Same as HR2600000001, already resolved."},
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
            csp = csp_violations(page)
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", "secretary")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit].w-100")
            page.wait_for_url(f"{live_server.url}/")
            page.goto(f"{live_server.url}/reviews/special-closes/")
            row = page.locator(f'[data-special-close] a[href="/grievances/{grievance.number}/"]')
            expect(row).to_be_visible()
            expect(page.locator('[data-field="ground"]')).to_have_text(
                "Duplicate of an earlier grievance"
            )
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-review-1-queue.png"), full_page=True)
            page.locator('form[data-review="confirm"] button').click()
            page.wait_for_url(f"{live_server.url}/reviews/special-closes/")
            expect(page.locator(".alert-success")).to_be_visible()
            expect(page.locator('[data-count="queue"]')).to_have_text("0")
            page.screenshot(
                path=str(ARTIFACTS / f"{viewport}-review-2-confirmed.png"), full_page=True
            )
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()
    assert SpecialClose.objects.get(grievance=grievance).review == "confirmed"
