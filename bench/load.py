"""Load test: concurrent clients against a running Nivaran server, figures per endpoint.

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --token TOKEN \\
        [--officer-token TOKEN] [--concurrency 8] [--duration 30 | --requests 2000] \\
        [--mix register=1] [--max-error-rate 0.01] [--json-out FILE]

It needs nothing but a server and tokens (bench/serve.py starts one with a bench
database and passes them). `--token` registers and reads: a tele-caller's, a CMO
cell's or a data analyst's; `--reader-token` (default: --token) reads the lists and
details; `--officer-token` (an officer holding a post) is needed
for the inbox and the officer's overdue list.

Kinds of request (`--mix kind=weight,...`; each request picks one by weight):

    register     POST /api/v1/grievances/ with its own Idempotency-Key (--token)
    list         GET  /api/v1/grievances/                      (--reader-token)
    detail       GET  /api/v1/grievances/{number}/              (--reader-token; numbers
                 from --numbers-file or the list's first pages, and those registered)
    inbox        GET  /api/v1/grievances/?mine=true             (--officer-token)
    overdue      GET  /api/v1/grievances/?status=open&overdue=true  (--officer-token)
    cmo-overdue  GET  /api/v1/grievances/?status=open&overdue=true  (--reader-token)

Each client holds one keep-alive connection (reopened when the server closes it, as
gunicorn's sync workers do after every answer). It prints per kind: requests, req/s,
p50/p95/p99/max ms and errors by status, then one JSON line (`{"bench": "load", ...}`),
and exits 1 if the share of errors of any kind is above --max-error-rate.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

API = "/api/v1"
KINDS = ("register", "list", "detail", "inbox", "overdue", "cmo-overdue")
OFFICER_KINDS = {"inbox", "overdue"}
NAMES = ["Ram Kumar", "Sita Devi", "Mohan Lal", "Geeta Rani", "Suresh Yadav", "Anita Sharma"]
TEXTS = [
    "सड़क पर तीन महीने से पानी भरा है, कोई सुनवाई नहीं हुई। वार्ड {n}",
    "गाँव में {n} दिन से बिजली नहीं है, शिकायत के बाद भी कोई नहीं आया।",
    "The hand pump near house {n} has been broken for two weeks; nobody has repaired it.",
    "राशन की दुकान पर {n} तारीख से गेहूँ नहीं मिला, डीलर मना करता है।",
]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default=os.environ.get("NIVARAN_URL", "http://127.0.0.1:8000"))
    parser.add_argument("--token", default=os.environ.get("NIVARAN_TOKEN"), help="registrar")
    parser.add_argument(
        "--reader-token",
        default=os.environ.get("NIVARAN_READER_TOKEN"),
        help="for list, detail and cmo-overdue (default: --token), e.g. a CMO cell's",
    )
    parser.add_argument("--officer-token", default=os.environ.get("NIVARAN_OFFICER_TOKEN"))
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once")
    parser.add_argument("--duration", type=float, default=None, help="seconds of load")
    parser.add_argument("--requests", type=int, default=None, help="requests in all")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per client")
    parser.add_argument("--mix", default="register=1", help="kind=weight,... (see above)")
    parser.add_argument("--seed", type=int, default=None, help="default: a random one")
    parser.add_argument("--numbers-file", default=None, help="grievance numbers for detail")
    parser.add_argument("--max-error-rate", type=float, default=0.01)
    parser.add_argument("--timeout", type=float, default=30, help="seconds per request")
    parser.add_argument("--label", default="", help="a note carried into the JSON line")
    parser.add_argument("--json-out", default=None, help="append the JSON line to this file")
    args = parser.parse_args(argv)
    if args.duration is None and args.requests is None:
        args.duration = 30.0
    if not args.token:
        parser.error("--token (or NIVARAN_TOKEN) is required")
    args.reader_token = args.reader_token or args.token
    args.weights = parse_mix(parser, args.mix)
    if OFFICER_KINDS & set(args.weights) and not args.officer_token:
        parser.error(f"--officer-token is required for {sorted(OFFICER_KINDS & set(args.weights))}")
    return args


def parse_mix(parser: argparse.ArgumentParser, mix: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in mix.split(","):
        kind, _, weight = part.strip().partition("=")
        if kind not in KINDS:
            parser.error(f"unknown kind {kind!r} in --mix (kinds: {', '.join(KINDS)})")
        try:
            weights[kind] = float(weight or 1)
        except ValueError:
            parser.error(f"--mix {part!r}: the weight is not a number")
    weights = {k: w for k, w in weights.items() if w > 0}
    if not weights:
        parser.error("--mix has no kind with a weight above 0")
    return weights


# --- one client ----------------------------------------------------------------------


class Client:
    """One keep-alive HTTP connection, reopened when the server closes it."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.https = parts.scheme == "https"
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.conn is None:
            cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self.conn = cls(self.host, self.port, timeout=self.timeout)
        return self.conn

    def request(
        self, method: str, path: str, token: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, bytes]:
        """(status, body); a broken connection is reopened and the request sent once more
        (a keep-alive connection the server closed between requests)."""
        send = {"Authorization": f"Token {token}", "Accept": "application/json"}
        if body is not None:
            send["Content-Type"] = "application/json"
        send.update(headers)
        for attempt in (1, 2):
            conn = self._connect()
            try:
                conn.request(method, self.prefix + path, body=body, headers=send)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                conn.close()
                self.conn = None
            return response.status, data
        raise AssertionError("unreachable")


