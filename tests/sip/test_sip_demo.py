"""The demo SIPs load, twice without duplicates, and follow the plan rules."""

from __future__ import annotations

import pytest

from samverkan.sip import demo, services
from samverkan.sip.models import Sip, SipStatus

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_valid():
    first = demo.load_demo()
    assert first["created"] == 3
    assert demo.load_demo() == {"created": 0, "sips": 3}
    statuses = dict(Sip.objects.values_list("initiated_by_organisation__scb_code", "status"))
    assert statuses == {
        "2380": SipStatus.ACTIVE,
        "2309": SipStatus.INVITED,
        "2180": SipStatus.INVITED,
    }
    gavle = Sip.objects.get(initiated_by_organisation__scb_code="2180")
    assert {e.code for e in services.discharge_errors(gavle)} == {
        "discharge_checklist",
        "risk_analysis",
    }
    krokom = Sip.objects.get(initiated_by_organisation__scb_code="2309")
    assert krokom.participants.filter(organisation__scb_code="2380").exists()
