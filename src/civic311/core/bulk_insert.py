"""Writing many new rows fast: `executemany` on SQLite, `COPY` on PostgreSQL.

Django's `bulk_create` prepares every value of every object through its field machinery,
which costs more than the database's own work at import sizes (about 0.5 ms a request
with its events). Imports write only plain values, so this converts each column once by
its kind and hands the rows to the driver. Call it inside the caller's transaction; rows
get no primary keys back (read them by a unique column afterwards).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import orjson
from django.db import connection, models


def insert_values(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT new rows of `model`, given as {attname: value}; columns left out take the
    field's default (or NULL). One `executemany`, or one COPY."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    defaults = {f.attname: f.get_default() for f in fields}
    converters = [(field.attname, _converter(field)) for field in fields]
    values = [
        tuple(convert(row.get(name, defaults[name])) for name, convert in converters)
        for row in rows
    ]
    names = ", ".join(connection.ops.quote_name(str(field.column)) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with (
            connection.connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in values:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in fields)
    connection.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def _converter(field: models.Field) -> Callable[[Any], Any]:
    if isinstance(field, models.JSONField):
        return lambda value: orjson.dumps(value).decode()
    if isinstance(field, models.DateTimeField) and connection.vendor != "postgresql":
        return _sqlite_datetime
    return _as_is


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    # Django keeps aware datetimes in SQLite as naive UTC text.
    return None if value is None else str(value.astimezone(dt.UTC).replace(tzinfo=None))


def _as_is(value: Any) -> Any:
    # Choices are str enums; a driver may write an enum's name, not its value.
    return value.value if isinstance(value, Enum) else value
