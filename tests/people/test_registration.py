"""Issue 11: registration without escalation or existence oracle, and no read without a trace.

A registration (page, `POST /api/persons`, FHIR Patient import) is a declared care relation
of the user's own vårdgivare and verksamhet, with a reason; a number held where the user
cannot see it answers exactly as one that exists nowhere (status, body, side effects she
can see), and every attempt, refused ones too, is in the audit log (with `owner=` for the
other vårdgivare whose patient it concerned). Searches and task lists log every person shown.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from samverkan.accounts.models import Role, Verksamhet
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import services
from samverkan.people.identity import birth_date, parse_identifier
from samverkan.people.models import CareRelation, Person
from samverkan.people.services import PeopleError
from samverkan.people.testpersons import synthetic_persons

pytestmark = pytest.mark.django_db
JSON = "application/json"
DECLARED = {"confirm_care_relation": True, "reason": "Inskrivning i hemsjukvården"}


def _unused(*used: str) -> str:
    return next(
        p["personnummer"] for p in synthetic_persons(40, seed=11) if p["personnummer"] not in used
    )


@pytest.fixture
def held(make_staff, orgs, make_person, jh_person_facts):
    """A patient of Östersund's health care with facts of its own, and users elsewhere."""
    ost = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(ost, 0)
    for name, value in jh_person_facts.items():
        services.set_fact(ost, person, name, value)
    return {
        "person": person,
        "number": person.ref,
        "ost": ost,
        "region": make_staff(Role.NURSE, orgs.region_jh),
        "assessor": make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund),
    }


def _register(api_client, user, number, **body):
    payload = {"identifier": number, "family_name": "Testsson", "home_municipality": "2380"}
    return api_client(user).post("/api/persons", DECLARED | payload | body, content_type=JSON)


def _comparable(body: dict) -> dict:
    """A registration answer without what differs between any two persons (id, number)."""
    out = dict(body)
    out.pop("id")
    out["identity"] = {k: v for k, v in out["identity"].items() if k not in ("value", "display")}
    out["identities"] = [
        {k: v for k, v in i.items() if k not in ("value", "display")} for i in out["identities"]
    ]
    out.pop("birth_date")  # read from each number
    out.pop("sex")
    out.pop("given_name")
    return out


# --- registration ---------------------------------------------------------------------------


def test_a_number_held_elsewhere_registers_exactly_as_an_unknown_one(api_client, held):
    unknown = _unused(held["number"])
    elsewhere = _register(api_client, held["region"], held["number"])
    fresh = _register(api_client, held["region"], unknown)
    assert (elsewhere.status_code, fresh.status_code) == (201, 201), elsewhere.content
    assert _comparable(elsewhere.json()) == _comparable(fresh.json())
    # Nothing of Östersund's record in the answer: only what the region itself recorded.
    assert elsewhere.json()["facts"] == {"municipality": "2380"}
    # The care relation is the region's own, in its own verksamhet, with the reason.
    relation = CareRelation.objects.get(person=held["person"], organisation=held["region"].
                                        staff_profile.organisation)  # fmt: skip
    assert relation.verksamhet == Verksamhet.HEALTH_CARE
    assert relation.reason == DECLARED["reason"]
    # Östersund's records are untouched, and its log control sees the new relation.
    assert held["person"].fact_records.filter(organisation=held["ost"].staff_profile.organisation
                                              ).count() >= 1  # fmt: skip
    events = AuditEvent.objects.filter(
        object_type="people.carerelation", object_id=str(relation.pk), process="vårdrelation"
    )
    assert {e.owner_id for e in events} == {None, held["ost"].staff_profile.organisation_id}


def test_registration_always_needs_confirmation_and_reason(api_client, held):
    unknown = _unused(held["number"])
    for number in (held["number"], unknown):
        unconfirmed = _register(api_client, held["region"], number, confirm_care_relation=False)
        assert unconfirmed.status_code == 422
        [error] = unconfirmed.json()["detail"]
        assert (error["field"], error["code"]) == ("confirm_care_relation", "confirmation_required")
        assert "vårdrelation" in error["message"]
        no_reason = _register(api_client, held["region"], number, reason="  ")
        assert no_reason.status_code == 422
        [error] = no_reason.json()["detail"]
        assert (error["field"], error["code"]) == ("reason", "required")
        assert error["message"].startswith("Ange anledningen")
    assert not Person.objects.filter(identities__value=unknown).exists()
    assert CareRelation.objects.filter(person=held["person"]).count() == 1


