"""Requests filed through the API sandbox never reach the back office (issue 13, item 7).

The README promises developers a sandbox whose test requests staff never see: no lookup,
queue, count or staff page shows one, and no staff action can change one.
"""

import pytest

from civic311.open311 import services as api_services
from civic311.service_requests import workflow
from civic311.service_requests.models import ServiceRequest
from civic311.service_requests.services import Requester
from tests.support.staff import file_pothole, logged_in, make_staff

pytestmark = pytest.mark.django_db

SANDBOX = "/open311/sandbox/v2/"
FILER = "sandbox.filer@example.org"


@pytest.fixture
def sandbox_request(client, pothole) -> ServiceRequest:
    """A pothole an app developer filed through the sandbox, with their own email."""
    key = api_services.create_client(name="Sandbox App", sandbox=True)[1]
    response = client.post(
        f"{SANDBOX}requests.json",
        {
            "api_key": key,
            "service_code": pothole.service_code,
            "lat": "41.8837",
            "long": "-87.6321",
            "address_string": "121 N LaSalle St",
            "attribute[WHEREIST]": "CURB",
            "email": FILER,
            "phone": "312-555-0199",
        },
    )
    assert response.status_code == 200, response.content
    token = response.json()[0]["token"]
    request = ServiceRequest.objects.get(token=token)
    assert request.is_test
    return request


@pytest.fixture
def administrator(client, chicago):
    """The test client logged in as an administrator, who may see and change anything."""
    return logged_in(client, make_staff("admin1", "administrator"))


def test_staff_lookup_finds_no_sandbox_request_by_number_contact_or_address(
    administrator, sandbox_request, pothole
):
    city = file_pothole(pothole, requester=Requester(email=FILER))
    for by, typed in (
        ("number", sandbox_request.tracking_number),
        ("contact", FILER),
        ("contact", "312-555-0199"),
        ("address", "121 N LaSalle St"),
    ):
        text = administrator.get("/staff/lookup/", {"by": by, "q": typed}).content.decode()
        # The typed number stays in the search box; no result links to the request.
        assert f"/staff/requests/{sandbox_request.tracking_number}/" not in text, (by, typed)
        assert "312-555-0199" not in text or typed == "312-555-0199"
    text = administrator.get("/staff/lookup/", {"by": "contact", "q": FILER}).content.decode()
    assert city.tracking_number in text, "the city's own request is still found"


def test_the_staff_page_of_a_sandbox_request_is_not_found(administrator, sandbox_request):
    response = administrator.get(f"/staff/requests/{sandbox_request.tracking_number}/")
    assert response.status_code == 404
    assert FILER not in response.content.decode()


def test_no_staff_action_changes_a_sandbox_request(administrator, sandbox_request):
    number = sandbox_request.tracking_number
    events = sandbox_request.events.count()
    actions = {
        "status": {"status": "fixed", "public_note": "Done."},
        "note": {"text": "A note.", "public": "on"},
        "transfer": {"to_department": "WM", "reason": "Sewer."},
        "assign": {"to_user": ""},
        "reopen": {"reason": "Back."},
        "duplicate": {"parent": number},
    }
    for action, form in actions.items():
        response = administrator.post(f"/staff/requests/{number}/{action}/", form)
        assert response.status_code == 404, action
    bulk = administrator.post(
        "/staff/queues/bulk/", {"selected": [number], "action": "status", "status": "fixed"}
    )
    assert bulk.status_code in (302, 303)
    sandbox_request.refresh_from_db()
    assert sandbox_request.status == workflow.Status.OPEN
    assert sandbox_request.events.count() == events, "nothing added to its timeline"


def test_queues_and_counts_leave_sandbox_requests_out(administrator, sandbox_request, pothole):
    department = sandbox_request.department.code
    queue = administrator.get(f"/staff/queues/department/{department}/").content.decode()
    assert sandbox_request.tracking_number not in queue
    ward = sandbox_request.ward.number
    queue = administrator.get(f"/staff/queues/ward/{ward}/").content.decode()
    assert sandbox_request.tracking_number not in queue
    home = administrator.get("/staff/").content.decode()
    assert sandbox_request.tracking_number not in home


def test_the_admin_shows_no_sandbox_request(administrator, sandbox_request, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root")
    administrator.force_login(superuser)
    listing = administrator.get("/admin/service_requests/servicerequest/").content.decode()
    assert sandbox_request.tracking_number not in listing
    page = administrator.get(
        f"/admin/service_requests/servicerequest/{sandbox_request.pk}/change/", follow=True
    )
    assert FILER not in page.content.decode()
