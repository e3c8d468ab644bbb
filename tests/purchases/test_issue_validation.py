"""Every invoice and credit note is run through the official Peppol BIS Billing 3.0 rules
(EN 16931 and Peppol) when it is issued, not only in the tests (issue 12): a document with a
fatal assertion is not issued and the ekonom is told the rule's text; warnings are kept and
shown (samverkan.purchases.documents.validate_at_issue)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from samverkan.purchases import documents, services
from samverkan.purchases.errors import InvoicingRefused
from samverkan.purchases.models import (
    Invoice,
    InvoiceCounter,
    InvoiceDocument,
    InvoiceKind,
    RecordStatus,
    ServiceRecord,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 4, 2)


def _corrupt(monkeypatch, change) -> None:
    """The XML writer with a defect: what it writes passes through ``change``."""
    real = documents.build_ubl

    def broken(doc):
        return change(real(doc))

    monkeypatch.setattr(documents, "build_ubl", broken)


def _wrong_payable(xml: bytes) -> bytes:
    # BR-CO-16: amount due = total with VAT - paid + rounding
    return re.sub(rb"(<cbc:PayableAmount[^>]*>)[^<]*", rb"\g<1>1.00", xml)


def _letters_in_bankgiro(xml: bytes) -> bytes:
    # SE-R-008 (a warning): a Swedish supplier's bankgiro account must be numeric
    return xml.replace(b"<cbc:ID>1234566</cbc:ID>", b"<cbc:ID>123456X</cbc:ID>")


def _run(tk):
    return services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
    )


def test_an_invoice_with_a_fatal_assertion_is_not_issued(tk, register, monkeypatch) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    _corrupt(monkeypatch, _wrong_payable)
    with pytest.raises(InvoicingRefused) as refused:
        _run(tk)
    (problem,) = refused.value.problems
    assert problem.code == "peppol_fatal"
    assert problem.message.startswith("Fakturan till Region Jämtland Härjedalen kan inte utfärdas")
    assert "Amount due for payment (BT-115)" in problem.message  # the rule's own text
    # nothing issued: no invoice, no number taken, the records still waiting
    assert not Invoice.objects.exists()
    assert not InvoiceCounter.objects.filter(last_number__gt=0).exists()
    assert not ServiceRecord.objects.filter(status=RecordStatus.INVOICED).exists()

    monkeypatch.undo()
    (invoice,) = _run(tk).created
    assert invoice.sequence_number == 1 and invoice.peppol_warnings == []


def test_the_run_api_and_page_name_the_rule(tk, register, monkeypatch, api_client) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    _corrupt(monkeypatch, _wrong_payable)
    response = api_client(tk.ekonom).post(
        "/api/purchases/runs",
        {"buyer": tk.orgs.region_jh.scb_code, "month": "2026-03"},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    (detail,) = response.json()["detail"]
    assert detail["code"] == "peppol_fatal" and "BT-115" in detail["message"]


def test_warnings_are_kept_and_shown(tk, register, monkeypatch, client_as) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    _corrupt(monkeypatch, _letters_in_bankgiro)
    result = _run(tk)
    (invoice,) = result.created
    invoice.refresh_from_db()
    assert len(invoice.peppol_warnings) == 1 and "Bankgiro" in invoice.peppol_warnings[0]
    assert any("Varning enligt Peppols regler" in m for m in result.messages)
    # the XML that was validated is the one stored and downloaded
    stored = InvoiceDocument.objects.get(invoice=invoice, kind=InvoiceDocument.Kind.XML)
    assert b"123456X" in bytes(stored.content)
    page = client_as(tk.ekonom).get(f"/tjanstekop/fakturor/{invoice.pk}/")
    assert page.status_code == 200
    assert "Varningar från Peppols regler" in page.content.decode()


def test_a_credit_note_with_a_fatal_assertion_is_not_issued(tk, register, monkeypatch) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = _run(tk).created
    _corrupt(monkeypatch, _wrong_payable)
    with pytest.raises(InvoicingRefused) as refused:
        services.credit_invoice(tk.ekonom, invoice, reason="Fel tid", today=TODAY)
    (problem,) = refused.value.problems
    assert problem.code == "peppol_fatal"
    assert problem.message.startswith(
        "Kreditfakturan till Region Jämtland Härjedalen kan inte utfärdas"
    )
    invoice.refresh_from_db()
    assert invoice.status == "issued"
    assert not Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).exists()
    assert not ServiceRecord.objects.filter(status=RecordStatus.DRAFT).exists()

    monkeypatch.undo()
    credit = services.credit_invoice(tk.ekonom, invoice, reason="Fel tid", today=TODAY)
    assert credit.kind == InvoiceKind.CREDIT_NOTE and credit.peppol_warnings == []
    assert InvoiceDocument.objects.filter(invoice=credit, kind="xml").exists()
