"""The tjänsteköp demo loads, is idempotent and seeds its persons through the people room."""

from __future__ import annotations

import pytest

from samverkan.people.models import CareRelation, Person, PersonIdentity
from samverkan.purchases.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_seeds_persons_with_a_care_relation():
    first = load_demo()
    assert first["records"] == 9 and first["invoices"] == 3
    records = first["service_records"]  # the credited month's records and their copies
    persons = list(Person.objects.all())
    assert len(persons) == 4
    for person in persons:
        identity = PersonIdentity.objects.get(person=person)
        assert identity.system == "personnummer" and identity.is_primary
        relation = CareRelation.objects.get(person=person)
        assert relation.organisation.scb_code == person.home_municipality
        assert relation.organisation.scb_code in {"2380", "2180"}
    again = load_demo()
    assert again["records"] == 0 and again["invoices"] == 0
    assert again["service_records"] == records
    assert Person.objects.count() == 4 and CareRelation.objects.count() == 4


def test_demo_has_a_closed_month_with_invoices_and_a_credit_note(client_as) -> None:
    """Issue 12: the ekonom's demo path shows invoicing at work between real parties."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from samverkan.purchases.models import Invoice, InvoiceKind, InvoiceRun, InvoiceStatus

    load_demo()
    month = dt.date(2019, 11, 1)
    invoices = list(Invoice.objects.filter(period_start=month).order_by("sequence_number"))
    assert [(i.kind, i.status) for i in invoices] == [
        (InvoiceKind.INVOICE, InvoiceStatus.CREDITED),
        (InvoiceKind.CREDIT_NOTE, InvoiceStatus.ISSUED),
        (InvoiceKind.INVOICE, InvoiceStatus.ISSUED),
    ]
    assert {(i.seller.scb_code, i.buyer.scb_code) for i in invoices} == {("2180", "21")}
    assert invoices[1].credits_id == invoices[0].pk
    assert invoices[2].payable_ore == invoices[0].payable_ore > 0
    assert InvoiceRun.objects.filter(month=month, locked=True).exists()
    assert not InvoiceRun.objects.filter(month=month, locked=False).exists()
    users = get_user_model().objects
    for username in ("ekonom.gavle", "ekonom.regiongvb"):
        client = client_as(users.get(username=username))
        listing = client.get(reverse("purchases:invoicing")).content.decode()
        for invoice in invoices:
            page = client.get(reverse("purchases:invoice", args=[invoice.pk]))
            assert page.status_code == 200, (username, invoice.number)
            for kind in ("xml", "pdf"):
                response = client.get(reverse("purchases:invoice_file", args=[invoice.pk, kind]))
                assert response.status_code == 200, (username, invoice.number, kind)
        assert invoices[1].number in listing or username == "ekonom.regiongvb"


def test_a_demo_without_the_validation_rules_says_why_it_has_no_invoices(monkeypatch, caplog):
    """A checkout not beside shared/ (and no SAMVERKAN_SHARED_DIR) cannot issue invoices: the
    demo loads without its closed month and says so in the log, with the refusal's code."""
    from samverkan.purchases import demo
    from samverkan.purchases.errors import PurchasesError

    def refused(*args, **kwargs):
        raise PurchasesError.one("invoice", "peppol_validation_unavailable", "Regler saknas.")

    monkeypatch.setattr(demo.services, "run_invoices", refused)
    with caplog.at_level("WARNING", logger="samverkan.purchases.demo"):
        assert load_demo()["invoices"] == 0
    assert "closed month is not invoiced (peppol_validation_unavailable)" in caplog.text
