"""Export jobs through their services: scope, masking per role, filters, progress,
failure, the owner's access re-read at run time, limits and the purge."""

from __future__ import annotations

import csv
import dataclasses
import io
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from nivaran.core.errors import InvalidInput, PermissionDenied, TransitionNotAllowed
from nivaran.exports import services
from nivaran.exports.kinds import GRIEVANCES, KINDS
from nivaran.exports.models import ExportJob, ExportStatus
from nivaran.exports.pii import mobile_masked, name_masked
from nivaran.exports.services import ExportsBusy, export_ask, export_run_job, exports_purge
from nivaran.geo.models import Area
from nivaran.grievances.models import Citizen
from nivaran.grievances.workflow import BulkItem, grievance_act, grievances_register_bulk
from nivaran.org.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def ask(world, username: str, fmt: str = "csv", **filters) -> ExportJob:
    return export_ask(
        actor=world[username], kind="grievances", format=fmt, filters=filters, enqueue=noop
    ).job


def noop(_job_id: int) -> None:
    """The task is run by hand in these tests."""


def export(world, username: str, **filters) -> tuple[ExportJob, list[list[str]]]:
    job = export_run_job(job_id=ask(world, username, **filters).pk)
    assert job is not None
    return job, rows_of(job)


def rows_of(job: ExportJob) -> list[list[str]]:
    assert job.status == ExportStatus.DONE, job.error
    with default_storage.open(job.file, "rb") as fh:
        text = fh.read().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def column(rows: list[list[str]], name: str) -> list[str]:
    index = rows[0].index(name)
    return [row[index] for row in rows[1:]]


def other_district_grievance(world, **extra):
    block = Area.objects.get(code="TS-TWO-B1")
    return world.register(area=block, **extra)


def test_an_officer_exports_the_grievances_of_their_jurisdiction_only(world):
    mine = [world.register(citizen_name=f"Citizen {n}") for n in range(3)]
    away = other_district_grievance(world)
    job, rows = export(world, "officer_l1")
    assert rows[0][:3] == ["Number", "Registered at", "Status"]
    assert sorted(column(rows, "Number")) == sorted(g.number for g in mine)
    assert away.number not in column(rows, "Number")
    assert job.progress == 100
    assert job.rows_done == job.rows_total == 3
    assert job.file.startswith("exports/") and job.file.endswith(".csv")
    assert job.started_at and job.finished_at


@pytest.mark.parametrize(
    ("username", "in_full"),
    [
        ("officer_l1", True),
        ("telecaller", True),
        ("feedback", True),
        ("fieldexec", True),
        ("nodal", False),
        ("hod", False),
        ("secretary", False),
        ("district", False),
        ("analyst", False),
        ("cmo", False),
        ("admin", False),
    ],
)
def test_citizen_name_and_mobile_are_masked_unless_the_role_contacts_citizens(
    world, username, in_full
):
    world.register(citizen_name="Ramesh Kumar", mobile="9812345210")
    _job, rows = export(world, username)
    assert len(rows) == 2, username  # each of them sees the grievance
    name, mobile = column(rows, "Citizen")[0], column(rows, "Mobile")[0]
    if in_full:
        assert (name, mobile) == ("Ramesh Kumar", "9812345210")
    else:
        assert (name, mobile) == ("R••• K•••", "98•••••210")
        assert "9812345210" not in "".join(",".join(r) for r in rows)


def test_the_masks():
    assert mobile_masked("9812345210") == "98•••••210"
    assert name_masked("Ramesh  Kumar") == "R••• K•••"
    assert name_masked("रमेश कुमार") == "र••• क•••"
    assert mobile_masked("123") == "•••"


def test_a_citizen_may_not_export(world):
    world.register(mobile="9811122233")
    with pytest.raises(PermissionDenied):
        ask(world, "citizen")
    assert not ExportJob.objects.exists()


def test_filters_are_respected(world):
    first = world.register(citizen_name="First")
    world.register(citizen_name="Second", emergency=True)
    grievance_act(
        grievance_id=first.pk,
        actor=world["officer_l1"],
        action="submit_atr",
        data={"summary": "Done.", "resolution_type": "resolved"},
    )
    power = world.register(category=world.other_category)
    _job, rows = export(world, "cmo", status="atr_submitted")
    assert column(rows, "Number") == [first.number]
    _job, rows = export(world, "cmo", emergency=True)
    assert column(rows, "Citizen") == ["S•••"]  # one row, "Second" masked
    _job, rows = export(world, "cmo", department="PWR")
    assert column(rows, "Number") == [power.number]
    _job, rows = export(world, "officer_l1", mine=True, active_only=True)
    assert len(rows) == 2  # "Second" (active); the ATR'd one waits on the citizen


