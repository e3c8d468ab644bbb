"""Buyer rules as an editable table (issue 12; samverkan.purchases.buyers): seeded from
``../shared/reference/organisations.csv``, edited on the Fakturamottagare page by an
administrator or the buyer's own ekonom, checked when the rule, the buyer's reference or an
agreement's price list is set up and again when an invoice is issued; the channel for the
individual-level detail decides what the e-invoice carries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.purchases import buyers, services
from samverkan.purchases.documents import generate
from samverkan.purchases.errors import NotAllowed, PriceError, PurchasesError
from samverkan.purchases.models import BuyerRule, DetailChannel

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 4, 2)


def _save(actor, org, **changes):
    data = {
        "reference_format": "any",
        "attachment_types": "",
        "detail_channel": DetailChannel.SAMVERKAN,
        "invoice_reference": org.invoice_reference,
        "source": "",
    }
    data.update(changes)
    return buyers.save_rule(actor, org, **data)


def test_rules_are_seeded_from_the_reference_file(tk) -> None:
    rjh = buyers.rule_for(tk.orgs.region_jh)
    assert rjh.reference_format == "digits6" and rjh.detail_channel == DetailChannel.EMBEDDED
    assert "application/pdf" in rjh.attachment_types and "text/csv" not in rjh.attachment_types
    assert buyers.rule_for(tk.orgs.gavle).reference_format == "digits4_id"
    assert buyers.rule_for(tk.orgs.region_gvb).detail_channel == DetailChannel.SEPARATE
    # no published rule: any reference, the detail only in Samverkan
    krokom = buyers.rule_for(tk.orgs.krokom)
    assert (krokom.reference_format, krokom.detail_channel) == ("any", DetailChannel.SAMVERKAN)


def test_the_reference_is_checked_against_the_rule_when_it_is_set_up(tk) -> None:
    gavle = tk.orgs.gavle
    with pytest.raises(PurchasesError) as refused:
        _save(tk.admin, gavle, reference_format="digits4_id", invoice_reference="Ref 2180")
    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("invoice_reference", "buyer_reference_format")
    assert "8–10 tecken som börjar med fyra siffror" in problem.message
    assert not BuyerRule.objects.exists()

    _save(tk.admin, gavle, reference_format="digits4_id", invoice_reference="3010BBB123")
    gavle.refresh_from_db()
    assert gavle.invoice_reference == "3010BBB123"
    event = AuditEvent.objects.filter(user=tk.admin, action=Action.UPDATE).latest("pk")
    assert "Fakturaregler för Gävle kommun" in event.why


def test_a_rule_that_refuses_an_agreements_reference_is_not_saved(tk) -> None:
    """Gävleborg's agreement writes "KST 80904" on every invoice to Region Gävleborg."""
    with pytest.raises(PurchasesError) as refused:
        _save(tk.admin, tk.orgs.region_gvb, reference_format="digits6", invoice_reference="123456")
    (problem,) = refused.value.problems
    assert problem.field == "reference_format" and "KST 80904" in problem.message
    assert "svårt sjuka" in problem.message


def test_a_price_list_is_checked_against_the_buyers_rule(tk) -> None:
    # a rule entered before the check existed (or by the admin site) that refuses "KST 80904"
    BuyerRule.objects.create(organisation=tk.orgs.region_gvb, reference_format="digits6")
    with pytest.raises(PriceError) as refused:
        services.set_price(
            tk.admin,
            agreement="gvb-svart-sjuka",
            unit="hour",
            amount=Decimal("500"),
            valid_from=dt.date(2026, 1, 1),
        )
    (problem,) = refused.value.problems
    assert problem.field == "agreement" and problem.code == "buyer_reference_format"
    assert "Region Gävleborg" in problem.message and "sex siffror" in problem.message


def test_unknown_attachment_types_and_impossible_embedding_are_refused(tk) -> None:
    with pytest.raises(PurchasesError) as refused:
        _save(tk.admin, tk.orgs.krokom, attachment_types="PDF, DOCX")
    assert refused.value.problems[0].field == "attachment_types"
    assert "DOCX" in refused.value.problems[0].message
    with pytest.raises(PurchasesError) as refused:
        _save(tk.admin, tk.orgs.krokom, attachment_types="JPG", detail_channel="embedded")
    assert refused.value.problems[0].code == "attachment_not_accepted"


def test_who_edits_a_rule(tk, make_staff) -> None:
    _save(tk.ekonom_region, tk.orgs.region_jh, reference_format="digits6")  # its own
    _save(tk.admin, tk.orgs.region_jh, reference_format="digits6")  # any administrator
    for actor in (tk.ekonom, make_staff(Role.MAS, tk.orgs.region_jh), tk.nurse):
        with pytest.raises(NotAllowed):
            _save(actor, tk.orgs.region_jh, reference_format="any")


def _invoice(tk, register):
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY, today=TODAY
    ).created
    return invoice


