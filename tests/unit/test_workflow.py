import pytest

from civic311.core.errors import InvalidTransition
from civic311.service_requests import workflow
from civic311.service_requests.workflow import Status


def test_open_and_closed_statuses_split_the_set():
    assert set(Status) == workflow.OPEN_STATUSES | workflow.CLOSED_STATUSES
    assert not workflow.OPEN_STATUSES & workflow.CLOSED_STATUSES
    assert workflow.georeport_status("in_progress") == "open"
    assert workflow.georeport_status("fixed") == "closed"
    assert workflow.georeport_status("duplicate") == "closed"


@pytest.mark.parametrize(
    "new",
    [
        "investigating",
        "action_scheduled",
        "in_progress",
        "fixed",
        "not_councils_responsibility",
        "no_further_action",
        "cancelled",
    ],
)
def test_an_open_request_can_move_anywhere_but_duplicate(new):
    workflow.check_change("open", new)


def test_duplicate_needs_a_parent_so_change_status_refuses_it():
    with pytest.raises(InvalidTransition, match="duplicate"):
        workflow.check_change("open", "duplicate")


@pytest.mark.parametrize("closed", sorted(workflow.CLOSED_STATUSES))
def test_a_closed_request_must_be_reopened_first(closed):
    with pytest.raises(InvalidTransition, match="reopen"):
        workflow.check_change(closed, "in_progress")
    workflow.check_reopen(closed)


def test_same_status_and_unknown_status_are_refused():
    with pytest.raises(InvalidTransition):
        workflow.check_change("investigating", "investigating")
    with pytest.raises(InvalidTransition):
        workflow.check_change("open", "teleported")


def test_open_requests_cannot_be_reopened():
    with pytest.raises(InvalidTransition):
        workflow.check_reopen("in_progress")


def test_allowed_changes_lists_what_check_change_accepts():
    for status in Status:
        for new in Status:
            allowed = new in workflow.allowed_changes(status)
            try:
                workflow.check_change(status, new)
                accepted = True
            except InvalidTransition:
                accepted = False
            assert allowed == accepted, (status, new)


def test_maps_colour_a_pin_new_in_progress_or_closed():
    groups = {status: workflow.map_group(status) for status in Status}
    assert groups[Status.OPEN] == groups[Status.INVESTIGATING] == "new"
    assert groups[Status.ACTION_SCHEDULED] == groups[Status.IN_PROGRESS] == "progress"
    assert {groups[s] for s in workflow.CLOSED_STATUSES} == {"closed"}
    assert set(groups.values()) == set(workflow.MAP_GROUPS)
