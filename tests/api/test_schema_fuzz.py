"""Schemathesis against our own OpenAPI document: no 5xx, and every answer as documented.

The schema is loaded from the Django app in-process (WSGI, no server), so this runs in the
normal suite on SQLite and PostgreSQL. It covers the public library endpoints and the
decisions endpoints, the latter with a bearer token from a fixture. Schemathesis generates
valid and invalid requests from the schema and runs all its checks: no server error, status
code, content type and response body as documented, valid data accepted, invalid data
rejected, authentication not ignored. Bounded by MAX_EXAMPLES per operation and phase.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from samverkan.accounts.services import create_token

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 25
OURS = r"^/api/(agreements|clauses|decisions)"
OPAQUE_BODIES = {"text/csv", "multipart/form-data"}


@schemathesis.serializer("application/x-ndjson")
def _jsonl(ctx, value):  # noqa: ANN001 - schemathesis' serializer signature
    """The schema describes a JSON lines body as an array of Facts: one line per item.

    A value that is not an array (negative testing) has no JSON lines form; it goes as one
    line holding a JSON array, which is no facts object and must be refused."""
    if not isinstance(value, list):
        return (json.dumps([value]) + "\n").encode()
    return "".join(json.dumps(item) + "\n" for item in value).encode()


@schemathesis.deserializer("application/x-ndjson")
def _read_jsonl(ctx, response):  # noqa: ANN001
    return [json.loads(line) for line in response.content.splitlines() if line.strip()]


@pytest.fixture
def wsgi_in_test_transaction(db):
    """Django's WSGI handler closes the connection after each request; inside the test's
    transaction that would break PostgreSQL. Django's own test client does the same."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(make_staff, wsgi_in_test_transaction) -> dict[str, str]:
    from samverkan.accounts.models import Role

    _, plain = create_token(make_staff(Role.NURSE), "schemathesis")
    return {"Authorization": f"Bearer {plain}"}


def _load_schema():
    """Loaded at collection (pytest-django has set Django up by then); fetching the schema needs
    no database. Not `schemathesis.pytest.from_fixture`: its lazy loader fails on pytest 9."""
    from samverkan.config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(path_regex=OURS)


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case, bearer):
    excluded = []
    if case.media_type in OPAQUE_BODIES:
        # "Any CSV text" or "any file" is all JSON Schema can say about these bodies, so a
        # schema-valid one may well be refused (422, 400): that check cannot apply to them.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=bearer, excluded_checks=excluded)
