"""A buyer's identifiers that are not from its own page are confirmed by an administrator
before an invoice to it is issued (issue 12; samverkan.purchases.buyers)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.purchases import services
from samverkan.purchases.buyers import confirm_identifiers
from samverkan.purchases.errors import InvoicingRefused, NotAllowed
from samverkan.purchases.models import Invoice

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 4, 2)


def _unconfirm(org, source="derived"):
    org.org_number_source = source
    org.identifiers_confirmed_at = None
    org.save()


def test_an_invoice_to_a_buyer_with_an_unconfirmed_number_is_refused(tk, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    _unconfirm(tk.orgs.region_jh)
    with pytest.raises(InvoicingRefused) as refused:
        services.run_invoices(
            tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
        )
    (problem,) = [p for p in refused.value.problems if p.code == "buyer_identifiers_unconfirmed"]
    assert "Region Jämtland Härjedalen" in problem.message
    assert "organisationsnumret" in problem.message and "administratör" in problem.message
    assert not Invoice.objects.exists()

    confirm_identifiers(tk.admin, tk.orgs.region_jh)
    tk.orgs.region_jh.refresh_from_db()
    result = services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
    )
    assert len(result.created) == 1


def test_the_run_api_answers_409_with_the_stable_code(tk, register, api_client) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    _unconfirm(tk.orgs.region_jh, "secondary")
    response = api_client(tk.ekonom).post(
        "/api/purchases/runs",
        {"buyer": tk.orgs.region_jh.scb_code, "month": "2026-03"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    codes = [d["code"] for d in response.json()["detail"]]
    assert "buyer_identifiers_unconfirmed" in codes


def test_a_changed_number_loses_its_confirmation(tk) -> None:
    org = tk.orgs.region_gvb
    confirm_identifiers(tk.admin, org)
    org.refresh_from_db()
    assert org.unverified_identifiers() == []
    org.org_number = "232100-0206"
    org.save()
    assert org.identifiers_confirmed_at is None
    assert org.unverified_identifiers()


def test_only_an_administrator_confirms_and_it_is_logged(tk, api_client) -> None:
    org = tk.orgs.region_gvb
    _unconfirm(org)
    with pytest.raises(NotAllowed):
        confirm_identifiers(tk.ekonom, org)
    url = f"/api/purchases/organisations/{org.scb_code}/confirm-identifiers"
    assert api_client(tk.ekonom).post(url).status_code == 403
    listed = api_client(tk.ekonom).get("/api/purchases/organisations").json()
    (row,) = [r for r in listed if r["scb_code"] == "21"]
    assert row["unconfirmed"] and row["org_number_source"] == "derived"

    response = api_client(tk.admin).post(url)
    assert response.status_code == 200, response.content
    assert response.json()["unconfirmed"] == []
    event = AuditEvent.objects.filter(user=tk.admin, action=Action.UPDATE).latest("pk")
    assert "Identifierare bekräftade för Region Gävleborg" in event.why
    assert (
        api_client(tk.admin)
        .post("/api/purchases/organisations/9999/confirm-identifiers")
        .status_code
        == 404
    )


@pytest.mark.parametrize("role", list(Role))
def test_identifier_endpoints_by_role(role, tk, make_staff, api_client) -> None:
    """Access matrix: reading the parties' (public) identifiers is for ekonom, MAS and
    administrators of any organisation; confirming for administrators only."""
    for org in (tk.orgs.ostersund, tk.orgs.gavle):
        client = api_client(make_staff(role, org))
        listed = client.get("/api/purchases/organisations").status_code
        confirmed = client.post("/api/purchases/organisations/21/confirm-identifiers").status_code
        readers = {Role.FINANCE_OFFICER, Role.MAS, Role.ADMINISTRATOR}
        assert listed == (200 if role in readers else 403), (role, org)
        assert confirmed == (200 if role == Role.ADMINISTRATOR else 403), (role, org)


def test_region_jh_takes_six_digits_alone_in_er_referens(tk, register) -> None:
    """'Demo: HC Lit 4120' was sent and accepted; the region does not transfer it."""
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    for wrong in ("Demo: HC Lit 4120", "4120", "412000 "):
        tk.orgs.region_jh.invoice_reference = wrong
        tk.orgs.region_jh.save()
        with pytest.raises(InvoicingRefused) as refused:
            services.run_invoices(
                tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
            )
        (problem,) = [p for p in refused.value.problems if p.code == "buyer_reference_format"]
        assert "sex siffror" in problem.message
    tk.orgs.region_jh.invoice_reference = "412000"
    tk.orgs.region_jh.save()
    (invoice,) = services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
    ).created
    assert invoice.buyer_reference == "412000"


def test_region_jh_gets_the_attachment_as_pdf(tk, register, peppol_validator) -> None:
    """It accepts JPG, PDF, TIFF, GIF and PNG only; Gävle (no such rule) keeps the CSV."""
    import base64
    import xml.etree.ElementTree as ET

    from samverkan.purchases.documents import generate

    from .test_ubl import assert_no_fatal

    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
    ).created
    xml = generate(invoice, "xml")
    ns = {"cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
    (obj,) = ET.fromstring(xml).iter(f"{{{ns['cbc']}}}EmbeddedDocumentBinaryObject")
    assert obj.get("mimeCode") == "application/pdf"
    assert obj.get("filename") == f"{invoice.number}-bilaga.pdf"
    assert base64.b64decode(obj.text or "").startswith(b"%PDF")
    assert_no_fatal(peppol_validator, xml)
