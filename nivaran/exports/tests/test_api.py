"""`/api/v1/exports/`: the job resource, its owner only, the download, bad bodies."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from nivaran.exports import services
from nivaran.exports.models import ExportJob, ExportStatus
from nivaran.exports.services import export_run_job
from nivaran.grievances.tests.test_api import client_for

pytestmark = pytest.mark.django_db
URL = "/api/v1/exports/"
BODY = {"kind": "grievances", "format": "csv", "filters": {}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_at_once(monkeypatch):
    """The worker, in the test's thread: the task runs when the request commits."""
    monkeypatch.setattr(services, "_enqueue", lambda pk: export_run_job(job_id=pk))


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def ask(client: APIClient, body=None, **headers):
    return client.post(URL, body if body is not None else BODY, format="json", **headers)


def test_a_post_is_202_with_the_job_then_done_with_a_download(
    world, run_at_once, django_capture_on_commit_callbacks
):
    world.register(citizen_name="Ramesh Kumar", mobile="9812345210")
    world.register(citizen_name="Sunita Devi", mobile="9812345211")
    client = client_for("officer_l1")
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client)
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "queued" and job["progress"] == 0
    assert job["download_url"] is None
    assert set(job) >= {"id", "status", "progress", "rows_done", "rows_total", "download_url"}
    response = client.get(f"{URL}{job['id']}/")
    assert response.status_code == 200
    done = response.json()
    assert (done["status"], done["progress"], done["rows_done"], done["rows_total"]) == (
        "done",
        100,
        2,
        2,
    )
    assert done["download_url"] == f"http://testserver{URL}{job['id']}/download/"
    file = client.get(done["download_url"])
    assert file.status_code == 200
    assert file["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in file["Content-Disposition"]
    text = body_of(file).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert {r[rows[0].index("Mobile")] for r in rows[1:]} == {"9812345210", "9812345211"}


def test_excel_downloads_as_a_workbook(world, run_at_once, django_capture_on_commit_callbacks):
    world.register()
    client = client_for("cmo")
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(client, {**BODY, "format": "xlsx"}).json()
    file = client.get(f"{URL}{job['id']}/download/")
    assert file.status_code == 200
    assert file["Content-Type"].startswith("application/vnd.openxmlformats")
    assert body_of(file)[:2] == b"PK"


def test_the_list_is_the_callers_own_jobs(world):
    ask(client_for("cmo"))
    ask(client_for("analyst"))
    response = client_for("cmo").get(URL)
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    assert ExportJob.objects.get(pk=page["results"][0]["id"]).owner == world["cmo"]


def test_another_users_job_is_not_found_as_if_it_did_not_exist(world, run_at_once):
    job = ExportJob.objects.get(pk=ask(client_for("cmo")).json()["id"])
    export_run_job(job_id=job.pk)
    other = client_for("admin")  # even the platform administrator
    for suffix in ("", "download/"):
        theirs = other.get(f"{URL}{job.pk}/{suffix}")
        missing = other.get(f"{URL}999999/{suffix}")
        assert theirs.status_code == missing.status_code == 404
        assert theirs.json()["code"] == missing.json()["code"] == "not_found"
        assert theirs.json()["detail"] == f"No export {job.pk}."
        assert missing.json()["detail"] == "No export 999999."


def test_a_citizen_is_refused(world):
    response = ask(client_for("citizen"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert not ExportJob.objects.exists()


def test_anonymous_is_refused(world):
    assert APIClient().post(URL, BODY, format="json").status_code in (401, 403)
    assert APIClient().get(URL).status_code in (401, 403)


def test_download_before_done_is_409_with_the_reason(world):
    client = client_for("cmo")
    job = ask(client).json()
    response = client.get(f"{URL}{job['id']}/download/")
    assert response.status_code == 409
    assert response.json()["code"] == "export_not_ready"
    ExportJob.objects.filter(pk=job["id"]).update(status=ExportStatus.FAILED, error="Broken.")
    response = client.get(f"{URL}{job['id']}/download/")
    assert response.status_code == 409
    assert response.json()["code"] == "export_failed"
    assert "Broken." in response.json()["detail"]


def test_a_file_gone_from_storage_is_404_not_500(world, run_at_once):
    client = client_for("cmo")
    job = ExportJob.objects.get(pk=ask(client).json()["id"])
    export_run_job(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(file="exports/2026/01/nope.csv")
    response = client.get(f"{URL}{job.pk}/download/")
    assert response.status_code == 404
    assert response.json()["code"] == "export_gone"


def test_too_many_at_once_is_429_with_retry_after(world):
    client = client_for("cmo")
    assert ask(client).status_code == 202
    assert ask(client).status_code == 202
    response = ask(client)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_exports"
    assert response["Retry-After"] == "10"


def test_a_retried_post_with_the_same_key_makes_one_job(world):
    client = client_for("cmo")
    first = ask(client, HTTP_IDEMPOTENCY_KEY="abc")
    again = ask(client, HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["id"] == again.json()["id"]
    other = ask(client, {**BODY, "format": "xlsx"}, HTTP_IDEMPOTENCY_KEY="abc")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reuse"
    assert ask(client, HTTP_IDEMPOTENCY_KEY="x" * 101).status_code == 400
    assert ExportJob.objects.count() == 1


def test_filters_as_sent_are_stored_validated(world):
    response = ask(
        client_for("cmo"),
        {
            "kind": "grievances",
            "format": "csv",
            "filters": {"status": "open", "level": "2", "department": "REV", "emergency": True},
        },
    )
    assert response.status_code == 202
    filters = response.json()["filters"]
    assert filters["status"] == "open" and filters["level"] == 2
    assert filters["department"] == "REV" and filters["emergency"] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "kind"),
        ({"kind": "grievances"}, "format"),
        ({"kind": "nothing", "format": "csv"}, "kind"),
        ({"kind": "grievances", "format": "pdf"}, "format"),
        ({"kind": ["grievances"], "format": "csv"}, "kind"),
        ({"kind": "grievances", "format": "csv", "filters": "all"}, "filters"),
        ({"kind": "grievances", "format": "csv", "filters": [1, 2]}, "filters"),
        ({"kind": "grievances", "format": "csv", "filters": {"status": "bogus"}}, "filters.status"),
        ({"kind": "grievances", "format": "csv", "filters": {"level": "x"}}, "filters.level"),
        ({"kind": "grievances", "format": "csv", "filters": {"level": 99}}, "filters.level"),
        ({"kind": "grievances", "format": "csv", "filters": {"mine": "maybe"}}, "filters.mine"),
        (
            {"kind": "grievances", "format": "csv", "filters": {"department": {"a": 1}}},
            "filters.department",
        ),
        (
            {"kind": "grievances", "format": "csv", "filters": {"department": "NOPE"}},
            "filters.department",
        ),
        ({"kind": "grievances", "format": "csv", "filters": {"area": "x" * 500}}, "filters.area"),
        ({"kind": "grievances", "format": "csv", "filters": {"q": "9812345210"}}, "filters.q"),
        (
            {"kind": "grievances", "format": "csv", "filters": {"registered_after": "yesterday"}},
            "filters.registered_after",
        ),
        (
            {
                "kind": "grievances",
                "format": "csv",
                "filters": {
                    "registered_after": "2026-02-01T00:00:00",
                    "registered_before": "2026-01-01T00:00:00",
                },
            },
            "filters.registered_before",
        ),
    ],
)
def test_bad_bodies_are_400_with_field_errors(world, body, field):
    response = ask(client_for("cmo"), body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("raw", [b"[]", b'"x"', b"null", b"{", b"1", b'{"kind": null}'])
def test_no_body_of_any_shape_gives_a_500(world, raw):
    response = client_for("cmo").post(URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "code" in response.json()


def test_a_non_numeric_or_huge_id_is_a_json_404(world):
    client = client_for("cmo")
    assert client.get(f"{URL}abc/").status_code == 404
    assert client.get(f"{URL}99999999999999999999/").status_code == 404
