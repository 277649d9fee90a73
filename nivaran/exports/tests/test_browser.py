"""The issue's acceptance (X6): an export of 100,000 rows runs in the background with its
progress shown in a real browser, then downloads with every row.

A real Celery worker runs the task in this process, on kombu's in-memory broker (or on
the Redis at CELERY_TEST_BROKER_URL when it is set, as CI's worker test uses).
"""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections, transaction
from django.utils import timezone

from nivaran.celery import app
from nivaran.exports.models import ExportJob, ExportStatus
from nivaran.grievances.models import Citizen, Grievance
from nivaran.grievances.workflow import BulkItem, grievances_register_bulk
from nivaran.testing.browser import ARGS, CHROMIUM, DESKTOP, artifacts, csp_violations
from nivaran.testing.world import PASSWORD, World, build_world

ROWS = 100_000
CHUNK = 20_000
ARTIFACTS = artifacts("exports")


@pytest.fixture
def live_world(transactional_db) -> World:
    return build_world()


def many_grievances(world: World, count: int) -> None:
    """`count` grievances in the L1 officer's block, registered through the workflow's
    bulk registration as `generate_grievances` (and so the bench) makes them."""
    citizens = [
        Citizen.objects.create(
            name=f"Citizen {n}", name_key=f"citizen {n}", mobile=f"98{n:08d}"[:10]
        ).pk
        for n in range(100)
    ]
    start = timezone.now() - timedelta(days=20)
    for first in range(0, count, CHUNK):
        items = [
            BulkItem(
                citizen_id=citizens[i % len(citizens)],
                category=world.category if i % 2 else world.hours_category,
                area=world.block,
                description="सड़क पर तीन महीने से पानी भरा है।",
                channel="call_centre",
                registered_at=start + timedelta(minutes=i // 1000),  # few routes to compute
                emergency=i % 50 == 0,
            )
            for i in range(first, min(first + CHUNK, count))
        ]
        with transaction.atomic():
            grievances_register_bulk(items=items, actor=world["telecaller"])


def close_connections(**_kwargs: object) -> None:
    connections.close_all()


@pytest.mark.browser
def test_an_export_of_100000_rows_shows_its_progress_and_downloads(
    live_server, live_world: World, settings, tmp_path
):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.NIVARAN_EXPORTS_POLL_MS = 250
    settings.NIVARAN_EXPORTS_CHUNK_ROWS = 1000
    started = time.monotonic()
    many_grievances(live_world, ROWS)
    assert Grievance.objects.count() == ROWS
    made = time.monotonic() - started
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    broker = os.environ.get("CELERY_TEST_BROKER_URL") or "memory://"
    before = {k: app.conf[k] for k in ("broker_url", "broker_transport_options")}
    app.conf.update(broker_url=broker, broker_transport_options={}, task_always_eager=False)
    seen: list[int] = []
    # The worker's thread keeps its connection (CONN_MAX_AGE): close it when the task
    # ends, or PostgreSQL cannot drop the test database.
    task_postrun.connect(close_connections)
    try:
        with (
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30),
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
                page = context.new_page()
                csp = csp_violations(page)
                page.goto(f"{live_server.url}/login/")
                page.fill("#id_username", "officer_l1")
                page.fill("#id_password", PASSWORD)
                page.click("button[type=submit].w-100")
                page.wait_for_url(f"{live_server.url}/")
                # More than the count cap: the tab says so rather than counting them all.
                assert ROWS > settings.NIVARAN_LIST_COUNT_CAP
                expect(page.locator('[data-count="mine"]')).to_have_text(
                    f"{settings.NIVARAN_LIST_COUNT_CAP}+"
                )

                page.screenshot(path=str(ARTIFACTS / "0-inbox.png"))
                page.click("[data-testid=export-csv]")
                page.wait_for_url(f"{live_server.url}/exports/*/")
                job = ExportJob.objects.get()
                bar = page.locator("[role=progressbar]")
                download = page.locator("[data-testid=download]")
                deadline = time.monotonic() + 90
                while time.monotonic() < deadline and not download.is_visible():
                    value = int(bar.get_attribute("aria-valuenow") or "0")
                    if not seen or seen[-1] != value:
                        seen.append(value)
                        if 0 < value < 100 and len(seen) == 2:
                            page.screenshot(path=str(ARTIFACTS / "1-running.png"))
                    time.sleep(0.05)
                expect(download).to_be_visible()
                seen.append(int(bar.get_attribute("aria-valuenow") or "0"))
                expect(page.locator("[data-testid=state]")).to_have_text("The export is ready.")
                expect(page.locator("[data-testid=rows]")).to_have_text(f"{ROWS} of {ROWS} rows")
                page.wait_for_timeout(700)  # Bootstrap's bar eases to its width in 0.6 s
                page.screenshot(path=str(ARTIFACTS / "2-done.png"))

                with page.expect_download() as caught:
                    download.click()
                path = caught.value.path()
                text = path.read_text(encoding="utf-8")
                assert not csp, csp
            finally:
                browser.close()
    finally:
        task_postrun.disconnect(close_connections)
        app.conf.update(**before)

    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.error
    assert (job.rows_done, job.rows_total, job.progress) == (ROWS, ROWS, 100)
    assert any(0 < value < 100 for value in seen), seen  # the bar moved through the middle
    assert seen == sorted(seen) and seen[-1] == 100, seen
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0][0] == "Number"
    assert len(rows) - 1 == ROWS
    assert len({row[0] for row in rows[1:]}) == ROWS  # every grievance once
    print(  # noqa: T201 - the timings, for the report (pytest -s)
        f"made {ROWS} grievances in {made:.1f}s; export ran "
        f"{(job.finished_at - job.started_at).total_seconds():.1f}s; bar values {seen}"
    )
