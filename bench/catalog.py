"""Benchmark: the category pages (H8, H9) against a database that `bench/run.py` filled.

    DATABASE_URL=sqlite:////path/to/var/bench.sqlite3 NIVARAN_TESTING=1 \
        .venv/bin/python bench/catalog.py --requests 20

It does not drop or fill anything: it times, as the department's administrative secretary
(or a platform administrator made for the purpose when the department has none), the
department tree page (`/categories/<dept>/`) and the re-categorisation assistant on its
"Others" type, for the department with the largest "Others" pile: the first (cold) request
after the cache is cleared, then `--requests` more (warm), with the SQL statements of each.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--assistant-requests", type=int, default=5)
    args = parser.parse_args(argv)
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("set DATABASE_URL to a benchmark database (its name contains 'bench')")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from nivaran.accounts.models import User
    from nivaran.accounts.roles import Role
    from nivaran.catalog.models import Category
    from nivaran.grievances.models import Grievance
    from nivaran.grievances.workflow import PENDING

    total = Grievance.objects.count()
    pile = (
        Grievance.objects.filter(category__is_others=True, status__in=PENDING)
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if pile is None:
        sys.exit("no pending grievance under an 'Others' type: fill the database first")
    others = Category.objects.select_related("department").get(pk=pile["category_id"])
    dept = others.department
    pending = Grievance.objects.filter(department=dept, status__in=PENDING).count()
    admin, _ = User.objects.get_or_create(
        username="bench-catalog-admin",
        defaults={"role": Role.PLATFORM_ADMIN, "is_active": True},
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(admin)

    def timed(url: str, n: int) -> str:
        cache.clear()
        rows = []
        for _i in range(n + 1):
            statements: list[str] = []

            def log(execute, sql, params, many, context, statements=statements):  # type: ignore[no-untyped-def]
                statements.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(log):
                start = time.perf_counter()
                response = client.get(url)
                took = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (url, response.status_code)
            rows.append((took, len(statements)))
        warm = [t for t, _q in rows[1:]]
        p95 = statistics.quantiles(warm, n=20, method="inclusive")[18] if len(warm) > 1 else warm[0]
        return (
            f"| `{url}` | {rows[0][0]:.0f} ({rows[0][1]} statements) | "
            f"{statistics.median(warm):.0f} / {p95:.0f} ({rows[1][1]} statements) |"
        )

    print(
        f"{connection.vendor}, {total:,} grievances; {dept.code}: {pending:,} pending, "
        f"{pile['n']:,} under {others.code}; {platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    client.get(f"/categories/{dept.code}/")  # the process's first request (imports, profile)
    print("| page | first request after the cache is cleared, ms | then p50 / p95, ms |")
    print("|---|---:|---:|")
    print(timed(f"/categories/{dept.code}/", args.requests))
    print(timed(f"/categories/{dept.code}/types/{others.code}/assistant/", args.assistant_requests))


if __name__ == "__main__":
    main()
