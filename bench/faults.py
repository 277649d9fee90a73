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
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
BIN = Path(sys.executable).parent
BROKER = "redis://127.0.0.1:6379/13"


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


# --- the local SMS gateway ------------------------------------------------------------


class Gateway(ThreadingHTTPServer):
    """Answers 200 {id} to every message and counts the references it was given."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), GatewayHandler)
        self.references: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/send"


class GatewayHandler(BaseHTTPRequestHandler):
    server: Gateway

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        with self.server.lock:
            self.server.references[str(payload.get("reference", ""))] += 1
            n = sum(self.server.references.values())
        answer = json.dumps({"id": f"gw-{n}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        return


# --- the processes ---------------------------------------------------------------------


def server_env(database_url: str, gateway: Gateway) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"NIVARAN_TESTING", "NIVARAN_DEMO_MODE"}}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="faults-bench-only",  # noqa: S106 - a throwaway local server
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL=BROKER,
        SMS_BACKEND="http",
        SMS_HTTP_URL=gateway.url,
        WHATSAPP_BACKEND="http",
        WHATSAPP_HTTP_URL=gateway.url,
        OUTBOX_DELIVERY_SECONDS="1",
        OUTBOX_LEASE_SECONDS="10",
        SLA_SWEEP_SECONDS="86400",
        LOG_LEVEL="WARNING",
        DB_CONN_MAX_AGE="0",
    )
    return env


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_web(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    web = subprocess.Popen(  # noqa: S603 - our own binaries
        [
            str(BIN / "gunicorn"),
            "nivaran.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=2)
        except urllib.error.HTTPError:
            return web  # any HTTP answer: it serves
        except OSError:
            time.sleep(0.3)
        else:
            return web
    raise SystemExit(f"gunicorn did not start; see {log}")


def start_worker(env: dict[str, str], schedule: Path, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own binaries
        [
            str(BIN / "celery"),
            "-A",
            "nivaran",
            "worker",
            "--beat",
            "--pool=solo",
            "--loglevel=WARNING",
            "-Q",
            "celery,sweep,messages,exports,analytics",  # settings.NIVARAN_TASK_QUEUES
            "--schedule",
            str(schedule),
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def web_workers(master: subprocess.Popen[bytes]) -> list[int]:
    out = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-P", str(master.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in out.stdout.split()]


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

    gateway = Gateway()
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    env = server_env(database_url, gateway)
    logs = Path(tempfile.mkdtemp(prefix="nivaran-faults-"))
    port = free_port()
    web = start_web(env, port, args.web_workers, logs / "gunicorn.log")
    worker = start_worker(env, logs / "beat-schedule", logs / "celery.log")
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
        worker = start_worker(env, logs / "beat-schedule", logs / "celery.log")

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
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
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
