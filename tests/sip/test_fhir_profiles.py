"""Issue 12: the SIP's FHIR export is FHIR 4.0.1 on HL7 Sweden's base profiles, and its
references resolve inside the Bundle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from samverkan.people import fhir
from samverkan.sip import services
from samverkan.sip.models import Sip, SipStatus
from samverkan.sip.outputs import canonical_base, fhir_bundle

pytestmark = pytest.mark.django_db

BASE = "https://fhir.region.test/samverkan"
# From ../shared/reference/organisations.csv; Krokom's is not found there: none exported.
ORG_NUMBERS = {"23": "232100-0214", "2380": "212000-2528"}


HSA_ID = "SE2120002528-E000000000042"  # invented, in the HSA-id form


@pytest.fixture
def exported(shared_sip, staff, orgs, units) -> dict[str, Any]:
    units.krokom_social.hsa_id = HSA_ID
    units.krokom_social.save(update_fields=["hsa_id"])
    for org in (orgs.region_jh, orgs.ostersund):
        org.org_number = ORG_NUMBERS[org.scb_code]
        org.save(update_fields=["org_number"])
    services.respond(staff.krokom, shared_sip.participants.get(), accept=True)
    with override_settings(SAMVERKAN_FHIR_CANONICAL_BASE=BASE):
        return json.loads(fhir.to_json(fhir_bundle(shared_sip)))


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from _references(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value)


def _fixed_identifier(resource: dict[str, Any], system: str, code: str) -> list[str]:
    """The values of the identifiers of `system`; each must carry the profile's fixed type."""
    found = [i for i in resource.get("identifier", []) if i.get("system") == system]
    for identifier in found:
        assert identifier["type"] == {"coding": [{"system": fhir.V2_0203, "code": code}]}
    return [i["value"] for i in found]


def test_every_exported_resource_conforms_to_401_and_the_base_profiles(exported):
    _assert_conforms(exported)


def _assert_conforms(
    exported: dict[str, Any], numbers_by_name: dict[str, str] | None = None
) -> None:
    """Bundle and resources conform; an Organization carries the organisationsnummer known
    for its SCB code (ORG_NUMBERS) or its name (`numbers_by_name`), and no other."""
    fhir.parse_resource(exported)  # the Bundle as a whole
    full_urls = [e["fullUrl"] for e in exported["entry"]]
    assert all(u.startswith("urn:uuid:") for u in full_urls) and len(set(full_urls)) == len(
        full_urls
    )
    for entry in exported["entry"]:
        resource = entry["resource"]
        fhir.parse_resource(resource)  # each resource against its 4.0.1 structure
        assert resource["text"]["status"] == "generated"
        kind = resource["resourceType"]
        if kind == "Patient":
            assert resource["meta"]["profile"] == [fhir.SE_BASE_PATIENT]
        if kind == "Organization":
            assert resource["meta"]["profile"] == [fhir.SE_BASE_ORGANIZATION]
            known = (numbers_by_name or {}).get(resource["name"]) or ORG_NUMBERS.get(
                resource.get("address", [{}])[0].get("district", "")
            )
            assert _fixed_identifier(resource, fhir.ORG_NUMBER_SYSTEM, "XX") == (
                [known] if known else []
            )
            assert len(_fixed_identifier(resource, fhir.HSA_ID_SYSTEM, "PRN")) <= 1
        # Every reference resolves to an entry (or to a contained resource).
        for ref in _references(resource):
            assert ref.startswith("#") or ref in full_urls, ref
        # Samverkan's extensions live under the configured base.
        for url in _references_of_extensions(resource):
            assert url.startswith(BASE + "/") or url.startswith("http://hl7.org/fhir/"), url


def test_a_unit_with_an_hsa_id_is_an_organization_part_of_its_organisation(exported):
    organizations = {
        e["fullUrl"]: e["resource"]
        for e in exported["entry"]
        if e["resource"]["resourceType"] == "Organization"
    }
    [unit] = [o for o in organizations.values() if o["name"] == "Biståndsenheten"]
    assert _fixed_identifier(unit, fhir.HSA_ID_SYSTEM, "PRN") == [HSA_ID]
    assert organizations[unit["partOf"]["reference"]]["name"] == "Krokoms kommun"


