"""Field validation in a real Chromium at phone size: the executive records a visit below the
standard (the ATR is recalled), and the district administration sees who covers them."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone

from nivaran.grievances import fieldwork
from nivaran.grievances.models import FieldVisit, GrievanceEvent, Status
from nivaran.grievances.workflow import grievance_act
from nivaran.org.models import FieldCoverage
from nivaran.testing.browser import ARGS, CHROMIUM, PHONE, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

if TYPE_CHECKING:
    from playwright.sync_api import Page


ARTIFACTS = artifacts("field")
# The smallest valid PNG: one transparent pixel.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@pytest.fixture
def live_world(transactional_db, settings, tmp_path) -> World:
    """The `world` for a live server: committed rows the server's thread can read."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].w-100")
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
def test_a_field_visit_below_the_standard_recalls_the_atr(live_server, live_world: World):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)

    grievance = live_world.register()
    grievance_act(
        grievance_id=grievance.pk,
        actor=live_world["officer_l1"],
        action="submit_atr",
        data={"summary": "Mutation entered in the revenue record; copy sent to the citizen."},
    )
    visit, _created = fieldwork.field_visit_pick(
        number=grievance.number or "", actor=live_world["cmo"]
    )
    other = live_world.register(mobile="9876500001")
    grievance_act(
        grievance_id=other.pk,
        actor=live_world["officer_l1"],
        action="submit_atr",
        data={"summary": "Demarcation done on 12 March in the presence of both parties."},
    )
    fieldexec = live_world["fieldexec"]
    fieldexec.mobile = "9111111111"
    fieldexec.save(update_fields=["mobile"])
    FieldCoverage.objects.create(
        executive=fieldexec, district=live_world.district, since=timezone.localdate()
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    photo = ARTIFACTS / "site.png"
    photo.write_bytes(PNG)
    base = live_server.url

    def shot(page: Page, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            context = browser.new_context(viewport=PHONE)
            page = context.new_page()
            csp = csp_violations(page)
            failed: list[str] = []
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )

            # The field executive: the queue, then the visit form.
            login(page, base, "fieldexec")
            page.goto(f"{base}/field/")
            card = page.locator(f'[data-visit="{visit.pk}"]')
            expect(card).to_contain_text(grievance.number or "")
            shot(page, "1-queue")
            card.click()
            page.wait_for_url(f"{base}/field/visits/{visit.pk}/")
            expect(page.locator("[data-testid=atr-summary]")).to_contain_text("Mutation entered")
            photos = page.locator("#id_photos")
            expect(photos).to_have_attribute("accept", "image/*")
            expect(photos).to_have_attribute("capture", "environment")
            page.locator('label[for="id_rating_1"]').click()  # the second option: rating 2
            expect(page.locator("#id_rating_1")).to_be_checked()
            page.fill("#id_remarks", "The land record at the tehsil still shows the old owner.")
            photos.set_input_files(str(photo))
            shot(page, "2-visit-form")
            page.locator("[data-testid=visit-form] button[type=submit]").click()

            page.wait_for_url(f"{base}/field/")
            expect(page.locator(".alert-warning")).to_contain_text("recalled")
            expect(page.locator("[data-testid=empty]")).to_be_visible()
            shot(page, "3-recalled")

            recorded = FieldVisit.objects.get(pk=visit.pk)
            assert recorded.rating == 2
            assert recorded.meets_standard is False
            assert recorded.photos.count() == 1
            grievance.refresh_from_db()
            assert grievance.status == Status.REOPENED
            assert grievance.level == 3
            recall = GrievanceEvent.objects.get(grievance=grievance, action="recall")
            assert recall.actor == live_world["fieldexec"]
            assert recall.data["visit"] == visit.pk

            # The district administration: who covers district One.
            context.clear_cookies()
            login(page, base, "district")
            page.goto(f"{base}/field/coverage/")
            row = page.locator('[data-district="TS-ONE"][data-executive="fieldexec"]')
            expect(row).to_contain_text("Fieldexec")
            expect(row).to_contain_text("One")
            expect(row.locator("[data-testid=mobile]")).to_have_attribute(
                "href", "tel:+919111111111"
            )
            expect(page.locator('[data-district="TS-TWO"]')).to_have_count(0)
            shot(page, "4-coverage")

            # The CMO grievance cell picks another grievance for a visit.
            context.clear_cookies()
            login(page, base, "cmo")
            page.goto(f"{base}/field/")
            page.fill("#id_number", other.number or "")
            page.locator("[data-testid=pick-form] button[type=submit]").click()
            page.wait_for_url(f"{base}/field/")
            expect(page.locator(".alert-success")).to_contain_text(other.number or "")
            expect(page.locator(f'[data-number="{other.number}"]')).to_be_visible()
            shot(page, "5-cmo-picks")
            assert FieldVisit.objects.get(grievance=other).picked_by == live_world["cmo"]

            assert not failed, failed
            assert not csp, csp  # every script ran under the Content-Security-Policy
        finally:
            browser.close()


# --- the pages without a browser ----------------------------------------------------------


def _atr_and_visit(world: World) -> FieldVisit:
    g = world.register()
    grievance_act(
        grievance_id=g.pk, actor=world["officer_l1"], action="submit_atr", data={"summary": "Done"}
    )
    visit, _created = fieldwork.field_visit_pick(number=g.number or "", actor=world["cmo"])
    return visit


def test_who_may_open_the_field_pages(client, world):
    visit = _atr_and_visit(world)
    client.force_login(world["officer_l1"])
    assert client.get("/field/").status_code == 403
    assert client.get(f"/field/visits/{visit.pk}/").status_code == 403
    assert client.get("/field/coverage/").status_code == 403
    client.force_login(world["cmo"])
    page = client.get("/field/")
    assert page.status_code == 200
    assert b'data-testid="pick-form"' in page.content
    assert client.get(f"/field/visits/{visit.pk}/").status_code == 200
    assert client.get("/field/coverage/").status_code == 200
    # The CMO cell sees the visit but does not record it.
    response = client.post(f"/field/visits/{visit.pk}/", {"rating": "1", "remarks": "No."})
    assert response.status_code == 403
    client.force_login(world["fieldexec"])
    assert b'data-testid="pick-form"' not in client.get("/field/").content
    assert client.get("/field/coverage/").status_code == 403


def test_an_incomplete_visit_form_is_shown_again(client, world):
    visit = _atr_and_visit(world)
    client.force_login(world["fieldexec"])
    response = client.post(f"/field/visits/{visit.pk}/", {"remarks": ""})
    assert response.status_code == 200
    assert b"This field is required." in response.content
    visit.refresh_from_db()
    assert visit.visited_at is None


def test_a_visit_at_the_standard_says_it_stands(client, world):
    visit = _atr_and_visit(world)
    client.force_login(world["fieldexec"])
    response = client.post(
        f"/field/visits/{visit.pk}/", {"rating": "3", "remarks": "As reported."}, follow=True
    )
    assert b"meets the standard" in response.content
    visit.refresh_from_db()
    assert visit.meets_standard is True
    assert visit.grievance.status == Status.ATR_SUBMITTED
    # Recorded: the page shows the report, not the form.
    page = client.get(f"/field/visits/{visit.pk}/")
    assert b'data-testid="report"' in page.content
    assert b'data-testid="visit-form"' not in page.content


def test_a_pick_without_an_atr_is_explained(client, world):
    g = world.register()
    client.force_login(world["cmo"])
    response = client.post("/field/pick/", {"number": g.number}, follow=True)
    assert b"no Action Taken Report" in response.content
    assert not FieldVisit.objects.exists()


def test_picking_twice_says_it_is_already_waiting(client, world):
    g = world.register()
    grievance_act(
        grievance_id=g.pk, actor=world["officer_l1"], action="submit_atr", data={"summary": "Done"}
    )
    client.force_login(world["cmo"])
    first = client.post("/field/pick/", {"number": g.number}, follow=True)
    assert b"is picked for a field visit" in first.content
    again = client.post("/field/pick/", {"number": f" {g.number} "}, follow=True)
    assert b"is already waiting for a visit" in again.content
    assert FieldVisit.objects.filter(grievance=g).count() == 1


def test_the_field_pages_refuse_in_hindi(client, world):
    g = world.register()
    client.force_login(world["cmo"])
    response = client.post("/hi/field/pick/", {"number": g.number}, follow=True)
    page = response.content.decode()
    assert "कार्रवाई रिपोर्ट" in page and "no Action Taken Report" not in page
    missing = client.post("/hi/field/pick/", {"number": "NOPE-1"}, follow=True)
    assert "शिकायत NOPE-1 नहीं मिली।" in missing.content.decode()


def _visits(world: World, count: int) -> list[FieldVisit]:
    made = []
    for n in range(count):
        g = world.register(mobile=f"98765000{n:02d}")
        grievance_act(
            grievance_id=g.pk,
            actor=world["officer_l1"],
            action="submit_atr",
            data={"summary": "Done"},
        )
        visit, _created = fieldwork.field_visit_pick(
            number=g.number or "", actor=world["cmo"], at=timezone.now()
        )
        made.append(visit)
    return made


@pytest.mark.parametrize("username", ["fieldexec", "cmo"])
def test_the_visit_lists_come_a_page_at_a_time(client, world, monkeypatch, username):
    from nivaran.web import field

    assert field.PAGE_SIZE == 25
    monkeypatch.setattr(field, "PAGE_SIZE", 2)
    visits = _visits(world, 3)
    client.force_login(world[username])
    first = client.get("/field/").content.decode()
    shown = [v.pk for v in visits if f'data-visit="{v.pk}"' in first]
    assert shown == [visits[0].pk, visits[1].pk]
    assert "3 visits waiting, oldest first." in first
    assert "Page 1 of 2" in first and 'href="?page=2"' in first
    second = client.get("/field/", {"page": "2"}).content.decode()
    assert [v.pk for v in visits if f'data-visit="{v.pk}"' in second] == [visits[2].pk]
    assert "Page 2 of 2" in second and 'rel="prev"' in second
    # A page out of range shows the last one, as the inbox does.
    assert f'data-visit="{visits[2].pk}"' in client.get("/field/", {"page": "9"}).text