def test_every_registration_attempt_is_logged_with_the_owner(api_client, held):
    """The probe that used to answer 409 left no trace; now the owner's log control sees it."""
    ost_id = held["ost"].staff_profile.organisation_id
    refused = _register(api_client, held["region"], held["number"], confirm_care_relation=False)
    assert refused.status_code == 422
    events = AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, person_ref=held["number"], process="vårdrelation"
    )
    assert {e.owner_id for e in events} == {None, ost_id}
    assert all(e.organisation == held["region"].staff_profile.organisation for e in events)
    unknown = _unused(held["number"])
    _register(api_client, held["region"], unknown, reason="")
    [event] = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, person_ref=unknown)
    assert event.owner_id is None and event.process == "vårdrelation"


def test_own_kommun_other_verksamhet_answers_as_unknown(api_client, held):
    """OSL 8 kap. 2 §: the kommun's social services learn nothing of its health care's
    patients by registering one; the relation is the social services' own."""
    response = _register(api_client, held["assessor"], held["number"])
    assert response.status_code == 201, response.content
    assert response.json()["facts"] == {"municipality": "2380"}
    relations = CareRelation.objects.filter(person=held["person"]).values_list(
        "organisation_id", "verksamhet"
    )
    ost_id = held["ost"].staff_profile.organisation_id
    assert set(relations) == {(ost_id, "health_care"), (ost_id, "social_services")}
    again = _register(api_client, held["assessor"], held["number"])
    assert again.status_code == 409 and again.json()["detail"][0]["code"] == "already_registered"


def test_registration_page_asks_for_the_declaration_and_answers_alike(client_as, held):
    client = client_as(held["region"])
    page = client.get("/personer/ny/").content.decode()
    assert 'name="confirm_care_relation"' in page and 'name="reason"' in page
    body = {"family_name": "Testsson", "home_municipality": "2380"}
    missing = client.post("/personer/ny/", body | {"identifier": held["number"]})
    assert missing.status_code == 200
    assert "Bekräfta att personen är patient eller brukare" in missing.content.decode()
    declared = body | {"confirm_care_relation": "on", "reason": "Inskrivning"}
    answers = []
    for number in (held["number"], _unused(held["number"])):
        response = client.post("/personer/ny/", declared | {"identifier": number}, follow=True)
        answers.append(
            (response.redirect_chain[0][1], [str(m) for m in response.context["messages"]])
        )
    assert answers[0] == answers[1]
    assert answers[0][1] == ["Personen är registrerad med en vårdrelation till din verksamhet."]


def test_add_care_relation_is_the_own_verksamhets_with_a_reason(held, orgs):
    with pytest.raises(PeopleError) as caught:
        services.add_care_relation(held["region"], held["person"], reason="")
    assert (caught.value.field, caught.value.code) == ("reason", "required")
    with pytest.raises(PeopleError) as caught:
        services.add_care_relation(
            held["region"], held["person"], reason="X", organisation=orgs.ostersund
        )
    assert caught.value.code == "other_organisation"
    relation = services.add_care_relation(held["assessor"], held["person"], reason="Ansökan")
    assert (relation.verksamhet, relation.reason) == ("social_services", "Ansökan")


# --- FHIR Patient import ----------------------------------------------------------------------


def _patient(number: str, **fields) -> dict:
    return {
        "resourceType": "Patient",
        "identifier": [
            {"system": "http://electronichealth.se/identifier/personnummer", "value": number}
        ],  # fmt: skip
        "name": [{"use": "official", "family": "Testsson", "given": ["Testa"]}],
        **fields,
    }


def _import(api_client, user, resource, **query):
    params = {"confirm_care_relation": "true", "reason": "Inskrivning"} | query
    url = "/api/sips/fhir/patients?" + "&".join(f"{k}={v}" for k, v in params.items())
    return api_client(user).post(url, json.dumps(resource), content_type="application/fhir+json")


def test_fhir_import_follows_the_registration_rules(api_client, held, finance_officer):
    unconfirmed = _import(api_client, held["region"], _patient(held["number"]),
                          confirm_care_relation="false")  # fmt: skip
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["detail"][0]["code"] == "confirmation_required"
    no_reason = _import(api_client, held["region"], _patient(held["number"]), reason="")
    assert no_reason.json()["detail"][0] | {"message": ""} == {
        "field": "reason", "code": "required", "message": "",
    }  # fmt: skip
    # The refused attempts are logged although the import rolled back, with the owner.
    owners = set(
        AuditEvent.objects.filter(
            action=Action.ACCESS_DENIED, person_ref=held["number"]
        ).values_list("owner_id", flat=True)
    )
    assert owners == {None, held["ost"].staff_profile.organisation_id}
    assert _import(api_client, finance_officer, _patient(held["number"])).status_code == 403
    assert CareRelation.objects.filter(person=held["person"]).count() == 1


