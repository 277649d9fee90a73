"""Benchmark: N synthetic grievances in a dedicated database, then the sweep and the API.

    make bench ARGS="--count 200000"                      # SQLite: var/bench.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nivaran_bench make bench ARGS="--count 1000000"

It refuses any database whose name does not contain "bench": it drops and
recreates it. Results go to bench/results-<backend>.md (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SWEEP_BATCH_MARK = "LIMIT 5000"  # the sweep's batch SELECT (workflow/sweep.py BATCH)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200_000, help="grievances to generate")
    parser.add_argument(
        "--overdue",
        type=int,
        default=100_000,
        help="how many of them are past their L1 deadline (the sweep's work)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database and its data: measure the API only"
    )
    parser.add_argument(
        "--sweep-at",
        default=None,
        help="with --reuse: also sweep at this ISO instant (the generation's now)",
    )
    parser.add_argument(
        "--sweep-only",
        action="store_true",
        help="with --reuse and --sweep-at: only sweep, print the figures as JSON (the main run "
        "sweeps in such a child process, so that its memory is the sweep's own)",
    )
    parser.add_argument("--note", default="", help="a line added to the results file")
    parser.add_argument("--output", type=Path, default=None, help="results file (markdown)")
    return parser.parse_args(argv)


# --- the database --------------------------------------------------------------


def bench_database() -> dict[str, Any]:
    import dj_database_url

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    name = Path(str(config["NAME"])).name if "sqlite" in config["ENGINE"] else config["NAME"]
    if "bench" not in str(name):
        sys.exit(
            f"refusing to run against database {name!r}: its name must contain 'bench' "
            "(this benchmark drops and recreates it)"
        )
    os.environ["DATABASE_URL"] = url
    return config


def recreate(config: dict[str, Any]) -> None:
    if "sqlite" in config["ENGINE"]:
        path = Path(config["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        name = sql.Identifier(config["NAME"])
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


# --- measuring -----------------------------------------------------------------


class QueryLog:
    """Counts (and keeps) the SQL statements run while installed as an execute wrapper."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        # Wall time per kind of statement (its first word, "SELECT ... FOR UPDATE" apart):
        # where the database's time goes.
        self.seconds: dict[str, float] = {}

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        self.statements.append(sql)
        kind = sql.split(None, 1)[0].upper() + (" FOR UPDATE" if "FOR UPDATE" in sql else "")
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[kind] = self.seconds.get(kind, 0.0) + time.perf_counter() - start


@contextmanager
def logged() -> Iterator[QueryLog]:
    from django.db import connection

    log = QueryLog()
    with connection.execute_wrapper(log):
        yield log


def peak_reset() -> None:
    """Start a new peak of this process's resident memory (Linux: VmHWM; else a no-op)."""
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """The resident memory's peak since `peak_reset` (Linux), else since the start, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Timing:
    label: str
    rows: int
    samples: list[float] = field(default_factory=list)
    queries: int = 0

    def pct(self, p: int) -> float:
        return statistics.quantiles(self.samples, n=100, method="inclusive")[p - 1] * 1000

    def row(self) -> str:
        return (
            f"| {self.label} | {self.rows:,} | {self.pct(50):.1f} | {self.pct(95):.1f} | "
            f"{max(self.samples) * 1000:.1f} | {self.queries} |"
        )


def timed(label: str, rows: int, calls: list[Callable[[], Any]], warmup: int = 3) -> Timing:
    for call in calls[:warmup]:
        call()
    timing = Timing(label, rows)
    for n, call in enumerate(calls[warmup:]):
        with logged() as log:
            start = time.perf_counter()
            call()
            timing.samples.append(time.perf_counter() - start)
        if n == 0:
            timing.queries = len(log.statements)
    print(f"  {timing.row()}")
    return timing


# --- the steps -----------------------------------------------------------------


class Tee(StringIO):
    """Shows a command's output as it comes and keeps it."""

    def write(self, text: str) -> int:
        sys.stdout.write(text)
        sys.stdout.flush()
        return super().write(text)


