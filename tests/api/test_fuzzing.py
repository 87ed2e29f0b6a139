"""Schemathesis drives the served OpenAPI document against a live server: whatever it sends,
the API answers without a 5xx and every answer (status, content type, headers, body) is one
the document describes. Deterministic (derandomized) so a CI failure reproduces.

Schemathesis' own pytest plugin does not run under pytest 9 (it sets a private node
attribute that pytest removed), so each operation's Hypothesis strategy is driven here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from civic311.core import clock
from civic311.open311 import services as api_services
from tests.api.conftest import file_at
from tests.conftest import ABANDONED_VEHICLE

pytestmark = pytest.mark.django_db(transaction=True)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Per operation and mode. Production: 18 operations × (60 valid + 30 invalid) ≈ 1,600 cases;
# the sandbox: 20 operations × 25 valid ≈ 500; about 2,100 in all.
EXAMPLES = {
    ("production", GenerationMode.POSITIVE): 60,
    ("production", GenerationMode.NEGATIVE): 30,
    ("sandbox", GenerationMode.POSITIVE): 25,
}


@pytest.fixture
def live_api(live_server, chicago, settings):
    """A live server with a few real requests, both kinds of key, and no POST limit."""
    from civic311.catalog.models import Service

    settings.CIVIC311 = dataclasses.replace(settings.CIVIC311, api_rate_limit_per_minute=10**6)
    vehicle = Service.objects.get(service_code=ABANDONED_VEHICLE)
    for days in (1, 5, 20):
        file_at(clock.now() - dt.timedelta(days=days), vehicle)
    file_at(clock.now() - dt.timedelta(days=2), vehicle, is_test=True)
    return {
        "production": (
            f"{live_server.url}/open311/v2/openapi.json",
            api_services.create_client(name="Fuzzer")[1],
        ),
        "sandbox": (
            f"{live_server.url}/open311/sandbox/v2/openapi.json",
            api_services.create_client(name="Sandbox fuzzer", sandbox=True)[1],
        ),
    }


@pytest.mark.parametrize(("document", "mode"), list(EXAMPLES), ids=lambda v: str(v).lower())
def test_fuzzing_finds_no_server_error_and_no_answer_the_document_does_not_describe(
    live_api, document, mode
):
    url, key = live_api[document]
    schema = schemathesis.openapi.from_url(url)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:
        try:
            _fuzz(operation, mode, key, EXAMPLES[(document, mode)])
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, then all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)


def _fuzz(operation, mode: GenerationMode, key: str, examples: int) -> None:
    if not (operation.path_parameters or operation.query or operation.body):
        # Nothing to vary (discovery): Hypothesis would refuse to run a single input.
        operation.Case().call_and_validate(checks=CHECKS, timeout=30)
        return

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        if case.method == "POST":
            # The key where the security scheme says (the query); some bodies carry their own.
            case.query = {**(case.query or {}), "api_key": key}
        case.call_and_validate(checks=CHECKS, timeout=30)

    run()