def test_fhir_patient_held_elsewhere_answers_as_unknown(api_client, held):
    unknown = _unused(held["number"])
    elsewhere = _import(api_client, held["region"], _patient(held["number"]))
    fresh = _import(api_client, held["region"], _patient(unknown))
    assert (elsewhere.status_code, fresh.status_code) == (200, 200), elsewhere.content
    assert (
        [r["created"] for r in elsewhere.json()] == [r["created"] for r in fresh.json()] == [True]
    )
    relation = CareRelation.objects.get(
        person=held["person"], organisation=held["region"].staff_profile.organisation
    )
    assert (relation.verksamhet, relation.reason) == ("health_care", "Inskrivning")
    # Östersund's own re-import finds its patient (not new to it), and is logged.
    own = _import(api_client, held["ost"], _patient(held["number"]))
    assert own.json() == [{"person_id": str(held["person"].pk), "created": False}]
    assert AuditEvent.objects.filter(
        action=Action.SEARCH, person_ref=held["number"], process="vårdrelation",
        organisation=held["ost"].staff_profile.organisation,
    ).exists()  # fmt: skip


def test_fhir_patient_that_disagrees_with_a_visible_person_is_reported(api_client, held):
    person = held["person"]
    Person.objects.filter(pk=person.pk).update(birth_date=dt.date(1900, 1, 1))
    born = birth_date(parse_identifier(held["number"]))
    response = _import(api_client, held["ost"], _patient(held["number"],
                                                         birthDate=born.isoformat()))  # fmt: skip
    assert response.status_code == 409, response.content
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == ("patient", "patient_mismatch")
    assert "födelsedatum" in error["message"]
    # The same disagreement with a person the user cannot see is not told.
    elsewhere = _import(api_client, held["region"], _patient(held["number"],
                                                             birthDate=born.isoformat()))  # fmt: skip
    assert elsewhere.status_code == 200 and elsewhere.json()[0]["created"] is True


def test_fhir_patient_contradicting_its_own_number_is_refused_whatever_exists(api_client, held):
    for number in (held["number"], _unused(held["number"])):
        response = _import(api_client, held["region"], _patient(number, birthDate="1900-01-01"))
        assert response.status_code == 422
        assert response.json()["detail"][0]["code"] == "patient_inconsistent"


# --- reads leave a trace ----------------------------------------------------------------------


def test_identifier_search_of_a_number_held_elsewhere_is_logged_for_the_owner(api_client, held):
    unknown = _unused(held["number"])
    client = api_client(held["region"])
    assert client.get("/api/persons", {"q": held["number"]}).json() == []
    assert client.get("/api/persons", {"q": unknown}).json() == []
    search = AuditEvent.objects.filter(action=Action.SEARCH)
    assert {e.owner_id for e in search.filter(person_ref=held["number"])} == {
        None, held["ost"].staff_profile.organisation_id,
    }  # fmt: skip
    assert {e.owner_id for e in search.filter(person_ref=unknown)} == {None}


def test_name_search_logs_every_person_shown(api_client, nurse, make_person):
    shown = [make_person(nurse, i, family_name="Sökesson") for i in range(3)]
    make_person(nurse, 5, family_name="Annan")
    found = api_client(nurse).get("/api/persons", {"q": "Sökesson"}).json()
    assert len(found) == 3
    events = AuditEvent.objects.filter(action=Action.SEARCH, object_type="people.person")
    assert sorted(e.person_ref for e in events) == sorted(p.ref for p in shown)
    api_client(nurse).get("/api/persons", {"q": "Ingensson"})
    assert AuditEvent.objects.filter(action=Action.SEARCH, person_ref__isnull=True).count() == 1


@pytest.fixture
def tasked(nurse, make_person, jh_person_facts, jh_intervention_facts):
    """Two persons of the nurse's with an open task each (egenvård first)."""
    persons = []
    for index in (0, 1):
        person = make_person(nurse, index)
        for name, value in (jh_person_facts | {"adl_needs_over_time": ["dressing"]}).items():
            services.set_fact(nurse, person, name, value)
        intervention = services.create_intervention(
            nurse, person, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
        )
        services.decide_intervention(nurse, intervention)
        persons.append(person)
    assert all(p.tasks.exists() for p in persons)
    return persons


def _task_list_refs() -> list[str | None]:
    return sorted(
        e.person_ref or ""
        for e in AuditEvent.objects.filter(action=Action.VIEW, object_type="people.task")
    )


def test_task_lists_log_every_person_shown(api_client, client_as, nurse, tasked):
    refs = sorted(p.ref for p in tasked)
    assert len(api_client(nurse).get("/api/persons/tasks").json()) >= 2
    assert _task_list_refs() == refs
    before = AuditEvent.objects.count()
    assert client_as(nurse).get("/").status_code == 200  # the start page's "Mina uppgifter"
    start = AuditEvent.objects.order_by("pk")[before:]
    assert sorted(e.person_ref for e in start if e.object_type == "people.task") == refs