# --- what is asked -------------------------------------------------------------------


@dataclass
class Plan:
    """What the clients ask for: the kinds by weight, and the data to ask with."""

    args: argparse.Namespace
    categories: list[str]
    areas: list[str]
    numbers: list[str]
    lock: threading.Lock = field(default_factory=threading.Lock)
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    sequence: itertools.count[int] = field(default_factory=itertools.count)

    def path_of(self, kind: str, rng: random.Random) -> tuple[str, str, str, bytes | None]:
        """(method, path, token, body) of one request of `kind`."""
        officer, reader = self.args.officer_token, self.args.reader_token
        if kind == "register":
            n = next(self.sequence)
            body = {
                "citizen": {"name": rng.choice(NAMES), "mobile": f"9{rng.randrange(10**9):09d}"},
                "category": rng.choice(self.categories),
                "area": rng.choice(self.areas),
                "description": rng.choice(TEXTS).format(n=n % 997 + 1),
            }
            return "POST", f"{API}/grievances/", self.args.token, json.dumps(body).encode()
        if kind == "list":
            return "GET", f"{API}/grievances/", reader, None
        if kind == "detail":
            with self.lock:
                number = rng.choice(self.numbers)
            return "GET", f"{API}/grievances/{number}/", reader, None
        if kind == "inbox":
            return "GET", f"{API}/grievances/?mine=true", officer, None
        overdue = f"{API}/grievances/?status=open&overdue=true"
        return "GET", overdue, officer if kind == "overdue" else reader, None

    def idempotency_key(self) -> str:
        return f"load-{self.run}-{next(self.sequence)}"


def fetch_all(client: Client, path: str, token: str, limit: int = 2000) -> list[dict[str, Any]]:
    """Every item of a paginated list (up to `limit`), following `page`."""
    items: list[dict[str, Any]] = []
    page = 1
    while len(items) < limit:
        sep = "&" if "?" in path else "?"
        status, body = client.request("GET", f"{path}{sep}page_size=200&page={page}", token)
        if status == 404 and page > 1:
            break
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {body[:300]!r}")
        data = json.loads(body)
        items += data["results"]
        if not data.get("next"):
            break
        page += 1
    return items


def prepare(args: argparse.Namespace) -> Plan:
    """Reads what the requests need from the server itself: complaint types, blocks and
    some grievance numbers."""
    client = Client(args.url, args.timeout)
    categories: list[str] = []
    areas: list[str] = []
    if "register" in args.weights:
        categories = [c["code"] for c in fetch_all(client, f"{API}/categories/", args.token)]
        areas = [a["code"] for a in fetch_all(client, f"{API}/areas/?type=block", args.token)]
        areas = areas or [a["code"] for a in fetch_all(client, f"{API}/areas/", args.token)]
        if not categories or not areas:
            raise SystemExit("the server lists no complaint types or areas to register with")
    numbers: list[str] = []
    if args.numbers_file:
        with open(args.numbers_file, encoding="utf-8") as f:
            numbers = [line.strip() for line in f if line.strip()]
    if "detail" in args.weights and not numbers:
        numbers = [
            g["number"] for g in fetch_all(client, f"{API}/grievances/", args.reader_token, 400)
        ]
        if not numbers:
            raise SystemExit("detail: the server lists no grievance (give --numbers-file)")
    return Plan(args=args, categories=categories, areas=areas, numbers=numbers)


# --- the run -------------------------------------------------------------------------


