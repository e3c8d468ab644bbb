"""The person's extract (PDL 8 kap. 5 §; HSLF-FS 2016:40 4 kap. 10 §): who reached the
person's data at the owner, by organisation, unit, role and time, as CSV and PDF."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.core.documents import text_lines

URL = "/loggkontroll/utdrag/"
pytestmark = pytest.mark.django_db


def test_csv_extract_is_swedish_excel_guarded_and_logged(client_as, case, orgs):
    record(
        case.other_nurse, Action.VIEW, "people.person", 1, person_ref=case.ref,
        owner=orgs.ostersund, process="=HYPERLINK(\"x\")",
    )  # fmt: skip
    response = client_as(case.admin).get(URL, {"person": case.ref, "format": "csv"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeffTidpunkt;Vårdgivare;Enhet;Roll;Händelse;Sammanhang\r\n")
    assert "Krokoms kommun" in body and "Region Jämtland Härjedalen" in body
    assert "'=HYPERLINK" in body
    # No staff names, no other person.
    for user in (case.own_nurse, case.other_nurse, case.region_physician):
        assert user.username not in body and user.last_name not in body
    assert case.krokom_ref not in body
    export = AuditEvent.objects.get(user=case.admin, action=Action.EXPORT)
    assert export.person_ref == case.ref and case.ref not in export.why
    assert "Loggutdrag" not in body  # its own export is not an access to the record


def test_pdf_extract(client_as, case):
    response = client_as(case.admin).get(URL, {"person": case.ref, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    lines = "\n".join(text_lines(response.content))
    assert "Loggutdrag" in lines and "Krokoms kommun" in lines
    assert str(Role.NURSE.label) in lines and "Nödåtkomst".casefold() in lines.casefold()
    assert case.other_nurse.username not in lines


def test_another_owners_accesses_are_not_in_the_extract(client_as, case, make_staff, orgs):
    krokom_admin = make_staff(Role.ADMINISTRATOR, orgs.krokom)
    body = client_as(krokom_admin).get(URL, {"person": case.ref, "format": "csv"}).content
    assert body.decode("utf-8").count("\r\n") == 1  # the header only


def test_an_invalid_number_is_refused_in_swedish(client_as, case):
    response = client_as(case.admin).get(URL, {"person": "abc", "format": "csv"})
    assert response.status_code == 422
    assert "Ange ett giltigt personnummer" in response.content.decode()
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_pdf_extract_is_tagged_with_the_unicode_font(client_as, case):
    from tests.pdf_checks import assert_document_layer

    response = client_as(case.admin).get(URL, {"person": case.ref, "format": "pdf"})
    assert_document_layer(
        response.content,
        title="Loggutdrag: åtkomst till dina uppgifter",
        printed=("Loggutdrag", "Krokoms kommun"),
    )
