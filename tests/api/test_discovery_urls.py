"""Discovery's endpoint URLs work the way clients use them (issue 13, item 10).

Clients build a method's address by appending `/services.xml` to an endpoint's
`url`; with a trailing slash on `url` that became `…/v2//services.xml`, a 404.
"""

from urllib.parse import urlsplit

import pytest

from tests.api.conftest import xml_of
from tests.conftest import POTHOLE

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    return urlsplit(url).path


def test_every_endpoint_url_ends_without_a_slash_in_json_and_xml(client):
    json_urls = [e["url"] for e in client.get("/open311/discovery.json").json()["endpoints"]]
    xml_root = xml_of(client.get("/open311/discovery.xml"))
    xml_urls = [e.findtext("url") for e in xml_root.findall("endpoints/endpoint")]
    assert [_path(u) for u in json_urls] == ["/open311/v2", "/open311/sandbox/v2"]
    assert xml_urls == json_urls


@pytest.mark.parametrize("method", ["services.xml", "services.json", "requests.json"])
def test_a_client_that_appends_the_method_to_the_url_reaches_it(client, chicago, method):
    for endpoint in client.get("/open311/discovery.json").json()["endpoints"]:
        response = client.get(f"{_path(endpoint['url'])}/{method}")
        assert response.status_code == 200, (endpoint["type"], response.content[:200])


def test_a_doubled_slash_is_answered_as_the_single_one(client, chicago):
    single = client.get("/open311/v2/services.json")
    doubled = client.get("/open311/v2//services.json")
    assert doubled.status_code == 200
    assert doubled.json() == single.json()
    assert client.get(f"/open311//sandbox/v2///services/{POTHOLE}.xml").status_code == 200


def test_the_sandbox_key_names_an_endpoint_clients_can_append_to(client, chicago):
    answer = client.post("/open311/sandbox/v2/keys.json", {"name": "My App"}).json()[0]
    assert _path(answer["endpoint"]) == "/open311/sandbox/v2"
    listing = client.get(f"{_path(answer['endpoint'])}/services.json")
    assert listing.status_code == 200 and listing.json()