def test_merge_page_with_a_number_held_elsewhere_is_logged_for_the_owner(client_as, held):
    own = services.create_person(
        held["region"], identifier=_unused(held["number"]), family_name="Egen", **DECLARED
    )[0]
    response = client_as(held["region"]).post(
        f"/personer/{own.pk}/sammanfor/", {"identifier": held["number"], "confirm": "on"}
    )
    assert "Ingen person med det numret finns hos din organisation." in response.content.decode()
    events = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, person_ref=held["number"])
    assert {e.owner_id for e in events} == {None, held["ost"].staff_profile.organisation_id}


@pytest.mark.parametrize("sees_tolvan", [True, False])
def test_a_ten_digit_number_that_could_be_a_person_over_100_is_said_so(
    client_as, make_staff, orgs, sees_tolvan
):
    """121212-1212 reads as born 2012; Tolvan (19121212-1212) is the "+" reading. A user who
    may see Tolvan is told; one who may not registers as for any unused number."""
    ost = make_staff(Role.NURSE, orgs.ostersund)
    services.create_person(
        ost,
        identifier="19121212-1212",
        family_name="Tolvansson",
        home_municipality="2380",
        confirm_care_relation=True,
        reason="Test",
    )
    user = ost if sees_tolvan else make_staff(Role.NURSE, orgs.region_jh)
    body = {
        "identifier": "121212-1212",
        "family_name": "Testsson",
        "home_municipality": "2380",
        "confirm_care_relation": "on",
        "reason": "Inskrivning",
    }
    response = client_as(user).post("/personer/ny/", body)
    if sees_tolvan:
        assert response.status_code == 200
        page = response.content.decode()
        assert "Det finns en person född 1912-12-12 med samma tio siffror" in page
        assert "ÅÅMMDD+NNNN" in page
    else:
        assert response.status_code == 302  # registered as born 2012, nothing revealed


# --- adding an identifier: the last path that answered differently -------------------------


def _reserve(user, value: str) -> Person:
    return services.create_person(
        user,
        identifier=value,
        id_system="reservnummer",
        family_name="Reservsson",
        home_municipality="2380",
        **DECLARED,
    )[0]


def _comparable_identity(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("value", "display")}


def test_adding_a_number_held_elsewhere_answers_as_an_unused_one(api_client, client_as, held):
    """Issue 11: a number another vårdgivare holds was refused (`belongs_to_other`) while an
    unused one was attached, telling any nurse whether it is a patient elsewhere."""
    region = held["region"]
    joined, fresh = _reserve(region, "19500101-AB12"), _reserve(region, "19500101-CD34")
    client = api_client(region)
    elsewhere = client.post(
        f"/api/persons/{joined.pk}/identities",
        {"identifier": held["number"]},
        content_type=JSON,
    )
    unused = client.post(
        f"/api/persons/{fresh.pk}/identities",
        {"identifier": _unused(held["number"])},
        content_type=JSON,
    )
    assert (elsewhere.status_code, unused.status_code) == (201, 201), elsewhere.content
    assert _comparable_identity(elsewhere.json()) == _comparable_identity(unused.json())
    assert elsewhere.json()["primary"] and elsewhere.json()["added_on"] == str(dt.date.today())
    # The person as she reads it afterwards: the same shape, nothing of Östersund's record.
    a = client.get(f"/api/persons/{joined.pk}").json()
    b = client.get(f"/api/persons/{fresh.pk}").json()
    assert _comparable(a) == _comparable(b)
    facts = [client.get(f"/api/persons/{p.pk}/facts").json() for p in (joined, fresh)]
    for body in facts:
        for row in body["history"]:
            row.pop("id"), row.pop("recorded_at")
    assert facts[0] == facts[1], json.dumps(facts, indent=1)
    page = client_as(region).get(f"/personer/{joined.pk}/").content.decode()
    assert "tidigare post" not in page
    # One record of one person: Östersund's old address leads to it, its facts are its own.
    ost_record = Person.objects.get(pk=held["person"].pk)
    assert ost_record.merged_into_id == joined.pk and not ost_record.merge_shown
    own_facts = api_client(held["ost"]).get(f"/api/persons/{joined.pk}/facts")
    assert own_facts.status_code == 200 and own_facts.json()
    # Östersund's log control sees the join; the region's own log has only the addition.
    joins = AuditEvent.objects.filter(
        owner_id=held["ost"].staff_profile.organisation_id,
        why__contains="sammanfördes med en annan vårdgivares post",
    )
    assert joins.count() == 1
    assert not AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, person_ref=held["number"]
    ).exists()
