"""Schemathesis against the SIP part of the OpenAPI document: no 5xx, answers as documented.

Requests come from a nurse of the initiating organisation of one SIP (id 1 in a fresh test
database), so the generated ids hit both an existing, visible SIP and missing ones. The
setup mirrors tests/api/test_schema_fuzz.py.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from samverkan.accounts.services import create_token
from samverkan.sip import services

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = 8


@pytest.fixture
def wsgi_in_test_transaction(db):
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(staff, person, wsgi_in_test_transaction) -> dict[str, str]:
    services.start_sip(staff.ost, person)
    _, plain = create_token(staff.ost, "schemathesis")
    return {"Authorization": f"Bearer {plain}"}


def _load_schema():
    from samverkan.config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/openapi.json", application).include(
        path_regex=r"^/api/sips"
    )


schema = _load_schema()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_sip_api_conforms_to_its_schema(case, bearer):
    # Schema-valid plans, consents and invitations are still refused by the agreements'
    # rules and the SIP's state (400/409/422): that is the API's job, not a schema gap.
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
