"""Pieces of hand-written SQL for the read paths that skip the ORM (the API's, the exports').

One place for how a field is named in SQL and how a time window becomes conditions, so
the API and the open-data downloads cannot come to read the same filters differently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model


def column(model: type[Model], field: str) -> str:
    """The quoted column of a model's field (a name or an attname: `ward` or `ward_id`)."""
    name = getattr(model._meta.get_field(field), "column", None)
    assert name, f"{model.__name__}.{field} is not a column"
    return f'"{name}"'


def time_bounds(
    alias: str, model: type[Model], bounds: Iterable[tuple[str, str, dt.datetime | None]]
) -> tuple[str, list[Any]]:
    """`AND alias.field op %s` for each (field, op, moment) whose moment is set, and params."""
    sql, params = "", []
    for field, operator, moment in bounds:
        if moment is not None:
            sql += f" AND {alias}.{column(model, field)} {operator} %s"
            params.append(connection.ops.adapt_datetimefield_value(moment))
    return sql, params