def master_data() -> str:
    from nivaran.profiles.loader import ProfileError, load_profile
    from nivaran.profiles.services import profile_apply
    from nivaran.testing.world import build_world

    try:
        profile_apply(load_profile("haryana"))
        return "haryana profile (nivaran/profiles/data/haryana)"
    except (ProfileError, FileNotFoundError) as exc:
        print(f"  haryana profile unavailable ({exc}); using nivaran.testing.world")
        build_world()
        return "nivaran.testing.world.build_world() (the haryana profile was not available)"


def staff_and_holders() -> dict[str, Any]:
    """A holder for every vacant post (so routing assigns officers) and a CMO login."""
    from rest_framework.authtoken.models import Token

    from nivaran.accounts.models import User
    from nivaran.accounts.roles import Role
    from nivaran.org.models import Post

    vacant = list(Post.objects.filter(holder__isnull=True).order_by("code"))
    users = []
    for n, post in enumerate(vacant, start=1):
        role = (
            Role.DISTRICT_ADMINISTRATION
            if post.code.startswith("DM-HEAD")
            else Role.NODAL_OFFICER
            if "NODAL" in post.code
            else Role.HEAD_OF_DEPARTMENT
            if post.is_head_of_department
            else Role.OFFICER
        )
        user = User(
            username=f"bench-{post.code.lower()}",
            role=role,
            first_name=post.title[:150],
            mobile=f"9{n:09d}",
        )
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    for post, user in zip(vacant, users, strict=True):
        post.holder = user
    Post.objects.bulk_update(vacant, ["holder"])
    cmo, _ = User.objects.get_or_create(
        username="bench-cmo", defaults={"role": Role.CMO_GRIEVANCE_CELL}
    )
    return {"holders": len(users), "cmo": cmo, "token": Token.objects.get_or_create(user=cmo)[0]}


