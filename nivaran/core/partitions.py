"""Monthly partitions of the append-mostly tables (history events, the message outbox).

On PostgreSQL a table partitioned by month keeps each month in a table of its own: an
index stays the size of a month, the rollups and archiving touch only the months they
name, and a month that has left the retention period is detached and dumped instead of
deleted row by row (docs/scaling.md). Nothing above the database knows: the ORM, the
workflow's door and the bulk paths (COPY) write to the parent table and PostgreSQL routes
each row to its month.

- `partition_by_month` turns an existing table into a partitioned one (a migration runs
  it), keeping its rows, ids, indexes, constraints and foreign keys under their names.
  The primary key becomes (id, month column): PostgreSQL requires the partition key in
  every unique index. Ids still come from the one sequence, so they stay unique.
- `ensure_partitions` creates the months ahead (a daily task), and gives a month of its
  own to any rows that fell into the DEFAULT partition (rows dated outside the months
  made so far: a back-dated import, a clock far ahead).

Months are calendar months in UTC. Elsewhere (SQLite) every function here does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

# The suffix of the table a conversion copies from; dropped when the conversion ends.
_OLD = "__unpartitioned"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> Month:
        at = at.astimezone(UTC)
        return cls(at.year, at.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    def name(self, table: str) -> str:
        return f"{table}_p{self.year:04d}_{self.month:02d}"


def months(first: Month, last: Month) -> list[Month]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = m.next()
    return out


def ahead(now: datetime | None = None) -> list[Month]:
    """This month and the next NIVARAN_PARTITION_MONTHS_AHEAD."""
    first = Month.of(now or timezone.now())
    last = first
    for _ in range(int(settings.NIVARAN_PARTITION_MONTHS_AHEAD)):
        last = last.next()
    return months(first, last)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _postgres(using: str) -> bool:
    return connections[using].vendor == "postgresql"


def partitioned_tables(using: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Each partitioned table of the schema and the column it is partitioned on."""
    if not _postgres(using):
        return {}
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, a.attname FROM pg_partitioned_table p "
            "JOIN pg_class c ON c.oid = p.partrelid "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE c.relnamespace = current_schema()::regnamespace AND p.partstrat = 'r'"
        )
        return dict(cursor.fetchall())


def _partitions(cursor: CursorWrapper, table: str) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = %s::regclass",
        [table],
    )
    return {row[0] for row in cursor.fetchall()}


def _create_month(cursor: CursorWrapper, table: str, column: str, month: Month) -> None:
    """The month's partition; rows of that month already in DEFAULT move into it."""
    name, lo, hi = month.name(table), month.start(), month.next().start()
    default = f"{table}_default"
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {_q(default)} "  # noqa: S608 - our names
        f"WHERE {_q(column)} >= %s AND {_q(column)} < %s)",
        [lo, hi],
    )
    if not cursor.fetchone()[0]:
        cursor.execute(
            f"CREATE TABLE {_q(name)} PARTITION OF {_q(table)} FOR VALUES FROM (%s) TO (%s)",
            [lo, hi],
        )
        return
    # PostgreSQL will not add a month whose rows sit in DEFAULT: build the month as a
    # table of its own, move those rows across, then attach it (all in this transaction).
    cursor.execute(
        f"CREATE TABLE {_q(name)} (LIKE {_q(table)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
    )
    cursor.execute(
        f"WITH moved AS (DELETE FROM {_q(default)} "  # noqa: S608 - our names
        f"WHERE {_q(column)} >= %s AND {_q(column)} < %s RETURNING *) "
        f"INSERT INTO {_q(name)} SELECT * FROM moved",
        [lo, hi],
    )
    cursor.execute(
        f"ALTER TABLE {_q(table)} ATTACH PARTITION {_q(name)} FOR VALUES FROM (%s) TO (%s)",
        [lo, hi],
    )


def _stray_months(cursor: CursorWrapper, table: str, column: str) -> list[Month]:
    """The months of the rows in DEFAULT, within a sane span (a row dated in year 1 or
    9999 stays in DEFAULT rather than make a partition of its own)."""
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', {_q(column)} AT TIME ZONE 'UTC') "  # noqa: S608
        f"FROM {_q(table + '_default')} "
        f"WHERE {_q(column)} >= '2000-01-01' AND {_q(column)} < now() + interval '10 years'"
    )
    return [Month(d.year, d.month) for (d,) in cursor.fetchall()]


def ensure_partitions(
    *, now: datetime | None = None, since: datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> dict[str, list[str]]:
    """Create the months ahead of every partitioned table (and back to `since`, for a
    bulk load of past months), and a month for rows found in DEFAULT; returns the
    partitions created, by table. Safe to run at any time, by any
    number of workers (each table is done under a lock, in its own transaction)."""
    created: dict[str, list[str]] = {}
    for table, column in partitioned_tables(using).items():
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [table])
            existing = _partitions(cursor, table)
            wanted = set(ahead(now)) | set(_stray_months(cursor, table, column))
            if since is not None:
                wanted |= set(months(Month.of(since), max(wanted)))
            for month in sorted(wanted):
                if month.name(table) not in existing:
                    _create_month(cursor, table, column, month)
                    created.setdefault(table, []).append(month.name(table))
    return created


