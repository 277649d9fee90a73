"""Set-based writes for the bulk paths: rows as tuples, straight to the tables.

`bulk_create` builds a model instance per row and compiles every value through the
ORM, and a per-group UPDATE sends one statement per target; at hundreds of thousands
of rows those were most of the time of bulk registration and of the SLA sweep (see
bench/README.md). These write plain tuples instead: COPY on PostgreSQL, one
`executemany` on SQLite.

They skip the models' `save()`, so they are for the few writers that own a table's
invariants (the workflow writes grievances and their history with them; the lint in
grievances/tests/test_workflow_table.py keeps a grievance's state out of other hands).
Every statement goes through the connection's execute wrappers, COPY included, so the
statement counts of the bench and of the query-count tests see all of them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import DateTimeField, Field, JSONField, Model

# PostgreSQL's limit on the parameters of one statement (a 16-bit count in the protocol's
# Bind message); with server-side binding (DB_SERVER_SIDE_BINDING) a statement above it
# fails, so update_rows' chunks stay below it whatever the binding.
MAX_PARAMETERS = 65535
UPDATE_CHUNK = 5000


def _fields(model: type[Model]) -> dict[str, Field[Any, Any]]:
    return {f.name: f for f in model._meta.concrete_fields}


def _adapter(*, sqlite: bool) -> Callable[[Any], Any]:
    """Values as the driver takes them: JSON as text (as JSONField writes it); on SQLite,
    datetimes as Django stores them (memoised: a batch holds few distinct instants)."""
    to_db = connection.ops.adapt_datetimefield_value
    seen: dict[datetime, Any] = {}

    def value(v: Any) -> Any:
        if isinstance(v, dict | list):
            return json.dumps(v)
        if sqlite and isinstance(v, datetime):
            if v not in seen:
                seen[v] = to_db(v)
            return seen[v]
        return v

    return value


def _row_adapter(
    model: type[Model], fields: Sequence[str], *, sqlite: bool
) -> Callable[[tuple[Any, ...]], Sequence[Any]]:
    """A row as the driver takes it, adapting only the columns that need it (JSON; on
    SQLite, datetimes): most columns pass as they are, which matters at a million rows."""
    field, value = _fields(model), _adapter(sqlite=sqlite)
    kinds = (JSONField, DateTimeField) if sqlite else (JSONField,)
    adapted = [i for i, name in enumerate(fields) if isinstance(field[name], kinds)]
    if not adapted:
        return lambda row: row

    def adapt(row: tuple[Any, ...]) -> Sequence[Any]:
        out = list(row)
        for i in adapted:
            out[i] = value(out[i])
        return out

    return adapt


def _wrapped(cursor: Any, sql: str, run: Callable[[], Any]) -> Any:
    """Run `run` as the execution of `sql`, through the connection's execute wrappers
    (as Django's cursor does for execute), so that counters see a COPY too."""

    def executor(_sql: str, _params: Any, _many: bool, _context: dict[str, Any]) -> Any:
        return run()

    stack = functools.reduce(
        lambda inner, wrapper: functools.partial(wrapper, inner),
        connection.execute_wrappers,
        executor,
    )
    return stack(sql, None, False, {"connection": connection, "cursor": cursor})


def reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` new primary keys for `model`, in the caller's transaction.

    PostgreSQL: taken from the table's sequence (`nextval` over `generate_series`), so a
    concurrent single insert, which takes its id from the same sequence, never collides
    with them (`MAX(id) + 1` did) and the sequence needs no reset afterwards.
    SQLite: after the largest id ever given (the AUTOINCREMENT counter, or MAX(id));
    safe because the IMMEDIATE transaction (settings.DATABASES) holds the write lock
    from its start, and an explicit id above the counter moves the counter on.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        assert connection.in_atomic_block, "reserve ids inside the transaction that uses them"
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {quoted}), 0), "  # noqa: S608 - our names
            "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = int(cursor.fetchone()[0]) + 1
        return list(range(first, first + count))


def insert_rows(model: type[Model], fields: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> int:
    """Insert rows (values in the order of `fields`, field names as on the model): one COPY
    on PostgreSQL, one executemany elsewhere. Returns how many."""
    if not rows:
        return 0
    qn, field = connection.ops.quote_name, _fields(model)
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(field[name].column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            adapt = _row_adapter(model, fields, sqlite=False)
            sql = f"COPY {table} ({columns}) FROM STDIN"

            def copy() -> None:
                with cursor.cursor.copy(sql) as out:
                    for row in rows:
                        out.write_row(adapt(row))

            _wrapped(cursor, sql, copy)
        else:
            adapt = _row_adapter(model, fields, sqlite=True)
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 - our names
                [adapt(row) for row in rows],
            )
    return len(rows)


def update_rows(
    model: type[Model],
    fields: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    chunk: int = UPDATE_CHUNK,
    **same: Any,
) -> int:
    """Give each row (its id, then values in the order of `fields`) its own values, and
    all of them the values in `same`.

    PostgreSQL: one `UPDATE ... FROM (VALUES ...)` per `chunk` rows (5,000: the sweep's
    batch in one statement), fewer if that many rows would pass MAX_PARAMETERS; SQLite:
    one executemany of `UPDATE ... WHERE id = %s`. Either way the number of statements
    depends on the number of rows only, not on how many distinct values they hold.
    """
    if not rows:
        return 0
    qn, field = connection.ops.quote_name, _fields(model)
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    sqlite = connection.vendor != "postgresql"
    value = _adapter(sqlite=sqlite)
    fixed = [value(v) for v in same.values()]
    with connection.cursor() as cursor:
        if sqlite:
            sets = ", ".join(f"{qn(field[n].column)} = %s" for n in (*fields, *same))
            cursor.executemany(
                f"UPDATE {table} SET {sets} WHERE {pk} = %s",  # noqa: S608 - our names
                [[*(value(v) for v in row[1:]), *fixed, row[0]] for row in rows],
            )
            return len(rows)

        def mark(name: str) -> str:  # PostgreSQL types the VALUES columns from the casts
            return f"CAST(%s AS {field[name].db_type(connection)})"

        row_marks = "(" + ", ".join(mark(n) for n in (model._meta.pk.name, *fields)) + ")"
        sets_list = [f"{qn(field[n].column)} = v.c{i + 1}" for i, n in enumerate(fields)]
        sets_list += [f"{qn(field[n].column)} = %s" for n in same]
        names = ", ".join(["c0", *(f"c{i + 1}" for i in range(len(fields)))])
        chunk = max(1, min(chunk, (MAX_PARAMETERS - len(same)) // (1 + len(fields))))
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            cursor.execute(
                f"UPDATE {table} SET {', '.join(sets_list)} "  # noqa: S608 - our names
                f"FROM (VALUES {', '.join([row_marks] * len(part))}) AS v ({names}) "
                f"WHERE {table}.{pk} = v.c0",
                [*fixed, *(value(v) for row in part for v in row)],
            )
    return len(rows)
