"""UBL invoices and credit notes, validated with both official Peppol rule sets."""

from __future__ import annotations

import base64
import csv
import dataclasses
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from samverkan.core.money import minutes_to_hours
from samverkan.purchases.peppol_validation import (
    Assertion,
    PeppolValidationUnavailable,
    Validator,
    fatal,
    shared_dir,
)
from samverkan.purchases.rates import hourly_amount
from samverkan.purchases.ubl import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    InvoiceDataError,
    InvoiceDoc,
    InvoiceLine,
    build_ubl,
    check_document,
    compute_totals,
    contains_personnummer,
    normalize_org_number,
    swedish_vat_number,
)

from .conftest import Example, build_credit_note, build_gavleborg, build_jamtland

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
PEPPOL_DIR = shared_dir() / "testdata" / "peppol"


def _report(assertions: list[Assertion]) -> str:
    return "\n".join(f"  {a.rule_set} {a.flag} {a.id}: {a.text} @ {a.location}" for a in assertions)


def assert_no_fatal(validator: Validator, xml: bytes) -> list[Assertion]:
    assertions = validator.validate(xml)
    errors = fatal(assertions)
    warnings = [a for a in assertions if not a.is_fatal]
    assert not errors, (
        f"fatal assertions:\n{_report(errors)}\nwarnings:\n{_report(warnings) or '  none'}"
    )
    return warnings


# --------------------------------------------------------------------------- our documents


@pytest.mark.parametrize(
    "build", [build_gavleborg, build_jamtland, build_credit_note], ids=lambda b: b.__name__
)
def test_documents_pass_both_rule_sets(peppol_validator: Validator, build) -> None:
    example: Example = build()
    warnings = assert_no_fatal(peppol_validator, build_ubl(example.doc))
    assert not warnings, f"warnings:\n{_report(warnings)}"


