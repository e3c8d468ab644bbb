"""Issue 12: "Er referens" (BuyerReference) per ordering unit. The ordering unit is on the
service record (form, CSV import, API; it must be a unit of the ordering organisation); a
buyer's unit has a reference, set up by the buyer's ekonom or an administrator and checked
against the buyer's rule when it is set up and again when an invoice is issued; the invoice
run makes one invoice per (agreement, reference)."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from samverkan.accounts.models import Unit, UnitKind
from samverkan.audit.models import AuditEvent
from samverkan.purchases import buyers, documents, selectors, services
from samverkan.purchases.errors import NotAllowed, PurchasesError
from samverkan.purchases.models import (
    Invoice,
    InvoiceRun,
    OrderingUnitReference,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.peppol_validation import fatal

pytestmark = pytest.mark.django_db
MARCH = dt.date(2026, 3, 1)
APRIL_2 = dt.date(2026, 4, 2)
UBL = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}"


@pytest.fixture
def units(tk):
    """Two of Region Jämtland Härjedalen's units, each with its own six-digit reference (set
    up by the region's ekonom), and one without."""
    region = tk.orgs.region_jh
    hc = Unit.objects.create(
        organisation=region, name="Hälsocentral Centrum", kind=UnitKind.PRIMARY_CARE
    )
    med = Unit.objects.create(
        organisation=region,
        name="Medicinkliniken",
        kind=UnitKind.SPECIALIST_CARE,
        hsa_id="SE2321000214-E1",
    )
    none = Unit.objects.create(
        organisation=region, name="Geriatriken", kind=UnitKind.SPECIALIST_CARE
    )
    buyers.save_unit_reference(tk.ekonom_region, hc, "412010")
    buyers.save_unit_reference(tk.ekonom_region, med, "412020")
    return hc, med, none


def _run(tk, today=APRIL_2):
    return services.run_invoices(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=MARCH, today=today
    )


def _buyer_reference(invoice: Invoice) -> str | None:
    root = ET.fromstring(services.document_bytes(invoice, "xml"))
    found = root.find(f"{UBL}BuyerReference")
    return found.text if found is not None else None


def test_two_units_with_different_references_get_an_invoice_each(
    tk, units, register, peppol_validator
) -> None:
    hc, med, none = units
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", orderer_unit=hc,
             approve_by=tk.ekonom)  # fmt: skip
    register(tk.nurse, tk.p2, dt.date(2026, 3, 11), "09:00", "10:30", orderer_unit=med,
             approve_by=tk.ekonom)  # fmt: skip
    register(tk.nurse, tk.p1, dt.date(2026, 3, 12), "09:00", "09:45", orderer_unit=hc,
             approve_by=tk.ekonom)  # fmt: skip
    # no unit, and a unit without a reference of its own: the organisation's reference
    register(tk.nurse2, tk.p3, dt.date(2026, 3, 12), "10:00", "11:00", approve_by=tk.ekonom)
    register(tk.nurse2, tk.p3, dt.date(2026, 3, 13), "10:00", "11:00", orderer_unit=none,
             approve_by=tk.ekonom)  # fmt: skip

    preview = services.preview_run(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=MARCH
    )
    labels = [g.label for g in preview.included]
    assert any(label.endswith("Er referens 412010") for label in labels), labels
    assert any(label.endswith("Er referens 412020") for label in labels), labels
    assert not preview.blocking, preview.problems

    result = _run(tk)
    invoices = {i.buyer_reference: i for i in result.created}
    assert set(invoices) == {"412000", "412010", "412020"}
    assert {i.agreement for i in invoices.values()} == {"jh-hemsjukvard"}
    assert invoices["412010"].record_count == 2
    assert invoices["412020"].record_count == 1
    assert invoices["412000"].record_count == 2
    for reference, invoice in invoices.items():
        units_on = set(
            ServiceRecord.objects.filter(invoice=invoice).values_list("orderer_unit", flat=True)
        )
        expected = {"412010": {hc.pk}, "412020": {med.pk}, "412000": {None, none.pk}}[reference]
        assert units_on == expected
        assert _buyer_reference(invoice) == reference
        errors = fatal(peppol_validator.validate(services.document_bytes(invoice, "xml")))
        assert not errors, "\n".join(f"{a.id}: {a.text}" for a in errors)
    assert not ServiceRecord.objects.filter(
        status=RecordStatus.APPROVED, band="day", invoice__isnull=True
    ).exists()

    # A credit note keeps the invoice's reference; the records come back with their unit.
    credit = services.credit_invoice(
        tk.ekonom, invoices["412020"], reason="Fel tid", today=dt.date(2026, 4, 5)
    )
    assert credit.buyer_reference == "412020" and _buyer_reference(credit) == "412020"
    assert not fatal(peppol_validator.validate(services.document_bytes(credit, "xml")))
    copies = ServiceRecord.objects.filter(replaces__invoice=invoices["412020"])
    assert copies.exists() and set(copies.values_list("orderer_unit", flat=True)) == {med.pk}


