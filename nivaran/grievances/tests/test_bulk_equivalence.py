"""The bulk paths write, row for row, what the straightforward ORM code wrote.

Bulk registration and the SLA sweep write tuples with COPY / executemany and move a
batch with one UPDATE ... FROM (VALUES ...) per 1,000 rows. The reference below is the
code they replaced (model instances, `bulk_create`, one UPDATE per target), kept here:
the same registrations and the same sweeps through L1 -> L4 and overdue, run once each
way, must leave the same grievances, history, messages and duplicate index rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.db.models import Max

from nivaran.accounts.models import User
from nivaran.accounts.services import system_user
from nivaran.catalog.models import Category
from nivaran.duplicates.models import DuplicateFingerprint, DuplicateKey
from nivaran.duplicates.normalise import name_form, text_terms
from nivaran.duplicates.scoring import keys_of
from nivaran.grievances import notify
from nivaran.grievances.deadlines import business_calendar, deadlines_for, due_at
from nivaran.grievances.models import Citizen, Grievance, GrievanceEvent, Status
from nivaran.grievances.workflow import BulkItem, grievances_register_bulk, grievances_sweep
from nivaran.grievances.workflow import sweep as sweep_module
from nivaran.grievances.workflow.base import TOP_LEVEL
from nivaran.grievances.workflow.intake import _route, detect_language, grievance_number
from nivaran.grievances.workflow.table import BY_ACTION
from nivaran.notifications.models import Message
from nivaran.notifications.services import Outgoing, messages_queue
from nivaran.org.selectors import LevelResolver
from nivaran.profiles.loader import active_profile
from nivaran.testing.world import World

IST = ZoneInfo("Asia/Kolkata")
START = datetime(2026, 3, 16, 10, 0, tzinfo=IST)
BATCH = 40  # small, so that the sweeps run several batches of mixed targets
SWEEPS = [START + timedelta(days=d, hours=h) for d, h in [(2, 0), (9, 3), (17, 0), (30, 5)]]
SWEEPS += [START + timedelta(days=d) for d in (60, 120, 250, 400)]

pytestmark = pytest.mark.django_db


# --- the reference: the code the bulk paths replaced ------------------------------------


def reference_register(items: Sequence[BulkItem], actor: User) -> None:
    profile = active_profile()
    calendar = business_calendar(profile)
    resolver = LevelResolver.preloaded()
    next_id = (Grievance.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    rows = []
    for offset, item in enumerate(items):
        route = _route(
            resolver=resolver,
            category=item.category,
            area=item.area,
            emergency=item.emergency,
            at=item.registered_at,
            profile=profile,
            calendar=calendar,
        )
        pk = next_id + offset
        rows.append(
            Grievance(
                id=pk,
                number=grievance_number(profile, item.registered_at, pk),
                citizen_id=item.citizen_id,
                kind=item.category.kind,
                channel=item.channel,
                source=item.source,
                emergency=item.emergency,
                category=item.category,
                department_id=item.category.department_id,
                area=item.area,
                area_path=item.area.path,
                description=item.description,
                language=detect_language(item.description),
                status=Status.OPEN,
                level=1,
                assigned_post=route.post,
                assigned_to_id=route.post.holder_id if route.post else None,
                due_at=route.due_at,
                registered_at=item.registered_at,
                registered_by=actor,
                updated_at=item.registered_at,
            )
        )
    Grievance.objects.bulk_create(rows)
    GrievanceEvent.objects.bulk_create(
        GrievanceEvent(
            grievance_id=g.pk,
            at=g.registered_at,
            **GrievanceEvent.by(actor),
            action="register",
            from_status="",
            to_status=g.status,
            level=1,
            assigned_to_id=g.assigned_to_id,
            due_at=g.due_at,
            # As grievance_register writes it.
            note="" if g.assigned_post_id else "No L1 post is mapped for this category and area.",
            data={"channel": g.channel, "source": g.source, "emergency": g.emergency},
        )
        for g in rows
    )
    people = {
        pk: (name, mobile)
        for pk, name, mobile in Citizen.objects.values_list("pk", "name", "mobile")
    }
    for g in rows:
        name, mobile = people[g.citizen_id]
        DuplicateFingerprint.objects.create(
            grievance_id=g.pk,
            mobile=mobile,
            name=name_form(name)[:200],
            terms=" ".join(sorted(text_terms(g.description))),
        )
        for key in keys_of(
            mobile=mobile,
            name=name,
            area_path=g.area_path,
            area_id=g.area_id,
            category_id=g.category_id,
            at=g.registered_at,
        ):
            DuplicateKey.objects.create(grievance_id=g.pk, key=key[:200])


def _digests(digests: dict[tuple[int, int, Any], list[str]], purpose: str, at: datetime) -> None:
    officers = User.objects.in_bulk({k[0] for k in digests})
    messages: list[Outgoing] = [
        notify.digest_to_officer(
            officers[officer_id], purpose=purpose, level=level, numbers=numbers, due=due
        )
        for (officer_id, level, due), numbers in digests.items()
        if officers[officer_id].mobile
    ]
    messages_queue(messages=messages, at=at)


def _reference_escalate(at: datetime, actor: User, status: str) -> int:
    t = BY_ACTION["escalate"]
    profile = active_profile()
    calendar = business_calendar(profile)
    rows = list(
        Grievance.objects.filter(status=status, due_at__lte=at, level__lt=TOP_LEVEL)
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
    groups: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        _id, _num, _status, level, dept, path, cat, emergency, _post, _holder = row
        post = resolver.post_for(
            department_id=dept, area_path=path, category_id=cat, level=level + 1
        )
        deadlines = deadlines_for(category=categories[cat], emergency=emergency, profile=profile)
        due = due_at(deadlines=deadlines, level=level + 1, start=at, calendar=calendar)
        groups[
            (level + 1, post.pk if post else None, post.holder_id if post else None, due)
        ].append(row)
    digests: dict[tuple[int, int, Any], list[str]] = defaultdict(list)
    for (level, post_id, holder_id, due), members in groups.items():
        for m in members:
            Grievance.objects.filter(id=m[0]).update(
                level=level,
                assigned_post_id=post_id,
                assigned_to_id=holder_id,
                due_at=due,
                is_overdue=False,
                updated_at=at,
            )
            GrievanceEvent.objects.create(
                grievance_id=m[0],
                at=at,
                **GrievanceEvent.by(actor),
                action=t.action,
                from_status=m[2],
                to_status=m[2],
                level=level,
                assigned_to_id=holder_id,
                due_at=due,
                note=f"Deadline at L{level - 1} passed; escalated to L{level}.",
                data={"from_post": m[8], "from_officer": m[9]},
            )
            if holder_id:
                digests[(holder_id, level, due)].append(str(m[1]))
    _digests(digests, "escalated", at)
    return len(rows)


def _reference_flag(at: datetime, actor: User, status: str) -> int:
    t = BY_ACTION["flag_overdue"]
    rows = list(
        Grievance.objects.filter(status=status, due_at__lte=at, level=TOP_LEVEL, is_overdue=False)
        .order_by("due_at", "id")
        .values_list("id", "number", "status", "assigned_to_id", "due_at")[:BATCH]
    )
    digests: dict[tuple[int, int, Any], list[str]] = defaultdict(list)
    for r in rows:
        Grievance.objects.filter(id=r[0]).update(is_overdue=True, updated_at=at)
        GrievanceEvent.objects.create(
            grievance_id=r[0],
            at=at,
            **GrievanceEvent.by(actor),
            action=t.action,
            from_status=r[2],
            to_status=r[2],
            level=TOP_LEVEL,
            assigned_to_id=r[3],
            due_at=r[4],
            note=f"Deadline passed at L{TOP_LEVEL}; flagged overdue.",
        )
        if r[3]:
            digests[(r[3], TOP_LEVEL, None)].append(str(r[1]))
    _digests(digests, "overdue", at)
    return len(rows)


def reference_sweep(at: datetime, actor: User) -> None:
    """Batches as the sweep takes them: per status, by deadline (digests are per batch)."""
    for status in sorted(BY_ACTION["escalate"].sources):
        while _reference_escalate(at, actor, status):
            pass
    for status in sorted(BY_ACTION["flag_overdue"].sources):
        while _reference_flag(at, actor, status):
            pass


# --- the comparison ---------------------------------------------------------------------


def items(world: World) -> list[BulkItem]:
    """Both departments, districts and blocks, the state itself (no L1 post there), a
    working-hours deadline, emergencies, three callers, instants over five weeks."""
    callers = [
        Citizen.objects.get_or_create(
            mobile=f"98765432{i:02d}", name_key=f"caller {i}", defaults={"name": f"Caller {i}"}
        )[0]
        for i in range(3)
    ]
    places = [
        (world.category, world.block),
        (world.other_category, world.block),
        (world.category, world.district),
        (world.category, world.other_district),
        (world.hours_category, world.block),
        (world.category, world.state),
    ]
    texts = ["सड़क पर तीन महीने से पानी भरा है।", "No water supply in the ward for ten days."]
    out = []
    for i in range(240):
        category, area = places[i % len(places)]
        out.append(
            BulkItem(
                citizen_id=callers[i % 3].pk,
                category=category,
                area=area,
                description=texts[i % 2],
                channel=("call_centre", "web", "partner")[i % 3],
                registered_at=START + timedelta(hours=3 * i, minutes=i % 7),
                emergency=i % 11 == 0,
                source="CPGRAMS" if i % 3 == 2 else "",
            )
        )
    return out


def snapshot() -> dict[str, Any]:
    """Every row the paths write, with ids as their rank (the sequence moves on between
    the two runs on PostgreSQL, so ids, and the numbers made of them, differ)."""
    ids = list(Grievance.objects.order_by("id").values_list("id", "number"))
    rank = {pk: n for n, (pk, _number) in enumerate(ids)}
    numbers = {number: f"#{n}" for n, (_pk, number) in enumerate(ids)}
    code = active_profile().state_code
    for pk, number in ids:
        assert number == f"{code}{number[len(code) : len(code) + 2]}{pk:08d}"
    pattern = re.compile(re.escape(code) + r"\d{10}")

    def plain(text: str) -> str:
        return pattern.sub(lambda m: numbers.get(m.group(0), "?"), text)

    fields = [f.attname for f in Grievance._meta.concrete_fields if f.name not in {"id", "number"}]
    grievances = [
        (rank[row[0]], *row[1:])
        for row in Grievance.objects.order_by("id").values_list("id", *fields)
    ]
    event_fields = [
        f.attname for f in GrievanceEvent._meta.concrete_fields if f.name not in {"id", "grievance"}
    ]
    action = 1 + event_fields.index("action")
    events = sorted(
        (
            (rank[row[0]], *(str(v) if isinstance(v, dict) else v for v in row[1:]))
            for row in GrievanceEvent.objects.values_list("grievance_id", *event_fields)
        ),
        key=lambda e: (e[0], e[1], e[action]),
    )
    message_fields = [
        f.attname
        for f in Message._meta.concrete_fields
        if f.name not in {"id", "grievance", "body"}
    ]
    messages = [
        (plain(row[0]), row[1] and rank[row[1]], *row[2:])
        for row in Message.objects.order_by("id").values_list(
            "body", "grievance_id", *message_fields
        )
    ]
    fingerprints = sorted(
        (rank[g], *rest)
        for g, *rest in DuplicateFingerprint.objects.values_list(
            "grievance_id", "mobile", "name", "terms"
        )
    )
    keys = sorted((rank[g], k) for g, k in DuplicateKey.objects.values_list("grievance_id", "key"))
    return {
        "action": action,
        "purpose": 2 + message_fields.index("purpose"),
        "grievances": grievances,
        "events": events,
        "messages": messages,
        "fingerprints": fingerprints,
        "keys": keys,
    }


def run(register: Callable[[], None], sweep: Callable[[datetime], None]) -> dict[str, Any]:
    with transaction.atomic():
        register()
        for at in SWEEPS:
            sweep(at)
        seen = snapshot()
        transaction.set_rollback(True)
    return seen


def test_bulk_registration_and_sweeps_write_what_the_orm_code_wrote(world, monkeypatch):
    monkeypatch.setattr(sweep_module, "BATCH", BATCH)
    # A vacant post on the way up: escalated there, no one gets a digest.
    world.posts["REV-L2-TWO"].holder = None
    world.posts["REV-L2-TWO"].save(update_fields=["holder"])
    batch, actor, system = items(world), world["telecaller"], system_user()

    new = run(
        lambda: grievances_register_bulk(items=batch, actor=actor),
        lambda at: grievances_sweep(at=at, actor=system) and None,
    )
    old = run(lambda: reference_register(batch, actor), lambda at: reference_sweep(at, system))

    # The run covers what it should: every grievance climbs to L4 and is flagged overdue.
    assert len(new["grievances"]) == 240
    actions = [e[new["action"]] for e in new["events"]]
    assert (actions.count("register"), actions.count("flag_overdue")) == (240, 240)
    assert actions.count("escalate") == 3 * 240
    purposes = {m[new["purpose"]] for m in new["messages"]}
    assert purposes == {"officer_escalated_digest", "officer_overdue_digest"}
    assert len(new["keys"]) > 240
    for table in ("grievances", "events", "messages", "fingerprints", "keys"):
        assert new[table] == old[table], table
