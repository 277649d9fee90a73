"""Where one API request's time goes: CPU, SQL statements and database time, in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nivaran_load_bench \\
      .venv/bin/python bench/profile_request.py [--kind register] [--requests 40] [--top 30]

It runs against a database bench/serve.py prepared (it is not recreated; registrations
are added to it), with the settings a deployment uses (DEBUG off, Redis as cache),
through `django.test.Client` with a token, so the whole stack runs (middleware, DRF,
serializers) except the socket and gunicorn. After 5 untimed requests it times
`--requests` more, one at a time: wall and CPU time of this process (the application;
PostgreSQL's own work is in its server process), the statements and their time
(`CaptureQueriesContext`: each statement's round trip as Django times it), the
statements grouped by verb and table, and a cProfile of the same requests: the
functions with the most cumulative time, per request, and the project's own.

Kinds: register (the tele-caller's POST /api/v1/grievances/), detail (CMO, random
numbers), list (CMO, first page), inbox (`?mine=true`, the busiest L1 officer),
overdue (`?status=open&overdue=true`, the same officer), me (GET /api/v1/me/ as the
CMO: the floor, what the stack costs around a view that does almost nothing).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
KINDS = ("register", "detail", "list", "inbox", "overdue", "me")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kind", choices=KINDS, default="register")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--top", type=int, default=30, help="functions listed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--wall", action="store_true", help="profile wall time (default: CPU time)")
    parser.add_argument("--plan", action="store_true", help="print the slowest SELECT's plan")
    parser.add_argument(
        "--server-side-binding",
        action="store_true",
        help="an experiment: psycopg's server-side binding, so that a statement run 5 "
        "times on a connection is prepared (psycopg's prepare_threshold) and its plan reused",
    )
    parser.add_argument(
        "--generic-plans",
        action="store_true",
        help="with --server-side-binding: plan_cache_mode=force_generic_plan, so that a "
        "prepared statement is planned once, not once per parameter set",
    )
    return parser.parse_args(argv)


def production_settings() -> None:
    """The environment of a deployment (docs/deployment.md), as bench/_serve.py sets it."""
    for name in ("NIVARAN_TESTING", "NIVARAN_DEMO_MODE", "DEBUG"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="nivaran.settings",
        SECRET_KEY="bench-only-" + "x" * 40,
        CACHE_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        CELERY_BROKER_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        LOG_LEVEL="WARNING",
    )


_TABLE = re.compile(r'(?:FROM|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', re.IGNORECASE)


def statement_kind(sql: str) -> str:
    """`SELECT org_levelmapping`: the verb and the first table named."""
    verb = sql.lstrip().split(None, 1)[0].upper()
    found = _TABLE.search(sql)
    return f"{verb} {found.group(1) if found else ''}".strip()


def requests_of(kind: str, n: int, seed: int) -> tuple[Any, list[Any]]:
    """(client, calls): `n` + 5 calls of `kind`, each returning a response."""
    from django.test import Client
    from rest_framework.authtoken.models import Token
    from serve import logins

    from nivaran.accounts.models import User
    from nivaran.accounts.roles import Role
    from nivaran.catalog.models import Category
    from nivaran.geo.models import Area
    from nivaran.grievances.models import Grievance

    who = logins(Path(os.devnull))
    rng = random.Random(seed)
    if kind == "register":
        caller = User.objects.get(username="load-telecaller")
        assert caller.role == Role.TELE_CALLER
        token = Token.objects.get(user=caller).key
        categories = list(
            Category.objects.filter(selectable=True, is_active=True, department__isnull=False)
            .order_by("code")
            .values_list("code", flat=True)
        )
        areas = list(Area.objects.filter(type="block").values_list("code", flat=True))
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
        run = f"{time.time():.0f}"

        def register(i: int) -> Any:
            body = {
                "citizen": {"name": "Ram Kumar", "mobile": f"9{rng.randrange(10**9):09d}"},
                "category": rng.choice(categories),
                "area": rng.choice(areas),
                "description": f"सड़क पर तीन महीने से पानी भरा है, वार्ड {i}",
            }
            return client.post(
                "/api/v1/grievances/",
                json.dumps(body),
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=f"profile-{run}-{i}",
            )

        return client, [lambda i=i: register(i) for i in range(2 * n + 5)]
    token = who["officer"] if kind in ("inbox", "overdue") else who["reader"]
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    if kind == "detail":
        last = Grievance.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ids = [rng.randrange(1, last + 1) for _ in range(3 * (2 * n + 5))]
        numbers = list(Grievance.objects.filter(id__in=ids).values_list("number", flat=True))
        return client, [
            lambda x=x: client.get(f"/api/v1/grievances/{x}/") for x in numbers[: 2 * n + 5]
        ]
    url = {
        "list": "/api/v1/grievances/",
        "inbox": "/api/v1/grievances/?mine=true",
        "overdue": "/api/v1/grievances/?status=open&overdue=true",
        "me": "/api/v1/me/",
    }[kind]
    return client, [lambda: client.get(url)] * (2 * n + 5)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    production_settings()
    from run import bench_database

    bench_database()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    if args.server_side_binding:  # before the first connection is made
        # Django turns psycopg's prepared statements off unless prepare_threshold is given.
        options.update(server_side_binding=True, prepare_threshold=5)
    if args.generic_plans:
        options["options"] = "-c plan_cache_mode=force_generic_plan"

    _client, calls = requests_of(args.kind, args.requests, args.seed)
    for call in calls[:5]:
        response = call()
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    walls, cpus, counts, db_times = [], [], [], []
    kinds: Counter[str] = Counter()
    kind_time: defaultdict[str, float] = defaultdict(float)
    profiler = cProfile.Profile(time.perf_counter if args.wall else time.process_time)
    last: list[dict[str, Any]] = []
    load_before = os.getloadavg()
    n = args.requests
    for call in calls[5 : 5 + n]:  # timed, not profiled: the profiler's overhead is not in these
        with CaptureQueriesContext(connection) as ctx:
            wall, cpu = time.perf_counter(), time.process_time()
            response = call()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
        walls.append(wall * 1000)
        cpus.append(cpu * 1000)
        counts.append(len(ctx.captured_queries))
        db_times.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        last = list(ctx.captured_queries)
        for q in ctx.captured_queries:
            kinds[statement_kind(q["sql"])] += 1
            kind_time[statement_kind(q["sql"])] += float(q["time"]) * 1000
    profiled_cpu = time.process_time()
    for call in calls[5 + n :]:  # profiled
        profiler.enable()
        response = call()
        profiler.disable()
    profiled_cpu = (time.process_time() - profiled_cpu) * 1000 / n
    n = len(walls)
    load_after = os.getloadavg()
    print(
        f"{args.kind}: {n} requests, in-process (django.test.Client), "
        f"load average {load_before[0]:.2f} -> {load_after[0]:.2f}"
    )
    print(
        f"  per request, median (p95): wall {statistics.median(walls):.1f} ms "
        f"({sorted(walls)[int(n * 0.95) - 1]:.1f}); CPU of this process "
        f"{statistics.median(cpus):.1f} ms ({sorted(cpus)[int(n * 0.95) - 1]:.1f}); "
        f"statements {statistics.median(counts):.0f} (min {min(counts)}, max {max(counts)}); "
        f"database time {statistics.median(db_times):.1f} ms "
        f"({sorted(db_times)[int(n * 0.95) - 1]:.1f})"
    )
    print("  statements per request, by verb and table (count, ms):")
    for k, c in kinds.most_common():
        print(f"    {c / n:6.1f}  {kind_time[k] / n:6.2f} ms  {k}")
    print("  the last request's SELECTs, planned and run again (EXPLAIN ANALYZE), ms:")
    print(f"    {'plan':>6} {'run':>6}  statement")
    slowest = ("", -1.0)
    with connection.cursor() as cursor:
        for q in last:
            if not q["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {q['sql']}")
            plan = cursor.fetchone()[0][0]
            text = re.sub(r"\s+", " ", q["sql"])
            text = text if len(text) < 110 else text[:70] + " … " + text[-36:]
            print(f"    {plan['Planning Time']:6.2f} {plan['Execution Time']:6.2f}  {text}")
            cost = plan["Planning Time"] + plan["Execution Time"]
            if cost > slowest[1]:
                slowest = (q["sql"], cost)
        if args.plan and slowest[0]:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest[0]}")
            print(f"  the slowest:\n{slowest[0]}\n")
            print("\n".join("    " + row[0] for row in cursor.fetchall()))
        if args.server_side_binding:
            cursor.execute(
                "SELECT generic_plans, custom_plans, left(statement, 70) FROM "
                "pg_prepared_statements ORDER BY generic_plans + custom_plans DESC LIMIT 5"
            )
            print("  prepared on this connection (generic plans, custom plans, statement):")
            for generic, custom, text in cursor.fetchall():
                print(f"    {generic:6} {custom:6}  {text}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    timer = "wall" if args.wall else "CPU"
    print(
        f"  cProfile ({timer} time) of {n} more requests: ms per request; the profiler "
        f"inflates what it measures (CPU {profiled_cpu:.1f} ms per profiled request against "
        f"{sum(cpus) / n:.1f} unprofiled): read the shares"
    )
    rows = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        rel = filename.replace(str(ROOT) + "/", "")
        site = rel.split("site-packages/")[-1]
        rows.append((ct / n * 1000, tt / n * 1000, nc / n, f"{site}:{line}({func})", rel))
    rows.sort(reverse=True)
    whole = rows[0][0] if rows else 1.0

    def show(chosen: list[tuple[float, float, float, str, str]]) -> None:
        print(f"    {'cum ms':>8} {'cum %':>6} {'own ms':>7} {'calls':>8}  function")
        for ct, tt, nc, name, _rel in chosen:
            print(f"    {ct:8.2f} {ct / whole:6.1%} {tt:7.2f} {nc:8.1f}  {name}")

    show(rows[: args.top])
    print("  the project's own functions (nivaran/), by cumulative time:")
    show([r for r in rows if r[4].startswith("nivaran/")][: args.top])
    print("  by own time:")
    show(sorted(rows, key=lambda r: -r[1])[:15])
    return 0


if __name__ == "__main__":
    sys.exit(main())
