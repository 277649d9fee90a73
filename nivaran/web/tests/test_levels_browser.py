"""The level mapping editor in a real Chromium under the strict CSP: the head of department
tries to put a non-head post at L3 and reads why it is refused, then maps a block's L1."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nivaran.org.models import Designation, LevelMapping, OrgChange, Post
from nivaran.testing.browser import ARGS, CHROMIUM, DESKTOP, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = artifacts("levels")


@pytest.fixture
def live_world(transactional_db, settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].w-100")
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
def test_the_hod_edits_the_mapping_and_reads_a_refusal(live_server, live_world: World):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    Post.objects.create(
        code="REV-L1-B1",
        title="Tehsildar, One Block",
        designation=Designation.objects.get(code="tehsildar"),
        area=live_world.block,
        department=live_world.department,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=DESKTOP).new_page()
            csp = csp_violations(page)
            login(page, base, "hod")
            page.get_by_role("link", name="Level mapping").click()
            page.wait_for_url(f"{base}/org/levels/REV/")
            form = page.locator("[data-testid=mapping-form]")

            # L3 is the head of department's: a district post is refused, with the reason.
            form.locator("#id_level").select_option("3")
            form.locator("#id_post").select_option("REV-L2-ONE")
            form.locator("button[type=submit]").click()
            alert = page.locator(".alert-danger")
            expect(alert).to_contain_text("Please correct the form.")
            expect(alert).to_contain_text("L3 must be the head of department; REV-L2-ONE is not.")
            page.screenshot(path=str(ARTIFACTS / "1-refused.png"), full_page=True)
            l3 = LevelMapping.objects.get(department=live_world.department, level=3)
            assert l3.post.code == "REV-L3"

            # A block of its own at L1: saved, listed and logged.
            form.locator("#id_area").select_option("TS-ONE-B1")
            form.locator("#id_level").select_option("1")
            form.locator("#id_post").select_option("REV-L1-B1")
            form.locator("button[type=submit]").click()
            expect(page.locator(".alert-success")).to_contain_text(
                "L1 is now Tehsildar, One Block."
            )
            expect(
                page.locator('[data-row][data-area="TS-ONE-B1"][data-level="1"]')
            ).to_be_visible()
            expect(page.locator("[data-testid=change-log]")).to_contain_text("added REV-L1-B1")
            page.screenshot(path=str(ARTIFACTS / "2-saved.png"), full_page=True)
            assert OrgChange.objects.get().new["post"] == "REV-L1-B1"

            # Removing district One's L2 would leave it without one: refused, row kept.
            l2 = LevelMapping.objects.get(
                department=live_world.department, area=live_world.district, level=2
            )
            page.locator(f'[data-row="{l2.pk}"] button[type=submit]').click()
            expect(page.locator(".alert-danger")).to_contain_text(
                "This would leave One without an L2 officer."
            )
            assert LevelMapping.objects.filter(pk=l2.pk).exists()
            assert csp == []
        finally:
            browser.close()
