"""Load with faults: registrations against gunicorn on PostgreSQL while a web worker and the
Celery worker are killed, then a count of what was lost or doubled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nivaran_faults_bench \
      .venv/bin/python bench/faults.py [--requests 600] [--concurrency 8]

It drops and recreates that database (its name must contain "bench"), starts a local
SMS gateway (an HTTP server on 127.0.0.1 that counts each message reference it is
given), gunicorn and a Celery worker over Redis, and registers grievances as tele-callers'
clients do: each with its own Idempotency-Key, retried with the same key when the
connection breaks or the server answers 5xx. A quarter of the callers call again, so
registrations for one person race. While the load runs, one gunicorn worker is killed
at 30% and another at 70%, and the Celery worker at 50% (restarted two seconds later).

Afterwards it checks: every acknowledged registration exists once, with the number it
was acknowledged with; no grievance exists that was not acknowledged; no citizen row
is doubled; every queued SMS reached the gateway, and none under two references. It
prints the figures and exits 1 if anything was lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from _serve import (  # noqa: E402 - after the path is set
    Gateway,
    free_port,
    server_env,
    start_web,
    start_worker,
    stop,
    web_workers,
)

BROKER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="registrations to make")
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--drain-seconds", type=int, default=180, help="how long to wait for the outbox"
    )
    return parser.parse_args(argv)


# --- the load --------------------------------------------------------------------------


@dataclass
class Outcome:
    statuses: Counter[int] = field(default_factory=Counter)  # every answer, retries included
    broken: int = 0  # connections refused, reset or timed out (then retried)
    acknowledged: dict[str, str] = field(default_factory=dict)  # key -> grievance number
    unanswered: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: int = 0


def register(base: str, token: str, key: str, body: bytes, outcome: Outcome) -> None:
    for _attempt in range(40):
        request = urllib.request.Request(  # noqa: S310 - a local server
            f"{base}/api/v1/grievances/",
            data=body,
            method="POST",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": key,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read()
        except OSError:
            with outcome.lock:
                outcome.broken += 1
            time.sleep(0.2)
            continue
        with outcome.lock:
            outcome.statuses[status] += 1
        if status in (200, 201):
            with outcome.lock:
                outcome.acknowledged[key] = json.loads(answer)["number"]
            return
        if status < 500:
            raise SystemExit(f"registration {key} refused with {status}: {answer[:300]!r}")
        time.sleep(0.2)
    with outcome.lock:
        outcome.unanswered.append(key)


def load(
    *,
    base: str,
    token: str,
    bodies: list[tuple[str, bytes]],
    concurrency: int,
    outcome: Outcome,
    at_share: list[tuple[float, Any]],
) -> float:
    queue = list(reversed(bodies))
    queue_lock = threading.Lock()

    def client() -> None:
        while True:
            with queue_lock:
                if not queue:
                    return
                key, body = queue.pop()
            register(base, token, key, body, outcome)
            with outcome.lock:
                outcome.done += 1

    faults = sorted(at_share, key=lambda item: item[0])

    def injector() -> None:
        for share, fault in faults:
            while outcome.done < share * len(bodies):
                time.sleep(0.02)
            fault()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    threads.append(threading.Thread(target=injector))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=1800)
    return time.perf_counter() - started


def bodies_for(*, count: int, seed: int, categories: list[str], areas: list[str]) -> list[Any]:
    rng = random.Random(seed)
    people = [
        (f"{rng.choice(['Ram', 'Sita', 'Mohan', 'Geeta', 'Suresh'])} Faults {n}", f"98{n:08d}")
        for n in range(max(1, count * 3 // 4))
    ]
    out = []
    for i in range(count):
        name, mobile = rng.choice(people)
        body = {
            "citizen": {"name": name, "mobile": mobile},
            "category": rng.choice(categories),
            "area": rng.choice(areas),
            "description": "सड़क पर तीन महीने से पानी भरा है, कोई सुनवाई नहीं हुई।",
        }
        out.append((f"faults-{seed}-{i}", json.dumps(body, ensure_ascii=False).encode()))
    return out


# --- the run ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from run import bench_database, master_data, recreate, staff_and_holders

    config = bench_database()
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit("the load-with-faults run needs PostgreSQL (DATABASE_URL)")
    database_url = os.environ["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nivaran.settings")
    os.environ.setdefault("NIVARAN_TESTING", "1")
    recreate(config)
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from nivaran.accounts.models import User
    from nivaran.accounts.roles import Role
    from nivaran.catalog.models import Category
    from nivaran.geo.models import Area
    from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent
    from nivaran.notifications.models import Message, MessageStatus

    call_command("migrate", verbosity=0)
    print(f"load with faults on {config['NAME']}: {master_data()}")
    staff_and_holders()
    caller = User.objects.create(username="faults-telecaller", role=Role.TELE_CALLER)
    token = Token.objects.create(user=caller).key
    categories = list(
        Category.objects.filter(selectable=True, is_active=True, department__isnull=False)
        .order_by("code")
        .values_list("code", flat=True)[:40]
    )
    areas = list(Area.objects.filter(type="block").order_by("code").values_list("code", flat=True))
    areas = areas[:40] or list(Area.objects.values_list("code", flat=True)[:40])
    redis.Redis.from_url(BROKER).flushdb()

    gateway = Gateway().start()
    # Connections closed after each request: a killed worker leaves none half-used.
    env = server_env(database_url, gateway, broker=BROKER, DB_CONN_MAX_AGE="0")
    logs = Path(tempfile.mkdtemp(prefix="nivaran-faults-"))
    port = free_port()
    web = start_web(env, port, args.web_workers, logs / "gunicorn.log")
    worker = start_worker(env, logs / "celery.log", schedule=logs / "beat-schedule")
    killed: list[str] = []

    def kill_web_worker() -> None:
        pids = web_workers(web)
        if pids:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(f"gunicorn worker {pids[0]}")

    def kill_celery() -> None:
        nonlocal worker
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        killed.append(f"celery worker {worker.pid}")
        time.sleep(2)
        worker = start_worker(env, logs / "celery.log", schedule=logs / "beat-schedule")

    outcome = Outcome()
    bodies = bodies_for(count=args.requests, seed=args.seed, categories=categories, areas=areas)
    try:
        elapsed = load(
            base=f"http://127.0.0.1:{port}",
            token=token,
            bodies=bodies,
            concurrency=args.concurrency,
            outcome=outcome,
            at_share=[(0.3, kill_web_worker), (0.5, kill_celery), (0.7, kill_web_worker)],
        )
        drain_started = time.perf_counter()
        while time.perf_counter() - drain_started < args.drain_seconds:
            if not Message.objects.filter(status=MessageStatus.QUEUED).exists():
                break
            time.sleep(1)
        drained = time.perf_counter() - drain_started
    finally:
        stop([web, worker])
        gateway.shutdown()

    prefix = f"api:{caller.pk}:"
    stored = dict(
        Grievance.objects.filter(intake_key__startswith=prefix).values_list("intake_key", "number")
    )
    lost = [k for k, number in outcome.acknowledged.items() if stored.get(prefix + k) != number]
    unacknowledged = Grievance.objects.count() - len(outcome.acknowledged)
    doubled_citizens = (
        Citizen.objects.values("mobile", "name_key").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    people_sent = {
        (json.loads(b)["citizen"]["mobile"], json.loads(b)["citizen"]["name"].casefold())
        for _k, b in bodies
    }
    registers = (
        GrievanceEvent.objects.filter(action="register")
        .values("grievance_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    sms = Message.objects.filter(channel="sms")
    queued = sms.count()
    undelivered = sms.exclude(status=MessageStatus.SENT).count()
    references = {f"nivaran-{pk}" for pk in sms.values_list("pk", flat=True)}
    reached = sum(1 for r in references if gateway.references[r] >= 1)
    resent = sum(n - 1 for r, n in gateway.references.items() if r in references and n > 1)

    print(f"  {len(bodies)} registrations, {args.concurrency} clients, {args.web_workers} workers")
    print(f"  faults: {', '.join(killed)}")
    print(f"  load took {elapsed:.1f}s ({len(bodies) / elapsed:.1f} registrations/s)")
    print(f"  answers: {dict(sorted(outcome.statuses.items()))}; broken connections retried:")
    print(f"    {outcome.broken}; never answered after 40 tries: {len(outcome.unanswered)}")
    print(f"  acknowledged {len(outcome.acknowledged)}; lost or renumbered: {len(lost)}")
    print(f"  grievances without an acknowledgement: {unacknowledged}")
    print(f"  grievances with two register events: {registers}")
    print(f"  citizens: {Citizen.objects.count()} rows for {len(people_sent)} people sent;")
    print(f"    doubled: {doubled_citizens}")
    print(f"  SMS queued {queued}; reached the gateway {reached}; not sent {undelivered};")
    print(f"    sent again under the same reference after a kill: {resent}")
    print(f"  outbox drained in {drained:.1f}s; logs in {logs}")
    failures = [
        lost,
        outcome.unanswered,
        unacknowledged != 0,
        registers != 0,
        doubled_citizens != 0,
        Citizen.objects.count() != len(people_sent),
        undelivered != 0,
        reached != queued,
    ]
    if any(failures):
        print("FAILED: something was lost or doubled")
        return 1
    print("OK: nothing lost or doubled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
