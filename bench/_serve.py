"""What the HTTP benches share: a local SMS gateway, gunicorn and Celery as a deployment
runs them (DEBUG off, the environment docs/deployment.md lists), and their shutdown.

bench/faults.py and bench/serve.py start their servers with these, so a load test and a
fault test measure the same serving.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

# The Celery queues a worker consumes: one per kind of work, and Celery's default. A
# worker started with all of them does every kind; a deployment may split them.
QUEUES = ("celery", "sweep", "messages", "exports", "analytics")


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

    def start(self) -> Gateway:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self


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


def server_env(
    database_url: str, gateway: Gateway, *, broker: str, **overrides: str
) -> dict[str, str]:
    """The environment of a production process (docs/deployment.md): DEBUG, demo and test
    modes off, a secret key, Redis as broker, the HTTP gateways pointed at `gateway`.
    `overrides` are further variables (e.g. DB_CONN_MAX_AGE, CACHE_URL)."""
    drop = {"NIVARAN_TESTING", "NIVARAN_DEMO_MODE", "DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="bench-only-" + "x" * 40,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL=broker,
        SMS_BACKEND="http",
        SMS_HTTP_URL=gateway.url,
        WHATSAPP_BACKEND="http",
        WHATSAPP_HTTP_URL=gateway.url,
        OUTBOX_DELIVERY_SECONDS="1",
        OUTBOX_LEASE_SECONDS="10",
        SLA_SWEEP_SECONDS="86400",
        LOG_LEVEL="WARNING",
    )
    env.update(overrides)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_serving(url: str, process: subprocess.Popen[bytes], log: Path, seconds: int = 60) -> None:
    """Returns once `url` answers anything over HTTP; exits if the process died first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args!r} exited with {process.returncode}; see {log}")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - a local server
        except urllib.error.HTTPError:
            return  # any HTTP answer: it serves
        except OSError:
            time.sleep(0.3)
        else:
            return
    raise SystemExit(f"{url} did not answer in {seconds}s; see {log}")


def start_web(
    env: dict[str, str],
    port: int,
    workers: int,
    log: Path,
    *,
    worker_class: str = "sync",
    threads: int = 1,
    bind_host: str = "127.0.0.1",
) -> subprocess.Popen[bytes]:
    """gunicorn as docs/deployment.md runs it; `worker_class` sync or gthread (with
    `threads` per worker). Returns once it answers."""
    command = [
        str(BIN / "gunicorn"),
        "nivaran.wsgi",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--bind",
        f"{bind_host}:{port}",
        "--timeout",
        "30",
        "--graceful-timeout",
        "5",
        # A load test's clients keep their connections (gthread honours keep-alive).
        "--keep-alive",
        "5",
        "--backlog",
        "2048",
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    web = subprocess.Popen(  # noqa: S603 - our own binaries
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )
    try:
        # Workers boot one Django each: on a loaded machine that takes a while.
        wait_serving(f"http://{bind_host}:{port}/api/v1/", web, log, seconds=180)
    except BaseException:
        stop([web])
        raise
    return web


def start_worker(
    env: dict[str, str],
    log: Path,
    *,
    schedule: Path | None = None,
    queues: Iterable[str] = QUEUES,
    name: str = "bench",
    pool: str = "solo",
    concurrency: int = 1,
) -> subprocess.Popen[bytes]:
    """A Celery worker on `queues`; with `schedule`, beat runs inside it (one beat per
    deployment: give it to one worker only)."""
    command = [
        str(BIN / "celery"),
        "-A",
        "nivaran",
        "worker",
        f"--pool={pool}",
        "--loglevel=WARNING",
        "-Q",
        ",".join(queues),
        "-n",
        f"{name}@%h",
    ]
    if pool != "solo":
        command.append(f"--concurrency={concurrency}")
    if schedule is not None:
        command += ["--beat", "--schedule", str(schedule)]
    return subprocess.Popen(  # noqa: S603 - our own binaries
        command, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT
    )


def web_workers(master: subprocess.Popen[bytes]) -> list[int]:
    out = subprocess.run(  # noqa: S603
        ["/usr/bin/pgrep", "-P", str(master.pid)], capture_output=True, text=True, check=False
    )
    return [int(pid) for pid in out.stdout.split()]


def stop(processes: Iterable[subprocess.Popen[bytes]], timeout: float = 20) -> None:
    """SIGTERM each, then SIGKILL what is still running after `timeout`."""
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    for process in running:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
