"""Text that arrived as bytes which were not UTF-8, found after Django decoded it.

Django decodes form bodies and query strings with `errors="replace"`, so bytes
that are not UTF-8 reach the code as U+FFFD, the replacement character, and
would be stored as garbled text. Nobody types U+FFFD on purpose: it is the mark
of text already broken on its way here, so a value holding it is refused, with
the field named, instead of being kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

REPLACEMENT_CHARACTER = "\ufffd"


def undecodable(value: object) -> bool:
    """True when `value` is text that came from bytes that were not UTF-8."""
    return isinstance(value, str) and REPLACEMENT_CHARACTER in value


def undecodable_fields(fields: Mapping[str, Iterable[object]]) -> list[str]:
    """The names, in order, of the fields whose name or any value is not UTF-8 text."""
    return [
        name
        for name, values in fields.items()
        if undecodable(name) or any(undecodable(value) for value in values)
    ]