def test_the_invoice_lines_and_attachment_name_the_ordering_unit(
    tk, units, register, client_as, peppol_validator
) -> None:
    """A line is per ordering unit: one person's services ordered by a unit without its own
    reference and without a unit share the default invoice on two lines; the invoice page,
    the lines and the attachment rows name the unit; the attachment still adds up to the
    invoice to the öre and the e-invoice passes Peppol."""
    hc, _med, none = units
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:07", orderer_unit=hc,
             approve_by=tk.ekonom)  # fmt: skip
    register(tk.nurse2, tk.p3, dt.date(2026, 3, 12), "10:00", "11:07", approve_by=tk.ekonom)
    register(tk.nurse2, tk.p3, dt.date(2026, 3, 13), "10:00", "10:41", orderer_unit=none,
             approve_by=tk.ekonom)  # fmt: skip
    invoices = {i.buyer_reference: i for i in _run(tk).created}
    default, own = invoices["412000"], invoices["412010"]
    lines = list(default.lines.order_by("position"))
    assert [line.orderer_unit_id for line in lines] == [None, none.pk]
    assert {line.person_id for line in lines} == {tk.p3.pk}
    assert selectors.invoice_ordering_units(default) == ["Geriatriken"]
    assert selectors.invoice_ordering_units(own) == ["Hälsocentral Centrum"]
    for invoice in (default, own):
        rows = list(documents.attachment_rows(invoice))
        assert sum(round(row.amount * 100) for row in rows) == invoice.line_total_ore
        assert not fatal(peppol_validator.validate(services.document_bytes(invoice, "xml")))
    by_day = {row.date: row.orderer_unit for row in documents.attachment_rows(default)}
    assert by_day == {dt.date(2026, 3, 12): "", dt.date(2026, 3, 13): "Geriatriken"}
    csv_text = services.document_bytes(default, "attachment_csv").decode("utf-8-sig")
    header, *body = csv_text.splitlines()
    assert header.split(";")[5] == "Beställande enhet"
    assert [line.split(";")[5] for line in body] == ["", "Geriatriken"]
    assert services.document_bytes(default, "attachment_pdf").startswith(b"%PDF")
    page = client_as(tk.ekonom).get(reverse("purchases:invoice", args=[default.pk]))
    assert "Beställande enheter" in page.content.decode()
    assert page.content.decode().count("Geriatriken") == 2  # the facts and its line
    # the credit note repeats the lines and rows with their unit
    credit = services.credit_invoice(tk.ekonom, default, reason="Fel tid", today=APRIL_2)
    assert [line.orderer_unit_id for line in credit.lines.order_by("position")] == [None, none.pk]
    assert {row.orderer_unit for row in documents.attachment_rows(credit)} == {"", "Geriatriken"}


