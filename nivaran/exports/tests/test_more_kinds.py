"""The feedback-queue and special-close export kinds: rows as the page lists them, masking
per role, who may export, bad filters."""

from __future__ import annotations

import csv
import io

import pytest
from rest_framework.test import APIClient

from nivaran.exports import services
from nivaran.exports.services import export_run_job
from nivaran.grievances import quality
from nivaran.grievances.tests.test_quality_loop import with_atr
from nivaran.profiles.loader import active_profile

pytestmark = pytest.mark.django_db
URL = "/api/v1/exports/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_at_once(monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda pk: export_run_job(job_id=pk))


def client(world, username: str) -> APIClient:
    c = APIClient()
    c.force_authenticate(world[username])
    return c


def exported(world, username, kind, capture) -> list[list[str]]:
    c = client(world, username)
    with capture(execute=True):
        response = c.post(URL, {"kind": kind, "format": "csv", "filters": {}}, format="json")
    assert response.status_code == 202, response.content
    job = c.get(f"{URL}{response.json()['id']}/").json()
    assert job["status"] == "done", job
    body = b"".join(c.get(job["download_url"]).streaming_content)  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_feedback_queue_rows_are_the_desk_s_queue_and_the_agent_sees_contact(
    world, run_at_once, django_capture_on_commit_callbacks
):
    with_atr(world)
    queue = quality.feedback_queue(actor=world["feedback"])
    numbers = [atr.grievance.number for atr in queue]
    assert numbers
    rows = exported(world, "feedback", "feedback_queue", django_capture_on_commit_callbacks)
    assert [r[0] for r in rows[1:]] == numbers
    mobile = queue[0].grievance.citizen.mobile
    assert rows[1][8] == mobile


def test_feedback_queue_masked_for_the_cmo_cell(
    world, run_at_once, django_capture_on_commit_callbacks
):
    with_atr(world)
    rows = exported(world, "cmo", "feedback_queue", django_capture_on_commit_callbacks)
    assert len(rows) == 2 and "•" in rows[1][8] and "•" in rows[1][7]


@pytest.mark.parametrize("kind", ["feedback_queue", "special_closes"])
def test_a_role_that_may_not_export_the_kind_is_refused(world, kind):
    response = client(world, "officer_l1").post(
        URL, {"kind": kind, "format": "csv", "filters": {}}, format="json"
    )
    assert response.status_code == 403, response.content


@pytest.mark.parametrize("kind", ["feedback_queue", "special_closes"])
def test_bad_filters_are_400(world, kind):
    reviewer = "feedback"
    if kind == "special_closes":
        reviewer = (
            "cmo"
            if active_profile().special_close_reviewer == "cmo_grievance_cell"
            else "secretary"
        )
    for filters in ({"bogus": 1}, "not an object", [1]):
        response = client(world, reviewer).post(
            URL, {"kind": kind, "format": "csv", "filters": filters}, format="json"
        )
        assert response.status_code == 400, (filters, response.content)