def test_bad_filters_and_kinds_are_field_errors(world):
    cases = [
        ({"status": "bogus"}, "status"),
        ({"level": 9}, "level"),
        ({"department": "NOPE"}, "department"),
        ({"area": "NOPE"}, "area"),
        ({"colour": "red"}, "colour"),
        (
            {"registered_after": "2026-02-01T00:00", "registered_before": "2026-01-01T00:00"},
            "registered_before",
        ),
    ]
    for filters, field in cases:
        with pytest.raises(InvalidInput) as caught:
            export_ask(actor=world["cmo"], kind="grievances", format="csv", filters=filters)
        assert field in caught.value.fields["filters"], filters
    with pytest.raises(InvalidInput) as caught:
        export_ask(actor=world["cmo"], kind="nothing", format="csv")
    assert "kind" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        export_ask(actor=world["cmo"], kind="grievances", format="pdf")
    assert "format" in caught.value.fields
    assert not ExportJob.objects.exists()


def test_progress_is_noted_after_each_chunk_and_reaches_100(world, settings, monkeypatch):
    settings.NIVARAN_EXPORTS_CHUNK_ROWS = 2
    for n in range(5):
        world.register(citizen_name=f"Citizen {n}")
    noted: list[int] = []
    write = services._write

    def spy(job_id, **fields):
        if "progress" in fields:
            noted.append(fields["progress"])
        write(job_id, **fields)

    monkeypatch.setattr(services, "_write", spy)
    job, rows = export(world, "cmo")
    assert noted == [40, 80, 99, 100]
    assert len(rows) == 6
    assert (job.progress, job.rows_done, job.rows_total) == (100, 5, 5)


def test_an_empty_list_is_a_file_with_its_header(world):
    job, rows = export(world, "cmo")
    assert job.status == ExportStatus.DONE and job.progress == 100 and job.rows_total == 0
    assert len(rows) == 1


def test_excel_has_the_same_rows_with_a_bold_header_and_real_dates(world):
    world.register(citizen_name='=HYPERLINK("http://x")', mobile="9812345210")
    job = export_run_job(job_id=ask(world, "officer_l1", fmt="xlsx").pk)
    assert job is not None and job.status == ExportStatus.DONE
    assert job.file.endswith(".xlsx")
    with default_storage.open(job.file, "rb") as fh:
        sheet = load_workbook(fh).active
        assert sheet is not None
        rows = list(sheet.iter_rows(values_only=True))
        assert sheet["A1"].font.b
    assert rows[0][0] == "Number" and len(rows) == 2
    header = list(rows[0])
    assert rows[1][header.index("Citizen")] == '\'=HYPERLINK("http://x")'  # formula-safe
    assert rows[1][header.index("Registered at")].year == timezone.now().year


def test_csv_cells_are_formula_safe(world):
    world.register(citizen_name="@SUM(A1)", mobile="9812345210")
    _job, rows = export(world, "officer_l1")
    assert column(rows, "Citizen") == ["'@SUM(A1)"]


def test_a_failure_marks_the_job_failed_and_leaves_no_file(world, media, monkeypatch):
    for n in range(4):
        world.register(citizen_name=f"Citizen {n}")
    real = GRIEVANCES.source

    def broken_source(*, actor, filters):
        found = real(actor=actor, filters=filters)
        seen = {"n": 0}

        def row(values):
            seen["n"] += 1
            if seen["n"] == 3:
                raise RuntimeError("disk on fire")
            return found.row(values)

        return type(found)(rows=found.rows, row=row)

    monkeypatch.setitem(KINDS, "grievances", dataclasses.replace(GRIEVANCES, source=broken_source))
    job = export_run_job(job_id=ask(world, "cmo").pk)
    assert job is not None
    assert job.status == ExportStatus.FAILED
    assert job.error == "The export could not be completed. Please try again."
    assert "disk" not in job.error
    assert job.file == "" and job.finished_at
    assert not list(Path(media).rglob("*.csv"))


def test_the_job_runs_once(world):
    job = ask(world, "cmo")
    assert export_run_job(job_id=job.pk) is not None
    assert export_run_job(job_id=job.pk) is None  # a second delivery of the task


def test_a_user_deactivated_since_gets_nothing(world):
    world.register()
    job = ask(world, "officer_l1")
    officer = world["officer_l1"]
    officer.is_active = False
    officer.save()
    done = export_run_job(job_id=job.pk)
    assert done is not None and done.status == ExportStatus.FAILED
    assert "inactive" in done.error and done.file == ""


