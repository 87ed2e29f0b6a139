"""Check submitted attribute answers against a service definition.

Pure: takes plain definitions, returns clean values or raises ValidationFailed
naming every attribute that is wrong, in the words Chicago's API used
(`HOWMANYD required`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from civic311.core.errors import ValidationFailed

MAX_STRING_LENGTH = 300
MAX_TEXT_LENGTH = 4000

AttributeValue = str | int | float | list[str]


@dataclass(frozen=True)
class AttributeRule:
    """What one attribute accepts: enough of the service definition to validate an answer."""

    code: str
    datatype: str
    required: bool = False
    variable: bool = True
    allowed_keys: frozenset[str] = field(default_factory=frozenset)
    description: str = ""


def validate_attributes(
    rules: Iterable[AttributeRule], submitted: Mapping[str, Sequence[str]]
) -> dict[str, AttributeValue]:
    """Clean answers keyed by attribute code; raise ValidationFailed listing every problem."""
    clean: dict[str, AttributeValue] = {}
    errors: dict[str, str] = {}
    for rule in rules:
        if not rule.variable:
            continue
        raw = [v.strip() for v in submitted.get(rule.code, ()) if v is not None and v.strip()]
        if not raw:
            if rule.required:
                errors[rule.code] = f"{rule.code} required"
            continue
        try:
            clean[rule.code] = _clean(rule, raw)
        except ValueError as exc:
            errors[rule.code] = f"{rule.code} {exc}"
    if errors:
        raise ValidationFailed(errors)
    return clean


def _clean(rule: AttributeRule, raw: list[str]) -> AttributeValue:
    if rule.datatype == "multivaluelist":
        unknown = [v for v in raw if v not in rule.allowed_keys]
        if unknown:
            raise ValueError(f"has no value {', '.join(unknown)}")
        return list(dict.fromkeys(raw))
    if len(raw) > 1:
        raise ValueError("takes one value")
    value = raw[0]
    match rule.datatype:
        case "singlevaluelist":
            if value not in rule.allowed_keys:
                raise ValueError(f"has no value {value}")
            return value
        case "number":
            return _number(value)
        case "datetime":
            return _datetime(value)
        case "string":
            if "\n" in value or len(value) > MAX_STRING_LENGTH:
                raise ValueError(f"must be one line of at most {MAX_STRING_LENGTH} characters")
            return value
        case "text":
            if len(value) > MAX_TEXT_LENGTH:
                raise ValueError(f"must be at most {MAX_TEXT_LENGTH} characters")
            return value
    raise ValueError(f"has an unknown datatype {rule.datatype}")


def _number(value: str) -> int | float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError("must be a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("must be a number")
    return int(number) if number.is_integer() else number


def _datetime(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("must be a date and time like 2026-05-01T14:30") from None
    return parsed.isoformat(timespec="seconds")