def test_a_unit_approved_while_the_run_goes_on_gets_its_own_invoice(
    tk, units, register, monkeypatch
) -> None:
    """A record approved during the run, for a reference the run had not planned, is not
    left approved and uninvoiced in the locked month: the run plans once more."""
    from samverkan.purchases import invoicing

    hc, _med, _none = units
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", approve_by=tk.ekonom)
    sneaked: list[str] = []

    def sneak_in(name: str) -> None:
        if name == "after_invoice" and not sneaked:
            sneaked.append(name)
            register(tk.nurse, tk.p2, dt.date(2026, 3, 11), "09:00", "10:00", orderer_unit=hc,
                     approve_by=tk.ekonom)  # fmt: skip

    monkeypatch.setattr(invoicing, "_checkpoint", sneak_in)
    result = _run(tk)
    assert sorted(i.buyer_reference for i in result.created) == ["412000", "412010"]
    assert not ServiceRecord.objects.filter(status=RecordStatus.APPROVED, band="day").exists()


def test_a_unit_whose_reference_is_the_organisations_shares_its_invoice(
    tk, units, register
) -> None:
    hc, med, _none = units
    buyers.save_unit_reference(tk.ekonom_region, med, "412000")  # the region's own reference
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", orderer_unit=med,
             approve_by=tk.ekonom)  # fmt: skip
    register(tk.nurse, tk.p2, dt.date(2026, 3, 11), "09:00", "10:00", approve_by=tk.ekonom)
    (invoice,) = _run(tk).created
    assert invoice.buyer_reference == "412000" and invoice.record_count == 2


def test_an_agreement_with_a_fixed_reference_keeps_it(tk, register) -> None:
    """Gävleborg's agreement fixes "KST 80904": a unit's reference does not split it."""
    region = tk.orgs.region_gvb
    unit = Unit.objects.create(
        organisation=region, name="Geriatriska kliniken", kind=UnitKind.SPECIALIST_CARE
    )
    buyers.save_unit_reference(tk.admin, unit, "GER 1")
    register(tk.nurse_gavle, tk.pg1, dt.date(2019, 11, 4), "08:00", "10:00",
             basis="gvb-timersattning", orderer_unit=unit, approve_by=tk.ekonom_gavle)  # fmt: skip
    register(tk.nurse_gavle, tk.pg2, dt.date(2019, 11, 5), "08:00", "10:00",
             basis="gvb-timersattning", approve_by=tk.ekonom_gavle)  # fmt: skip
    (invoice,) = services.run_invoices(
        tk.ekonom_gavle,
        seller=tk.orgs.gavle,
        buyer=region,
        month=dt.date(2019, 11, 1),
        today=dt.date(2019, 12, 2),
    ).created
    assert invoice.buyer_reference == "KST 80904"


# --------------------------------------------------------------------------- the reference


def test_a_bad_code_is_refused_when_it_is_set_up(tk, units) -> None:
    hc, _med, _none = units
    with pytest.raises(PurchasesError) as caught:
        buyers.save_unit_reference(tk.ekonom_region, hc, "HC Lit 4120")
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("reference", "buyer_reference_format")
    assert "sex siffror" in problem.message and "HC Lit 4120" in problem.message
    assert OrderingUnitReference.objects.get(unit=hc).reference == "412010"  # unchanged
    # only the buyer's ekonom and administrators set it up
    with pytest.raises(NotAllowed):
        buyers.save_unit_reference(tk.ekonom, hc, "412099")
    with pytest.raises(NotAllowed):
        buyers.save_unit_reference(tk.ekonom_krokom, hc, "412099")
    # logged; an empty reference removes it
    assert AuditEvent.objects.filter(object_type__icontains="orderingunitreference").exists()
    assert buyers.save_unit_reference(tk.admin, hc, "") is None
    assert not OrderingUnitReference.objects.filter(unit=hc).exists()


def test_a_bad_code_is_refused_when_the_invoice_is_issued(tk, units, register) -> None:
    """A reference stored past the check (written directly) stops the run before anything
    is written, with a message naming the unit."""
    hc, _med, _none = units
    OrderingUnitReference.objects.filter(unit=hc).update(reference="HC 4120")
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", orderer_unit=hc,
             approve_by=tk.ekonom)  # fmt: skip
    preview = services.preview_run(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=MARCH
    )
    assert preview.blocking and any("Hälsocentral Centrum" in p for p in preview.problems)
    with pytest.raises(services.InvoicingRefused) as caught:
        _run(tk)
    codes = {p.code for p in caught.value.problems}
    assert codes == {"buyer_reference_format"}
    assert "Hälsocentral Centrum" in caught.value.problems[0].message
    assert not InvoiceRun.objects.exists() and not Invoice.objects.exists()


