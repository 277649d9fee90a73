"""The history and outbox tables partitioned by month (PostgreSQL; core/partitions.py):
the one-door workflow, the bulk intake and the SLA sweep write through the parent table
and every row lands in its month; rows dated beyond the months made land in DEFAULT and
get a month of their own from `ensure_partitions`; a conversion keeps every row and id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from nivaran.accounts.services import system_user
from nivaran.core.partitions import (
    Month,
    ahead,
    ensure_partitions,
    partition_by_month,
    partitioned_tables,
    unpartition,
)
from nivaran.grievances.models import Grievance, GrievanceEvent
from nivaran.grievances.selectors import grievance_history
from nivaran.grievances.workflow import (
    BulkItem,
    grievance_act,
    grievances_register_bulk,
    grievances_sweep,
)
from nivaran.notifications.models import Message

EVENTS, MESSAGES = "grievances_grievanceevent", "notifications_message"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="declarative partitioning: PostgreSQL"
)


def placed(table: str, column: str) -> list[tuple[int, str, datetime]]:
    """(id, the partition holding the row, the row's instant) for every row of `table`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, tableoid::regclass::text, {column} FROM {table} ORDER BY id"  # noqa: S608
        )
        return list(cursor.fetchall())


def partitions(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


def assert_in_their_months(table: str, column: str) -> int:
    rows = placed(table, column)
    wrong = [(pk, where, at) for pk, where, at in rows if where != Month.of(at).name(table)]
    assert not wrong, wrong
    return len(rows)


def reply(world, grievance: Grievance, at: datetime) -> None:
    grievance_act(
        grievance_id=grievance.pk,
        actor=world["officer_l1"],
        action="interim_reply",
        data={
            "message": "Survey fixed.",
            "expected_by": (at + timedelta(days=10)).date().isoformat(),
        },
        at=at,
    )


def test_the_history_and_the_outbox_are_partitioned_by_month(db):
    assert partitioned_tables() == {EVENTS: "at", MESSAGES: "created_at"}
    for table in (EVENTS, MESSAGES):
        assert {m.name(table) for m in ahead()} | {f"{table}_default"} <= partitions(table)


def test_the_workflow_bulk_intake_and_sweep_write_each_row_into_its_month(world):
    now = timezone.now()
    one = world.register(at=now)
    reply(world, one, now)
    items = [
        BulkItem(
            citizen_id=one.citizen_id,
            category=world.category,
            area=world.block,
            description="सड़क पर तीन महीने से पानी भरा है।",
            channel="call_centre",
            registered_at=now - timedelta(minutes=i),
        )
        for i in range(5)
    ]
    grievances_register_bulk(items=items, actor=world["telecaller"])
    # Escalate everything, L1 to L4, and flag it overdue: the later sweeps fall in later
    # months (the categories' deadlines are days to weeks).
    for _ in range(4):
        latest = max(d for d in Grievance.objects.values_list("due_at", flat=True) if d)
        grievances_sweep(at=latest + timedelta(minutes=1), actor=system_user())
    assert set(Grievance.objects.values_list("level", "is_overdue")) == {(4, True)}
    assert GrievanceEvent.objects.filter(action="escalate").count() == 6 * 3
    assert assert_in_their_months(EVENTS, "at") == GrievanceEvent.objects.count()
    assert Message.objects.exists()
    assert assert_in_their_months(MESSAGES, "created_at") == Message.objects.count()
    # More than one month was written, or this test proves nothing about routing.
    assert len({where for _pk, where, _at in placed(EVENTS, "at")}) > 1
    # The timeline reads across months, in order.
    history = list(grievance_history(grievance=one))
    assert [e.action for e in history][:2] == ["register", "interim_reply"]
    assert [e.at for e in history] == sorted(e.at for e in history)


def test_rows_beyond_the_months_made_go_to_default_and_then_get_their_month(world):
    far = timezone.now() + timedelta(days=31 * 9)  # past the months made ahead
    month = Month.of(far)
    grievance = world.register(at=far)
    reply(world, grievance, far)
    before = placed(EVENTS, "at")
    assert {where for _pk, where, _at in before} == {f"{EVENTS}_default"}
    assert {where for _pk, where, _at in placed(MESSAGES, "created_at")} == {f"{MESSAGES}_default"}

    created = ensure_partitions()

    assert created[EVENTS] == [month.name(EVENTS)]
    assert created[MESSAGES] == [month.name(MESSAGES)]
    after = placed(EVENTS, "at")
    assert [(pk, at) for pk, _w, at in after] == [(pk, at) for pk, _w, at in before]
    assert {where for _pk, where, _at in after} == {month.name(EVENTS)}
    assert_in_their_months(MESSAGES, "created_at")
    # The moved rows are still the grievance's history, and new ones follow them.
    assert [e.action for e in grievance_history(grievance=grievance)] == [
        "register",
        "interim_reply",
    ]
    later = world.register(at=far, mobile="9876500001")
    assert GrievanceEvent.objects.get(grievance=later).pk > max(pk for pk, _w, _a in after)
    assert ensure_partitions() == {}  # nothing left to do: it is idempotent


def test_the_command_reports_what_it_made(db):
    out = StringIO()
    call_command("ensure_partitions", stdout=out)
    assert f"{EVENTS}: 0 partitions created" in out.getvalue()
    assert f"{MESSAGES}: 0 partitions created" in out.getvalue()
    # Five months on, the task makes the months up to three ahead of then, none twice.
    later = datetime.now(UTC) + timedelta(days=31 * 5)
    made = ensure_partitions(now=later)[EVENTS]
    assert made[-1] == ahead(later)[-1].name(EVENTS)
    assert Month.of(later).name(EVENTS) in made
    assert len(made) == len(set(made))
    assert {m.name(EVENTS) for m in ahead(later)} <= partitions(EVENTS)


def test_a_conversion_and_its_reverse_keep_every_row_id_index_and_the_sequence(world):
    for i in range(3):
        world.register(mobile=f"987650000{i}")
    rows = list(GrievanceEvent.objects.order_by("id").values_list("id", "at", "action"))
    messages = list(Message.objects.order_by("id").values_list("id", "created_at", "body"))

    unpartition(connection.alias, [EVENTS, MESSAGES])
    assert partitioned_tables() == {}
    assert list(GrievanceEvent.objects.order_by("id").values_list("id", "at", "action")) == rows
    partition_by_month(connection.alias, [(EVENTS, "at"), (MESSAGES, "created_at")])
    assert partitioned_tables() == {EVENTS: "at", MESSAGES: "created_at"}

    assert list(GrievanceEvent.objects.order_by("id").values_list("id", "at", "action")) == rows
    assert list(Message.objects.order_by("id").values_list("id", "created_at", "body")) == messages
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [EVENTS]
        )
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [EVENTS])
        sequence = cursor.fetchone()[0]
    assert {"grv_event_timeline", "grv_event_at", f"{EVENTS}_pkey"} <= names
    assert sequence == f"public.{EVENTS}_id_seq"
    # The foreign keys came across: history of a grievance that does not exist is refused.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"INSERT INTO {EVENTS} (at, actor_role, action, from_status, to_status, level, "  # noqa: S608
            "note, data, actor_id, grievance_id, actor_username, actor_name) "
            "SELECT now(), '', 'x', '', 'open', 1, '', '{}', id, -1, '', '' FROM accounts_user "
            "LIMIT 1"
        )
    newest = world.register(mobile="9876500009")
    assert GrievanceEvent.objects.get(grievance=newest).pk > rows[-1][0]
    assert_in_their_months(EVENTS, "at")


def test_a_history_read_opens_only_the_months_since_registration(world):
    ensure_partitions(since=timezone.now() - timedelta(days=3 * 366))
    grievance = world.register()
    reply(world, grievance, timezone.now())
    plan = grievance_history(grievance=grievance).explain()
    this_month = Month.of(grievance.registered_at)
    assert this_month.name(EVENTS) in plan
    opened = {m for m in partitions(EVENTS) if m in plan}
    assert opened <= {m.name(EVENTS) for m in ahead()} | {f"{EVENTS}_default"}, opened
    assert len(partitions(EVENTS)) > 36


def test_generated_history_lands_in_the_months_of_its_window(world, settings):
    """The bench's data: a year of past registrations goes into its months, not DEFAULT,
    so that the history reads of a 1,000,000-grievance bench prune as production's do."""
    settings.SYNTHETIC_DATA_ALLOWED = True
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    call_command("generate_grievances", count=60, days=120, now=now.isoformat(), stdout=StringIO())
    rows = placed(EVENTS, "at")
    assert len(rows) == GrievanceEvent.objects.count() >= 60
    assert len({where for _pk, where, _at in rows}) >= 4  # four months and more
    assert assert_in_their_months(EVENTS, "at") == len(rows)
