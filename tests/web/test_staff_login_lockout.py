"""Staff logins resist guessing: locked out per user and per address, with a cool-off; logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.db.models import F

from tests.support.staff import PASSWORD, make_staff

pytestmark = pytest.mark.django_db

STAFF_LOGIN = "/staff/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    """Every guess hashes a password; the default hasher would make these tests slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def try_login(client, username, password, url=STAFF_LOGIN, address="203.0.113.7"):
    return client.post(
        url, {"username": username, "password": password, "next": "/staff/"}, REMOTE_ADDR=address
    )


def logged_in_as(client) -> str | None:
    from django.contrib.auth import get_user

    user = get_user(client)
    return user.get_username() if user.is_authenticated else None


def after_the_cool_off():
    """Age every recorded failure past the cool-off, as if that much time had gone by."""
    aged = django_settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - aged)


@pytest.mark.parametrize("url", [STAFF_LOGIN, ADMIN_LOGIN])
def test_n_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off(client, chicago, url):
    staff = make_staff("cdot", "department", departments=("cdot",))
    staff.is_staff = True  # may use the admin too
    staff.save(update_fields=["is_staff"])
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        assert try_login(client, "cdot", f"guess-{attempt}", url).status_code == 200
    locked = try_login(client, "cdot", "guess-last", url)
    assert locked.status_code == 429
    refused = try_login(client, "cdot", PASSWORD, url)
    assert refused.status_code == 429 and logged_in_as(client) is None
    page = refused.content.decode()
    assert "Logging in is paused" in page and "Try again after" in page
    assert "even the right password is refused" in page
    assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60
    after_the_cool_off()
    works = try_login(client, "cdot", PASSWORD, url)
    assert works.status_code == 302 and logged_in_as(client) == "cdot"


def test_a_locked_user_name_is_locked_from_every_address(client, chicago):
    make_staff("cdot", "department", departments=("cdot",))
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        try_login(client, "cdot", f"guess-{attempt}", address="203.0.113.7")
    elsewhere = try_login(client, "cdot", PASSWORD, address="198.51.100.20")
    assert elsewhere.status_code == 429 and logged_in_as(client) is None


def test_an_address_guessing_many_user_names_is_locked_out_for_all_of_them(client, chicago):
    make_staff("operator", "operator")
    for attempt in range(django_settings.AXES_FAILURE_LIMIT):
        try_login(client, f"someone{attempt}", "password1", address="203.0.113.9")
    from_there = try_login(client, "operator", PASSWORD, address="203.0.113.9")
    assert from_there.status_code == 429 and logged_in_as(client) is None
    from_the_office = try_login(client, "operator", PASSWORD, address="198.51.100.20")
    assert from_the_office.status_code == 302 and logged_in_as(client) == "operator"


def test_a_right_password_before_the_limit_starts_the_count_again(client, chicago):
    make_staff("cdot", "department", departments=("cdot",))
    limit = django_settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        try_login(client, "cdot", f"guess-{attempt}")
    assert try_login(client, "cdot", PASSWORD).status_code == 302
    client.post("/staff/logout/")
    for attempt in range(limit - 1):
        assert try_login(client, "cdot", f"typo-{attempt}").status_code == 200
    assert try_login(client, "cdot", PASSWORD).status_code == 302


def test_the_limit_and_cool_off_are_settings(client, chicago, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    make_staff("cdot", "department", departments=("cdot",))
    try_login(client, "cdot", "one")
    assert try_login(client, "cdot", "two").status_code == 429
    refused = try_login(client, "cdot", PASSWORD)
    assert refused.status_code == 429 and int(refused["Retry-After"]) <= 60


def test_staff_logins_and_failures_are_logged_without_the_password(client, chicago, caplog):
    make_staff("cdot", "department", departments=("cdot",))
    with caplog.at_level(logging.INFO, logger="civic311.logins"):
        try_login(client, "cdot", "hunter2-guess")
        try_login(client, "cdot", PASSWORD)
    lines = [r.getMessage() for r in caplog.records if r.name == "civic311.logins"]
    assert lines == [
        "staff login failed: cdot from 203.0.113.7 at /staff/login/",
        "staff login: cdot from 203.0.113.7 at /staff/login/",
    ]
    assert "hunter2" not in caplog.text