def test_a_rule_the_units_references_break_is_refused(tk, units) -> None:
    with pytest.raises(PurchasesError) as caught:
        buyers.save_rule(
            tk.ekonom_region,
            tk.orgs.region_jh,
            reference_format="digits4",
            attachment_types="",
            detail_channel="samverkan",
            invoice_reference="4120",
        )
    messages = " ".join(p.message for p in caught.value.problems)
    assert "Hälsocentral Centrum" in messages and "Medicinkliniken" in messages


# --------------------------------------------------------------------------- the record


def test_the_unit_must_belong_to_the_ordering_organisation(tk, units, register) -> None:
    hc, _med, _none = units
    krokom_unit = Unit.objects.create(
        organisation=tk.orgs.krokom, name="Hemtjänsten", kind=UnitKind.HOME_HEALTH_CARE
    )
    with pytest.raises(services.InvalidService) as caught:
        register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", orderer_unit=krokom_unit)
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("orderer_unit", "orderer_unit_other_organisation")
    assert problem.message.startswith("Beställande enhet:") and "Region" in problem.message
    # by HSA-id or name (CSV, API), case-forgiving
    (record,) = register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00",
                         orderer_unit="se2321000214-e1")  # fmt: skip
    assert record.orderer_unit_id == units[1].pk
    with pytest.raises(services.InvalidService) as caught:
        register(tk.nurse, tk.p1, dt.date(2026, 3, 11), "09:00", "10:00", orderer_unit="Okänd")
    assert caught.value.problems[0].code == "orderer_unit_unknown"


def test_csv_import_takes_the_unit_and_stays_all_or_nothing(tk, units) -> None:
    p1, p2 = tk.pnr[tk.p1.pk], tk.pnr[tk.p2.pk]
    header = (
        "externt_id;datum;starttid;sluttid;person;insats;avtalsgrund;utförare;beställande enhet\n"
    )
    good = f"U1;2026-03-10;09:00;10:00;{p1};nursing;jh-tjanstekop;ssk.ost;Hälsocentral Centrum\n"
    bad = f"U2;2026-03-11;09:00;10:00;{p2};nursing;jh-tjanstekop;ssk.ost;Hemtjänsten\n"
    report = services.import_csv(tk.ekonom, (header + good + bad).encode(), mode="all_or_nothing")
    assert not report.ok and report.saved_rows == 0 and not ServiceRecord.objects.exists()
    (error,) = report.errors
    assert (error.row, error.field, error.code) == (3, "orderer_unit", "orderer_unit_unknown")
    assert "Hemtjänsten" in error.message
    report = services.import_csv(tk.ekonom, (header + good).encode(), mode="all_or_nothing")
    assert report.ok and report.saved_rows == 1
    assert ServiceRecord.objects.get().orderer_unit_id == units[0].pk
    # the column is optional: files without it keep working
    plain = "externt_id;datum;starttid;sluttid;person;insats;avtalsgrund;utförare\n"
    row = f"U3;2026-03-12;09:00;10:00;{p2};nursing;jh-tjanstekop;ssk.ost\n"
    assert services.import_csv(tk.ekonom, (plain + row).encode()).ok


def test_the_api_takes_the_unit_with_a_stable_code(tk, units, api_client) -> None:
    nurse = api_client(tk.nurse)
    body = {
        "person_id": str(tk.p1.pk),
        "start": "2026-03-10T09:00:00",
        "end": "2026-03-10T10:00:00",
        "intervention": "nursing",
        "basis": "jh-tjanstekop",
        "orderer_unit": "Hemtjänsten",
    }

    def post(b):
        return nurse.post("/api/purchases/records", json.dumps(b), content_type="application/json")

    response = post(body)
    assert response.status_code == 422
    (detail,) = response.json()["detail"]
    assert (detail["code"], detail["field"]) == ("orderer_unit_unknown", "orderer_unit")
    response = post({**body, "orderer_unit": "Medicinkliniken"})
    assert response.status_code == 201
    assert response.json()[0]["orderer_unit"] == "Medicinkliniken"