@dataclass
class Result:
    kind: str
    latencies: list[float] = field(default_factory=list)  # seconds, successful answers
    statuses: Counter[str] = field(default_factory=Counter)  # every answer, by status
    errors: int = 0

    def pct(self, p: float) -> float:
        """The p-th percentile in ms (nearest rank), of successful answers."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1] * 1000

    @property
    def count(self) -> int:
        return sum(self.statuses.values())


def run(plan: Plan) -> tuple[dict[str, Result], float]:
    args = plan.args
    results = {kind: Result(kind) for kind in args.weights}
    kinds, weights = list(args.weights), list(args.weights.values())
    base_seed = args.seed if args.seed is not None else random.randrange(2**32)
    issued = itertools.count()
    lock = threading.Lock()
    start_line = threading.Barrier(args.concurrency + 1)
    stop_at: list[float] = [float("inf")]

    def one(client: Client, rng: random.Random, timed: bool) -> None:
        kind = rng.choices(kinds, weights)[0]
        method, path, token, body = plan.path_of(kind, rng)
        headers = {"Idempotency-Key": plan.idempotency_key()} if kind == "register" else {}
        started = time.perf_counter()
        try:
            status, answer = client.request(method, path, token, body, **headers)
            label = str(status)
        except (OSError, http.client.HTTPException) as exc:
            status, answer, label = 0, b"", type(exc).__name__
        elapsed = time.perf_counter() - started
        ok = 200 <= status < 300
        if ok and kind == "register":
            number = json.loads(answer).get("number")
            if number:
                with plan.lock:
                    plan.numbers.append(number)
        if not timed:
            return
        with lock:
            result = results[kind]
            result.statuses[label] += 1
            if ok:
                result.latencies.append(elapsed)
            else:
                result.errors += 1
                if result.errors <= 3:
                    print(f"  {kind}: {label} {answer[:200]!r}", file=sys.stderr)

    def client_loop(n: int) -> None:
        rng = random.Random(base_seed + n)
        client = Client(args.url, args.timeout)
        for _ in range(args.warmup):
            one(client, rng, timed=False)
        start_line.wait()
        while time.perf_counter() < stop_at[0]:
            if args.requests is not None and next(issued) >= args.requests:
                return
            one(client, rng, timed=True)

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(args.concurrency)]
    for thread in threads:
        thread.start()
    start_line.wait()
    started = time.perf_counter()
    if args.duration is not None:
        stop_at[0] = started + args.duration
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def report(args: argparse.Namespace, results: dict[str, Result], elapsed: float) -> dict[str, Any]:
    load = os.getloadavg()
    print(
        f"{args.url}: {args.concurrency} clients, {elapsed:.1f} s, mix {args.mix}; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    header = f"{'kind':<12} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
    print(header + f"{'p99 ms':>8} {'max ms':>8}  errors")
    line: dict[str, Any] = {
        "bench": "load",
        "url": args.url,
        "label": args.label,
        "concurrency": args.concurrency,
        "seconds": round(elapsed, 2),
        "mix": args.weights,
        "loadavg": [round(x, 2) for x in load],
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "kinds": {},
    }
    for kind, r in results.items():
        errors = {s: n for s, n in r.statuses.items() if not s.startswith("2")}
        mx = max(r.latencies) * 1000 if r.latencies else float("nan")
        print(
            f"{kind:<12} {r.count:>8} {r.count / elapsed:>8.1f} {r.pct(50):>8.1f} "
            f"{r.pct(95):>8.1f} {r.pct(99):>8.1f} {mx:>8.1f}  {errors or '-'}"
        )
        line["kinds"][kind] = {
            "requests": r.count,
            "rps": round(r.count / elapsed, 2),
            "p50_ms": round(r.pct(50), 2),
            "p95_ms": round(r.pct(95), 2),
            "p99_ms": round(r.pct(99), 2),
            "max_ms": round(mx, 2),
            "errors": errors,
        }
    total = sum(r.count for r in results.values())
    line["requests"] = total
    line["rps"] = round(total / elapsed, 2) if elapsed else 0.0
    print(json.dumps(line, ensure_ascii=False))
    if args.json_out:
        with open(args.json_out, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return line


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = prepare(args)
    results, elapsed = run(plan)
    report(args, results, elapsed)
    failed = [
        kind
        for kind, r in results.items()
        if r.count == 0 or (r.count - len(r.latencies)) / r.count > args.max_error_rate
    ]
    if failed:
        print(f"FAILED: errors above {args.max_error_rate:.1%} (or no answer) for {failed}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
