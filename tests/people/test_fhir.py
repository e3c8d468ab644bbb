"""samverkan.people.fhir: the shared Patient examples, export → JSON → FHIR 4.0.1 → import."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fhirclient.models.bundle import Bundle
from fhirclient.models.careplan import CarePlan
from fhirclient.models.careteam import CareTeam
from fhirclient.models.organization import Organization
from fhirclient.models.patient import Patient

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
BASE = "https://samverkan.region.test/fhir"


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
    assert fhir.patient_from_fhir(Patient(json.loads(text))) == expected
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
    return fhir.patient_from_fhir(Patient(json.loads(text)))


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
        "meta": {"profile": [fhir.SE_BASE_PATIENT]},
        "text": data["text"],
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
    "org-23",
    "Region Jämtland Härjedalen",
    "SE2321000214-E000000000001",
    "region",
    "23",
    "232100-0214",
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
    data = json.loads(fhir.to_json(fhir.organization_to_fhir(REGION, base=BASE)))
    assert data["meta"] == {"profile": [fhir.SE_BASE_ORGANIZATION]}
    assert data["identifier"] == [
        {
            "type": {"coding": [{"system": fhir.V2_0203, "code": "XX"}]},
            "system": "urn:oid:2.5.4.97",
            "value": "232100-0214",
        },
        {
            "type": {"coding": [{"system": fhir.V2_0203, "code": "PRN"}]},
            "system": "urn:oid:1.2.752.29.4.19",
            "value": "SE2321000214-E000000000001",
        },
    ]
    assert data["name"] == "Region Jämtland Härjedalen"
    unit = OrganisationData("unit-1", "Hälsocentralen Lugnvik", "SE2321000214-E000000000002",
                            part_of="org-23")  # fmt: skip
    assert json.loads(fhir.to_json(fhir.organization_to_fhir(unit, base=BASE)))["partOf"] == {
        "reference": "Organization/org-23"
    }
    for org in (REGION, KOMMUN, unit, OrganisationData("org-x", "Utan uppgifter")):
        text = fhir.to_json(fhir.organization_to_fhir(org, base=BASE))
        assert fhir.organization_from_fhir(Organization(json.loads(text)), base=BASE) == org


def test_careplan_export() -> None:
    data = json.loads(fhir.to_json(fhir.careplan_to_fhir(PLAN, base=BASE)))
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
    assert data["extension"] == [{"url": fhir.Canon(BASE).followup_date, "valueDate": "2024-03-01"}]


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
    text = fhir.to_json(fhir.careplan_to_fhir(plan, base=BASE))
    assert fhir.careplan_from_fhir(CarePlan(json.loads(text)), base=BASE) == plan


def test_careplan_rejects_bad_values() -> None:
    with pytest.raises(ValueError):
        fhir.careplan_to_fhir(CarePlanData("x", PNR, "t", "pågår"), base=BASE)
    with pytest.raises(ValueError):
        fhir.careplan_to_fhir(
            CarePlanData("x", PNR, "t", activities=[ActivityData("a", "o", status="klar")]),
            base=BASE,
        )
    with pytest.raises(ValueError):  # FHIR wants a time zone with a time of day
        fhir.careplan_to_fhir(
            CarePlanData("x", PNR, "t", created=datetime(2024, 1, 5, 9, 30)), base=BASE
        )


def test_careteam_export_and_round_trip() -> None:
    data = json.loads(fhir.to_json(fhir.careteam_to_fhir(TEAM, base=BASE)))
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
        fhir.Canon(BASE).named_care_contact: True,
        fhir.Canon(BASE).physician: False,
    }
    text = fhir.to_json(fhir.careteam_to_fhir(TEAM, base=BASE))
    assert fhir.careteam_from_fhir(CareTeam(json.loads(text)), base=BASE) == TEAM


def test_references_must_be_to_organizations() -> None:
    data = json.loads(fhir.to_json(fhir.careteam_to_fhir(TEAM, base=BASE)))
    data["participant"][0]["member"] = {"reference": "Practitioner/p1"}
    with pytest.raises(ValueError):
        fhir.careteam_from_fhir(data, base=BASE)


# --- Bundle ------------------------------------------------------------------------------------


def test_bundle_round_trip() -> None:
    person = fhir.patient_from_fhir(_fhir_example("patient-personnummer.json").read_text("utf-8"))
    plan = CarePlanData(**{**PLAN.__dict__, "patient_id": "pat-1", "careteam_id": "team-1"})
    team = CareTeamData(**{**TEAM.__dict__, "person": PNR, "patient_id": "pat-1"})
    items = [person, REGION, KOMMUN, plan, team]
    bundle = fhir.bundle_collection(
        [fhir.patient_to_fhir(person, "pat-1"), REGION, KOMMUN, plan, team],
        base=BASE,
        bundle_id="b-1",
        timestamp=datetime(2024, 3, 1, 12, 0, tzinfo=UTC),
    )
    text = fhir.to_json(bundle, indent=2)
    parsed = Bundle(json.loads(text))
    data = json.loads(text)
    assert data["type"] == "collection" and data["id"] == "b-1"
    assert [next(iter(d)) for d in (data, *(e["resource"] for e in data["entry"]))] == [
        "resourceType"
    ] * 6  # as FHIR's own examples write it
    assert [e["resource"]["resourceType"] for e in data["entry"]] == [
        "Patient",
        "Organization",
        "Organization",
        "CarePlan",
        "CareTeam",
    ]
    urls = [e["fullUrl"] for e in data["entry"]]
    assert all(url.startswith("urn:uuid:") for url in urls) and len(set(urls)) == 5
    assert urls[1] == fhir.full_url(BASE, "Organization", "org-23")
    # References resolve to the entries: subject, goals' subject, care team, performers.
    patient_url, _, kommun_url, _, team_url = urls
    careplan = data["entry"][3]["resource"]
    assert careplan["subject"]["reference"] == patient_url
    assert {g["subject"]["reference"] for g in careplan["contained"]} == {patient_url}
    assert careplan["careTeam"] == [{"reference": team_url}]
    assert careplan["author"] == {"reference": kommun_url}
    assert data["entry"][4]["resource"]["subject"]["reference"] == patient_url
    assert fhir.bundle_from_fhir(parsed, base=BASE) == items
    assert fhir.bundle_from_fhir(text, base=BASE) == items


def test_bundle_refuses_a_reference_to_nothing() -> None:
    plan = CarePlanData(**{**PLAN.__dict__, "patient_id": "pat-1"})
    with pytest.raises(ValueError, match="Patient/pat-1"):
        fhir.bundle_collection([REGION, KOMMUN, plan], base=BASE)


def test_canonical_base_is_configured_not_a_placeholder() -> None:
    data = json.loads(fhir.to_json(fhir.careplan_to_fhir(PLAN, base="https://x.test/fhir")))
    assert data["extension"][0]["url"] == (
        "https://x.test/fhir/StructureDefinition/careplan-followup-date"
    )
    assert "samverkan.example" not in fhir.to_json(fhir.careteam_to_fhir(TEAM, base=BASE))
    with pytest.raises(ValueError):
        fhir.Canon("not a url")


def test_every_resource_has_generated_narrative() -> None:
    for resource in (
        fhir.patient_to_fhir(PersonData([PNR], ["Åsa <b>"], "Öberg")),
        fhir.organization_to_fhir(REGION, base=BASE),
        fhir.careplan_to_fhir(PLAN, base=BASE),
        fhir.careteam_to_fhir(TEAM, base=BASE),
    ):
        text = resource.as_json()["text"]
        assert text["status"] == "generated"
        assert text["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    patient = fhir.patient_to_fhir(PersonData([PNR], ["Åsa <b>"], "Öberg")).as_json()
    assert "Åsa &lt;b&gt; Öberg" in patient["text"]["div"]  # escaped


def test_structure_check_refuses_what_401_does_not_have() -> None:
    base = {"resourceType": "Patient", "identifier": [_identifier_json(PNR)]}
    for bad in (
        {**base, "unknownElement": 1},
        {**base, "birthDate": "2021-13-45"},
        {**base, "gender": 5},
        {"resourceType": "CarePlan", "status": "active"},  # intent and subject are mandatory
    ):
        with pytest.raises(fhir.FhirStructureError) as info:
            fhir.parse_resource(bad)
        assert "object at 0x" not in str(info.value)
    with pytest.raises(fhir.FhirStructureError):
        fhir.patient_from_fhir({**base, "unknownElement": 1})


def _identifier_json(identifier: PersonIdentifier) -> dict[str, str]:
    return {"system": identifier.system.uri, "value": identifier.value}


def test_fhir_version_is_401() -> None:
    import fhirclient.models.patient as model

    assert fhir.FHIR_VERSION == "4.0.1"
    assert "Generated from FHIR 4.0.1" in Path(model.__file__).read_text("utf-8")