def test_detail_only_in_samverkan_leaves_the_person_references_out(tk, register) -> None:
    _save(tk.admin, tk.orgs.region_jh, reference_format="digits6", detail_channel="samverkan")
    invoice = _invoice(tk, register)
    assert invoice.detail_channel == DetailChannel.SAMVERKAN
    xml = generate(invoice, "xml").decode()
    assert "EmbeddedDocumentBinaryObject" not in xml and "Individreferens" not in xml
    assert "P-0001" not in xml
    assert "finns i Samverkan under fakturans nummer" in xml
    assert "P-0001" not in generate(invoice, "pdf").decode("latin-1")
    # the seller and buyer still see it behind the access checks
    assert "P-0001" in generate(invoice, "attachment_csv").decode("utf-8-sig")


def test_separate_detail_says_so_and_embeds_nothing(tk, register) -> None:
    _save(tk.admin, tk.orgs.region_jh, reference_format="digits6", detail_channel="separate")
    xml = generate(_invoice(tk, register), "xml").decode()
    assert "EmbeddedDocumentBinaryObject" not in xml and "P-0001" not in xml
    assert "skickas separat" in xml


def test_embedded_detail_goes_as_pdf_to_region_jh(tk, register) -> None:
    invoice = _invoice(tk, register)  # the seed: embedded, PDF and images only
    xml = generate(invoice, "xml").decode()
    assert 'mimeCode="application/pdf"' in xml and "Individreferens: P-0001" in xml


# --------------------------------------------------------------------------- pages


def test_the_page_edits_the_rule_with_field_errors(tk, client_as) -> None:
    url = reverse("purchases:buyer", args=["2180"])
    client = client_as(tk.ekonom_gavle)
    page = client.get(url)
    assert page.status_code == 200 and "Spara reglerna" in page.content.decode()
    response = client.post(
        url,
        {
            "action": "rules",
            "reference_format": "digits4_id",
            "invoice_reference": "fel",
            "attachment_types": "",
            "detail_channel": "samverkan",
        },
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "8–10 tecken som börjar med fyra siffror" in body
    assert not BuyerRule.objects.exists()
    response = client.post(
        url,
        {
            "action": "rules",
            "reference_format": "digits4_id",
            "invoice_reference": "3010BBB123",
            "attachment_types": "pdf",
            "detail_channel": "separate",
        },
    )
    assert response.status_code == 302
    row = BuyerRule.objects.get(organisation=tk.orgs.gavle)
    assert (row.attachment_types, row.detail_channel) == ("PDF", "separate")


def test_identifier_confirmation_page_asks_first(tk, client_as) -> None:
    org = tk.orgs.region_gvb
    org.org_number_source, org.identifiers_confirmed_at = "derived", None
    org.save()
    url = reverse("purchases:buyer", args=["21"])
    client = client_as(tk.admin)
    body = client.get(url).content.decode()
    assert "Inte bekräftat" in body and "härledd ur ett annat publicerat värde" in body
    asked = client.post(url, {"action": "confirm"})
    assert asked.status_code == 200 and "Ja, bekräfta uppgifterna" in asked.content.decode()
    org.refresh_from_db()
    assert org.identifiers_confirmed_at is None  # nothing confirmed yet
    done = client.post(url, {"action": "confirm", "sure": "ja"})
    assert done.status_code == 302
    org.refresh_from_db()
    assert org.identifiers_confirmed_by_id == tk.admin.pk
    body = client.get(url).content.decode()
    assert tk.admin.username in body
    listed = client.get(reverse("purchases:buyers")).content.decode()
    assert "Region Gävleborg" in listed


@pytest.mark.parametrize("role", list(Role))
def test_buyer_pages_by_role(role, tk, make_staff, client_as) -> None:
    """Access matrix of the page's actions: reading for ekonom, MAS and administrators of
    any organisation; the rule edited by administrators and the buyer's own ekonom;
    identifiers confirmed by administrators only (own and unrelated organisation)."""
    readers = {Role.FINANCE_OFFICER, Role.MAS, Role.ADMINISTRATOR}
    for org in (tk.orgs.region_jh, tk.orgs.gavle):  # the buyer's own, an unrelated one
        client = client_as(make_staff(role, org))
        url = reverse("purchases:buyer", args=["23"])
        assert client.get(url).status_code == (200 if role in readers else 403), (role, org)
        assert client.get(reverse("purchases:buyers")).status_code == (
            200 if role in readers else 403
        )
        rules = client.post(
            url,
            {
                "action": "rules",
                "reference_format": "digits6",
                "invoice_reference": "412000",
                "attachment_types": "PDF",
                "detail_channel": "embedded",
            },
        )
        edits = role == Role.ADMINISTRATOR or (
            role == Role.FINANCE_OFFICER and org == tk.orgs.region_jh
        )
        assert rules.status_code == (302 if edits else 403), (role, org, "rules")
        confirm = client.post(url, {"action": "confirm", "sure": "ja"})
        assert confirm.status_code == (302 if role == Role.ADMINISTRATOR else 403), (role, org)