def test_an_officer_moved_since_exports_only_what_they_see_now(world):
    world.register()
    job = ask(world, "officer_l1")
    Post.objects.filter(holder=world["officer_l1"]).update(holder=None)
    done = export_run_job(job_id=job.pk)
    assert done is not None and done.status == ExportStatus.DONE
    assert len(rows_of(done)) == 1  # the header only


def test_a_role_changed_since_to_one_that_sees_less_masks_the_file(world):
    world.register(citizen_name="Ramesh Kumar", mobile="9812345210")
    job = ask(world, "telecaller")
    caller = world["telecaller"]
    caller.role = "data_analyst"
    caller.save()
    done = export_run_job(job_id=job.pk)
    assert done is not None
    assert column(rows_of(done), "Mobile") == ["98•••••210"]


def test_at_most_two_exports_queued_or_running_per_user(world):
    ask(world, "cmo")
    second = ask(world, "cmo")
    with pytest.raises(ExportsBusy):
        ask(world, "cmo")
    ask(world, "analyst")  # another user is not held up
    export_run_job(job_id=second.pk)
    ask(world, "cmo")  # one finished: room for one more


def test_a_retry_with_the_same_key_finds_the_first_job(world):
    first = export_ask(
        actor=world["cmo"], kind="grievances", format="csv", idempotency_key="k1", enqueue=noop
    )
    again = export_ask(
        actor=world["cmo"], kind="grievances", format="csv", idempotency_key="k1", enqueue=noop
    )
    assert first.created and not again.created and again.job.pk == first.job.pk
    with pytest.raises(TransitionNotAllowed) as caught:
        export_ask(actor=world["cmo"], kind="grievances", format="xlsx", idempotency_key="k1")
    assert caught.value.code == "idempotency_key_reuse"
    # Another user's key of the same text is theirs.
    other = export_ask(
        actor=world["analyst"], kind="grievances", format="csv", idempotency_key="k1", enqueue=noop
    )
    assert other.created
    assert ExportJob.objects.count() == 2


def test_the_purge_deletes_expired_files_fails_dead_jobs_and_resends_lost_ones(world, monkeypatch):
    done = export_run_job(job_id=ask(world, "cmo").pk)
    assert done is not None
    dead = ask(world, "analyst")
    lost = ask(world, "telecaller")
    later = timezone.now() + timedelta(hours=1)
    ExportJob.objects.filter(pk=dead.pk).update(
        status=ExportStatus.RUNNING, started_at=later - timedelta(hours=2)
    )
    ExportJob.objects.filter(pk=lost.pk).update(created_at=later - timedelta(minutes=10))
    sent: list[int] = []
    monkeypatch.setattr(services, "_enqueue", sent.append)
    assert exports_purge(now=later) == {"deleted": 0, "failed": 1, "requeued": 1}
    assert sent == [lost.pk]
    assert ExportJob.objects.get(pk=dead.pk).status == ExportStatus.FAILED
    assert default_storage.exists(done.file)
    result = exports_purge(now=timezone.now() + timedelta(hours=25))
    assert result["deleted"] == 3
    assert not default_storage.exists(done.file)
    assert not ExportJob.objects.exists()


def test_memory_stays_flat_as_the_list_grows(world, settings):
    """Constant memory: the peak while exporting 4,000 rows is not much above the peak
    for 400 (a list of all rows, or a normal openpyxl workbook, would be ten times it)."""
    settings.NIVARAN_EXPORTS_CHUNK_ROWS = 200
    citizen = Citizen.objects.create(
        name="Ramesh Kumar", name_key="ramesh kumar", mobile="9812345210"
    )
    start = timezone.now() - timedelta(days=3)

    def grow(count: int) -> None:
        items = [
            BulkItem(
                citizen_id=citizen.pk,
                category=world.category,
                area=world.block,
                description="Road broken",
                channel="call_centre",
                registered_at=start,
            )
            for _ in range(count)
        ]
        grievances_register_bulk(items=items, actor=world["telecaller"])

    def peak(fmt: str) -> int:
        job = ask(world, "cmo", fmt=fmt)
        tracemalloc.start()
        try:
            done = export_run_job(job_id=job.pk)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert done is not None and done.status == ExportStatus.DONE, done and done.error

    grow(400)
    small = {fmt: peak(fmt) for fmt in ("csv", "xlsx")}
    grow(3_600)
    large = {fmt: peak(fmt) for fmt in ("csv", "xlsx")}
    for fmt in ("csv", "xlsx"):
        assert large[fmt] < 2 * small[fmt], (fmt, small[fmt], large[fmt])
