"""The category pages in a real Chromium under the strict CSP, on a phone: the secretary
opens the tree, reads the Others share, merges a type (seeing the grievances that move)
and reads the change log."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from nivaran.analytics.rollups import rollups_refresh
from nivaran.catalog.models import Category
from nivaran.grievances.models import Grievance
from nivaran.testing.browser import ARGS, CHROMIUM, PHONE, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page

ARTIFACTS = artifacts("categories")


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
def test_the_secretary_merges_a_type_on_a_phone(live_server, live_world: World):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    others = Category.objects.get(code="REV-OTH")
    now = timezone.now()
    for i in range(3):
        live_world.register(category=others, mobile=f"987650000{i}", at=now - timedelta(days=40))
    live_world.register(mobile="9876500009", at=now - timedelta(days=40))
    a = live_world.register(mobile="9876500010")
    b = live_world.register(mobile="9876500011")
    rollups_refresh(now=now)  # the share is read from the analytics rollups
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(viewport=PHONE).new_page()
            csp = csp_violations(page)
            login(page, base, "secretary")
            page.get_by_role("button", name="Show the menu").click()
            page.get_by_role("link", name="Categories").click()
            page.wait_for_url(f"{base}/categories/REV/")
            tree = page.locator("[data-testid=category-tree]")
            expect(tree.locator('tr[data-code="REV-LAND-MUT"]')).to_have_attribute(
                "data-pending", "3"
            )
            share = page.locator("[data-testid=others-share]")
            month = timezone.localtime(now - timedelta(days=40)).strftime("%Y-%m")
            row = share.locator(f'tr[data-month="{month}"] [data-percent]')
            expect(row).to_have_text("75.0%")  # 3 of 4 under Others
            page.screenshot(path=str(ARTIFACTS / "tree-phone.png"), full_page=True)

            tree.get_by_role("link", name="Mutation pending").click()
            page.get_by_role("link", name="Merge into another type").click()
            expect(page.locator("[data-testid=merge-count]")).to_contain_text(
                "3 pending grievances will move"
            )
            expect(page.locator(f'tr[data-number="{a.number}"]')).to_be_visible()
            page.select_option("#id_into", "REV-FLOOD")
            page.fill("#id_reason", "Reported together")
            page.screenshot(path=str(ARTIFACTS / "merge-phone.png"), full_page=True)
            page.get_by_role("button", name="Merge", exact=True).click()
            page.wait_for_url(f"{base}/categories/REV/")
            expect(page.locator(".alert-success")).to_contain_text(
                "REV-LAND-MUT is merged into REV-FLOOD and retired."
            )
            expect(tree.locator('tr[data-code="REV-LAND-MUT"]')).to_have_attribute(
                "data-active", "no"
            )
            expect(page.locator("[data-testid=change-log]")).to_contain_text("3 grievances moved")
            page.screenshot(path=str(ARTIFACTS / "after-merge-phone.png"), full_page=True)
            assert csp == []
        finally:
            browser.close()
    assert {g.category.code for g in Grievance.objects.filter(pk__in=[a.pk, b.pk])} == {"REV-FLOOD"}
