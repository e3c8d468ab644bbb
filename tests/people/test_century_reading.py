"""A ten-digit number without "+" that could be a person over 100 the user may see is
warned about, not silently taken as the younger reading, on every path that takes a number
(issue 12; people.services.century_warning): the API registration, adding an identity, the
merge page and FHIR import, as the registration page already did. Silent for a user who may
not see that person (no oracle)."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role
from samverkan.people import services
from samverkan.people.services import PeopleError

pytestmark = pytest.mark.django_db
DECLARED = {"confirm_care_relation": True, "reason": "Test", "home_municipality": "2380"}
TEN = "121212-1212"  # reads as born 2012; Tolvan (19121212-1212) is the "+" reading


@pytest.fixture
def tolvan(make_staff, orgs):
    ost = make_staff(Role.NURSE, orgs.ostersund)
    person, _ = services.create_person(
        ost, identifier="19121212-1212", family_name="Tolvansson", **DECLARED
    )
    return ost, person


def test_the_api_registration_warns_with_the_stable_code(tolvan, api_client, make_staff, orgs):
    ost, _ = tolvan
    body = {"identifier": TEN, "family_name": "Testsson", **DECLARED}
    response = api_client(ost).post("/api/persons", body, content_type="application/json")
    assert response.status_code == 422, response.content
    (detail,) = response.json()["detail"]
    assert detail["code"] == "ambiguous_century" and detail["field"] == "identifier"
    assert "född 1912-12-12" in detail["message"]
    # a user who may not see Tolvan registers as for any unused number
    other = make_staff(Role.NURSE, orgs.region_jh)
    response = api_client(other).post("/api/persons", body, content_type="application/json")
    assert response.status_code == 201, response.content


def test_adding_an_identity_warns(tolvan):
    ost, _ = tolvan
    person, _ = services.create_person(
        ost, identifier="20000229-2399", family_name="Annan", **DECLARED
    )
    with pytest.raises(PeopleError) as refused:
        services.add_identity(ost, person, TEN)
    assert refused.value.code == "ambiguous_century"
    assert not person.identities.filter(value="201212121212").exists()


def test_the_merge_page_warns(tolvan, client_as):
    ost, _ = tolvan
    person, _ = services.create_person(
        ost, identifier="20000229-2399", family_name="Annan", **DECLARED
    )
    response = client_as(ost).post(
        f"/personer/{person.pk}/sammanfor/", {"identifier": TEN, "confirm": "on"}
    )
    assert "Det finns en person född 1912-12-12 med samma tio siffror" in response.content.decode()


def test_fhir_import_warns(tolvan):
    ost, _ = tolvan
    patient = {
        "resourceType": "Patient",
        "identifier": [{"system": "urn:oid:1.2.752.129.2.1.3.1", "value": "1212121212"}],
        "name": [{"family": "Testsson"}],
    }
    with pytest.raises(PeopleError) as refused:
        services.import_patient(ost, patient, confirm_care_relation=True, reason="Import")
    assert refused.value.code == "ambiguous_century"
