"""The pure permission rules: who may do what to which request."""

import pytest

from civic311.accounts.permissions import Action, Scope, Target, allows, check
from civic311.core.errors import PermissionDenied

CDOT, WATER = 1, 2
operator = Scope(role="operator", name="Olivia")
ward42 = Scope(role="ward_office", ward=42, name="Walter")
cdot = Scope(role="department", departments=frozenset({CDOT}), name="Carla")
supervisor = Scope(role="supervisor", departments=frozenset({CDOT, WATER}), name="Sam")
admin = Scope(role="administrator")
nobody = Scope(name="Nora")
in_cdot_ward42 = Target(department=CDOT, ward=42)
in_water_ward44 = Target(department=WATER, ward=44)


def test_department_staff_act_only_on_their_departments_requests():
    for action in (
        Action.CHANGE_STATUS,
        Action.TRANSFER,
        Action.MARK_DUPLICATE,
        Action.PUBLIC_NOTE,
    ):
        assert allows(cdot, action, in_cdot_ward42)
        assert not allows(cdot, action, in_water_ward44)
    assert not allows(cdot, Action.REOPEN, in_cdot_ward42)
    assert not allows(cdot, Action.ASSIGN, in_cdot_ward42)


def test_supervisors_also_assign_and_reopen_in_all_their_departments():
    for target in (in_cdot_ward42, in_water_ward44):
        assert allows(supervisor, Action.ASSIGN, target)
        assert allows(supervisor, Action.REOPEN, target)
    assert not allows(supervisor, Action.ASSIGN, Target(department=3, ward=1))
    assert allows(supervisor, Action.SEE_STATUS_CALLS)
    assert not allows(cdot, Action.SEE_STATUS_CALLS)


def test_operators_file_and_look_up_anything_but_do_not_work_requests():
    assert allows(operator, Action.FILE) and allows(operator, Action.LOOKUP)
    assert allows(operator, Action.VIEW, in_water_ward44)
    assert allows(operator, Action.ADD_REPORT, in_water_ward44)
    assert allows(operator, Action.INTERNAL_NOTE, in_water_ward44)
    assert not allows(operator, Action.CHANGE_STATUS, in_water_ward44)
    assert not allows(operator, Action.PUBLIC_NOTE, in_water_ward44)


def test_ward_offices_see_only_their_ward():
    assert allows(ward42, Action.VIEW, in_cdot_ward42)
    assert allows(ward42, Action.QUEUE, Target(ward=42))
    assert not allows(ward42, Action.VIEW, in_water_ward44)
    assert not allows(ward42, Action.QUEUE, Target(ward=44))
    assert not allows(ward42, Action.CHANGE_STATUS, in_cdot_ward42)
    assert allows(ward42, Action.FILE)


def test_administrators_may_do_everything_and_no_role_nothing():
    assert allows(admin, Action.REOPEN, in_water_ward44)
    assert not allows(nobody, Action.VIEW, in_cdot_ward42)
    assert not allows(nobody, Action.FILE)


def test_refusals_say_why():
    with pytest.raises(PermissionDenied, match="not in your department"):
        check(cdot, Action.CHANGE_STATUS, in_water_ward44)
    with pytest.raises(PermissionDenied, match="not in ward 42"):
        check(ward42, Action.VIEW, in_water_ward44)
    with pytest.raises(PermissionDenied, match="no back-office role"):
        check(nobody, Action.FILE)
    with pytest.raises(PermissionDenied, match="as department"):
        check(cdot, Action.REOPEN, in_cdot_ward42)


def test_staff_correct_the_location_of_requests_in_their_scope_only():
    assert allows(operator, Action.CORRECT_LOCATION, in_water_ward44)  # callers city-wide
    assert allows(ward42, Action.CORRECT_LOCATION, in_cdot_ward42)
    assert not allows(ward42, Action.CORRECT_LOCATION, in_water_ward44)
    assert allows(cdot, Action.CORRECT_LOCATION, in_cdot_ward42)
    assert not allows(cdot, Action.CORRECT_LOCATION, in_water_ward44)
    assert allows(supervisor, Action.CORRECT_LOCATION, in_water_ward44)
    assert not allows(nobody, Action.CORRECT_LOCATION, in_cdot_ward42)
    with pytest.raises(PermissionDenied, match="may not correct the location of this request"):
        check(cdot, Action.CORRECT_LOCATION, in_water_ward44)