def test_the_api_lists_and_sets_unit_references_with_the_pages_checks(
    tk, units, api_client
) -> None:
    hc, med, none = units
    url = "/api/purchases/organisations/23/unit-references"
    listed = api_client(tk.ekonom).get(url)  # the seller's ekonom reads (public data)
    assert listed.status_code == 200
    assert {(r["unit"], r["reference"]) for r in listed.json()} == {
        ("Hälsocentral Centrum", "412010"),
        ("Medicinkliniken", "412020"),
        ("Geriatriken", ""),
    }
    assert api_client(tk.nurse).get(url).status_code == 403

    def put(user, unit, reference):
        return api_client(user).put(
            f"{url}/{unit.pk}",
            json.dumps({"reference": reference}),
            content_type="application/json",
        )

    # the buyer's ekonom sets it up; a bad code is refused with the stable code, nothing saved
    bad = put(tk.ekonom_region, none, "G 1")
    assert bad.status_code == 422
    (detail,) = bad.json()["detail"]
    assert (detail["field"], detail["code"]) == ("reference", "buyer_reference_format")
    assert "sex siffror" in detail["message"]
    assert not OrderingUnitReference.objects.filter(unit=none).exists()
    too_long = put(tk.ekonom_region, none, "4" * 101)
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["code"] == "too_long"
    before = AuditEvent.objects.filter(object_type__icontains="orderingunitreference").count()
    ok = put(tk.ekonom_region, none, "412030")
    assert ok.status_code == 200 and ok.json() == {
        "unit_id": none.pk, "unit": "Geriatriken", "hsa_id": "", "reference": "412030",
    }  # fmt: skip
    assert OrderingUnitReference.objects.get(unit=none).reference == "412030"
    after = AuditEvent.objects.filter(object_type__icontains="orderingunitreference").count()
    assert after == before + 1
    # the seller's ekonom may not (logged), a unit of another organisation is not found
    refused = put(tk.ekonom, hc, "412099")
    assert refused.status_code == 403 and refused.json()["detail"][0]["code"] == "forbidden"
    assert OrderingUnitReference.objects.get(unit=hc).reference == "412010"
    krokom_unit = Unit.objects.create(
        organisation=tk.orgs.krokom, name="Hemtjänsten", kind=UnitKind.HOME_HEALTH_CARE
    )
    assert put(tk.admin, krokom_unit, "412040").status_code == 404
    # an administrator removes one: the organisation's reference again
    removed = put(tk.admin, med, "")
    assert removed.status_code == 200 and removed.json()["reference"] == ""
    assert not OrderingUnitReference.objects.filter(unit=med).exists()


# --------------------------------------------------------------------------- pages


