"""M5 in a real Chromium: the officer asks for the OTP, types it, and merges the
duplicate into the same complainant's earlier grievance."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from nivaran.grievances.models import Grievance, Status
from nivaran.notifications.models import Message
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("web")


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_officer_merges_a_duplicate_with_the_otp(live_server, live_world: World, viewport):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    text = "मेरी जमीन का इंतकाल छह महीने से दर्ज नहीं हुआ है, तहसील में कोई सुनवाई नहीं।"
    survivor = live_world.register(
        citizen_name="सुनीता देवी",
        mobile="9812345678",
        description=text,
        at=timezone.now() - timedelta(days=1),
    )
    duplicate = live_world.register(
        citizen_name="Sunita Devi", mobile="9812345678", description=text
    )
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
            page.goto(f"{live_server.url}/grievances/{duplicate.number}/")
            page.locator('[data-action="merge"] .accordion-button').click()
            page.locator("[data-merge-otp] button").click()
            expect(page.locator(".alert-success")).to_contain_text("90xxxxxx01")
            body = Message.objects.filter(to="9000000001", purpose="otp").latest("id").body
            code = re.search(r"\b(\d{6})\b", body).group(1)
            expect(page.locator("#id_merge_otp")).to_be_visible()  # the form is open again
            page.fill("#id_merge_into", survivor.number)
            page.fill("#id_merge_otp", code)
            page.fill("#id_merge_reason", "Lodged twice by the same woman.")
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-merge.png"), full_page=True)
            page.locator('form[data-action-form="merge"] button[type=submit]').click()
            expect(page.locator("[data-testid=status]")).to_have_text("Merged")
            assert csp == []
        finally:
            browser.close()
    merged = Grievance.objects.get(pk=duplicate.pk)
    assert (merged.status, merged.merged_into_id) == (Status.MERGED, survivor.pk)
