"""samverkan.people.fhir: the shared Patient examples, export → JSON → fhir.resources → import."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careplan import CarePlan
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient

from samverkan.people import fhir
from samverkan.people.fhir import (
    ActivityData,
    CarePlanData,
    CareTeamData,
    OrganisationData,
    ParticipantData,
    PersonData,
)
from samverkan.people.identity import IdSystem, InvalidIdentifier, PersonIdentifier
from samverkan.people.testpersons import shared_dir, synthetic_person

PNR = PersonIdentifier(IdSystem.personnummer, "196101182803")
SNR = PersonIdentifier(IdSystem.samordningsnummer, "196109732393")
RESERV = PersonIdentifier(IdSystem.reservnummer, "20210325K069")


def _fhir_example(name: str) -> Path:
    folder = shared_dir()
    assert folder is not None
    path = folder / "testdata" / "fhir" / name
    assert path.is_file(), path
    return path


# --- the shared Patient examples ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "patient-personnummer.json",
            PersonData([PNR], ["Maria", "Birgitta"], "Ljungberg", date(1961, 1, 18), "female"),
        ),
        (
            "patient-samordningsnummer.json",
            PersonData([SNR], ["Tom"], "Smith", date(1961, 9, 13), "male"),
        ),
        (
            "patient-reservnummer.json",
            PersonData([RESERV], ["Förnamn"], "Mellannamn Efternamn", date(2021, 3, 25), "female"),
        ),
    ],
)
def test_shared_patients_import(name: str, expected: PersonData) -> None:
    path = _fhir_example(name)
    text = path.read_text("utf-8")
    person = fhir.patient_from_fhir(text)
    assert person == expected
    # Every accepted input form gives the same.
    assert fhir.patient_from_fhir(text.encode()) == expected
    assert fhir.patient_from_fhir(json.loads(text)) == expected
    assert fhir.patient_from_fhir(Patient.model_validate_json(text)) == expected
    # ... and it round-trips.
    assert _round_trip_patient(person) == person


def test_shared_patient_identifier_systems() -> None:
    systems = {
        name: fhir.patient_from_fhir(_fhir_example(name).read_text("utf-8")).identifiers[0].system
        for name in (
            "patient-personnummer.json",
            "patient-samordningsnummer.json",
            "patient-reservnummer.json",
        )
    }
    assert systems == {
        "patient-personnummer.json": IdSystem.personnummer,
        "patient-samordningsnummer.json": IdSystem.samordningsnummer,
        "patient-reservnummer.json": IdSystem.reservnummer,
    }


def _patient(**identifier: str) -> dict[str, Any]:
    return {"resourceType": "Patient", "identifier": [identifier]}


def test_import_validates_identifiers() -> None:
    with pytest.raises(InvalidIdentifier) as info:
        fhir.patient_from_fhir(_patient(system=IdSystem.personnummer.uri, value="196101182804"))
    assert info.value.code == "invalid_checksum"
    with pytest.raises(InvalidIdentifier) as info:
        fhir.patient_from_fhir(_patient(system=IdSystem.personnummer.uri, value=SNR.value))
    assert info.value.code == "system_mismatch"
    # Normalised on the way in; other systems (local record numbers) are left out.
    person = fhir.patient_from_fhir(
        {
            "resourceType": "Patient",
            "identifier": [
                {"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "19610118-2803"},
                {"system": "urn:oid:1.2.3.4.5", "value": "journal-4711"},
                {"system": IdSystem.lma.uri, "value": "12-345678"},
            ],
        }
    )
    assert person.identifiers == [PNR, PersonIdentifier(IdSystem.lma, "12345678")]
    assert person.given == [] and person.family is None and person.sex is None


def test_import_rejects_other_resources() -> None:
    with pytest.raises(ValueError):
        fhir.patient_from_fhir({"resourceType": "Organization", "name": "x"})


# --- Patient export ------------------------------------------------------------------------


def _round_trip_patient(person: PersonData, resource_id: str | None = None) -> PersonData:
    text = fhir.to_json(fhir.patient_to_fhir(person, resource_id))
    return fhir.patient_from_fhir(Patient.model_validate_json(text))


def test_patient_export() -> None:
    demo = synthetic_person(11)
    person = PersonData(
        identifiers=[PersonIdentifier(IdSystem.personnummer, demo["personnummer"])],
        given=[demo["given"]],
        family=demo["family"],
        birth_date=demo["birth_date"],
        sex=demo["sex"],
        municipality_code="2380",
    )
    data = json.loads(fhir.to_json(fhir.patient_to_fhir(person, "p-1")))
    assert data == {
        "resourceType": "Patient",
        "id": "p-1",
        "identifier": [
            {
                "system": "http://electronichealth.se/identifier/personnummer",
                "value": demo["personnummer"],
            }
        ],
        "name": [
            {
                "use": "official",
                "text": f"{demo['given']} {demo['family']}",
                "family": demo["family"],
                "given": [demo["given"]],
            }
        ],
        "gender": demo["sex"],
        "birthDate": demo["birth_date"].isoformat(),
        "address": [{"district": "2380"}],
    }
    assert _round_trip_patient(person, "p-1") == person


@pytest.mark.parametrize(
    "person",
    [
        PersonData([PNR, SNR, RESERV, PersonIdentifier(IdSystem.lma, "12345678")]),
        PersonData([SNR], ["Tom"], None, None, "male", "2180"),
        PersonData([RESERV], [], "Efternamn", date(2021, 3, 25), "unknown"),
        PersonData([PersonIdentifier(IdSystem.reservnummer, "98240301AA06")], sex="other"),
        PersonData([]),
    ],
)
def test_patient_round_trip(person: PersonData) -> None:
    assert _round_trip_patient(person) == person


def test_patient_export_rejects_unknown_sex() -> None:
    with pytest.raises(ValueError):
        fhir.patient_to_fhir(PersonData([PNR], sex="x"))  # type: ignore[arg-type]


# --- Organization, CarePlan, CareTeam -------------------------------------------------------

REGION = OrganisationData(
    "org-23", "Region Jämtland Härjedalen", "SE2321000206-E000000000001", "region", "23"
)
KOMMUN = OrganisationData("org-2380", "Östersunds kommun", None, "municipality", "2380")

PLAN = CarePlanData(
    id="sip-1",
    person=PNR,
    title="SIP: trygg hemgång efter utskrivning",
    status="active",
    created=date(2024, 1, 5),
    goals=["Bo kvar i ordinärt boende", "Inga oplanerade återinskrivningar"],
    activities=[
        ActivityData(
            "Läkemedelsgenomgång", "org-23", "Hälsocentralen Lugnvik", date(2024, 2, 1), "scheduled"
        ),
        ActivityData("Hemsjukvård: omläggning av sår", "org-2380", "Hemsjukvården Östersund"),
        ActivityData("Trygghetslarm", "org-2380", None, None, "completed"),
    ],
    overall_responsible_org_id="org-2380",
    followup_date=date(2024, 3, 1),
)

TEAM = CareTeamData(
    id="team-1",
    person=SNR,
    participants=[
        ParticipantData("org-23", "Hälsocentralen Lugnvik", "läkare", False, True),
        ParticipantData("org-2380", "Hemsjukvården Östersund", "sjuksköterska", True, False),
        ParticipantData("org-2380", None, "biståndshandläggare"),
    ],
)


def test_organization_export_and_round_trip() -> None:
    data = json.loads(fhir.to_json(fhir.organization_to_fhir(REGION)))
    assert data["identifier"] == [
        {"system": "urn:oid:1.2.752.129.2.1.4.1", "value": "SE2321000206-E000000000001"}
    ]
    assert data["name"] == "Region Jämtland Härjedalen"
    for org in (REGION, KOMMUN, OrganisationData("org-x", "Utan uppgifter")):
        text = fhir.to_json(fhir.organization_to_fhir(org))
        assert fhir.organization_from_fhir(Organization.model_validate_json(text)) == org


def test_careplan_export() -> None:
    data = json.loads(fhir.to_json(fhir.careplan_to_fhir(PLAN)))
    assert data["status"] == "active" and data["intent"] == "plan"
    assert data["subject"] == {
        "type": "Patient",
        "identifier": {"system": IdSystem.personnummer.uri, "value": PNR.value},
    }
    assert data["author"] == {"reference": "Organization/org-2380"}
    assert [g["reference"] for g in data["goal"]] == ["#goal-1", "#goal-2"]
    assert [c["resourceType"] for c in data["contained"]] == ["Goal", "Goal"]
    first = data["activity"][0]["detail"]
    assert first["performer"] == [
        {"reference": "Organization/org-23", "display": "Hälsocentralen Lugnvik"}
    ]
    assert first["status"] == "scheduled"
    assert first["scheduledPeriod"] == {"end": "2024-02-01"}
    assert data["extension"] == [{"url": fhir.EXT_FOLLOWUP_DATE, "valueDate": "2024-03-01"}]


@pytest.mark.parametrize(
    "plan",
    [
        PLAN,
        CarePlanData("sip-2", RESERV, "Tom plan", "draft"),
        CarePlanData(
            "sip-3",
            SNR,
            "Med klockslag",
            "completed",
            created=datetime(2024, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_careplan_round_trip(plan: CarePlanData) -> None:
    text = fhir.to_json(fhir.careplan_to_fhir(plan))
    assert fhir.careplan_from_fhir(CarePlan.model_validate_json(text)) == plan


def test_careplan_rejects_bad_values() -> None:
    with pytest.raises(ValueError):
        fhir.careplan_to_fhir(CarePlanData("x", PNR, "t", "pågår"))
    with pytest.raises(ValueError):
        fhir.careplan_to_fhir(
            CarePlanData("x", PNR, "t", activities=[ActivityData("a", "o", status="klar")])
        )
    with pytest.raises(ValueError):  # FHIR wants a time zone with a time of day
        fhir.careplan_to_fhir(CarePlanData("x", PNR, "t", created=datetime(2024, 1, 5, 9, 30)))


def test_careteam_export_and_round_trip() -> None:
    data = json.loads(fhir.to_json(fhir.careteam_to_fhir(TEAM)))
    assert data["status"] == "active"
    assert data["subject"]["identifier"] == {
        "system": IdSystem.samordningsnummer.uri,
        "value": SNR.value,
    }
    nurse = data["participant"][1]
    assert nurse["member"] == {
        "reference": "Organization/org-2380",
        "display": "Hemsjukvården Östersund",
    }
    assert nurse["role"] == [{"text": "sjuksköterska"}]
    assert {e["url"]: e["valueBoolean"] for e in nurse["extension"]} == {
        fhir.EXT_NAMED_CARE_CONTACT: True,
        fhir.EXT_PHYSICIAN: False,
    }
    text = fhir.to_json(fhir.careteam_to_fhir(TEAM))
    assert fhir.careteam_from_fhir(CareTeam.model_validate_json(text)) == TEAM


def test_references_must_be_to_organizations() -> None:
    data = json.loads(fhir.to_json(fhir.careteam_to_fhir(TEAM)))
    data["participant"][0]["member"] = {"reference": "Practitioner/p1"}
    with pytest.raises(ValueError):
        fhir.careteam_from_fhir(data)


# --- Bundle ------------------------------------------------------------------------------------


def test_bundle_round_trip() -> None:
    person = fhir.patient_from_fhir(_fhir_example("patient-personnummer.json").read_text("utf-8"))
    items = [person, REGION, KOMMUN, PLAN, TEAM]
    bundle = fhir.bundle_collection(
        [fhir.patient_to_fhir(person, "pat-1"), REGION, KOMMUN, PLAN, TEAM],
        bundle_id="b-1",
        timestamp=datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
        base_url="https://samverkan.example/fhir/",
    )
    text = fhir.to_json(bundle, indent=2)
    parsed = Bundle.model_validate_json(text)
    data = json.loads(text)
    assert data["type"] == "collection" and data["id"] == "b-1"
    assert [e["resource"]["resourceType"] for e in data["entry"]] == [
        "Patient",
        "Organization",
        "Organization",
        "CarePlan",
        "CareTeam",
    ]
    assert data["entry"][1]["fullUrl"] == "https://samverkan.example/fhir/Organization/org-23"
    assert data["entry"][0]["fullUrl"] == "https://samverkan.example/fhir/Patient/pat-1"
    assert fhir.bundle_from_fhir(parsed) == items
    assert fhir.bundle_from_fhir(text) == items


def test_bundle_without_base_url_has_no_full_urls() -> None:
    data = json.loads(fhir.to_json(fhir.bundle_collection([KOMMUN])))
    assert data == {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": json.loads(fhir.to_json(fhir.organization_to_fhir(KOMMUN)))}],
    }


def test_fhir_version_is_r4() -> None:
    import fhir.resources.R4B as r4b

    assert r4b.__fhir_version__ == fhir.FHIR_VERSION == "4.3.0"
