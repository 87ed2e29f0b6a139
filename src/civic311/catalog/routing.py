"""Pick the department that gets a request: a rule for its ward first, else the service's rule."""

from __future__ import annotations

from collections.abc import Iterable


def choose_department(
    rules: Iterable[tuple[int | None, int]], ward: int | None, default: int
) -> int:
    """The department id for a request in `ward`, from (ward or None, department id) rules."""
    any_ward = None
    for rule_ward, department in rules:
        if rule_ward is not None and rule_ward == ward:
            return department
        if rule_ward is None:
            any_ward = department
    return any_ward if any_ward is not None else default
