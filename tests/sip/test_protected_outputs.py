"""A protected identity in the SIP outputs: the meeting place is withheld from participants
(page and API), the FHIR export carries no address or kommun, the PDF no meeting place; an
unprotected person's outputs are unchanged (issue 11)."""

from __future__ import annotations

import json

import pytest

from samverkan.core.documents import text_lines
from samverkan.people import fhir
from samverkan.people import services as people_services
from samverkan.people.withholding import PROTECTED_MARKER, WITHHELD_TEXT
from samverkan.sip.outputs import canonical_base, fhir_bundle, sip_resources
from samverkan.sip.pdf import sip_pdf

pytestmark = pytest.mark.django_db

PLACE = "Krokoms kommunhus"


@pytest.fixture
def protect(staff):
    def do(sip, kind="protected_registration"):
        return people_services.mark_protected(staff.ost, sip.person, kind=kind)

    return do


def _patient(sip) -> dict:
    bundle = json.loads(fhir.to_json(fhir_bundle(sip)))
    return bundle["entry"][0]["resource"]


def test_unprotected_outputs_are_unchanged(shared_sip, staff, client_as, api_client):
    assert _patient(shared_sip)["address"] == [{"district": "2380"}]
    assert "security" not in _patient(shared_sip)["meta"]
    page = client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/").content.decode()
    assert PLACE in page and WITHHELD_TEXT not in page and PROTECTED_MARKER not in page
    body = api_client(staff.krokom).get(f"/api/sips/{shared_sip.pk}").json()
    assert body["participants"][0]["meeting_place"] == PLACE


@pytest.mark.parametrize("kind", ["protected_registration", "confidentiality_marking"])
def test_fhir_export_withholds_the_address(shared_sip, protect, kind):
    protect(shared_sip, kind)
    patient = _patient(shared_sip)
    assert patient["address"] == [
        {
            "extension": [
                {
                    "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                    "valueCode": "masked",
                }
            ]
        }
    ]
    assert patient["meta"]["security"][0]["code"] == "R"
    assert "2380" not in json.dumps(patient)
    # Round trip: the import reads the mask back, with no kommun.
    person = fhir.bundle_from_fhir(fhir.to_json(fhir_bundle(shared_sip)), base=canonical_base())[0]
    assert person.address_withheld and person.municipality_code is None
    assert person == sip_resources(shared_sip)[0]


def test_fhir_download_withholds_too(shared_sip, protect, client_as, staff):
    protect(shared_sip)
    bundle = client_as(staff.ost).get(f"/sip/{shared_sip.pk}/fhir").json()
    patient = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    assert '"district"' not in json.dumps(patient) and "masked" in json.dumps(patient)


def test_participant_page_and_api_withhold_the_meeting_place(
    shared_sip, protect, staff, client_as, api_client
):
    protect(shared_sip)
    page = client_as(staff.krokom).get(f"/sip/{shared_sip.pk}/").content.decode()
    assert PLACE not in page
    assert WITHHELD_TEXT in page and PROTECTED_MARKER in page
    body = api_client(staff.krokom).get(f"/api/sips/{shared_sip.pk}").json()
    assert body["participants"][0]["meeting_place"] == WITHHELD_TEXT
    assert PLACE not in json.dumps(body)
    # The inviting organisation chose the place and still sees it (and the marker).
    own = client_as(staff.ost).get(f"/sip/{shared_sip.pk}/").content.decode()
    assert PLACE in own and PROTECTED_MARKER in own
    assert (
        api_client(staff.ost)
        .get(f"/api/sips/{shared_sip.pk}")
        .json()["participants"][0]["meeting_place"]
        == PLACE
    )


def test_sip_list_marks_the_protected_person(shared_sip, protect, staff, client_as):
    protect(shared_sip)
    assert PROTECTED_MARKER in client_as(staff.ost).get("/sip/").content.decode()


def test_pdf_has_no_meeting_place(shared_sip, protect):
    protect(shared_sip)
    text = " ".join(text_lines(sip_pdf(shared_sip, compress=False)))
    assert PLACE not in text and "2380" not in text
    assert "Sigrid Planström" in text  # the person's own plan, for the person
