"""API keys: made by `civic311 apikey` or the admin, stored hashed, revocable."""

import hashlib
import io
import re

import pytest
from django.core.management import CommandError, call_command

from civic311.open311.models import ApiClient
from tests.api.conftest import vehicle_form

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("apikey", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_apikey_create_prints_a_key_that_works_and_stores_only_its_hash(client, chicago):
    key, note = run("create", "Chicago Works", "--email", "dev@example.org")
    assert re.fullmatch(r"live_[A-Za-z0-9_-]{32}", key)
    assert "shown only now" in note
    stored = ApiClient.objects.get()
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert stored.key_prefix == key[:12] and not stored.is_sandbox
    assert client.post(URL, vehicle_form(key)).status_code == 200


def test_apikey_create_sandbox_makes_a_sandbox_key(client, chicago):
    key, _ = run("create", "Tester", "--sandbox")
    assert key.startswith("sandbox_")
    assert client.post("/open311/sandbox/v2/requests.json", vehicle_form(key)).status_code == 200


def test_apikey_list_and_revoke(client, chicago):
    key, _ = run("create", "Old App")
    listing, _ = run("list")
    assert key[:12] in listing and "Old App" in listing and "active" in listing
    done, _ = run("revoke", key[:12])
    assert "Revoked the key of Old App" in done
    assert client.post(URL, vehicle_form(key)).status_code == 403
    assert "revoked" in run("list")[0]
    with pytest.raises(CommandError, match="no key"):
        run("revoke", "live_nothing")


def test_apikey_create_needs_a_name():
    with pytest.raises(CommandError, match="name required"):
        run("create", "   ")


def test_the_admin_registers_a_client_and_shows_the_key_once(admin_client, client, chicago):
    response = admin_client.post(
        "/admin/open311/apiclient/add/",
        {"name": "Ward 44 App", "contact_email": "ward44@example.org", "is_sandbox": ""},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r"(live_[A-Za-z0-9_-]{32})", page).group(1)
    assert "never shown again" in page
    stored = ApiClient.objects.get(name="Ward 44 App")
    assert (
        key
        not in admin_client.get(f"/admin/open311/apiclient/{stored.pk}/change/").content.decode()
    )
    assert client.post(URL, vehicle_form(key)).status_code == 200


def test_the_admin_revokes_keys(admin_client, client, chicago):
    key, _ = run("create", "To Revoke")
    stored = ApiClient.objects.get()
    admin_client.post(
        "/admin/open311/apiclient/",
        {"action": "revoke", "_selected_action": [stored.pk]},
    )
    stored.refresh_from_db()
    assert stored.revoked_at is not None
    assert client.post(URL, vehicle_form(key)).status_code == 403
