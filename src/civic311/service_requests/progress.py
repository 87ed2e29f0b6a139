"""How far a request has really come: the steps it passed, the ones it skipped, its ending.

The tracker's bar used to be drawn from the current status alone, so a request
closed as not the city's responsibility showed "Work scheduled" and "In progress"
ticked. Here the steps come from the statuses the request's history actually
went through. Pure: the caller passes that history in; no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civic311.service_requests.workflow import Status, is_open

if TYPE_CHECKING:
    from civic311.service_requests.models import ServiceRequest


class State(StrEnum):
    """Where one step stands: passed, passed over, where the request is now, or ahead."""

    DONE = "done"
    SKIPPED = "skipped"
    CURRENT = "current"
    TODO = "todo"


class WorkStep(NamedTuple):
    """A step on the way to a fix, and the open status that means a request is at it."""

    key: str
    status: Status
    label: object  # lazily translated


WORK_STEPS = (
    WorkStep("received", Status.OPEN, gettext_lazy("Received")),
    WorkStep("reviewed", Status.INVESTIGATING, gettext_lazy("Reviewed")),
    WorkStep("scheduled", Status.ACTION_SCHEDULED, gettext_lazy("Work scheduled")),
    WorkStep("in_progress", Status.IN_PROGRESS, gettext_lazy("In progress")),
)
COMPLETED = gettext_lazy("Completed")
STEP_COUNT = len(WORK_STEPS) + 1  # the work steps and the ending

_ENDINGS = {
    Status.NOT_COUNCILS_RESPONSIBILITY: gettext_lazy("Closed: not the city's responsibility"),
    Status.NO_FURTHER_ACTION: gettext_lazy("Closed: no further action"),
    Status.CANCELLED: gettext_lazy("Closed: cancelled"),
}


@dataclass(frozen=True)
class Step:
    """One step of the bar: what it is called, and where the request stands on it."""

    key: str
    label: str
    state: State


@dataclass(frozen=True)
class Progress:
    """The steps to show, how full the bar is, and the outcome when it is not a fix."""

    steps: tuple[Step, ...]
    percent: int
    outcome: str  # "open", "fixed", or the closing status (duplicate, not the city's …)
    duplicate_of: str = ""

    @property
    def skipped(self) -> list[str]:
        """The labels of the steps the request went straight past."""
        return [step.label for step in self.steps if step.state == State.SKIPPED]


def progress(history: Iterable[str], status: str, *, duplicate_of: str = "") -> Progress:
    """The bar for a request now in `status` whose events went through `history`'s statuses."""
    # Every request was received, whatever its first recorded event says (imports start closed).
    passed = {Status.OPEN, *history, status}
    if is_open(status):
        return _open(passed, Status(status))
    if status == Status.FIXED:
        steps = _passed_steps(passed, len(WORK_STEPS))
        ending = Step("completed", str(COMPLETED), State.DONE)
        return Progress(steps=(*steps, ending), percent=100, outcome=Status.FIXED)
    reached = max(i for i, step in enumerate(WORK_STEPS) if step.status in passed)
    steps = _passed_steps(passed, reached + 1)
    ending = Step(str(status), ending_words(status, duplicate_of), State.DONE)
    return Progress(
        steps=(*steps, ending), percent=100, outcome=str(status), duplicate_of=duplicate_of
    )


def of_request(request: ServiceRequest, history: Iterable[str]) -> Progress:
    """The bar of `request`, whose events went through `history`'s statuses."""
    parent = request.duplicate_of
    number = parent.tracking_number if parent is not None else ""
    return progress(history, request.status, duplicate_of=number)


def ending_words(status: str, duplicate_of: str = "") -> str:
    """How a request that was not fixed ended, in words ("Closed: duplicate of 26-00000123")."""
    if status == Status.DUPLICATE:
        return _("Closed: duplicate of %(number)s") % {"number": duplicate_of or "?"}
    return str(_ENDINGS[Status(status)])


def summary(bar: Progress) -> str:
    """One sentence for screen readers and emails: where the request is, and what it skipped."""
    if bar.outcome == "open":
        current = next(i for i, step in enumerate(bar.steps) if step.state == State.CURRENT)
        words = _("Step %(step)s of %(count)s: %(label)s.") % {
            "step": current + 1,
            "count": STEP_COUNT,
            "label": bar.steps[current].label,
        }
    else:
        words = bar.steps[-1].label + "."
    if bar.skipped:
        words += " " + _("Skipped: %(steps)s.") % {"steps": ", ".join(bar.skipped)}
    return words


def _open(passed: set[str], status: Status) -> Progress:
    current = next(i for i, step in enumerate(WORK_STEPS) if step.status == status)
    here = WORK_STEPS[current]
    steps = [*_passed_steps(passed, current), Step(here.key, str(here.label), State.CURRENT)]
    steps += [Step(step.key, str(step.label), State.TODO) for step in WORK_STEPS[current + 1 :]]
    steps.append(Step("completed", str(COMPLETED), State.TODO))
    percent = round(100 * current / (STEP_COUNT - 1))
    return Progress(steps=tuple(steps), percent=percent, outcome="open")


def _passed_steps(passed: set[str], count: int) -> tuple[Step, ...]:
    """The first `count` work steps, each done if the history went through it, else skipped."""
    return tuple(
        Step(step.key, str(step.label), State.DONE if step.status in passed else State.SKIPPED)
        for step in WORK_STEPS[:count]
    )
