"""values() querysets compiled to SQL once, then run many times with new values.

Building and compiling a queryset costs the API more than running it: for a
lookup by tracking number about 1.5 ms of Python against 0.05 ms of SQLite
(see docs/performance.md). A `CompiledValues` builds its queryset once per
*shape* (which filters are present, how many codes, which flags) and thread,
remembers the SQL, where each value sits among the parameters and the
column converters, and afterwards only binds the values, runs the SQL and
converts the rows exactly as values() would.

Values are recognised by type: `str`, `int` and aware `datetime` (and lists of
them) are bound as parameters; anything else (bools, None, frozensets) is part
of the shape and reaches the builder unchanged. Slicing is left to `rows()`
(LIMIT/OFFSET are appended), because the ORM writes them into the SQL text.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_SENTINEL_EPOCH = dt.datetime(1901, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple
    slots: tuple[tuple[int, str, int | None, bool], ...]  # index, name, list position, datetime
    names: tuple[str, ...]
    compiler: Any
    converters: dict


class CompiledValues:
    """A values() queryset from `build(**values)`, compiled once per shape and thread."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self._build = build
        self._local = threading.local()

    def rows(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        using: str = DEFAULT_DB_ALIAS,
        **values: Any,
    ) -> list[dict[str, Any]]:
        """The rows values() would return for `build(**values)[offset:offset + limit]`."""
        compiled = self._compiled(values, using)
        connection = connections[using]
        params = list(compiled.params)
        for index, name, position, is_datetime in compiled.slots:
            value = values[name] if position is None else values[name][position]
            params[index] = (
                connection.ops.adapt_datetimefield_value(value) if is_datetime else value
            )
        sql = compiled.sql
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
            if offset:
                sql += f" OFFSET {int(offset)}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if compiled.converters:
            rows = compiled.compiler.apply_converters(rows, compiled.converters)
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compiled(self, values: dict[str, Any], using: str) -> _Compiled:
        key = (using, *sorted((name, _shape(value)) for name, value in values.items()))
        cache: dict[Hashable, _Compiled] = self._local.__dict__.setdefault("cache", {})
        compiled = cache.get(key)
        if compiled is None:
            compiled = cache[key] = self._compile(values, using)
        return compiled

    def _compile(self, values: dict[str, Any], using: str) -> _Compiled:
        connection = connections[using]
        sentinels: dict[str, Any] = {}
        wanted: list[tuple[Any, str, int | None, bool]] = []  # (db value, name, position, dt)
        counter = iter(range(1, 10**6))
        for name, value in values.items():
            if _is_slot(value):
                sentinel, db_value = _sentinel(next(counter), value, connection)
                sentinels[name] = sentinel
                wanted.append((db_value, name, None, isinstance(value, dt.datetime)))
            elif isinstance(value, list | tuple) and value and all(map(_is_slot, value)):
                pairs = [_sentinel(next(counter), item, connection) for item in value]
                sentinels[name] = [sentinel for sentinel, _ in pairs]
                for position, (_, db_value) in enumerate(pairs):
                    wanted.append((db_value, name, position, isinstance(value[0], dt.datetime)))
            else:
                sentinels[name] = value
        queryset = self._build(**sentinels)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        slots = []
        for db_value, name, position, is_datetime in wanted:
            found = [i for i, param in enumerate(params) if param == db_value]
            if not found:
                raise ValueError(f"{name} is not a parameter of the compiled SQL")
            slots += [(i, name, position, is_datetime) for i in found]
        query = queryset.query
        fields = [column[0] for column in compiler.select[0 : compiler.col_count]]
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=tuple(slots),
            names=(*query.extra_select, *query.values_select, *query.annotation_select),
            compiler=compiler,
            converters=compiler.get_converters(fields),
        )


def _is_slot(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, str | int | dt.datetime)


def _shape(value: Any) -> Hashable:
    if _is_slot(value):
        return type(value).__name__
    if isinstance(value, list | tuple) and value and all(map(_is_slot, value)):
        return ("list", type(value[0]).__name__, len(value))
    return ("value", value)


def _sentinel(number: int, value: Any, connection: Any) -> tuple[Any, Any]:
    """A value of the same kind nobody would send, and how it appears among the parameters."""
    if isinstance(value, dt.datetime):
        sentinel = _SENTINEL_EPOCH + dt.timedelta(seconds=number)
        return sentinel, connection.ops.adapt_datetimefield_value(sentinel)
    if isinstance(value, int):
        return -1_000_000_000 - number, -1_000_000_000 - number
    sentinel = f"\x1fcompiled-slot-{number}\x1f"
    return sentinel, sentinel