def test_the_registration_form_offers_the_ordering_unit(tk, units, client_as) -> None:
    client = client_as(tk.nurse)
    page = client.get(reverse("purchases:index")).content.decode()
    assert "Beställande enhet" in page and "Hälsocentral Centrum" in page
    response = client.post(
        reverse("purchases:index"),
        {
            "date": "2026-03-10",
            "start": "09:00",
            "end": "10:00",
            "person": str(tk.p1.pk),
            "intervention": "nursing",
            "basis": "jh-tjanstekop",
            "orderer_unit": str(units[1].pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ServiceRecord.objects.get().orderer_unit_id == units[1].pk


def test_the_unit_list_follows_the_chosen_orderer(tk, units, client_as) -> None:
    """The list offers the chosen orderer's units only: the region's by default; choosing
    another orderer reloads the list (htmx on the field, "Visa enheter" without JavaScript,
    which keeps what was entered and saves nothing)."""
    Unit.objects.create(
        organisation=tk.orgs.krokom, name="Hemtjänsten Krokom", kind=UnitKind.HOME_HEALTH_CARE
    )
    client = client_as(tk.nurse)
    url = reverse("purchases:index")
    page = client.get(url).content.decode()
    assert "Hälsocentral Centrum" in page and "Hemtjänsten Krokom" not in page
    assert f'hx-get="{url}?enheter=1"' in page and "Visa enheter" in page
    part = client.get(url, {"enheter": "1", "orderer": tk.orgs.krokom.pk}).content.decode()
    assert 'id="falt-bestallande-enhet"' in part and "Hemtjänsten Krokom" in part
    assert "Hälsocentral Centrum" not in part and "Mina senaste registreringar" not in part
    filled = {
        "date": "2026-03-10",
        "start": "09:00",
        "end": "10:00",
        "person": str(tk.p1.pk),
        "intervention": "nursing",
        "basis": "jh-tjanstekop",
        "orderer": str(tk.orgs.krokom.pk),
    }
    shown = client.post(url, {**filled, "visa_enheter": "1"})
    body = shown.content.decode()
    assert shown.status_code == 200 and "Hemtjänsten Krokom" in body
    assert "Hälsocentral Centrum" not in body and "Formuläret behöver rättas" not in body
    assert 'value="2026-03-10"' in body and not ServiceRecord.objects.exists()
    # a unit of another orderer (posted anyway) gets the service's error naming the orderer
    wrong = client.post(url, {**filled, "orderer_unit": str(units[0].pk)})
    assert "hör inte till beställaren" in wrong.content.decode()
    assert not ServiceRecord.objects.exists()


def test_the_month_review_shows_the_ordering_unit(tk, units, register, client_as) -> None:
    _hc, med, _none = units
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", orderer_unit=med)
    register(tk.nurse, tk.p2, dt.date(2026, 3, 11), "09:00", "10:00")
    page = client_as(tk.ekonom).get(reverse("purchases:month") + "?month=2026-03")
    body = page.content.decode()
    assert page.status_code == 200 and body.count("beställd av Medicinkliniken") == 1


def test_the_buyer_page_sets_up_a_units_reference(tk, units, client_as) -> None:
    hc, _med, none = units
    url = reverse("purchases:buyer", args=["23"])
    client = client_as(tk.ekonom_region)
    page = client.get(url).content.decode()
    assert "Er referens per beställande enhet" in page and "412010" in page
    bad = client.post(url, {"action": "unit_reference", "unit": none.pk, "reference": "G 1"})
    assert bad.status_code == 422 and "sex siffror" in bad.content.decode()
    assert not OrderingUnitReference.objects.filter(unit=none).exists()
    ok = client.post(url, {"action": "unit_reference", "unit": none.pk, "reference": "412030"})
    assert ok.status_code == 302
    assert OrderingUnitReference.objects.get(unit=none).reference == "412030"
    # another organisation's ekonom reads the page but may not change it
    other = client_as(tk.ekonom)
    assert "Spara enhetens referens" not in other.get(url).content.decode()
    denied = other.post(url, {"action": "unit_reference", "unit": hc.pk, "reference": "412099"})
    assert denied.status_code == 403
    assert OrderingUnitReference.objects.get(unit=hc).reference == "412010"


def test_the_demo_shows_two_units_with_their_own_references() -> None:
    from django.contrib.auth import get_user_model

    from samverkan.accounts.models import Organisation
    from samverkan.purchases.demo import load_demo

    load_demo()
    refs = dict(
        OrderingUnitReference.objects.filter(unit__organisation__scb_code="23").values_list(
            "unit__name", "reference"
        )
    )
    assert refs == {"Hälsocentral Centrum": "412010", "Medicinkliniken": "412020"}
    ekonom = get_user_model().objects.get(username="ekonom.ostersund")
    demo = ServiceRecord.objects.filter(external_id__startswith="demo-ost-")
    assert {r.orderer_unit.name for r in demo} == set(refs)
    preview = services.preview_run(
        ekonom,
        seller=Organisation.objects.get(scb_code="2380"),
        buyer=Organisation.objects.get(scb_code="23"),
        month=demo.first().service_date.replace(day=1),
    )
    labels = [g.label for g in preview.included]
    assert len(labels) == 2 and {label[-6:] for label in labels} == {"412010", "412020"}
