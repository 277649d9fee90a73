"""U4 in a real Chromium: a spike injected as grievances is detected, and the department's
administrative secretary reads its evidence and acknowledges it with a policy note."""

from __future__ import annotations

import numpy as np
import pytest

from nivaran.profiles.loader import active_profile
from nivaran.systemic.models import IssueStatus, SystemicIssue
from nivaran.systemic.services import systemic_detect
from nivaran.systemic.tests.synthetic import (
    TESTED_WEEK,
    many_cells,
    now,
    register_counts,
    weeks_back,
)
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("systemic")


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_secretary_acknowledges_a_detected_spike(live_server, live_world: World, viewport):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    active_profile()
    rng = np.random.default_rng(3)
    categories, areas = many_cells(live_world, 4)
    plan = {
        (c, a): {w: int(rng.poisson(5)) for w in weeks_back(12)} for c in categories for a in areas
    }
    plan[(live_world.category, live_world.district)][TESTED_WEEK] = 26
    register_counts(live_world, plan)
    systemic_detect(now=now())
    issue = SystemicIssue.objects.get()
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
            page.goto(f"{live_server.url}/analytics/systemic/")
            row = page.locator(f"[data-issue='{issue.pk}']")
            expect(row).to_contain_text("Mutation pending")
            expect(row.locator("[data-field=evidence]")).to_contain_text(
                "26 registered from 16-11-2026 to 22-11-2026"
            )
            expect(row.locator("[data-field=samples] a")).to_have_count(5)
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-issues.png"), full_page=True)
            row.locator("textarea[name=policy_note]").fill("Mutation camps in every tehsil.")
            row.locator("button[type=submit]").click()
            expect(page.locator(".alert-success")).to_be_visible()
            page.goto(f"{live_server.url}/hi/analytics/systemic/?status=")
            expect(page.locator("[data-field=policy-note]")).to_contain_text("Mutation camps")
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-acknowledged-hi.png"), full_page=True)
            assert csp == []
        finally:
            browser.close()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACKNOWLEDGED
