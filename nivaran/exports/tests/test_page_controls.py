"""The Export control on the list pages (feedback queue, special-close review, field
visits, systemic issues): shown only to who may export the list, and posting it makes a
job of that list with the page's filters."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from nivaran.exports.models import ExportJob
from nivaran.grievances.tests.test_fieldwork import picked
from nivaran.grievances.tests.test_fieldwork import with_atr as field_atr
from nivaran.grievances.tests.test_quality_loop import with_atr
from nivaran.profiles.loader import active_profile
from nivaran.systemic.models import IssueKind
from nivaran.systemic.tests.factories import make_issue
from nivaran.web.tests.test_pages import special_closed

pytestmark = pytest.mark.django_db
CONTROL = 'data-testid="export-form"'


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


def control(html: str) -> str:
    found = re.search(r'<form[^>]*data-testid="export-form".*?</form>', html, re.S)
    assert found, "no export control"
    return found.group(0)


def reviewer() -> str:
    return "cmo" if active_profile().special_close_reviewer == "cmo_grievance_cell" else "secretary"


def test_the_feedback_queue_offers_its_export_to_the_desk(world):
    with_atr(world)
    html = signed_in(world, "feedback").get("/feedback/").content.decode()
    form = control(html)
    assert 'name="kind" value="feedback_queue"' in form
    assert 'name="next" value="/feedback/"' in form
    response = signed_in(world, "feedback").post(
        "/exports/", {"kind": "feedback_queue", "format": "xlsx", "next": "/feedback/"}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{job.pk}/"
    assert (job.kind, job.format, job.filters, job.owner) == (
        "feedback_queue",
        "xlsx",
        {},
        world["feedback"],
    )


def test_the_special_close_review_offers_its_export_to_the_reviewer(world):
    special_closed(world)
    html = signed_in(world, reviewer()).get("/reviews/special-closes/").content.decode()
    assert 'name="kind" value="special_closes"' in control(html)
    response = signed_in(world, reviewer()).post(
        "/exports/", {"kind": "special_closes", "format": "csv"}
    )
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/" and job.kind == "special_closes"


def test_the_field_page_offers_its_export_to_those_with_a_list(world):
    picked(world, field_atr(world))
    for username in ("fieldexec", "cmo"):
        html = signed_in(world, username).get("/field/").content.decode()
        assert 'name="kind" value="field_visits"' in control(html), username
    # The administrative secretary picks visits but has no list: no control.
    page = signed_in(world, "secretary").get("/field/")
    assert page.status_code == 200 and CONTROL not in page.content.decode()
    response = signed_in(world, "fieldexec").post(
        "/exports/", {"kind": "field_visits", "format": "csv", "next": "/field/"}
    )
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.kind, job.owner) == ("field_visits", world["fieldexec"])


def test_the_systemic_page_exports_what_it_shows_with_its_filters(world):
    make_issue(category=world.category, district=world.district)
    client = signed_in(world, "cmo")
    form = control(client.get("/analytics/systemic/").content.decode())
    assert 'name="kind" value="systemic_issues"' in form
    assert 'name="f_status" value="open"' in form  # the page's default: the open ones
    url = "/analytics/systemic/?status=&kind=spike&district=TS-ONE&since=2026-11-16"
    form = control(client.get(url).content.decode())
    assert "f_status" not in form  # all statuses
    fields = dict(re.findall(r'name="(f_\w+)" value="([^"]*)"', form))
    assert fields == {"f_kind": "spike", "f_district": "TS-ONE", "f_since": "2026-11-16"}
    response = client.post("/exports/", {"kind": "systemic_issues", "format": "csv", **fields})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/"
    assert job.kind == "systemic_issues"
    assert job.filters == {"kind": "spike", "district": "TS-ONE", "since": "2026-11-16"}


def test_an_officer_exports_the_systemic_issues_too(world):
    make_issue(category=world.category, district=world.district)
    html = signed_in(world, "officer_l1").get("/analytics/systemic/").content.decode()
    assert 'name="kind" value="systemic_issues"' in control(html)


@pytest.mark.parametrize(
    ("username", "page", "kind"),
    [
        ("cmo", "/feedback/", "feedback_queue"),  # the CMO cell is of the desk: may export
        ("fieldexec", "/field/", "field_visits"),
    ],
)
def test_the_control_is_there_for_who_may_export(world, username, page, kind):
    with_atr(world)
    picked(world, field_atr(world))
    html = signed_in(world, username).get(page).content.decode()
    assert f'name="kind" value="{kind}"' in control(html)


@pytest.mark.parametrize(
    ("username", "kind", "page"),
    [
        ("officer_l1", "feedback_queue", "/feedback/"),
        ("officer_l1", "special_closes", "/reviews/special-closes/"),
        ("secretary", "field_visits", "/field/"),
        ("fieldexec", "systemic_issues", "/analytics/systemic/"),
        ("citizen", "systemic_issues", "/analytics/systemic/"),
    ],
)
def test_who_may_not_export_the_list_gets_no_control_and_no_job(world, username, kind, page):
    with_atr(world)
    picked(world, field_atr(world))
    special_closed(world)
    make_issue(category=world.category, district=world.district)
    assert CONTROL not in signed_in(world, username).get(page).content.decode()
    response = signed_in(world, username).post(
        "/exports/", {"kind": kind, "format": "csv", "next": page}, follow=True
    )
    assert response.redirect_chain[0][0] == page
    assert not ExportJob.objects.exists()


def test_a_bad_filter_goes_back_to_the_page_with_the_message(world):
    make_issue(category=world.category, district=world.district, kind=IssueKind.SPIKE)
    back = "/analytics/systemic/?kind=spike"
    response = signed_in(world, "cmo").post(
        "/exports/",
        {"kind": "systemic_issues", "format": "csv", "f_kind": "bogus", "next": back},
        follow=True,
    )
    assert response.redirect_chain[0][0] == back
    html = response.content.decode()
    assert "The filters are not valid." in html
    assert "<strong>Kind</strong>: Choose one of the listed options." in html
    assert not ExportJob.objects.exists()


def test_a_role_that_may_not_export_the_list_is_told_so(world):
    response = signed_in(world, "officer_l1").post(
        "/exports/", {"kind": "feedback_queue", "format": "csv", "next": "/"}, follow=True
    )
    assert response.redirect_chain[0][0] == "/"
    assert "Your role may not export this list." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_an_unknown_kind_is_refused_with_a_message_and_no_job(world):
    response = signed_in(world, "cmo").post(
        "/exports/", {"kind": "citizens", "format": "csv", "next": "/feedback/"}, follow=True
    )
    assert response.redirect_chain[0][0] == "/feedback/"
    assert "There is no list citizens to export." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_the_way_back_is_never_another_site(world):
    response = signed_in(world, "cmo").post(
        "/exports/",
        {"kind": "field_visits", "format": "pdf", "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/field/"
    assert not ExportJob.objects.exists()


def test_the_inbox_button_without_a_kind_still_exports_grievances(world):
    response = signed_in(world, "officer_l1").post("/exports/", {"tab": "all", "format": "csv"})
    job = ExportJob.objects.get()
    assert response["Location"] == f"/exports/{job.pk}/" and job.kind == "grievances"