def test_a_private_provider_is_part_of_its_huvudman_in_the_bundle(
    shared_sip, staff, orgs, units, plan_factory, private_provider
):
    """Lillsjöns hälsocentral AB, contracted by Region Jämtland Härjedalen, performs the
    plan's region action: its Organization (its own organisationsnummer, no SCB code) is
    `partOf` the region's Organization, which is in the Bundle although the plan names the
    region nowhere else; the Bundle still conforms (SEBase profiles, references resolve)."""
    import datetime as dt

    from django.utils import timezone

    from samverkan.sip.models import Huvudman
    from samverkan.sip.plan import ActionRow, ContactRow

    hc = private_provider.units.get()
    plan = plan_factory(
        actions=[
            ActionRow(
                "Läkemedelsgenomgång", Huvudman.REGION, private_provider, hc,
                timezone.localdate() + dt.timedelta(days=7),
            ),
        ],
        care_contacts=[ContactRow(orgs.ostersund, "Distriktssköterska", units.ost_home)],
    )  # fmt: skip
    services.save_plan(staff.ost, shared_sip, plan, base_version=shared_sip.version)
    for org in (orgs.region_jh, orgs.ostersund):
        org.org_number = ORG_NUMBERS[org.scb_code]
        org.save(update_fields=["org_number"])
    with override_settings(SAMVERKAN_FHIR_CANONICAL_BASE=BASE):
        exported = json.loads(fhir.to_json(fhir_bundle(shared_sip)))
    _assert_conforms(exported, {private_provider.name: "559900-0017"})
    organizations = {
        e["fullUrl"]: e["resource"]
        for e in exported["entry"]
        if e["resource"]["resourceType"] == "Organization"
    }
    [provider] = [o for o in organizations.values() if o["name"] == private_provider.name]
    assert _fixed_identifier(provider, fhir.ORG_NUMBER_SYSTEM, "XX") == ["559900-0017"]
    assert "address" not in provider  # no SCB code of its own
    huvudman = organizations[provider["partOf"]["reference"]]
    assert huvudman["name"] == orgs.region_jh.name
    assert huvudman["address"] == [{"district": "23"}] and "partOf" not in huvudman
    # the region is in the Bundle as the provider's huvudman only
    careplan = next(
        e["resource"] for e in exported["entry"] if e["resource"]["resourceType"] == "CarePlan"
    )
    performers = [p["reference"] for a in careplan["activity"] for p in a["detail"]["performer"]]
    assert provider["partOf"]["reference"] not in performers


def _references_of_extensions(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for extension in node.get("extension", []):
            yield extension["url"]
        for value in node.values():
            yield from _references_of_extensions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _references_of_extensions(value)


def test_careplan_careteam_and_goals_refer_to_the_patient_entry(exported):
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in exported["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry)
    [patient] = by_type["Patient"]
    [careplan] = by_type["CarePlan"]
    [careteam] = by_type["CareTeam"]
    plan, team = careplan["resource"], careteam["resource"]
    assert plan["subject"]["reference"] == patient["fullUrl"]
    assert team["subject"]["reference"] == patient["fullUrl"]
    assert plan["contained"] and all(
        g["subject"]["reference"] == patient["fullUrl"] for g in plan["contained"]
    )
    assert plan["careTeam"] == [{"reference": careteam["fullUrl"]}]
    organisations = {e["fullUrl"] for e in by_type["Organization"]}
    performers = [p for a in plan["activity"] for p in a["detail"]["performer"]]
    assert performers and all(p["reference"] in organisations for p in performers)


def test_extensions_use_the_configured_base_not_a_placeholder(exported):
    text = json.dumps(exported)
    assert "samverkan.example" not in text
    assert f"{BASE}/StructureDefinition/named-care-contact" in text


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (SipStatus.DRAFT, "proposed"),
        (SipStatus.INVITED, "proposed"),
        (SipStatus.ACTIVE, "active"),
        (SipStatus.FOLLOWED_UP, "active"),
        (SipStatus.CLOSED, "inactive"),
    ],
)
def test_careteam_status_follows_the_sip(shared_sip, status, expected):
    Sip.objects.filter(pk=shared_sip.pk).update(status=status)
    shared_sip.refresh_from_db()
    bundle = json.loads(fhir.to_json(fhir_bundle(shared_sip)))
    [team] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CareTeam"]
    assert team["status"] == expected


def _members(sip: Sip) -> list[str]:
    bundle = fhir.bundle_from_fhir(fhir.to_json(fhir_bundle(sip)), base=canonical_base())
    [team] = [r for r in bundle if isinstance(r, fhir.CareTeamData)]
    return [p.org_id for p in team.participants if p.role == "Deltagare i SIP"]


def test_only_participants_who_accepted_are_members(shared_sip, staff):
    participant = shared_sip.participants.get()
    assert _members(shared_sip) == []  # invited, not answered
    services.respond(staff.krokom, participant, accept=False)
    assert _members(shared_sip) == []
    services.respond(staff.krokom, participant, accept=True)
    assert _members(shared_sip) == ["org-2309"]


def test_a_canonical_base_that_is_no_url_stops_the_start():
    env = os.environ | {
        "SAMVERKAN_FHIR_CANONICAL_BASE": "samverkan",
        "DJANGO_SETTINGS_MODULE": "samverkan.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SAMVERKAN_FHIR_CANONICAL_BASE must be an absolute http(s) URL" in result.stderr


def test_the_claimed_profiles_are_hl7_swedens_canonical_urls(exported):
    """HL7 Sweden basprofiler-r4: the IG's canonical is http://hl7.se/fhir/ig/base
    (publication-request.json, path http://hl7.se/fhir/ig/base/1.0.0) and the profiles are
    named SEBasePatient and SEBaseOrganization (input/fsh/profiles/): a receiver resolves
    meta.profile to them only if the URL is exactly this."""
    canonical = "http://hl7.se/fhir/ig/base/StructureDefinition/"
    claimed = {
        resource["resourceType"]: resource["meta"]["profile"]
        for resource in (e["resource"] for e in exported["entry"])
        if "profile" in resource.get("meta", {})
    }
    assert claimed == {
        "Patient": [canonical + "SEBasePatient"],
        "Organization": [canonical + "SEBaseOrganization"],
    }
