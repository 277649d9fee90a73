"""A bench database served as in production, and the load test run against it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nivaran_load_bench \\
      .venv/bin/python bench/serve.py [--count 200000] [--reuse] \\
        [--web-workers 5] [--worker-class gthread|sync] [--threads 2] [--celery-workers 1] \\
        [--hold] -- [bench/load.py options, e.g. --concurrency 8 --duration 30]

Without --reuse it drops and recreates that database (its name must contain "bench"),
migrates, loads the Haryana master data, gives every vacant post a holder (as
bench/run.py does) and, with --count N, generates N grievances (N/10 overdue) and
runs VACUUM ANALYZE. It then makes the logins the load test needs (a tele-caller who
registers, the CMO cell who reads the lists and details, the L1 officer with the most
grievances for the inbox), writes 2,000 random grievance numbers for the detail
requests, and starts what a deployment runs (docs/deployment.md): a local SMS gateway
stub, gunicorn with DEBUG off and Redis as cache and broker (db 12, flushed first), and
Celery workers on every queue (the first with beat). Then it runs bench/load.py with
the options after `--` and those tokens, stops everything and exits with the load
test's status. With --hold it prints the URL and tokens and serves until Ctrl-C, for
bench/load.py run by hand.

--server-database-url, --replica-url and --pooled are the servers' database settings
(DATABASE_URL, DATABASE_REPLICA_URL, DATABASE_POOLED), e.g. PgBouncer and a replica in
scripts/scale-demo.sh; the preparation always works on DATABASE_URL, the primary.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _serve import (  # noqa: E402 - after the path is set
    QUEUES,
    Gateway,
    free_port,
    server_env,
    start_web,
    start_worker,
    stop,
)

REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    argv = list(sys.argv[1:] if argv is None else argv)
    load_args: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, load_args = argv[:at], argv[at + 1 :]
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reuse", action="store_true", help="keep the database and its data")
    parser.add_argument("--count", type=int, default=0, help="grievances to generate first")
    parser.add_argument("--seed", type=int, default=1)
    cores = os.cpu_count() or 1
    parser.add_argument("--web-workers", type=int, default=2 * cores + 1)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread")
    parser.add_argument("--threads", type=int, default=2, help="per gthread worker")
    parser.add_argument("--celery-workers", type=int, default=1)
    parser.add_argument("--queues", default=",".join(QUEUES), help="the workers' -Q")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's (0: a free one)")
    parser.add_argument("--conn-max-age", default="60", help="DB_CONN_MAX_AGE of the servers")
    parser.add_argument("--server-database-url", default=None)
    parser.add_argument("--replica-url", default=None, help="DATABASE_REPLICA_URL")
    parser.add_argument("--pooled", action="store_true", help="DATABASE_POOLED=1 (PgBouncer)")
    parser.add_argument("--hold", action="store_true", help="serve until Ctrl-C; no load")
    return parser.parse_args(argv), load_args


# --- the database ----------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.utils import timezone
    from run import analyze, master_data, staff_and_holders

    call_command("migrate", verbosity=0)
    print(f"  master data: {master_data()}")
    staff = staff_and_holders()
    print(f"  {staff['holders']} post holders created")
    if args.count:
        started = time.perf_counter()
        call_command(
            "generate_grievances",
            count=args.count,
            seed=args.seed,
            overdue_share=0.1,
            now=timezone.now().replace(microsecond=0).isoformat(),
        )
        print(f"  {args.count:,} grievances generated in {time.perf_counter() - started:.0f} s")
        analyze("postgresql")


def logins(numbers_file: Path) -> dict[str, str]:
    """Tokens of the tele-caller, the CMO cell and the busiest L1 officer; 2,000 random
    grievance numbers written to `numbers_file`."""
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from nivaran.accounts.models import User
    from nivaran.accounts.roles import Role
    from nivaran.grievances.models import Grievance
    from nivaran.org.models import LevelMapping

    caller, _ = User.objects.get_or_create(
        username="load-telecaller", defaults={"role": Role.TELE_CALLER}
    )
    cmo, _ = User.objects.get_or_create(
        username="bench-cmo", defaults={"role": Role.CMO_GRIEVANCE_CELL}
    )
    busiest = (
        Grievance.objects.filter(level=1, assigned_to__isnull=False)
        .values("assigned_to")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest:
        officer = User.objects.get(pk=busiest["assigned_to"])
    else:  # no grievances yet: any holder of an L1 post
        mapping = (
            LevelMapping.objects.filter(level=1, post__holder__isnull=False)
            .select_related("post__holder")
            .order_by("id")
            .first()
        )
        assert mapping and mapping.post.holder, "no L1 post has a holder"
        officer = mapping.post.holder
    last = Grievance.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(1)
    ids = {rng.randrange(1, last + 1) for _ in range(2000)} if last else set()
    numbers = Grievance.objects.filter(id__in=ids).values_list("number", flat=True)
    numbers_file.write_text("\n".join(n for n in numbers if n) + "\n", encoding="utf-8")
    return {
        "token": Token.objects.get_or_create(user=caller)[0].key,
        "reader": Token.objects.get_or_create(user=cmo)[0].key,
        "officer": Token.objects.get_or_create(user=officer)[0].key,
        "officer_name": officer.username,
        "grievances": str(Grievance.objects.count()),
    }


# --- the run ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args, load_args = parse_args(argv)
    from run import bench_database, recreate

    config = bench_database()
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("the load test needs PostgreSQL (DATABASE_URL)")
    database_url = os.environ["DATABASE_URL"]
    # The preparation talks to the primary alone, with the settings of a bench run.
    for name in ("DATABASE_REPLICA_URL", "DATABASE_POOLED"):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    os.environ.setdefault("NIVARAN_TESTING", "1")
    print(f"load test on {config['NAME']}")
    if not args.reuse:
        recreate(config)
    import django

    django.setup()
    warnings.filterwarnings("ignore", message="No directory at")
    import redis

    if not args.reuse:
        prepare(args)
    logs = Path(tempfile.mkdtemp(prefix="nivaran-load-"))
    numbers_file = logs / "numbers.txt"
    who = logins(numbers_file)
    from django.db import connections

    connections.close_all()
    redis.Redis.from_url(REDIS).flushdb()

    gateway = Gateway().start()
    overrides = {
        "CACHE_URL": REDIS,
        "DB_CONN_MAX_AGE": args.conn_max_age,
        "NIVARAN_VAR_DIR": str(logs / "var"),
    }
    if args.replica_url:
        overrides["DATABASE_REPLICA_URL"] = args.replica_url
    if args.pooled:
        overrides["DATABASE_POOLED"] = "1"
    env = server_env(args.server_database_url or database_url, gateway, broker=REDIS, **overrides)
    port = args.port or free_port()
    url = f"http://127.0.0.1:{port}"
    processes: list[Any] = []
    status = 0
    try:
        processes.append(
            start_web(
                env,
                port,
                args.web_workers,
                logs / "gunicorn.log",
                worker_class=args.worker_class,
                threads=args.threads,
            )
        )
        for n in range(args.celery_workers):
            processes.append(
                start_worker(
                    env,
                    logs / f"celery-{n + 1}.log",
                    schedule=logs / "beat-schedule" if n == 0 else None,
                    queues=args.queues.split(","),
                    name=f"load{n + 1}",
                )
            )
        threads = f" x {args.threads} threads" if args.worker_class == "gthread" else ""
        print(
            f"  serving {url}: gunicorn {args.web_workers} {args.worker_class} workers{threads}, "
            f"{args.celery_workers} Celery worker(s) on {args.queues}; "
            f"{int(who['grievances']):,} grievances; logs in {logs}"
        )
        tokens = [
            "--token",
            who["token"],
            "--reader-token",
            who["reader"],
            "--officer-token",
            who["officer"],
        ]
        if args.hold:
            print(f"  tele-caller token {who['token']}; CMO {who['reader']}; ")
            print(f"  officer {who['officer_name']} {who['officer']}")
            print(
                f"  .venv/bin/python bench/load.py --url {url} {' '.join(tokens)} "
                f"--numbers-file {numbers_file}"
            )
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                print("  stopping")
        else:
            import load

            extra = [] if "--numbers-file" in load_args else ["--numbers-file", str(numbers_file)]
            status = load.main(["--url", url, *tokens, *extra, *load_args])
    finally:
        stop(reversed(processes))
        gateway.shutdown()
    return status


if __name__ == "__main__":
    sys.exit(main())
