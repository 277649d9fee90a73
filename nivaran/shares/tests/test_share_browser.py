"""M3 in a real Chromium: the L1 officer ticks grievances in the inbox, shares them with
the patwari, and gets the click-to-chat fallback."""

from __future__ import annotations

import pytest

from nivaran.accounts.models import User
from nivaran.accounts.roles import Role
from nivaran.grievances.models import GrievanceEvent
from nivaran.notifications.models import Message
from nivaran.org.models import Designation, Post
from nivaran.profiles.loader import active_profile
from nivaran.testing.browser import ARGS, CHROMIUM, VIEWPORTS, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ARTIFACTS = artifacts("shares")


@pytest.fixture
def live_world(transactional_db) -> World:
    world = build_world()
    holder = User.objects.create(
        username="patwari", role=Role.OFFICER, mobile="9000000099", first_name="Mohan"
    )
    Post.objects.create(
        code="REV-PATWARI-B1",
        title="Patwari, One Block",
        designation=Designation.objects.get(code="junior_engineer"),  # below a tehsildar
        area=world.block,
        department=world.department,
        holder=holder,
    )
    return world


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_officer_shares_the_whole_page_with_the_patwari(
    live_server, live_world: World, viewport: str
):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)
    active_profile().rules["whatsapp_share"] = True  # Madhya Pradesh's rule
    numbers = {live_world.register(mobile=f"98765000{n:02d}").number for n in range(3)}
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
            page.check("#share-all")
            expect(page.locator("[data-share-count]")).to_have_text("3")
            page.select_option("#share-recipient", "REV-PATWARI-B1")
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-inbox.png"), full_page=True)
            page.click("[data-share-submit]")
            expect(page.locator("[data-testid=shared]")).to_contain_text("3 grievances")
            link = page.locator("[data-testid=click-to-chat]").get_attribute("href") or ""
            assert link.startswith("https://wa.me/919000000099?text=")
            page.screenshot(path=str(ARTIFACTS / f"{viewport}-shared.png"), full_page=True)
            assert csp == []
        finally:
            browser.close()
    message = Message.objects.get(purpose="share_whatsapp")
    assert all(n in message.body for n in numbers)
    shared = GrievanceEvent.objects.filter(action="share_whatsapp")
    assert {e.grievance.number for e in shared} == numbers
