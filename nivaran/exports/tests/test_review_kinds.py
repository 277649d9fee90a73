"""The field-visit and systemic-issue export kinds: rows as the page lists them for that
user and no more, masking per role, who may export, bad filters, Hindi."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from rest_framework.test import APIClient

from nivaran.core.errors import PermissionDenied
from nivaran.exports import services
from nivaran.exports.models import ExportJob
from nivaran.exports.services import export_ask, export_run_job
from nivaran.grievances import fieldwork
from nivaran.grievances.tests.test_fieldwork import executive, picked, with_atr
from nivaran.systemic import selectors as systemic
from nivaran.systemic.models import IssueKind, IssueStatus
from nivaran.systemic.tests.factories import make_issue

pytestmark = pytest.mark.django_db
URL = "/api/v1/exports/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def run_at_once(monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda pk: export_run_job(job_id=pk))


def api(user) -> APIClient:
    c = APIClient()
    c.force_authenticate(user)
    return c


def exported(user, kind, capture, filters=None) -> list[list[str]]:
    """Ask through the API, run the task, download the CSV: its rows, header first."""
    c = api(user)
    with capture(execute=True):
        response = c.post(
            URL, {"kind": kind, "format": "csv", "filters": filters or {}}, format="json"
        )
    assert response.status_code == 202, response.content
    job = c.get(f"{URL}{response.json()['id']}/").json()
    assert job["status"] == "done", job
    body = b"".join(c.get(job["download_url"]).streaming_content)  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- field_visits ------------------------------------------------------------------


@pytest.fixture
def visits(world):
    here = picked(world, with_atr(world))
    there = picked(world, with_atr(world, area=world.other_district))
    return {"here": here, "there": there, "far": executive(world, "far", world.other_district)}


def test_an_executive_exports_the_visits_of_their_districts_with_the_citizens(
    world, visits, run_at_once, django_capture_on_commit_callbacks
):
    rows = exported(world["fieldexec"], "field_visits", django_capture_on_commit_callbacks)
    page = fieldwork.visits_for_executive(actor=world["fieldexec"])
    assert [r[0] for r in rows[1:]] == [v.grievance.number for v in page]
    numbers = {r[0] for r in rows[1:]}
    assert visits["here"].grievance.number in numbers
    assert visits["there"].grievance.number not in numbers  # another district's visit
    here = next(r for r in rows[1:] if r[0] == visits["here"].grievance.number)
    citizen = visits["here"].grievance.citizen
    assert (here[7], here[8]) == (citizen.name, citizen.mobile)  # the visit needs them
    assert rows[0][:3] == ["Number", "Picked at", "Picked"]

    far = exported(visits["far"], "field_visits", django_capture_on_commit_callbacks)
    far_numbers = {r[0] for r in far[1:]}
    assert visits["there"].grievance.number in far_numbers
    assert visits["here"].grievance.number not in far_numbers


def test_the_cmo_cell_exports_every_pending_visit_masked(
    world, visits, run_at_once, django_capture_on_commit_callbacks
):
    rows = exported(world["cmo"], "field_visits", django_capture_on_commit_callbacks)
    page = fieldwork.visits_for_cell(actor=world["cmo"], pending=True)
    assert [r[0] for r in rows[1:]] == [v.grievance.number for v in page]
    assert {visits["here"].grievance.number, visits["there"].grievance.number} <= {
        r[0] for r in rows[1:]
    }
    for row in rows[1:]:
        assert "•" in row[7] and "•" in row[8]
    mobile = visits["here"].grievance.citizen.mobile
    assert all(mobile not in cell for row in rows for cell in row)


@pytest.mark.parametrize("username", ["citizen", "officer_l1", "secretary", "analyst"])
def test_who_has_no_visit_list_may_not_export_it(world, visits, username):
    response = api(world[username]).post(
        URL, {"kind": "field_visits", "format": "csv", "filters": {}}, format="json"
    )
    assert response.status_code == 403, response.content
    with pytest.raises(PermissionDenied):
        export_ask(actor=world[username], kind="field_visits", format="csv", enqueue=int)
    assert not ExportJob.objects.exists()


def test_field_visits_take_no_filters(world):
    for filters in ({"pending": False}, "all", [1]):
        response = api(world["cmo"]).post(
            URL, {"kind": "field_visits", "format": "csv", "filters": filters}, format="json"
        )
        assert response.status_code == 400, (filters, response.content)


# --- systemic_issues ---------------------------------------------------------------


@pytest.fixture
def issues(world):
    revenue = world.register(category=world.category, area=world.block)
    there = world.register(category=world.category, area=world.other_district)
    return {
        "rev_one": make_issue(
            category=world.category, district=world.district, samples=[revenue.number]
        ),
        # A power issue whose sample is a revenue grievance: the JE may not open it.
        "pwr_one": make_issue(
            category=world.other_category, district=world.district, samples=[revenue.number]
        ),
        "rev_two": make_issue(
            category=world.category, district=world.other_district, samples=[there.number]
        ),
        "rev_state": make_issue(category=world.category, district=None, kind=IssueKind.WIDESPREAD),
        "revenue": revenue.number,
        "there": there.number,
    }


def cells(rows, column: str) -> list[str]:
    index = rows[0].index(column)
    return [r[index] for r in rows[1:]]


def test_the_cmo_cell_exports_every_issue_with_its_samples(
    world, issues, run_at_once, django_capture_on_commit_callbacks
):
    rows = exported(world["cmo"], "systemic_issues", django_capture_on_commit_callbacks)
    assert rows[0] == [
        "Week",
        "Kind",
        "Complaint type code",
        "Complaint type",
        "Department",
        "District",
        "Topic",
        "Count",
        "Baseline",
        "p-value",
        "Method",
        "Status",
        "Acknowledged by",
        "Acknowledged at",
        "Policy note",
        "Sample grievances",
    ]
    assert len(rows) == 5
    assert sorted(cells(rows, "District")) == ["One", "One", "Two", "Whole state"]
    assert "Elevated in many districts" in cells(rows, "Kind")
    samples = cells(rows, "Sample grievances")
    assert samples.count(issues["revenue"]) == 2 and issues["there"] in samples
    first = rows[1]
    assert first[0] == "2026-11-16" and first[7] == "24" and first[10] == "Poisson"


def test_an_officer_exports_only_their_department_and_district(
    world, issues, run_at_once, django_capture_on_commit_callbacks
):
    rows = exported(world["officer_l1"], "systemic_issues", django_capture_on_commit_callbacks)
    listed = systemic.issue_list(actor=world["officer_l1"], filters=systemic.IssueFilters())
    assert len(rows) - 1 == listed.count() == 1
    assert rows[1][2:6] == ["REV-LAND-MUT", "Mutation pending", "Revenue", "One"]
    assert rows[1][-1] == issues["revenue"]

    other = exported(world["other_l1"], "systemic_issues", django_capture_on_commit_callbacks)
    assert [r[5] for r in other[1:]] == ["Two"]  # the other district's officer: theirs only
    assert other[1][-1] == issues["there"]


def test_sample_grievances_are_only_those_the_user_may_open(
    world, issues, run_at_once, django_capture_on_commit_callbacks
):
    rows = exported(world["power_je"], "systemic_issues", django_capture_on_commit_callbacks)
    assert [r[2] for r in rows[1:]] == ["PWR-SUP"]
    assert rows[1][-1] == ""  # the sample is a revenue grievance: not the JE's to open
    assert all(issues["revenue"] not in cell for row in rows for cell in row)


def test_the_filters_are_the_pages_and_the_apis(
    world, issues, run_at_once, django_capture_on_commit_callbacks
):
    issue = issues["rev_two"]
    issue.status = IssueStatus.ACKNOWLEDGED
    issue.acknowledged_by = world["nodal"]
    issue.policy_note = "Camps in every tehsil."
    issue.save()
    rows = exported(
        world["cmo"],
        "systemic_issues",
        django_capture_on_commit_callbacks,
        filters={"status": "acknowledged", "kind": "spike", "district": "TS-TWO"},
    )
    assert len(rows) == 2
    assert rows[1][11:13] == ["Acknowledged", "nodal"] and rows[1][14] == "Camps in every tehsil."
    rows = exported(
        world["cmo"],
        "systemic_issues",
        django_capture_on_commit_callbacks,
        filters={"department": "PWR", "since": "2026-11-18"},  # a Wednesday: its week on
    )
    assert [r[2] for r in rows[1:]] == ["PWR-SUP"]


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "bogus"},
        {"status": "closed"},
        {"status": ""},
        {"since": "last week"},
        {"bogus": 1},
        {"q": "9812345678"},
        "spike",
    ],
)
def test_a_bad_filter_is_refused(world, filters):
    response = api(world["cmo"]).post(
        URL, {"kind": "systemic_issues", "format": "csv", "filters": filters}, format="json"
    )
    assert response.status_code == 400, (filters, response.content)
    assert not ExportJob.objects.exists()


@pytest.mark.parametrize("username", ["citizen", "fieldexec"])
def test_who_may_not_see_systemic_issues_may_not_export_them(world, issues, username):
    response = api(world[username]).post(
        URL, {"kind": "systemic_issues", "format": "csv", "filters": {}}, format="json"
    )
    assert response.status_code == 403, response.content


def test_every_kind_of_the_model_is_exported_with_its_label(
    world, run_at_once, django_capture_on_commit_callbacks
):
    for kind in IssueKind:
        make_issue(category=world.category, district=world.district, kind=kind.value)
    rows = exported(world["cmo"], "systemic_issues", django_capture_on_commit_callbacks)
    assert sorted(cells(rows, "Kind")) == sorted(str(kind.label) for kind in IssueKind)


def test_the_names_are_hindi_for_a_hindi_owner(
    world, issues, run_at_once, django_capture_on_commit_callbacks
):
    cmo = world["cmo"]
    cmo.preferred_language = "hi"
    cmo.save()
    rows = exported(cmo, "systemic_issues", django_capture_on_commit_callbacks)
    assert "इंतकाल लंबित" in cells(rows, rows[0][3]) and "राजस्व" in cells(rows, rows[0][4])
    assert rows[0][0] != "Week"  # the headers in Hindi too


def test_an_excel_file_of_issues_has_real_dates_and_numbers(world, issues):
    job = export_ask(actor=world["cmo"], kind="systemic_issues", format="xlsx", enqueue=int).job
    done = export_run_job(job_id=job.pk)
    assert done is not None and done.status == "done", done and done.error
    with default_storage.open(done.file, "rb") as fh:
        sheet = load_workbook(fh, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 5
    week, count, p_value = rows[1][0], rows[1][7], rows[1][9]
    assert isinstance(week, datetime) and week.date().isoformat() == "2026-11-16"
    assert count == 24 and isinstance(p_value, float)
