"""Every Celery task has a queue of its kind, and every worker command we ship or document
consumes the queues of the tasks it is meant to run (a task routed to a queue no worker
reads would silently never run: no sweep, no SMS)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings

from nivaran.celery import app

ROOT = Path(__file__).resolve().parents[3]
KINDS = {
    "nivaran.grievances.tasks.sla_sweep": "sweep",
    "nivaran.grievances.tasks.sla_sweep_part": "sweep",
    "nivaran.notifications.tasks.deliver_outbox": "messages",
    "nivaran.exports.tasks.export_run": "exports",
    "nivaran.analytics.tasks.analytics_refresh": "analytics",
    "nivaran.suggestions.tasks.suggestions_retrain": "analytics",
    "nivaran.systemic.tasks.systemic_detect": "analytics",
}


def tasks() -> dict[str, str]:
    """Each of our registered tasks and the queue the router sends it to."""
    app.loader.import_default_modules()
    return {
        name: app.amqp.router.route({}, name)["queue"].name
        for name in app.tasks
        if name.startswith("nivaran.")
    }


def consumed(command: str) -> set[str]:
    """The queues a `celery -A nivaran worker ...` command line consumes."""
    words = shlex.split(command.replace("\\\n", " "))
    for i, word in enumerate(words):
        if word in {"-Q", "--queues"}:
            return set(words[i + 1].split(","))
        if word.startswith("--queues="):
            return set(word.split("=", 1)[1].split(","))
    return set(settings.NIVARAN_TASK_QUEUES)  # no -Q: every queue in CELERY_TASK_QUEUES


def worker_commands(text: str) -> list[str]:
    return [
        m.group(0)
        for m in re.finditer(r"-A nivaran worker(?:\\\n|[^\n`|])*", text)
        if "--help" not in m.group(0)
    ]


def test_each_kind_of_work_has_its_own_queue_and_the_rest_the_default():
    routed = tasks()
    assert len(routed) >= 12
    for name, queue in KINDS.items():
        assert routed[name] == queue, name
    assert set(routed.values()) == set(settings.NIVARAN_TASK_QUEUES)
    assert routed["nivaran.portal.tasks.purge_otp_challenges"] == "celery"
    assert set(settings.NIVARAN_TASK_QUEUES) == {q.name for q in settings.CELERY_TASK_QUEUES}


@pytest.mark.parametrize(
    "path",
    ["scripts/serve.sh", "bench/_serve.py", "scripts/scale-demo.sh", "docs/deployment.md"],
    ids=str,
)
def test_the_all_in_one_workers_consume_every_tasks_queue(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".py"):  # the benches' workers: -Q and the QUEUES they default to
        queues = re.search(r"^QUEUES = \(([^)]*)\)", text, re.MULTILINE)
        assert queues and '"-Q"' in text
        text = "celery -A nivaran worker -Q " + ",".join(re.findall(r'"([^"]+)"', queues[1]))
    if path.endswith("scale-demo.sh"):  # its workers take $SCALE_QUEUES
        queues = re.search(r'SCALE_QUEUES="\$\{SCALE_QUEUES:-([^}]*)\}"', text)
        assert queues and '--queues "$SCALE_QUEUES"' in text
        text = f"celery -A nivaran worker -Q {queues[1]}"
    needed = set(tasks().values())
    commands = worker_commands(text)
    assert commands, path
    if path.startswith("docs"):
        # The one-worker set-ups (Procfile list, systemd unit) run everything; the
        # worker-per-queue set-up runs everything between its workers.
        per_queue = [c for c in commands if len(consumed(c)) == 1]
        whole = [c for c in commands if c not in per_queue]
        assert whole and per_queue
        for command in whole:
            assert needed <= consumed(command), command
        assert needed <= set().union(*(consumed(c) for c in per_queue))
    else:
        for command in commands:
            assert needed <= consumed(command), command


def test_a_worker_reading_only_some_queues_is_caught():
    assert consumed("celery -A nivaran worker -Q sweep,messages") == {"sweep", "messages"}
    assert set(tasks().values()) - consumed("celery -A nivaran worker -Q sweep") != set()
