"""The dashboard and a drive's burn-down in a real Chromium, at 360 px and at desktop width:
the charts draw (Chart.js from npm), nothing overflows the phone, no CSP violation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from nivaran.analytics.drives import DriveFilter, drive_declare
from nivaran.analytics.rollups import rollups_refresh
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("analytics")

DRAWN = """(canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


@pytest.fixture
def live_world(transactional_db) -> World:
    world = build_world()
    now = timezone.now()
    for day in range(12):
        for i in range(day % 4 + 1):
            world.register(at=now - timedelta(days=day, hours=i), mobile=f"98{day:02d}{i:06d}")
    world.register(at=now - timedelta(days=2), category=world.other_category, channel="web")
    rollups_refresh(now=now)
    drive_declare(
        actor=world["secretary"],
        department="REV",
        name="Clear the backlog",
        target_date=(now + timedelta(days=10)).date(),
        filters=DriveFilter(),
        now=now,
    )
    return world


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_charts_draw_and_fit(live_server, live_world: World, viewport):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
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
            if viewport == "desktop":  # on a phone the menu is folded
                page.get_by_test_id("nav-analytics").click()
            else:
                page.goto(f"{live_server.url}/analytics/")
            # Revenue's 30 (the secretary's department), not Power's one.
            expect(page.locator("[data-total=registered]")).to_have_text("30")
            for chart in ("chart-trend", "chart-channels", "chart-ages", "chart-levels"):
                canvas = page.locator(f'canvas[data-chart="{chart}"]')
                expect(canvas).to_have_attribute("data-drawn", "true")  # the script ran
                assert canvas.evaluate(DRAWN) > 500, chart
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= VIEWPORTS[viewport]["width"], width
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-dashboard.png"), full_page=True)
            page.goto(f"{live_server.url}/analytics/drives/")
            page.get_by_text("Clear the backlog").click()
            canvas = page.locator('canvas[data-chart="burn-down"]')
            expect(canvas).to_have_attribute("data-drawn", "true")
            assert canvas.evaluate(DRAWN) > 200
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-drive.png"), full_page=True)
            assert csp == []
        finally:
            browser.close()
