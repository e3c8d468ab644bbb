"""The API (one error shape), FHIR R4 notices and the region tool's CSV export: idempotent by
the source's identifier, the source kept; the board page; protected identities withheld."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from samverkan.discharge import services
from samverkan.discharge.models import Notice, NoticeKind, Stay
from samverkan.people import services as people_services

BASE = settings.SAMVERKAN_FHIR_CANONICAL_BASE.rstrip("/")


def _encounter(person, *, end=None, ready=None, died=False):
    resource = {
        "resourceType": "Encounter",
        "identifier": [{"system": "urn:oid:1.2.752.test.vtf", "value": "VT-1001"}],
        "status": "finished" if end else "in-progress",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "type": [{"coding": [{"system": f"{BASE}/CodeSystem/discharge-care-type", "code": "somatic"}]}],
        "subject": {"identifier": {"system": "http://electronichealth.se/identifier/personnummer",
                                   "value": person.primary_identity().value}},
        "serviceProvider": {"identifier": {"system": "urn:oid:1.2.752.29.4.19", "value": "SE2321000207-W5"}},
        "period": {"start": "2026-11-30T08:00:00+01:00", **({"end": end} if end else {})},
        "extension": [
            {"url": f"{BASE}/StructureDefinition/discharge-needs-municipal-insatser", "valueBoolean": True},
            *([{"url": f"{BASE}/StructureDefinition/discharge-ready", "valueDateTime": ready}] if ready else []),
        ],
    }  # fmt: skip
    if died:
        resource["hospitalization"] = {
            "dischargeDisposition": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/discharge-disposition", "code": "exp"}]}
        }  # fmt: skip
    return resource


def _communication(value, code, sent, receivers=()):
    return {
        "resourceType": "Communication",
        "identifier": [{"system": "urn:oid:1.2.752.test.msg", "value": value}],
        "status": "completed",
        "category": [{"coding": [{"system": f"{BASE}/CodeSystem/discharge-notice", "code": code}]}],
        "sent": sent,
        "about": [{"identifier": {"system": "urn:oid:1.2.752.test.vtf", "value": "VT-1001"}}],
        "recipient": [{"identifier": {"system": f"{BASE}/CodeSystem/discharge-receiver", "value": r}} for r in receivers],
    }  # fmt: skip


def test_api_flow_and_error_shape(api_client, staff, orgs, units, person):
    region, kommun, doctor = (
        api_client(staff.ward_nurse),
        api_client(staff.assessor),
        api_client(staff.doctor),
    )
    response = region.post(
        "/api/discharge/stays",
        {"person_id": str(person.pk), "unit_id": units.ward.pk, "municipality_id": orgs.ostersund.pk,
         "care_type": "somatic", "admitted_at": "2026-11-30T08:00:00+01:00", "needs_municipal_insatser": True},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    stay_id = response.json()["id"]
    bad = region.post(
        "/api/discharge/stays",
        {"person_id": str(person.pk), "unit_id": units.ward.pk, "municipality_id": orgs.gavle.pk, "care_type": "somatic"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "municipality"
    sent = region.post(
        f"/api/discharge/stays/{stay_id}/admission-notices",
        {"receivers": ["municipal_social_services"], "sent_at": "2026-12-01T09:30:00+01:00"},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()[0]["late"] is True
    answered = kommun.post(
        f"/api/discharge/stays/{stay_id}/answers",
        {"text": "Hemtjänst planeras", "insatser": ["housing_support"]},
        content_type="application/json",
    )
    assert answered.status_code == 201
    refused = doctor.post(
        f"/api/discharge/stays/{stay_id}/ready", {}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["code"] == "confirmation_required"
    ready = doctor.post(
        f"/api/discharge/stays/{stay_id}/ready", {"confirm": True}, content_type="application/json"
    )
    assert ready.status_code == 201
    detail = kommun.get(f"/api/discharge/stays/{stay_id}").json()
    assert detail["status"] == "ready"
    assert detail["decision_snapshot"][0]["intervention"] == "housing_support"
    board = kommun.get("/api/discharge/stays").json()
    assert [row["id"] for row in board] == [stay_id]


def test_fhir_encounter_and_communications_idempotent(api_client, staff, person):
    client = api_client(staff.ward_nurse)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": _communication("M-1", "admission", "2026-11-30T09:00:00+01:00",
                                        ["municipal_social_services", "municipal_health_care"])},
            {"resource": _encounter(person)},
            {"resource": _communication("M-2", "ready", "2026-12-01T10:00:00+01:00")},
        ],
    }  # fmt: skip
    first = client.post("/api/discharge/fhir", bundle, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json() == {
        "stays_created": 1,
        "stays_found": 0,
        "notices_created": 2,
        "notices_found": 0,
    }
    again = client.post("/api/discharge/fhir", bundle, content_type="application/json")
    assert again.json() == {
        "stays_created": 0,
        "stays_found": 1,
        "notices_created": 0,
        "notices_found": 2,
    }
    stay = Stay.objects.get()
    assert stay.source == "fhir" and stay.source_id == "urn:oid:1.2.752.test.vtf|VT-1001"
    assert stay.status == "ready" and stay.needs_municipal_insatser is True
    kinds = sorted(Notice.objects.filter(stay=stay).values_list("kind", flat=True))
    assert kinds == ["admission", "admission", "ready"]
    admission = Notice.objects.filter(stay=stay, kind=NoticeKind.ADMISSION).first()
    assert admission.payload["identifier"][0]["value"] == "M-1"  # the source kept
    # The finished Encounter later: the discharge, once.
    finished = client.post(
        "/api/discharge/fhir", _encounter(person, end="2026-12-02T08:00:00+01:00"), content_type="application/json"
    )  # fmt: skip
    assert finished.json()["notices_created"] == 1
    stay.refresh_from_db()
    assert stay.status == "discharged"


def test_fhir_refusals_name_the_element(api_client, staff, person):
    client = api_client(staff.ward_nurse)
    wrong = _encounter(person)
    wrong["class"]["code"] = "AMB"
    response = client.post("/api/discharge/fhir", wrong, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": "Encounter.class", "code": "invalid_fhir",
        "message": "Vårdkontakten ska vara slutenvård (class IMP).",
    }  # fmt: skip
    broken = _encounter(person)
    broken["period"] = {"start": "not a date"}
    response = client.post("/api/discharge/fhir", broken, content_type="application/json")
    assert response.status_code == 422 and response.json()["detail"][0]["code"] == "invalid_fhir"
    assert not Stay.objects.exists()
    kommun = api_client(staff.assessor).post(
        "/api/discharge/fhir", _encounter(person), content_type="application/json"
    )
    assert kommun.status_code == 403


def test_fhir_death(api_client, staff, person):
    client = api_client(staff.ward_nurse)
    response = client.post(
        "/api/discharge/fhir", _encounter(person, end="2026-12-01T23:00:00+01:00", died=True),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200
    stay = Stay.objects.get()
    assert stay.status == "died" and stay.died_at is not None and stay.discharged_at is None


CSV = (
    "id;personnummer;enhet;kommun;vardform;inskriven;inskrivningsmeddelande;mottagare;"
    "utskrivningsklar;meddelande_utskrivningsklar;utskriven;avliden;kommunala_insatser;regionsjukvard\n"
    "T-1;{pnr};SE2321000207-W5;2380;somatisk;2026-11-28 08:00;2026-11-28 09:00;socialtjanst;"
    "2026-11-30 10:00;2026-11-30 10:30;2026-12-01 14:00;;ja;nej\n"
)


def test_csv_import_is_idempotent(client_as, api_client, staff, person):
    data = CSV.format(pnr=person.primary_identity().value).encode("utf-8-sig")
    client = api_client(staff.ward_nurse)
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = client.post(
        "/api/discharge/import", {"file": SimpleUploadedFile("export.csv", data, "text/csv")}
    )
    assert first.status_code == 200, first.content
    assert first.json() == {
        "stays_created": 1,
        "stays_found": 0,
        "notices_created": 3,
        "notices_found": 0,
    }
    again = client.post(
        "/api/discharge/import", {"file": SimpleUploadedFile("export.csv", data, "text/csv")}
    )
    assert again.json() == {
        "stays_created": 0,
        "stays_found": 1,
        "notices_created": 0,
        "notices_found": 3,
    }
    stay = Stay.objects.get()
    assert stay.source == "file" and stay.status == "discharged"
    ready = Notice.objects.get(stay=stay, kind=NoticeKind.READY)
    assert ready.sent_at.isoformat() == "2026-11-30T09:30:00+00:00"
    assert stay.ready_at.isoformat() == "2026-11-30T09:00:00+00:00"
    assert ready.payload is None and stay.notices.first().payload["id"] == "T-1"


def test_csv_bad_row_saves_nothing(api_client, staff, person):
    from django.core.files.uploadedfile import SimpleUploadedFile

    good = CSV.format(pnr=person.primary_identity().value)
    bad = (
        good
        + f"T-2;{person.primary_identity().value};SE2321000207-W5;2380;okänd;2026-11-28 08:00;;;;;;;;\n"
    )
    response = api_client(staff.ward_nurse).post(
        "/api/discharge/import", {"file": SimpleUploadedFile("x.csv", bad.encode(), "text/csv")}
    )
    assert response.status_code == 422
    item = response.json()["detail"][0]
    assert item["field"] == "row.3.vardform" and item["message"].startswith("Rad 3:")
    assert not Stay.objects.exists()


def test_board_page_and_protected_identity(client_as, noticed, staff, person):
    page = client_as(staff.assessor).get("/utskrivning/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Utskrivning från sluten vård" in text and "Sigrid Utskrivsson" in text
    people_services.mark_protected(staff.ward_nurse, person, kind="confidentiality_marking")
    text = client_as(staff.assessor).get("/utskrivning/").content.decode()
    assert "Sigrid" not in text and "Skyddad identitet" in text
    detail = client_as(staff.assessor).get(f"/utskrivning/{noticed.pk}/").content.decode()
    assert "Sigrid" not in detail
    own = client_as(staff.ward_nurse).get("/utskrivning/").content.decode()
    assert "Sigrid Utskrivsson" in own


def test_detail_steps_by_page(client_as, noticed, staff):
    web = client_as(staff.doctor)
    response = web.post(f"/utskrivning/{noticed.pk}/utskrivningsklar/", {}, follow=True)
    assert "kan inte ångras. Bekräfta först." in response.content.decode()
    web.post(f"/utskrivning/{noticed.pk}/utskrivningsklar/", {"confirm": "on"})
    noticed.refresh_from_db()
    assert noticed.status == "ready"


def test_late_notice_on_board(client_as, stay, staff):
    services.send_admission_notice(
        staff.ward_nurse, stay, receivers=["municipal_social_services"],
        sent_at=dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC),
    )  # fmt: skip
    text = client_as(staff.assessor).get("/utskrivning/").content.decode()
    assert "försenat" in text


@pytest.mark.parametrize("role_user", ["ward_nurse", "assessor"])
def test_admit_form_only_for_region(client_as, staff, role_user):
    status = client_as(getattr(staff, role_user)).get("/utskrivning/ny/").status_code
    assert status == (200 if role_user == "ward_nurse" else 403)


def test_needs_assessment_and_bad_ids_answer_in_the_error_shape(api_client, noticed, staff):
    region, kommun = api_client(staff.ward_nurse), api_client(staff.assessor)
    url = f"/api/discharge/stays/{noticed.pk}/needs"
    response = region.post(
        url, {"needs_municipal_insatser": False}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["needs_municipal_insatser"] is False
    assert (
        kommun.post(
            url, {"needs_municipal_insatser": True}, content_type="application/json"
        ).status_code
        == 403
    )
    huge = 2**70
    # A filter on a unit or kommun that does not exist selects nothing (schemathesis: a
    # well-formed question was refused with 422).
    assert region.get(f"/api/discharge/stays?unit_id={huge}").json() == []
    assert region.get("/api/discharge/stays?status=discharged&municipality_id=-740").json() == []
    assert region.get(f"/api/discharge/stays/{huge}").status_code == 404
    withdraw = region.post(
        f"/api/discharge/stays/{noticed.pk}/consents/{huge}/withdraw", {}, content_type="application/json"
    )  # fmt: skip
    assert withdraw.status_code == 404 and withdraw.json()["detail"][0]["field"] == "consent_id"
    page = api_client(staff.ward_nurse)
    assert page.get(f"/api/discharge/stays/{noticed.pk}").status_code == 200


def test_impossible_dates_are_refused_not_500(api_client, client_as, staff, person, noticed):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = CSV.format(pnr=person.primary_identity().value).replace(
        "2026-11-28 08:00", "2026-13-45 08:00", 1
    )
    response = api_client(staff.ward_nurse).post(
        "/api/discharge/import", {"file": SimpleUploadedFile("x.csv", data.encode(), "text/csv")}
    )
    assert (
        response.status_code == 422 and response.json()["detail"][0]["field"] == "row.2.inskriven"
    )
    page = client_as(staff.ward_nurse).post(
        f"/utskrivning/{noticed.pk}/datum/", {"on": "2026-13-45"}, follow=True
    )
    assert page.status_code == 200 and "Ange ett datum" in page.content.decode()


def test_csv_import_answers_alike_for_another_vardgivares_number_and_an_unused_one(
    api_client, staff, make_person
):
    """No existence oracle (issue 11): a personnummer held by another vårdgivare (an
    Östersund client the region has no relation with) answers exactly as one that exists
    nowhere; nothing is saved either way."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from samverkan.people.models import PersonIdentity
    from tests.discharge.conftest import _NUMBERS

    elsewhere = make_person(staff.home_nurse)  # Östersund's, unknown to the region
    unused = _NUMBERS[-1]
    assert not PersonIdentity.objects.filter(value=unused).exists()
    client = api_client(staff.ward_nurse)
    answers = []
    for pnr in (elsewhere.primary_identity().value, unused):
        data = CSV.format(pnr=pnr).encode("utf-8-sig")
        response = client.post(
            "/api/discharge/import", {"file": SimpleUploadedFile("x.csv", data, "text/csv")}
        )
        answers.append((response.status_code, response.json()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 404
    assert answers[0][1]["detail"][0]["code"] == "person_unknown"
    assert not Stay.objects.exists()