def analyze(vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")


def sweep(at: datetime) -> dict[str, Any]:
    from nivaran.accounts.services import system_user
    from nivaran.grievances.models import GrievanceEvent
    from nivaran.grievances.workflow import grievances_sweep

    actor = system_user()
    events_before = GrievanceEvent.objects.count()
    peak_reset()
    load_before = os.getloadavg()[0]
    with logged() as log:
        start, cpu = time.perf_counter(), time.process_time()
        first = grievances_sweep(at=at, actor=actor)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    rss = peak_mb()
    batches: list[list[str]] = []
    for statement in log.statements:
        if SWEEP_BATCH_MARK in statement or not batches:
            batches.append([])
        batches[-1].append(statement)
    # A batch runs from its SELECT to the next; the last SELECT of each loop finds nothing.
    full = [b for b in batches if any(s.lstrip().upper().startswith("UPDATE") for s in b)]
    kinds = Counter(s.split(None, 1)[0].upper() for s in max(full, key=len)) if full else {}
    events_mid = GrievanceEvent.objects.count()
    with logged() as again_log:
        start = time.perf_counter()
        again = grievances_sweep(at=at, actor=actor)
        again_seconds = time.perf_counter() - start
    return {
        "escalated": first.escalated,
        "flagged": first.flagged_overdue,
        "seconds": seconds,
        "cpu": cpu,
        "rss": rss,
        "load": (load_before, os.getloadavg()[0]),
        "queries": len(log.statements),
        "batches": len(full),
        "per_batch": sorted(len(b) for b in full),
        "largest_batch_kinds": dict(kinds),
        "seconds_by_kind": {
            k: round(v, 1) for k, v in sorted(log.seconds.items(), key=lambda kv: -kv[1])
        },
        "events_written": events_mid - events_before,
        "again": (again.escalated, again.flagged_overdue),
        "again_seconds": again_seconds,
        "again_queries": len(again_log.statements),
        "again_events": GrievanceEvent.objects.count() - events_mid,
    }


def sweep_apart(at: datetime) -> dict[str, Any]:
    """`sweep` in a fresh interpreter: its peak memory is the sweep's, not the generator's."""
    import json
    import subprocess

    child = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--reuse", "--sweep-only", "--sweep-at", at.isoformat()],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    line = next(x for x in child.stdout.splitlines() if x.startswith("SWEEP "))
    return dict(json.loads(line.removeprefix("SWEEP ")))


def endpoints(requests: int, cmo_token: str, seed: int) -> tuple[list[Timing], dict[str, Any]]:
    from django.db.models import Count
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from nivaran.accounts.models import User
    from nivaran.grievances import selectors
    from nivaran.grievances.models import Grievance

    rng = random.Random(seed)
    busiest = (
        Grievance.objects.filter(level=1, assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest, "no grievance is assigned to an officer"
    officer = User.objects.get(pk=busiest["assigned_to"])
    officer_token = Token.objects.get_or_create(user=officer)[0].key
    cmo = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {cmo_token}")
    mine = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {officer_token}")

    def get(client: Client, url: str) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content)
            return response

        return call

    def post(client: Client, url: str, body: dict[str, Any]) -> Callable[[], Any]:
        def call() -> Any:
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 200, (url, response.status_code, response.content)
            return response

        return call

    def drafts(ids: list[int], rng: random.Random) -> list[dict[str, Any]]:
        """A caller lodging again what a grievance already holds: the same words, and for
        half of them another phone and a slip in the name."""
        rows = Grievance.objects.filter(id__in=ids).select_related("citizen", "category", "area")
        found = []
        for g in rows:
            other = rng.random() < 0.5
            name = g.citizen.name
            if other and len(name) > 3:
                cut = rng.randrange(1, len(name) - 1)
                name = name[:cut] + name[cut + 1 :]
            found.append(
                {
                    "citizen": {
                        "name": name,
                        "mobile": f"9{rng.randrange(10**8, 10**9)}" if other else g.citizen.mobile,
                    },
                    "category": g.category.code,
                    "area": g.area.code,
                    "description": g.description,
                }
            )
        return found

    def inbox() -> None:  # what the web inbox runs: my posts' grievances still active
        qs = selectors.grievance_list(
            actor=officer,
            filters=selectors.GrievanceFilters(assigned_to_me=True, active_only=True),
        )
        qs.count()
        list(qs[:50])

    overdue_url = "/api/v1/grievances/?status=open&overdue=true"
    overdue_all = get(cmo, overdue_url)().json()["count"]
    overdue_mine = get(mine, overdue_url)().json()["count"]
    inbox_rows = Grievance.objects.filter(assigned_to=officer).count()
    total = Grievance.objects.count()
    ids = list(Grievance.objects.values_list("id", flat=True).order_by("id"))
    sample = [ids[rng.randrange(len(ids))] for _ in range(requests + 3)]
    numbers = dict(Grievance.objects.filter(id__in=sample).values_list("id", "number"))
    own = list(
        Grievance.objects.filter(assigned_to=officer)
        .values_list("number", flat=True)
        .order_by("?")[: requests + 3]
    )
    n = requests + 3
    print(f"  {total:,} grievances; officer {officer.username} has {inbox_rows:,}")
    print("  | what | rows matched | p50 ms | p95 ms | max ms | queries |")
    timings = [
        timed(
            "list `?status=open&overdue=true` as CMO (statewide)",
            overdue_all,
            [get(cmo, overdue_url)] * n,
        ),
        timed(
            "list `?status=open&overdue=true` as the busiest L1 officer",
            overdue_mine,
            [get(mine, overdue_url)] * n,
        ),
        timed(
            "inbox: `grievance_list(assigned_to_me, active_only)`, count + first 50",
            inbox_rows,
            [inbox] * n,
        ),
        timed(
            "inbox via API `?mine=true`",
            inbox_rows,
            [get(mine, "/api/v1/grievances/?mine=true")] * n,
        ),
        timed(
            "detail `/grievances/{number}/` as CMO, random numbers",
            1,
            [get(cmo, f"/api/v1/grievances/{numbers[i]}/") for i in sample],
        ),
        timed(
            "detail as the officer, own grievances",
            1,
            [get(mine, f"/api/v1/grievances/{num}/") for num in own],
        ),
        timed(
            "duplicates of a grievance `/grievances/{number}/duplicates/`, the officer's own",
            1,
            [get(mine, f"/api/v1/grievances/{num}/duplicates/") for num in own],
        ),
        timed(
            "duplicate check of a draft `POST /duplicates/check/` as CMO (a repeat caller, "
            "half with another mobile)",
            1,
            [post(cmo, "/api/v1/duplicates/check/", d) for d in drafts(sample, rng)],
        ),
    ]
    return timings, {"officer": officer.username, "total": total, "token": officer_token}


def explain(vendor: str, tokens: dict[str, str]) -> str:
    """The plans of the list endpoint's statements (PostgreSQL), for the record."""
    if vendor != "postgresql":
        return ""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = []
    for who, url in [
        ("cmo", "/api/v1/grievances/?status=open&overdue=true"),
        ("officer", "/api/v1/grievances/?status=open&overdue=true"),
        ("officer", "/api/v1/grievances/?mine=true"),
    ]:
        client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {tokens[who]}")
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        with connection.cursor() as cursor:
            for q in ctx.captured_queries:
                if "grievances_grievance" not in q["sql"]:
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {q['sql']}")
                plan = "\n".join(r[0] for r in cursor.fetchall())
                out.append(f"-- {who} {url}\n{q['sql']}\n\n{plan}")
    return "\n\n".join(out)


def machine(vendor: str) -> str:
    import django
    from django.db import connection

    mem = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if vendor == "postgresql" else "SELECT sqlite_version()")
        db = cursor.fetchone()[0]
    db = db.split(" on ")[0] if vendor == "postgresql" else f"SQLite {db}"
    return (
        f"{os.cpu_count()} cores ({platform.machine()}), {int(mem) // 1024 // 1024} GB RAM; "
        f"Python {platform.python_version()}, Django {django.get_version()}, {db}"
    )


# --- main ----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = bench_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    os.environ.setdefault("NIVARAN_TESTING", "1")
    if not args.reuse:
        recreate(config)
    import django

    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from nivaran.grievances.models import Grievance

    vendor = connection.vendor
    print(f"benchmark on {vendor}: {config['NAME']}")
    report: dict[str, Any] = {
        "vendor": vendor,
        "machine": machine(vendor),
        "load": [os.getloadavg()[0]],
    }
    if not args.reuse:
        start = time.perf_counter()
        call_command("migrate", verbosity=0)
        report["migrate"] = time.perf_counter() - start
        report["master"] = master_data()
        staff = staff_and_holders()
        print(f"  master data: {report['master']}; {staff['holders']} post holders created")
        overdue = min(args.overdue, args.count)
        now = timezone.now().replace(microsecond=0)
        out = Tee()
        peak_reset()
        load_before = os.getloadavg()[0]
        start, cpu = time.perf_counter(), time.process_time()
        call_command(
            "generate_grievances",
            count=args.count,
            seed=args.seed,
            overdue_share=overdue / args.count,
            now=now.isoformat(),
            stdout=out,
        )
        report["generate"] = time.perf_counter() - start
        report["generate_cpu"] = time.process_time() - cpu
        report["generate_rss"] = peak_mb()
        report["generate_load"] = (load_before, os.getloadavg()[0])
        report["generate_log"] = out.getvalue().splitlines()[-1]
        start = time.perf_counter()
        analyze(vendor)
        report["analyze"] = time.perf_counter() - start
        report["now"] = now
    else:
        from rest_framework.authtoken.models import Token

        from nivaran.accounts.models import User

        cmo = User.objects.get(username="bench-cmo")
        staff = {"token": Token.objects.get_or_create(user=cmo)[0]}
    if args.sweep_only:
        import json

        print("SWEEP " + json.dumps(sweep(datetime.fromisoformat(args.sweep_at))))
        return 0
    report["count"] = Grievance.objects.count()
    print("endpoints:")
    report["timings"], report["who"] = endpoints(args.requests, staff["token"].key, args.seed)
    report["explain"] = explain(
        vendor, {"cmo": staff["token"].key, "officer": report["who"]["token"]}
    )
    if args.reuse and args.sweep_at:
        report["now"] = datetime.fromisoformat(args.sweep_at)
    if "now" in report:
        print("sweep (in a child process):")
        report["sweep"] = sweep_apart(report["now"])
        print(f"  {report['sweep']}")
    report["load"].append(os.getloadavg()[0])
    output = args.output or ROOT / "bench" / f"results-{vendor}.md"
    output.write_text(render(report, args), encoding="utf-8")
    print(f"results written to {output}")
    return 0


def render(r: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"# Benchmark results: {r['vendor']}",
        "",
        f"- Run: `bench/run.py --count {args.count} --overdue {args.overdue} --seed {args.seed}"
        f"{' --reuse' if args.reuse else ''}` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {r['machine']}",
        f"- Load average (1 min) at the start and the end: {r['load'][0]:.1f}, {r['load'][1]:.1f}"
        " (the machine is shared: figures taken under load are pessimistic)",
        f"- Grievances in the database: {r['count']:,}",
        *([f"- Note: {args.note}"] if args.note else []),
    ]
    if "generate" in r:
        rate = args.count / r["generate"]
        lines += [
            f"- Master data: {r['master']}",
            "",
            "## Generation (`generate_grievances`, through `grievances_register_bulk`)",
            "",
            f"- {args.count:,} grievances in {r['generate']:,.1f} s = **{rate:,.0f} grievances/s** "
            f"(citizens and history events included); at that rate 1,000,000 take "
            f"{1_000_000 / rate / 60:,.1f} min",
            f"- CPU time of the Python process: {r['generate_cpu']:,.1f} s "
            f"({args.count / r['generate_cpu']:,.0f} grievances per CPU-second"
            + (
                ", the database engine included"
                if r["vendor"] == "sqlite"
                else "; PostgreSQL's own work is in its server process"
            )
            + ")",
            f"- Peak resident memory of the Python process while generating: "
            f"{r['generate_rss']:,.0f} MB; load average (1 min) before and after: "
            f"{r['generate_load'][0]:.1f}, {r['generate_load'][1]:.1f}",
            f"- `{r['generate_log']}`",
            f"- migrate {r['migrate']:.1f} s; ANALYZE after generation {r['analyze']:.1f} s",
        ]
    lines += [
        "",
        f"## Endpoints ({args.requests} timed requests each, after 3 warm-up; django.test.Client "
        "with a token)",
        "",
        f"Officer: `{r['who']['officer']}`, the L1 officer with the most grievances.",
        "",
        "| what | rows matched | p50 ms | p95 ms | max ms | queries |",
        "|---|---:|---:|---:|---:|---:|",
        *[t.row() for t in r["timings"]],
    ]
    if "sweep" in r:
        s = r["sweep"]
        lines += [
            "",
            f"## SLA sweep at the generation instant ({r['now'].isoformat()})",
            "",
            f"- First sweep: escalated **{s['escalated']:,}**, flagged {s['flagged']:,} in "
            f"**{s['seconds']:.1f} s** (CPU time of the Python process {s['cpu']:.1f} s, "
            f"peak resident memory of the sweeping process {s['rss']:,.0f} MB; load average "
            f"before and after {s['load'][0]:.1f}, {s['load'][1]:.1f}); "
            f"{s['events_written']:,} history events written",
            f"- SQL statements: {s['queries']:,} in all, {s['batches']} batches of up to 5,000 "
            f"rows; per batch: min {min(s['per_batch'], default=0)}, median "
            f"{statistics.median(s['per_batch']) if s['per_batch'] else 0}, max "
            f"{max(s['per_batch'], default=0)}; the largest batch: {s['largest_batch_kinds']}",
            f"- Wall time per kind of statement (s): {s.get('seconds_by_kind', {})}",
            f"- Second sweep at the same instant: escalated/flagged {s['again']}, "
            f"{s['again_events']} events written, {s['again_queries']} statements, "
            f"{s['again_seconds'] * 1000:.0f} ms",
        ]
    if r["explain"]:
        lines += [
            "",
            "## Plans of the list statements (EXPLAIN ANALYZE, BUFFERS)",
            "",
            "```",
            r["explain"],
            "```",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
