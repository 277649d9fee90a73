"""Profile one request of each kind, in process, against a database `bench/run.py` filled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nivaran_bench \
      .venv/bin/python bench/profile_requests.py --repeat 40 [--top 15] [--only register]

Each kind is called a few times to warm up, then `--repeat` times under cProfile and
with every SQL statement counted. It prints, per kind: application CPU per request
(process time minus nothing: the database runs in another process, so this is the
Python side alone), wall time, statements per request, and the functions with the most
cumulative time. Registrations are real: they add grievances to the database.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KINDS = (
    "register",
    "register_service",
    "detail_api",
    "detail_page",
    "list_api",
    "mine_api",
    "inbox_page",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--top", type=int, default=15, help="functions shown per kind")
    parser.add_argument("--only", choices=KINDS, action="append", help="kinds to profile")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sql", action="store_true", help="print one request's statements")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    os.environ.setdefault("NIVARAN_TESTING", "1")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from rest_framework.authtoken.models import Token

    from nivaran.accounts.models import User
    from nivaran.accounts.roles import Role
    from nivaran.catalog.models import Category
    from nivaran.geo.models import Area
    from nivaran.grievances.models import Grievance

    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("profile a bench database (its name contains 'bench'): it registers")
    rng = random.Random(args.seed)
    caller, _ = User.objects.get_or_create(
        username="profile-telecaller", defaults={"role": Role.TELE_CALLER}
    )
    busiest = (
        Grievance.objects.exclude(assigned_to=None)
        .values("assigned_to")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        raise SystemExit("no assigned grievances: fill the database with bench/run.py first")
    officer = User.objects.get(pk=busiest["assigned_to"])
    cmo = User.objects.filter(role=Role.CMO_GRIEVANCE_CELL).first()
    assert cmo is not None
    api = {
        who: Client(
            HTTP_HOST="localhost",
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}",
        )
        for who, user in (("caller", caller), ("officer", officer), ("cmo", cmo))
    }
    web = Client(HTTP_HOST="localhost")
    web.force_login(officer)
    categories = list(
        Category.objects.filter(selectable=True, is_active=True, department__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
    areas = list(Area.objects.filter(type="block").order_by("code").values_list("code", flat=True))
    numbers = list(
        Grievance.objects.filter(assigned_to=officer).values_list("number", flat=True)[:500]
    )
    counter = iter(range(10**9))

    def register() -> Any:
        n = next(counter)
        body = {
            "citizen": {
                "name": f"Profile Person {n % 97}",
                "mobile": f"97{rng.randrange(10**8):08d}",
            },
            "category": rng.choice(categories),
            "area": rng.choice(areas),
            "description": "सड़क पर तीन महीने से पानी भरा है, कोई सुनवाई नहीं हुई।",
        }
        return api["caller"].post(
            "/api/v1/grievances/",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"profile-{time.time_ns()}-{n}",
        )

    def register_service() -> Any:  # the workflow's registration alone, without HTTP
        from nivaran.grievances.workflow import grievance_register

        n = next(counter)
        grievance_register(
            actor=caller,
            citizen_name=f"Profile Person {n % 97}",
            mobile=f"97{rng.randrange(10**8):08d}",
            category_code=rng.choice(categories),
            area_code=rng.choice(areas),
            description="सड़क पर तीन महीने से पानी भरा है, कोई सुनवाई नहीं हुई।",
            channel="call_centre",
            intake_key=f"profile-{time.time_ns()}-{n}",
        )
        return type("Done", (), {"status_code": 201})()

    calls: dict[str, Callable[[], Any]] = {
        "register": register,
        "register_service": register_service,
        "detail_api": lambda: api["officer"].get(f"/api/v1/grievances/{rng.choice(numbers)}/"),
        "detail_page": lambda: web.get(f"/grievances/{rng.choice(numbers)}/"),
        "list_api": lambda: api["cmo"].get("/api/v1/grievances/?status=open&overdue=true"),
        "mine_api": lambda: api["officer"].get("/api/v1/grievances/?mine=true"),
        "inbox_page": lambda: web.get("/"),
    }
    for kind in args.only or KINDS:
        call = calls[kind]
        for _ in range(3):
            response = call()
            assert response.status_code < 300, (kind, response.status_code, response.content[:300])
        cpu, wall, statements = [], [], []
        for _ in range(args.repeat):  # timed without the profiler, which doubles the CPU
            c0, w0 = time.process_time(), time.perf_counter()
            response = call()
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
        shown = not args.sql
        width = int(os.environ.get("SQL_WIDTH", "160"))
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as queries:
                profiler.enable()
                response = call()
                profiler.disable()
            assert response.status_code < 300, (kind, response.status_code)
            statements.append(len(queries))
            if not shown:
                shown = True
                for q in queries.captured_queries:
                    print(f"  [{q['time']}s] {q['sql'][:width]}")
        print(
            f"\n## {kind}: CPU p50 {statistics.median(cpu):.1f} ms "
            f"(min {min(cpu):.1f}), wall p50 {statistics.median(wall):.1f} ms, "
            f"statements {min(statements)}–{max(statements)} per request"
        )
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
