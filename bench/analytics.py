"""Analytics at state scale: rollup rebuild and refresh, ranking, dashboard, weekly pack.

Runs against a database `bench/run.py` has filled (its name must contain "bench"; it is
not dropped). Rebuilds the rollups from the history, registers a day's worth of new
grievances and refreshes incrementally, then times the analytics endpoints with
`django.test.Client` as the CMO cell (statewide) and as a department's secretary.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nivaran_bench \\
      .venv/bin/python bench/analytics.py --requests 20
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[], Any], requests: int) -> dict[str, float]:
    for _ in range(2):
        call()
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)],
        "max": samples[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if "bench" not in url:
        sys.exit("DATABASE_URL must name a benchmark database (its name contains 'bench')")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    os.environ.setdefault("NIVARAN_TESTING", "1")
    import django

    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from nivaran.accounts.models import User
    from nivaran.analytics.models import DailyFigure, PendingSnapshot
    from nivaran.analytics.rollups import local_day, rollups_rebuild, rollups_refresh
    from nivaran.grievances.models import Grievance, GrievanceEvent
    from nivaran.org.models import Department

    report: list[str] = [
        f"# Analytics benchmark ({connection.vendor}), {date.today()}",
        "",
        f"Load average at the start: {os.getloadavg()[0]:.2f}.",
    ]
    grievances = Grievance.objects.count()
    events = GrievanceEvent.objects.count()
    report += ["", f"{grievances:,} grievances, {events:,} history events.", ""]
    print(report[-2])
    now = timezone.now()
    if not args.skip_rebuild:
        start, cpu = time.perf_counter(), time.process_time()
        result = rollups_rebuild(now=now)
        wall, used = time.perf_counter() - start, time.process_time() - cpu
        line = (
            f"- Rebuild (`analytics_refresh --rebuild`): {wall:.1f} s wall, {used:.1f} s CPU, "
            f"{len(result.days)} days, {result.events:,} events; peak RSS {rss_mb():.0f} MB; "
            f"{DailyFigure.objects.count():,} daily figures, "
            f"{PendingSnapshot.objects.count():,} snapshot rows."
        )
        report.append(line)
        print(line)
    start = time.perf_counter()
    result = rollups_refresh(now=now)
    line = (
        f"- Refresh with nothing new: {time.perf_counter() - start:.2f} s "
        f"({len(result.days)} days recomputed, {result.events:,} events)."
    )
    report.append(line)
    print(line)
    # A day's new registrations, then the refresh the worker runs every 10 minutes.
    from django.core.management import call_command

    call_command("generate_grievances", count=3000, days=1, seed=7, now=now.isoformat())
    start = time.perf_counter()
    result = rollups_refresh(now=timezone.now())
    line = (
        f"- Refresh after 3,000 registrations today: {time.perf_counter() - start:.2f} s "
        f"({len(result.days)} days recomputed from {result.events:,} events)."
    )
    report.append(line)
    print(line)
    today = local_day(now)
    month = f"{today - timedelta(days=29)}..{today}"
    cmo = User.objects.filter(role="cmo_grievance_cell").first() or User.objects.get(
        username="bench-cmo"
    )
    busiest = (
        DailyFigure.objects.values("department_id")
        .order_by()
        .annotate(n=django.db.models.Sum("registered"))
        .order_by("-n")
        .first()
    )
    department = Department.objects.get(pk=busiest["department_id"]) if busiest else None
    client = Client(HTTP_HOST="localhost")
    client.force_login(cmo)

    def get(url: str) -> Callable[[], Any]:
        def call() -> Any:
            cache.clear()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
            return response

        return call

    ranking = f"/api/v1/analytics/ranking/?period={month}"
    urls = [
        ("ranking, departments, 30 days", ranking),
        ("ranking, districts, 30 days", f"{ranking}&scope=district"),
        ("ranking, officers, 30 days", f"{ranking}&scope=officer"),
        ("ranking page, departments", f"/analytics/ranking/?period={month}"),
        ("dashboard page, 30 days", "/analytics/"),
        ("dashboard page, one department", f"/analytics/?department={department.code}"
         if department else "/analytics/"),
        ("transparency page", "/transparency/"),
    ]  # fmt: skip
    if department is not None:
        pack = f"/analytics/weekly/department/{department.code}"
        urls += [
            ("weekly pack API, busiest department",
             f"/api/v1/analytics/weekly-packs/department/{department.code}/"),
            ("weekly pack page", f"{pack}/"),
            ("weekly pack, Excel", f"{pack}.xlsx"),
            ("weekly pack, PDF", f"{pack}.pdf"),
        ]  # fmt: skip
    report += ["", "| Request | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|"]
    for label, url in urls:
        t = timed(get(url), args.requests)
        row = f"| {label} | {t['p50']:.1f} | {t['p95']:.1f} | {t['max']:.1f} |"
        report.append(row)
        print(row)
    report += [
        "",
        f"Load average at the end: {os.getloadavg()[0]:.2f}; peak RSS {rss_mb():.0f} MB.",
    ]
    output = args.output or ROOT / "bench" / f"results-analytics-{date.today()}.md"
    output.write_text("\n".join(report) + "\n", encoding="utf-8")
    print(f"written to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
