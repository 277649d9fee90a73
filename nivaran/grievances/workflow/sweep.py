"""The SLA sweep: escalate every grievance whose deadline has passed, set-based.

It takes the same transitions as `grievance_act` (`escalate`, `flag_overdue`
from the table, as the system actor, with the table's source states and
roles), but in a few statements per batch instead of a loop per row: rows are
locked and read in one query, each one's target resolved once per (level,
department, area, category, emergency), then all moved with one
`UPDATE ... FROM (VALUES ...)` per batch (SQLite: one executemany) and their
events written with one COPY / executemany. The statements per batch are the same
whatever the size of the organisation.

Rows are taken with `SELECT ... FOR UPDATE SKIP LOCKED`, so several sweeps may run
at once (two Celery workers, or a beat tick while a long sweep still runs): each
batch takes rows no other sweep holds, and a row another sweep has just moved is
re-read under its lock and no longer matches (its new deadline is after `at`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from nivaran.accounts.models import User
from nivaran.catalog.models import Category
from nivaran.core.errors import PermissionDenied
from nivaran.core.rows import insert_rows, update_rows
from nivaran.grievances import notify
from nivaran.grievances.deadlines import business_calendar, deadlines_for, due_at
from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.grievances.workflow.base import TOP_LEVEL, Transition
from nivaran.grievances.workflow.intake import EVENT_FIELDS
from nivaran.grievances.workflow.table import BY_ACTION
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import active_profile

BATCH = 5000


@dataclass
class SweepResult:
    escalated: int = 0
    flagged_overdue: int = 0


def _check_actor(actor: User, t: Transition) -> None:
    if actor.role not in t.roles:
        raise PermissionDenied(f"Only the system may {t.action}.")


def grievances_sweep(*, at: datetime, actor: User) -> SweepResult:
    """Escalate what is due at `at` (L1 -> L4), then flag what is due at L4. Idempotent."""
    result = SweepResult()
    # One status at a time: `status = s AND due_at <= at ORDER BY due_at` is an ordered
    # scan of grv_sweep (status, due_at) that stops at the batch's last row, where
    # `status IN (...)` read and sorted every due row again for each batch.
    for status in sorted(BY_ACTION["escalate"].sources):
        while n := _escalate_batch(at=at, actor=actor, status=status):
            result.escalated += n
    for status in sorted(BY_ACTION["flag_overdue"].sources):
        while n := _flag_overdue_batch(at=at, actor=actor, status=status):
            result.flagged_overdue += n
    return result


def _escalate_batch(*, at: datetime, actor: User, status: str) -> int:
    t = BY_ACTION["escalate"]
    _check_actor(actor, t)
    profile = active_profile()
    calendar = business_calendar(profile)
    with transaction.atomic():
        rows = list(
            Grievance.objects.select_for_update(skip_locked=True)
            .filter(status=status, due_at__lte=at, level__lt=TOP_LEVEL)
            .order_by("due_at", "id")
            .values_list(
                "id",
                "number",
                "status",
                "level",
                "department_id",
                "area_path",
                "category_id",
                "emergency",
                "assigned_post_id",
                "assigned_to_id",
            )[:BATCH]
        )
        if not rows:
            return 0
        resolver = LevelResolver.preloaded()
        categories = Category.objects.in_bulk({r[6] for r in rows})
        # Where each grievance goes depends only on these keys: resolve each key once.
        targets: dict[tuple[Any, ...], tuple[int | None, int | None, datetime]] = {}
        groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
        for row in rows:
            _id, _num, _status, level, dept, path, cat, emergency, _post, _holder = row
            key = (level + 1, dept, path, cat, emergency)
            if key not in targets:
                post = resolver.post_for(
                    department_id=dept, area_path=path, category_id=cat, level=level + 1
                )
                deadlines = deadlines_for(
                    category=categories[cat], emergency=emergency, profile=profile
                )
                due = due_at(deadlines=deadlines, level=level + 1, start=at, calendar=calendar)
                targets[key] = (post.pk if post else None, post.holder_id if post else None, due)
            post_id, holder_id, due = targets[key]
            groups[(level + 1, post_id, holder_id, due)].append(row)
        by = GrievanceEvent.by(actor)
        actor_fields = (actor.pk, by["actor_role"], by["actor_username"], by["actor_name"])
        updates: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        digests: dict[tuple[int, int, datetime], list[str]] = defaultdict(list)
        for (level, post_id, holder_id, due), members in groups.items():
            note = f"Deadline at L{level - 1} passed; escalated to L{level}."
            for m in members:
                updates.append((m[0], level, post_id, holder_id, due))
                events.append(
                    (
                        m[0],
                        at,
                        *actor_fields,
                        t.action,
                        m[2],
                        m[2],
                        level,
                        holder_id,
                        due,
                        note,
                        # Where it came from: no officer may send it back there (M2).
                        {"from_post": m[8], "from_officer": m[9]},
                    )
                )
                if holder_id:
                    digests[(holder_id, level, due)].append(str(m[1]))
        # One statement per batch (5,000 rows x 5 parameters, within PostgreSQL's 65,535)
        # whatever the number of targets (the organisation's size), where one UPDATE per
        # target used to be sent.
        update_rows(
            Grievance,
            ("level", "assigned_post", "assigned_to", "due_at"),
            updates,
            is_overdue=False,
            updated_at=at,
        )
        insert_rows(GrievanceEvent, EVENT_FIELDS, events)
        _queue_digests(digests, purpose="escalated", at=at)
        return len(rows)


def _flag_overdue_batch(*, at: datetime, actor: User, status: str) -> int:
    t = BY_ACTION["flag_overdue"]
    _check_actor(actor, t)
    with transaction.atomic():
        rows = list(
            Grievance.objects.select_for_update(skip_locked=True)
            .filter(status=status, due_at__lte=at, level=TOP_LEVEL, is_overdue=False)
            .order_by("due_at", "id")
            .values_list("id", "number", "status", "assigned_to_id", "due_at")[:BATCH]
        )
        if not rows:
            return 0
        Grievance.objects.filter(id__in=[r[0] for r in rows]).update(is_overdue=True, updated_at=at)
        by = GrievanceEvent.by(actor)
        actor_fields = (actor.pk, by["actor_role"], by["actor_username"], by["actor_name"])
        note = f"Deadline passed at L{TOP_LEVEL}; flagged overdue."
        insert_rows(
            GrievanceEvent,
            EVENT_FIELDS,
            [
                (r[0], at, *actor_fields, t.action, r[2], r[2], TOP_LEVEL, r[3], r[4], note, {})
                for r in rows
            ],
        )
        digests: dict[tuple[int, int, datetime | None], list[str]] = defaultdict(list)
        for r in rows:
            if r[3]:
                digests[(r[3], TOP_LEVEL, None)].append(str(r[1]))
        _queue_digests(digests, purpose="overdue", at=at)
        return len(rows)


def _queue_digests(
    digests: dict[tuple[int, int, Any], list[str]], *, purpose: str, at: datetime
) -> None:
    officers = User.objects.in_bulk({k[0] for k in digests})
    messages: list[Outgoing] = []
    for (officer_id, level, due), numbers in digests.items():
        officer = officers[officer_id]
        if officer.mobile:
            messages.append(
                notify.digest_to_officer(
                    officer, purpose=purpose, level=level, numbers=numbers, due=due
                )
            )
    messages_queue(messages=messages, at=at)
