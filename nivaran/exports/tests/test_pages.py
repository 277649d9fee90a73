"""The export pages: the inbox's Export control, a job's progress page, the user's list."""

from __future__ import annotations

import pytest
from django.test import Client

from nivaran.exports.models import ExportJob
from nivaran.exports.services import export_ask, export_run_job

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(world, username: str) -> Client:
    client = Client()
    client.force_login(world[username])
    return client


def test_the_inbox_offers_an_export_of_the_tab_shown(world):
    world.register()
    page = signed_in(world, "officer_l1").get("/?tab=overdue&status=open&level=1")
    html = page.content.decode()
    assert 'data-testid="export-form"' not in html  # nothing overdue: nothing listed
    page = signed_in(world, "officer_l1").get("/?tab=mine&level=1")
    html = page.content.decode()
    assert 'data-testid="export-form"' in html
    assert 'name="tab" value="mine"' in html and 'name="level" value="1"' in html


@pytest.mark.parametrize(
    ("posted", "filters"),
    [
        ({"tab": "mine"}, {"mine": True, "active_only": True}),
        ({"tab": "overdue", "level": "2"}, {"mine": True, "overdue": True, "level": 2}),
        ({"tab": "emergency", "status": "open"}, {"emergency": True, "status": "open"}),
        ({"tab": "all"}, {}),
        ({}, {"mine": True, "active_only": True}),  # an officer's default tab
        ({"tab": "bogus", "level": "9"}, {"mine": True, "active_only": True}),
    ],
)
def test_the_export_button_exports_the_inbox_tab_and_filters(world, posted, filters):
    response = signed_in(world, "officer_l1").post("/exports/", {**posted, "format": "xlsx"})
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{job.pk}/"
    assert (job.kind, job.format, job.owner) == ("grievances", "xlsx", world["officer_l1"])
    assert {k: v for k, v in job.filters.items() if v not in (None, False)} == filters


def test_a_bad_format_or_the_atrs_tab_goes_back_with_a_message(world):
    client = signed_in(world, "officer_l1")
    response = client.post("/exports/", {"tab": "mine", "format": "pdf"}, follow=True)
    assert response.redirect_chain[-1][0] == "/?tab=mine"
    assert "Choose CSV or Excel." in response.content.decode()
    response = client.post("/exports/", {"tab": "atrs", "format": "csv"}, follow=True)
    assert "not a list of grievances" in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_citizen_cannot_export_from_the_pages(world):
    response = signed_in(world, "citizen").post("/exports/", {"tab": "all", "format": "csv"})
    assert response.status_code == 302
    assert not ExportJob.objects.exists()


def test_the_job_page_shows_the_bar_and_polls_the_api(world):
    job = export_ask(actor=world["cmo"], kind="grievances", format="csv", enqueue=int).job
    page = signed_in(world, "cmo").get(f"/exports/{job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-status-url="/api/v1/exports/{job.pk}/"' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert "exports/progress.js" in html
    assert 'data-testid="download" data-download' in html and "d-none" in html


def test_a_finished_job_page_links_the_file(world):
    world.register()
    job = export_ask(actor=world["cmo"], kind="grievances", format="csv", enqueue=int).job
    export_run_job(job_id=job.pk)
    client = signed_in(world, "cmo")
    html = client.get(f"/exports/{job.pk}/").content.decode()
    assert f'href="/api/v1/exports/{job.pk}/download/"' in html
    assert "The export is ready." in html
    listing = client.get("/exports/").content.decode()
    assert f'data-job="{job.pk}"' in listing and "Download" in listing


def test_another_users_job_page_is_404_and_the_list_is_ones_own(world):
    job = export_ask(actor=world["cmo"], kind="grievances", format="csv", enqueue=int).job
    client = signed_in(world, "analyst")
    assert client.get(f"/exports/{job.pk}/").status_code == 404
    listing = client.get("/exports/")
    assert listing.status_code == 200
    assert f'data-job="{job.pk}"' not in listing.content.decode()


def test_the_pages_are_in_hindi_too(world):
    job = export_ask(actor=world["cmo"], kind="grievances", format="csv", enqueue=int).job
    assert signed_in(world, "cmo").get(f"/hi/exports/{job.pk}/").status_code == 200
