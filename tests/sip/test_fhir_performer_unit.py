"""Issue 12: a CarePlan activity names its performer by reference; where the performing unit
has an HSA-id (an Organization of its own) the reference is the unit, and an organisation's
own HSA-id (accounts.Organisation.hsa_id) is exported as its PRN identifier."""

from __future__ import annotations

import json
from typing import Any

import pytest

from samverkan.people import fhir
from samverkan.sip.outputs import fhir_bundle

pytestmark = pytest.mark.django_db

UNIT_HSA = "SE2321000214-E000000000007"  # invented, in the HSA-id form
ORG_HSA = "SE2321000214-E000000000001"


def _entries(sip) -> list[dict[str, Any]]:
    return json.loads(fhir.to_json(fhir_bundle(sip)))["entry"]


def test_the_activity_performer_is_the_unit_with_an_hsa_id(shared_sip, units, orgs) -> None:
    units.jh_hc.hsa_id = UNIT_HSA
    units.jh_hc.save(update_fields=["hsa_id"])
    orgs.region_jh.hsa_id = ORG_HSA
    orgs.region_jh.save(update_fields=["hsa_id"])
    entries = _entries(shared_sip)
    by_url = {e["fullUrl"]: e["resource"] for e in entries}
    [plan] = [r for r in by_url.values() if r["resourceType"] == "CarePlan"]
    performers = {
        a["detail"]["description"]: a["detail"]["performer"][0]["reference"]
        for a in plan["activity"]
    }
    unit = by_url[performers["Läkemedelsgenomgång"]]
    assert unit["name"] == "Hälsocentral Centrum"
    assert any(
        i["system"] == fhir.HSA_ID_SYSTEM and i["value"] == UNIT_HSA for i in unit["identifier"]
    )
    # a unit without an HSA-id: the organisation performs
    other = by_url[performers["Hemtjänst vid dusch två gånger i veckan"]]
    assert other["name"] == "Östersunds kommun"
    [region] = [r for r in by_url.values() if r.get("name") == "Region Jämtland Härjedalen"]
    assert any(
        i["system"] == fhir.HSA_ID_SYSTEM and i["value"] == ORG_HSA for i in region["identifier"]
    )
