"""The tracker's progress bar tells only what happened (issue 13, item 8)."""

from __future__ import annotations

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from civic311.service_requests import workflow
from civic311.service_requests.progress import STEP_COUNT, WORK_STEPS, State, progress, summary
from civic311.service_requests.workflow import Status


@pytest.fixture(autouse=True)
def _in_english():
    # Labels are translated when the bar is built; another test may leave Spanish active.
    with translation.override("en"):
        yield


def states(bar) -> list[tuple[str, str]]:
    return [(step.label, step.state.value) for step in bar.steps]


def test_a_request_that_went_through_every_step_shows_them_all_done():
    history = ["open", "investigating", "action_scheduled", "in_progress", "fixed"]
    bar = progress(history, "fixed")
    assert states(bar) == [
        ("Received", "done"),
        ("Reviewed", "done"),
        ("Work scheduled", "done"),
        ("In progress", "done"),
        ("Completed", "done"),
    ]
    assert bar.percent == 100 and summary(bar) == "Completed."


def test_steps_passed_over_on_the_way_to_a_fix_show_as_skipped():
    bar = progress(["open", "in_progress", "fixed"], "fixed")
    assert states(bar) == [
        ("Received", "done"),
        ("Reviewed", "skipped"),
        ("Work scheduled", "skipped"),
        ("In progress", "done"),
        ("Completed", "done"),
    ]
    assert summary(bar) == "Completed. Skipped: Reviewed, Work scheduled."


def test_refused_as_not_the_citys_claims_no_work_and_ends_in_its_own_words():
    bar = progress(["open"], "not_councils_responsibility")
    assert states(bar) == [
        ("Received", "done"),
        ("Closed: not the city's responsibility", "done"),
    ]
    assert summary(bar) == "Closed: not the city's responsibility."


def test_a_duplicate_ends_naming_the_request_it_duplicates():
    bar = progress(["open", "investigating"], "duplicate", duplicate_of="26-00000123")
    assert states(bar) == [
        ("Received", "done"),
        ("Reviewed", "done"),
        ("Closed: duplicate of 26-00000123", "done"),
    ]
    assert bar.outcome == "duplicate" and bar.duplicate_of == "26-00000123"


def test_an_open_request_is_at_its_step_with_skipped_ones_behind_and_the_rest_ahead():
    bar = progress(["open", "action_scheduled"], "action_scheduled")
    assert states(bar) == [
        ("Received", "done"),
        ("Reviewed", "skipped"),
        ("Work scheduled", "current"),
        ("In progress", "todo"),
        ("Completed", "todo"),
    ]
    assert bar.percent == 50
    assert summary(bar) == "Step 3 of 5: Work scheduled. Skipped: Reviewed."


def test_an_imported_request_that_arrived_closed_was_still_received():
    bar = progress(["fixed"], "fixed")
    assert states(bar)[0] == ("Received", "done")
    assert [s for s, state in states(bar)[1:4] if state != "skipped"] == []


def test_a_reopened_request_is_back_at_its_step_with_the_fix_ahead():
    bar = progress(["open", "in_progress", "fixed", "open"], "open")
    assert states(bar)[0] == ("Received", "current")
    assert all(state == "todo" for _label, state in states(bar)[1:])


@given(
    history=st.lists(st.sampled_from(list(Status)), max_size=8),
    status=st.sampled_from(list(Status)),
)
def test_no_step_is_done_that_the_history_never_reached(history, status):
    bar = progress(history, status, duplicate_of="26-00000001")
    passed = {Status.OPEN, *history, status}
    by_key = {step.key: step.status for step in WORK_STEPS}
    for step in bar.steps:
        if step.key in by_key and step.state == State.DONE:
            assert by_key[step.key] in passed, (step, history, status)
    # Only a fix shows "Completed"; every other ending is its own last step.
    done = [step for step in bar.steps if step.state == State.DONE]
    if status == Status.FIXED:
        assert bar.steps[-1].key == "completed"
    elif not workflow.is_open(status):
        assert "completed" not in {step.key for step in bar.steps} and done[-1].key == status
    else:
        assert [step.state for step in bar.steps].count(State.CURRENT) == 1
        assert len(bar.steps) == STEP_COUNT
    assert 0 <= bar.percent <= 100
