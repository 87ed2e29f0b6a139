"""Random parameters never make the API fail: every answer is a 200 or a GeoReport 4xx."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

NAMES = [
    "service_request_id",
    "service_code",
    "status",
    "start_date",
    "end_date",
    "updated_after",
    "updated_before",
    "page",
    "page_size",
    "extensions",
    "jurisdiction_id",
    "callback",
]
VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "open", "closed", "true", "2026-05-01T10:00:00 05:00"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.datetimes().map(lambda d: d.isoformat()),
)
QUERIES = st.dictionaries(st.sampled_from(NAMES), st.lists(VALUES, min_size=1, max_size=3))
PATHS = st.sampled_from(
    [
        "/open311/v2/requests.json",
        "/open311/v2/requests.xml",
        "/open311/v2/servicerequestupdates.json",
        "/open311/sandbox/v2/requests.xml",
        "/open311/v2/services.json",
    ]
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=PATHS, query=QUERIES)
def test_random_queries_get_an_answer_not_a_failure(client, chicago, path, query):
    response = client.get(path, query)
    assert response.status_code in {200, 400, 404}, (query, response.content[:300])
    assert b"<html" not in response.content[:200].lower()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    segment=st.text(
        st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#"),
        min_size=1,
        max_size=40,
    ),
    kind=st.sampled_from(["services", "requests", "tokens"]),
    fmt=st.sampled_from(["json", "xml"]),
)
def test_random_path_segments_get_an_answer(client, chicago, segment, kind, fmt):
    from urllib.parse import quote

    response = client.get(f"/open311/v2/{kind}/{quote(segment)}.{fmt}")
    assert response.status_code in {200, 404}, (segment, response.content[:300])


FIELDS = [
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "email",
    "first_name",
    "phone",
    "device_id",
    "media_url",
    "attribute[HOWMANYD]",
    "attribute[FQSKA3]",
    "attribute[WHEREIST][]",
    "jurisdiction_id",
    "client_request_id",
]
FORMS = st.dictionaries(st.sampled_from(FIELDS), st.lists(VALUES, min_size=1, max_size=2))


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(form=FORMS, code=st.sampled_from(["4ffa4c69601827691b000018", "4fd3b656e750846c53000004"]))
def test_random_posts_are_filed_or_refused_never_failed(client, chicago, api_key, form, code):
    body = {"service_code": code, "lat": "41.8837", "long": "-87.6325", **form, "api_key": api_key}
    response = client.post("/open311/v2/requests.json", body, REMOTE_ADDR="203.0.113.99")
    assert response.status_code in {200, 400, 404, 429}, (form, response.content[:300])
    if response.status_code != 200:
        assert all({"code", "description"} == set(e) for e in response.json())
