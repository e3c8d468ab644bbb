"""Issue 12: a FHIR Patient that disagrees with the stored person is reported, not matched
silently (the reported case: a woman born 2021 matched by reservnummer to a man born 1988)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from samverkan.accounts.models import Role
from samverkan.people.models import CareRelation, Person, PersonIdentity
from samverkan.people.testpersons import shared_dir

pytestmark = pytest.mark.django_db

RESERVNUMMER = "20210325K069"  # the HL7 Sweden example in ../shared/testdata/fhir/


def _shared_patient() -> str:
    folder = shared_dir()
    assert folder is not None
    return (folder / "testdata" / "fhir" / "patient-reservnummer.json").read_text("utf-8")


def _import(api_client, user, body: str):
    url = "/api/sips/fhir/patients?confirm_care_relation=true&reason=Inskrivning"
    return api_client(user).post(url, body, content_type="application/fhir+json")


@pytest.fixture
def man_1988(make_staff, orgs, make_person):
    """A stored man born 1988 who holds the reservnummer (as in the issue)."""
    ost = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(ost, 0)
    PersonIdentity.objects.filter(person=person).update(system="reservnummer", value=RESERVNUMMER)
    Person.objects.filter(pk=person.pk).update(birth_date=dt.date(1988, 6, 15), sex="male")
    return {"person": person, "ost": ost, "region": make_staff(Role.NURSE, orgs.region_jh)}


def test_woman_born_2021_is_not_matched_to_the_man_born_1988(api_client, man_1988):
    body = _shared_patient()
    assert json.loads(body)["gender"] == "female"
    response = _import(api_client, man_1988["ost"], body)
    assert response.status_code == 409, response.content
    [error] = response.json()["detail"]
    assert (error["field"], error["code"]) == ("patient", "patient_mismatch")
    assert "födelsedatum" in error["message"] and "kön" in error["message"]
    person = Person.objects.get(pk=man_1988["person"].pk)
    assert (person.birth_date, person.sex) == (dt.date(1988, 6, 15), "male")


def test_a_user_who_cannot_see_him_gets_the_answer_for_an_unknown_person(api_client, man_1988):
    response = _import(api_client, man_1988["region"], _shared_patient())
    assert response.status_code == 200, response.content
    assert [row["created"] for row in response.json()] == [True]  # as for an unknown person
    person = Person.objects.get(pk=man_1988["person"].pk)
    assert (person.birth_date, person.sex) == (dt.date(1988, 6, 15), "male")  # not overwritten
    assert "1988" not in response.content.decode()


def test_a_patient_that_is_not_fhir_401_is_refused_with_the_field(api_client, man_1988):
    patient = json.loads(_shared_patient()) | {"deceasedFlag": True}  # not an R4 element
    response = _import(api_client, man_1988["ost"], json.dumps(patient))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"][0]["code"] == "invalid_fhir"
    assert "deceasedFlag" in json.dumps(body)
    assert not CareRelation.objects.filter(
        organisation=man_1988["region"].staff_profile.organisation
    ).exists()