def test_gavleborg_invoice_content(gavleborg: Example) -> None:
    doc = gavleborg.doc
    root = ET.fromstring(build_ubl(doc))
    assert root.tag == f"{{{NS['inv']}}}Invoice"
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION_ID
    assert root.findtext("cbc:ProfileID", namespaces=NS) == PROFILE_ID
    assert root.findtext("cbc:BuyerReference", namespaces=NS) == "KST 80904"
    assert root.findtext("cbc:InvoiceTypeCode", namespaces=NS) == "380"
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert buyer is not None
    assert buyer.findtext("cbc:EndpointID", namespaces=NS) == "2321000198"
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "0007"  # type: ignore[union-attr]
    assert buyer.findtext("cac:PostalAddress/cbc:PostalZone", namespaces=NS) == "82682"
    assert buyer.findtext("cac:PostalAddress/cbc:CityName", namespaces=NS) == "Söderhamn"
    category = root.find("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert category is not None
    assert category.findtext("cbc:ID", namespaces=NS) == "E"
    assert category.findtext("cbc:TaxExemptionReasonCode", namespaces=NS) == "VATEX-EU-132-1B"

    # Price per hour is 50 % of the 2019 schablonbelopp.
    assert {line.unit_price for line in doc.lines} == {hourly_amount(2019) / 2}
    assert {line.unit_code for line in doc.lines} == {"HUR"}
    notes = [n.text for n in root.findall("cac:InvoiceLine/cbc:Note", NS)]
    assert notes == ["Individreferens: P-0017", "Individreferens: P-0042"]

    # The embedded CSV attachment reconciles with the invoice, person by person.
    obj = root.find(
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", NS
    )
    assert obj is not None and obj.get("mimeCode") == "text/csv"
    assert obj.get("filename") == "HK-2019-1187-bilaga.csv"
    text = base64.b64decode(obj.text or "").decode("utf-8-sig")
    records = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(records) == len(gavleborg.rows) == 5
    per_person: dict[str, Decimal] = {}
    for rec in records:
        amount = Decimal(rec["Belopp (kr)"].replace(",", "."))
        per_person[rec["Person (ref)"]] = per_person.get(rec["Person (ref)"], Decimal(0)) + amount
    assert per_person == {line.person_ref: line.line_amount for line in doc.lines}

    totals = compute_totals(doc)
    assert totals.line_extension == sum(per_person.values())
    assert totals.payable == Decimal(round(totals.tax_inclusive))
    monetary = root.find("cac:LegalMonetaryTotal", NS)
    assert monetary is not None
    assert monetary.findtext("cbc:PayableRoundingAmount", namespaces=NS) == str(totals.rounding)
    assert monetary.findtext("cbc:PayableAmount", namespaces=NS) == str(totals.payable)


def test_jamtland_bills_only_day_time(jamtland: Example) -> None:
    amounts = [line.line_amount for line in jamtland.doc.lines]
    quantities = [line.quantity for line in jamtland.doc.lines]
    # 15:30-18:15 -> 15:30-17:00 billed; 07:30-09:00 -> 08:00-09:00; 10:00-11:20 all day.
    assert quantities == [minutes_to_hours(90), minutes_to_hours(60), minutes_to_hours(80)]
    assert amounts == [Decimal("975.00"), Decimal("650.00"), Decimal("866.65")]
    assert compute_totals(jamtland.doc).payable == Decimal("2492.00")


def test_credit_note_structure(credit_note: Example) -> None:
    root = ET.fromstring(build_ubl(credit_note.doc))
    assert root.tag == f"{{{NS['cn']}}}CreditNote"
    assert root.findtext("cbc:CreditNoteTypeCode", namespaces=NS) == "381"
    assert root.find("cbc:DueDate", NS) is None
    ref = root.find("cac:BillingReference/cac:InvoiceDocumentReference", NS)
    assert ref is not None
    assert ref.findtext("cbc:ID", namespaces=NS) == "OK-2026-0311"
    assert ref.findtext("cbc:IssueDate", namespaces=NS) == "2026-04-02"
    line = root.find("cac:CreditNoteLine", NS)
    assert line is not None
    assert line.findtext("cbc:CreditedQuantity", namespaces=NS) == "1"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == "650.00"


def test_f_skatt_instead_of_vat_number_passes(peppol_validator: Validator) -> None:
    # SE-R-005 compares the text with 'GODKÄND FÖR F-SKATT': this also proves that non-ASCII
    # characters reach Saxon intact.
    doc = build_jamtland().doc
    seller = dataclasses.replace(doc.seller, vat_number=None, f_skatt=True)
    assert_no_fatal(peppol_validator, build_ubl(dataclasses.replace(doc, seller=seller)))


# --------------------------------------------------------------------------- the validator


CONTROLS = [
    "examples-peppol/base-example.xml",
    "examples-peppol/vat-category-E.xml",
    "examples-peppol/base-creditnote-correction.xml",
    "testfiles-cen-se/BIS_Billing_30-InomstatligFakturering.xml",
]


@pytest.mark.parametrize("name", CONTROLS)
def test_official_valid_examples_pass(peppol_validator: Validator, name: str) -> None:
    assert_no_fatal(peppol_validator, (PEPPOL_DIR / name).read_bytes())


def _tamper(xml: bytes, old: str, new: str) -> bytes:
    """Replace every occurrence of ``old`` (there must be one)."""
    text = xml.decode("utf-8")
    assert old in text, old
    return text.replace(old, new).encode("utf-8")


def test_wrong_payable_amount_is_fatal(peppol_validator: Validator, gavleborg: Example) -> None:
    xml = build_ubl(gavleborg.doc)
    broken = _tamper(
        xml,
        '<cbc:PayableAmount currencyID="SEK">3955.00<',
        '<cbc:PayableAmount currencyID="SEK">3956.00<',
    )
    ids = {a.id for a in fatal(peppol_validator.validate(broken))}
    assert "BR-CO-16" in ids


def test_wrong_line_total_is_fatal(peppol_validator: Validator, gavleborg: Example) -> None:
    xml = build_ubl(gavleborg.doc)
    broken = _tamper(
        xml,
        '<cbc:LineExtensionAmount currencyID="SEK">3954.86<',
        '<cbc:LineExtensionAmount currencyID="SEK">3954.96<',
    )
    found = fatal(peppol_validator.validate(broken))
    assert "BR-CO-10" in {a.id for a in found}
    assert {a.rule_set for a in found} >= {"CEN"}


def test_bad_swedish_org_number_is_fatal_in_peppol_rules(
    peppol_validator: Validator, jamtland: Example
) -> None:
    broken = _tamper(build_ubl(jamtland.doc), ">2120002528<", ">2120002529<")
    found = fatal(peppol_validator.validate(broken))
    assert {"PEPPOL-COMMON-R049", "SE-R-013"} <= {a.id for a in found}
    assert {a.rule_set for a in found} == {"PEPPOL"}


def test_validator_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(PeppolValidationUnavailable, match="saknas"):
        Validator(tmp_path)


# --------------------------------------------------------------------------- our own checks


def _jamtland_doc() -> InvoiceDoc:
    return build_jamtland().doc


def _expect(doc: InvoiceDoc, code: str) -> InvoiceDataError:
    with pytest.raises(InvoiceDataError) as err:
        check_document(doc)
    assert err.value.code == code, err.value
    return err.value


def test_buyer_reference_is_required() -> None:
    doc = dataclasses.replace(_jamtland_doc(), buyer_reference=None, order_reference=None)
    assert "referens" in _expect(doc, "required").message


def test_line_sum_must_match_quantity_times_price() -> None:
    doc = _jamtland_doc()
    line = dataclasses.replace(doc.lines[0], line_amount=Decimal("975.03"))
    _expect(dataclasses.replace(doc, lines=[line, *doc.lines[1:]]), "line_sum")
    ok = dataclasses.replace(doc.lines[0], line_amount=Decimal("975.02"))
    check_document(dataclasses.replace(doc, lines=[ok, *doc.lines[1:]]))


def test_amounts_have_at_most_two_decimals() -> None:
    doc = _jamtland_doc()
    line = dataclasses.replace(doc.lines[0], line_amount=Decimal("975.001"))
    _expect(dataclasses.replace(doc, lines=[line]), "too_many_decimals")


def _test_personnummer() -> str:
    path = shared_dir() / "testdata" / "personnummer" / "skatteverket-test-personnummer.json"
    number = json.loads(path.read_text())[1000]
    return f"{number[2:8]}-{number[8:]}"


def test_personnummer_is_refused_everywhere() -> None:
    pnr = _test_personnummer()
    assert contains_personnummer(pnr)
    assert contains_personnummer(f"Patient {pnr.replace('-', '')} besök")
    doc = _jamtland_doc()
    line = dataclasses.replace(doc.lines[0], person_ref=pnr)
    _expect(dataclasses.replace(doc, lines=[line]), "personnummer_in_text")
    line = dataclasses.replace(doc.lines[0], description=f"Besök hos {pnr}")
    _expect(dataclasses.replace(doc, lines=[line]), "personnummer_in_text")
    _expect(dataclasses.replace(doc, note=f"Gäller {pnr}"), "personnummer_in_text")


def test_org_numbers_are_not_mistaken_for_personnummer() -> None:
    for org in ("232100-0198", "212000-2403", "2120002528"):
        assert not contains_personnummer(org)
    assert contains_personnummer("121212-1212")
    assert contains_personnummer("19121212-1212")
    assert contains_personnummer("701063-2391")  # a samordningsnummer form (day + 60)
    assert not contains_personnummer("121212-1216")  # wrong check digit


def test_org_number_is_checked() -> None:
    assert normalize_org_number("16232100-0198") == "2321000198"
    assert swedish_vat_number("212000-2528") == "SE212000252801"
    with pytest.raises(InvoiceDataError) as err:
        normalize_org_number("232100-0199")
    assert err.value.code == "org_number_checksum"
    doc = _jamtland_doc()
    buyer = dataclasses.replace(doc.buyer, org_number="232100-0215")
    _expect(dataclasses.replace(doc, buyer=buyer), "org_number_checksum")


def test_exempt_sale_needs_a_seller_tax_id() -> None:
    doc = _jamtland_doc()
    seller = dataclasses.replace(doc.seller, vat_number=None, f_skatt=False)
    _expect(dataclasses.replace(doc, seller=seller), "vat_id_required")


def test_credit_note_needs_the_preceding_invoice() -> None:
    doc = dataclasses.replace(build_credit_note().doc, preceding_invoice=None)
    _expect(doc, "required")


def test_line_period_must_be_inside_invoice_period() -> None:
    doc = _jamtland_doc()
    line = dataclasses.replace(doc.lines[0], period=(dt.date(2026, 2, 28), dt.date(2026, 3, 1)))
    _expect(dataclasses.replace(doc, lines=[line]), "period_outside")


def test_standard_rated_invoice(peppol_validator: Validator) -> None:
    # A taxable sale (e.g. goods sold on at 25 %) also reconciles and validates.
    doc = dataclasses.replace(
        _jamtland_doc(),
        vat_category="S",
        vat_percent=Decimal(25),
        vat_exemption_code=None,
        vat_exemption_reason=None,
        lines=[
            InvoiceLine(
                id="1",
                description="Förbrukningsmaterial",
                quantity=Decimal(3),
                unit_code="C62",
                unit_price=Decimal("99.90"),
                line_amount=Decimal("299.70"),
            )
        ],
    )
    totals = compute_totals(doc)
    assert (totals.tax, totals.tax_inclusive, totals.payable) == (
        Decimal("74.93"),
        Decimal("374.63"),
        Decimal("375.00"),
    )
    assert_no_fatal(peppol_validator, build_ubl(doc))
    _expect(dataclasses.replace(doc, vat_percent=Decimal(8)), "vat_rate")