def _capture(cursor: CursorWrapper, table: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The table's indexes (but the primary key) and foreign keys, as SQL to make them."""
    cursor.execute(
        "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ci ON ci.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary ORDER BY ci.relname",
        [table],
    )
    # A partitioned table's index reads "ON ONLY t": the copy's must cover its partitions.
    indexes = [(name, sql.replace(" ON ONLY ", " ON ")) for name, sql in cursor.fetchall()]
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'x') ORDER BY conname",
        [table],
    )
    foreign = []
    for name, kind, definition in cursor.fetchall():
        if kind != "f":
            raise ValueError(f"{table}: a unique constraint ({name}) cannot be partitioned")
        foreign.append(f"CONSTRAINT {_q(name)} {definition}")
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
        [table],
    )
    if referencing := [row[0] for row in cursor.fetchall()]:
        raise ValueError(f"{table}: referenced by {', '.join(referencing)}")
    return indexes, foreign


def _rebuild(cursor: CursorWrapper, table: str, *, partition_on: str | None) -> None:
    """Replace `table` by a copy with the same rows, ids, indexes and foreign keys:
    partitioned by month on `partition_on`, or (None) a plain table again."""
    # Deferred foreign-key checks of rows written earlier in this transaction are run
    # now: PostgreSQL alters no table with such checks pending.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    indexes, foreign = _capture(cursor, table)
    old = table + _OLD
    cursor.execute(f"ALTER TABLE {_q(table)} RENAME TO {_q(old)}")
    cursor.execute(
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [old],
    )
    (primary,) = cursor.fetchone()
    cursor.execute(f"ALTER TABLE {_q(old)} RENAME CONSTRAINT {_q(primary)} TO {_q(old + '_pkey')}")
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {_q(name)}")
    for constraint in foreign:
        cursor.execute(f"ALTER TABLE {_q(old)} DROP CONSTRAINT {constraint.split()[1]}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [old])
    (old_sequence,) = cursor.fetchone()
    like = f"LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS"
    if partition_on:
        cursor.execute(f"CREATE TABLE {_q(table)} ({like}) PARTITION BY RANGE ({_q(partition_on)})")
        cursor.execute(
            f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(table + '_pkey')} "
            f"PRIMARY KEY (id, {_q(partition_on)})"
        )
        cursor.execute(f"CREATE TABLE {_q(table + '_default')} PARTITION OF {_q(table)} DEFAULT")
        cursor.execute(f"SELECT min({_q(partition_on)}) FROM {_q(old)}")  # noqa: S608
        (earliest,) = cursor.fetchone()
        span = ahead()
        start = min(Month.of(earliest), span[0]) if earliest else span[0]
        for month in months(start, span[-1]):
            lo, hi = month.start(), month.next().start()
            cursor.execute(
                f"CREATE TABLE {_q(month.name(table))} PARTITION OF {_q(table)} "
                "FOR VALUES FROM (%s) TO (%s)",
                [lo, hi],
            )
    else:
        cursor.execute(f"CREATE TABLE {_q(table)} ({like})")
        cursor.execute(
            f"ALTER TABLE {_q(table)} ADD CONSTRAINT {_q(table + '_pkey')} PRIMARY KEY (id)"
        )
    cursor.execute(f"INSERT INTO {_q(table)} SELECT * FROM {_q(old)}")  # noqa: S608
    for _name, sql in indexes:
        cursor.execute(sql)
    for constraint in foreign:
        cursor.execute(f"ALTER TABLE {_q(table)} ADD {constraint}")
    # The ids go on from where the old sequence was, not from the largest id kept.
    cursor.execute(f"SELECT last_value, is_called FROM {old_sequence}")  # noqa: S608
    last, called = cursor.fetchone()
    cursor.execute(f"DROP TABLE {_q(old)}")
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last, called])
    canonical = f"{table}_id_seq"
    if sequence.split(".")[-1].strip('"') != canonical:
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {_q(canonical)}")


def partition_by_month(connection_alias: str, tables: Iterable[tuple[str, str]]) -> None:
    """Turn each (table, column) into a table partitioned by month on column, with a
    partition for every month from its earliest row to the months ahead, and DEFAULT."""
    if not _postgres(connection_alias):
        return
    with transaction.atomic(using=connection_alias), connections[connection_alias].cursor() as c:
        for table, column in tables:
            _rebuild(c, table, partition_on=column)


def unpartition(connection_alias: str, tables: Iterable[str]) -> None:
    """The reverse of partition_by_month: each table plain again, rows and ids kept."""
    if not _postgres(connection_alias):
        return
    with transaction.atomic(using=connection_alias), connections[connection_alias].cursor() as c:
        for table in tables:
            _rebuild(c, table, partition_on=None)
