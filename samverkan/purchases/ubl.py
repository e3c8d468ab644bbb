"""Peppol BIS Billing 3.0 invoices and credit notes (UBL 2.1) for tjänsteköp between huvudmän.

Build an :class:`InvoiceDoc` from plain values and call :func:`build_ubl` for the XML bytes.
Every document is checked first (:func:`check_document`): sums that reconcile to the öre,
Swedish organisation numbers with a valid check digit, a buyer reference, no personnummer in
any text. What the Peppol rules themselves say is tested by running both official rule sets
(``peppol_validation.validate``) over what this module writes.

VAT (moms)
    The services invoiced here are health care (hälso- och sjukvård) performed by one public
    body (kommun or region) for another under a cooperation agreement. Health care is exempt
    from VAT: mervärdesskattelagen (2023:200) 10 kap. exempts sjukvård, implementing article
    132.1 b of the VAT directive 2006/112/EC ("hospital and medical care and closely related
    activities undertaken by bodies governed by public law"). The invoice therefore carries
    VAT category ``E`` (exempt) at 0 %, with exemption reason code ``VATEX-EU-132-1B`` (the
    VATEX code for exactly that article) and a Swedish reason text. Kommuner and regioner
    get back the VAT on their own purchases through the special compensation system (lagen
    (2005:807) om ersättning för viss mervärdesskatt för kommuner, regioner, ...), so charging
    VAT between them would only move money in a circle; exemption is also what the law says.
    EN 16931 requires, for category E, that the seller states a VAT identifier (BT-31) or a
    tax registration (BT-32, in Sweden "Godkänd för F-skatt"): kommuner and regioner are
    VAT-registered, ``SE`` + organisation number + ``01`` (:func:`swedish_vat_number`).
    Category ``S`` (standard rate, 25/12/6 %) is supported for the rare taxable line (e.g.
    goods sold on), one category per document.

Amounts
    Line amounts are given by the caller (two decimals) and checked against quantity x price
    with the 0.02 tolerance of PEPPOL-EN16931-R120. Document totals are summed from the lines
    here, so BR-CO-10, BR-CO-13, BR-CO-15 and BR-CO-16 hold by construction. With
    ``round_to_krona`` (the default) the payable amount is rounded to whole kronor
    (öresavrundning) and the difference is stated as ``PayableRoundingAmount`` (BT-114).

Persons
    A line may carry ``person_ref``, an anonymised reference (e.g. "P-0012") written into the
    line note. A personnummer or samordningsnummer in any text of the document is refused:
    invoices travel through many hands and systems.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from samverkan.core.errors import Problem
from samverkan.core.money import (
    ZERO,
    payable_rounding,
    round_ore,
    to_decimal,
    xml_amount,
)
from samverkan.core.payment_ids import (
    bankgiro_problem,
    ocr_reference,
    peppol_participant_problem,
    plusgiro_problem,
)

__all__ = [
    "CUSTOMIZATION_ID",
    "DEFAULT_EXEMPTION_REASON",
    "EXEMPTION_CODE_HEALTH_CARE",
    "PROFILE_ID",
    "Attachment",
    "InvoiceDataError",
    "InvoiceDoc",
    "InvoiceLine",
    "Party",
    "PrecedingInvoice",
    "Totals",
    "build_ubl",
    "check_document",
    "compute_totals",
    "contains_personnummer",
    "normalize_org_number",
    "swedish_vat_number",
]

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

ET.register_namespace("cac", NS_CAC)
ET.register_namespace("cbc", NS_CBC)

EXEMPTION_CODE_HEALTH_CARE = "VATEX-EU-132-1B"
DEFAULT_EXEMPTION_REASON = (
    "Momsfri: sjukvård mellan offentliga huvudmän "
    "(10 kap. mervärdesskattelagen (2023:200), art. 132.1 b direktiv 2006/112/EG)"
)
F_SKATT_TEXT = "Godkänd för F-skatt"

#: UN/ECE recommendation 20 unit codes this module accepts.
UNIT_CODES = {
    "HUR": "tim",  # hour
    "MIN": "min",  # minute
    "DAY": "dag",  # day
    "MON": "mån",  # month
    "C62": "st",  # one (piece)
    "EA": "st",  # each
}

#: MIME codes Peppol BIS 3.0 allows for embedded attachments.
ATTACHMENT_MIME_CODES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
    }
)

_SWEDISH_VAT_RATES = (Decimal(25), Decimal(12), Decimal(6))
_R120_SLACK = Decimal("0.02")


class InvoiceDataError(Problem, ValueError):
    """The document cannot be sent as it is. ``field`` names the input, ``code`` is stable for
    programs, ``message`` is Swedish for the user (a :class:`~samverkan.core.errors.Problem`,
    422 in the API)."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(field, code, message)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


# --------------------------------------------------------------------------- identifiers


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits[:-1]):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10 == int(digits[-1])


def normalize_org_number(value: str) -> str:
    """``"232100-0198"`` / ``"16232100-0198"`` -> ``"2321000198"``; format and Luhn checked."""
    digits = re.sub(r"[\s-]", "", value or "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    if not re.fullmatch(r"\d{10}", digits):
        raise InvoiceDataError(
            "org_number", "org_number_format", f"Organisationsnumret {value!r} ska ha tio siffror."
        )
    if not _luhn_ok(digits):
        raise InvoiceDataError(
            "org_number",
            "org_number_checksum",
            f"Organisationsnumret {value!r} har fel kontrollsiffra.",
        )
    return digits


def swedish_vat_number(org_number: str) -> str:
    """Swedish VAT registration number: ``SE`` + the ten digits + ``01``."""
    return f"SE{normalize_org_number(org_number)}01"


_PNR_CANDIDATE = re.compile(r"(?<![\d])(\d{2})?(\d{2})(\d{2})(\d{2})[-+]?(\d{4})(?![\d])")


def contains_personnummer(text: str | None) -> bool:
    """True if ``text`` holds something that is a valid personnummer or samordningsnummer.

    Catches YYMMDD-NNNC, YYMMDDNNNC, YYYYMMDD-NNNC and YYYYMMDDNNNC with a real month, a day
    of 01-31 (or 61-91 for samordningsnummer) and a valid check digit. Organisation numbers
    (whose month digits are 20 or more) do not match.
    """
    if not text:
        return False
    for m in _PNR_CANDIDATE.finditer(text):
        _, yy, mm, dd, tail = m.groups()
        month, day = int(mm), int(dd)
        if not 1 <= month <= 12:
            continue
        if not (1 <= day <= 31 or 61 <= day <= 91):
            continue
        if _luhn_ok(f"{yy}{mm}{dd}{tail}"):
            return True
    return False


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class Party:
    """Seller or buyer. ``org_number`` is the Swedish organisationsnummer (with or without
    hyphen); the Peppol endpoint defaults to it under scheme 0007."""

    name: str
    org_number: str
    address_lines: Sequence[str] = ()
    postal_code: str = ""
    city: str = ""
    country: str = "SE"
    peppol_id: str | None = None
    peppol_scheme: str = "0007"
    vat_number: str | None = None
    f_skatt: bool = False
    contact_name: str | None = None  # "Vår referens" (seller) / "Er referens" (buyer)
    contact_phone: str | None = None
    contact_email: str | None = None
    bankgiro: str | None = None  # seller only: 7-8 digits, with or without hyphen
    plusgiro: str | None = None  # seller only: 2-8 digits
    uses_ocr: bool = False  # seller only: the payment reference is an OCR number

    @property
    def org_digits(self) -> str:
        return normalize_org_number(self.org_number)

    @property
    def endpoint_id(self) -> str:
        if self.peppol_id:
            return self.peppol_id
        return self.org_digits

    @property
    def postal_code_display(self) -> str:
        """``"82682"`` -> ``"826 82"`` (Swedish written form)."""
        code = self.postal_code.replace(" ", "")
        if self.country == "SE" and len(code) == 5 and code.isdigit():
            return f"{code[:3]} {code[3:]}"
        return self.postal_code


@dataclass(frozen=True)
class InvoiceLine:
    """One invoice line. ``quantity`` x ``unit_price`` must come within 0.02 of
    ``line_amount``; ``person_ref`` is an anonymised reference, never a personnummer."""

    id: str
    description: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    line_amount: Decimal
    period: tuple[dt.date, dt.date] | None = None
    person_ref: str | None = None
    item_description: str | None = None


@dataclass(frozen=True)
class PrecedingInvoice:
    number: str
    issue_date: dt.date | None = None


@dataclass(frozen=True)
class Attachment:
    """A file embedded in the invoice (BG-24), base64 in ``EmbeddedDocumentBinaryObject``."""

    filename: str
    content: bytes
    mime_code: str = "text/csv"
    description: str = "Bilaga på individnivå"
    id: str | None = None


DocumentType = Literal["invoice", "credit_note"]


@dataclass(frozen=True)
class InvoiceDoc:
    number: str
    issue_date: dt.date
    seller: Party
    buyer: Party
    lines: Sequence[InvoiceLine]
    due_date: dt.date | None = None
    buyer_reference: str | None = None  # e.g. "KST 80904"
    order_reference: str | None = None
    contract_reference: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    note: str | None = None
    currency: str = "SEK"
    vat_category: str = "E"
    vat_percent: Decimal = Decimal(0)
    vat_exemption_code: str | None = EXEMPTION_CODE_HEALTH_CARE
    vat_exemption_reason: str | None = DEFAULT_EXEMPTION_REASON
    document_type: DocumentType = "invoice"
    preceding_invoice: PrecedingInvoice | None = None
    attachments: Sequence[Attachment] = field(default_factory=tuple)
    payment_terms: str | None = None
    payment_reference: str | None = None  # OCR / betalningsreferens
    round_to_krona: bool = True

    @property
    def is_credit_note(self) -> bool:
        return self.document_type == "credit_note"


@dataclass(frozen=True)
class Totals:
    line_extension: Decimal  # BT-106
    tax_exclusive: Decimal  # BT-109
    tax: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    rounding: Decimal  # BT-114
    payable: Decimal  # BT-115


def compute_totals(doc: InvoiceDoc) -> Totals:
    """Document totals summed from the lines (BR-CO-10/13/15/16 hold by construction)."""
    line_extension = round_ore(sum((to_decimal(line.line_amount) for line in doc.lines), ZERO))
    if doc.vat_category == "S":
        tax = round_ore(line_extension * to_decimal(doc.vat_percent) / Decimal(100))
    else:
        tax = ZERO
    tax_inclusive = line_extension + tax
    rounding = payable_rounding(tax_inclusive) if doc.round_to_krona else ZERO
    return Totals(
        line_extension=line_extension,
        tax_exclusive=line_extension,
        tax=tax,
        tax_inclusive=tax_inclusive,
        rounding=rounding,
        payable=tax_inclusive + rounding,
    )


# --------------------------------------------------------------------------- checks


def _two_decimals(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -2


def _check_text(field_name: str, text: str | None) -> None:
    if contains_personnummer(text):
        raise InvoiceDataError(
            field_name,
            "personnummer_in_text",
            "Texten innehåller ett personnummer eller samordningsnummer. Använd en "
            "anonymiserad referens på fakturan.",
        )


def _check_party(role: str, party: Party, *, seller: bool) -> None:
    if not party.name.strip():
        raise InvoiceDataError(f"{role}.name", "required", "Namn saknas.")
    if party.country == "SE":
        normalize_org_number(party.org_number)
    if not party.endpoint_id.strip():
        raise InvoiceDataError(f"{role}.peppol_id", "required", "Peppol-id saknas.")
    if (
        party.vat_number
        and party.country == "SE"
        and not re.fullmatch(r"SE\d{12}", party.vat_number)
    ):
        raise InvoiceDataError(
            f"{role}.vat_number",
            "vat_number_format",
            "Svenskt momsregistreringsnummer ska skrivas SE + tolv siffror.",
        )
    if party.peppol_id and (
        problem := peppol_participant_problem(party.peppol_scheme, party.peppol_id)
    ):
        raise InvoiceDataError(f"{role}.peppol_id", "peppol_id_invalid", problem)
    if seller and party.bankgiro and (problem := bankgiro_problem(party.bankgiro)):
        raise InvoiceDataError(f"{role}.bankgiro", "bankgiro_invalid", problem)
    if seller and party.plusgiro and (problem := plusgiro_problem(party.plusgiro)):
        raise InvoiceDataError(f"{role}.plusgiro", "plusgiro_invalid", problem)


def payment_reference(doc: InvoiceDoc) -> str:
    """What the payer quotes: the given reference, an OCR number with length and check digit
    (seller with OCR), else the invoice number."""
    if doc.payment_reference:
        return doc.payment_reference
    if doc.seller.uses_ocr:
        return ocr_reference(doc.number)
    return doc.number


def check_document(doc: InvoiceDoc) -> Totals:
    """Check everything this module can check before writing XML; return the totals.

    Raises :class:`InvoiceDataError` with a Swedish message on the first problem.
    """
    if not doc.number.strip():
        raise InvoiceDataError("number", "required", "Fakturanummer saknas.")
    if not doc.lines:
        raise InvoiceDataError("lines", "required", "Fakturan har inga rader.")
    if not (doc.buyer_reference or doc.order_reference):
        raise InvoiceDataError(
            "buyer_reference",
            "required",
            "Köparens referens (t.ex. KST-nummer) eller ordernummer måste anges.",
        )
    if doc.due_date and doc.due_date < doc.issue_date:
        raise InvoiceDataError(
            "due_date", "due_before_issue", "Förfallodagen kan inte vara före fakturadatum."
        )
    if (doc.period_start is None) != (doc.period_end is None):
        raise InvoiceDataError(
            "period_end", "period_incomplete", "Ange både början och slut på perioden."
        )
    if doc.period_start and doc.period_end and doc.period_end < doc.period_start:
        raise InvoiceDataError(
            "period_end", "period_reversed", "Periodens slut kan inte vara före dess början."
        )
    if doc.is_credit_note and doc.preceding_invoice is None:
        raise InvoiceDataError(
            "preceding_invoice",
            "required",
            "En kreditfaktura måste hänvisa till den faktura som krediteras.",
        )
    if doc.document_type not in ("invoice", "credit_note"):
        raise InvoiceDataError("document_type", "unknown", "Okänd dokumenttyp.")
    if not re.fullmatch(r"[A-Z]{3}", doc.currency):
        raise InvoiceDataError("currency", "currency_format", "Valutakoden ska vara t.ex. SEK.")

    _check_party("seller", doc.seller, seller=True)
    _check_party("buyer", doc.buyer, seller=False)

    if doc.vat_category == "E":
        if not (doc.seller.vat_number or doc.seller.f_skatt):
            raise InvoiceDataError(
                "seller.vat_number",
                "vat_id_required",
                "Vid momsfri försäljning (kategori E) måste säljarens momsregistreringsnummer "
                "eller F-skattebesked anges.",
            )
        if not (doc.vat_exemption_code or doc.vat_exemption_reason):
            raise InvoiceDataError(
                "vat_exemption_reason", "required", "Skäl för momsbefrielse saknas."
            )
        if to_decimal(doc.vat_percent) != 0:
            raise InvoiceDataError("vat_percent", "vat_rate", "Momsfri rad ska ha 0 % moms.")
    elif doc.vat_category == "S":
        if not doc.seller.vat_number:
            raise InvoiceDataError(
                "seller.vat_number",
                "vat_id_required",
                "Vid momspliktig försäljning måste säljarens momsregistreringsnummer anges.",
            )
        if doc.seller.country == "SE" and to_decimal(doc.vat_percent) not in _SWEDISH_VAT_RATES:
            raise InvoiceDataError(
                "vat_percent", "vat_rate", "Svensk momssats ska vara 25, 12 eller 6 procent."
            )
    else:
        raise InvoiceDataError(
            "vat_category",
            "vat_category_unsupported",
            "Momskategorin stöds inte (E = momsfri sjukvård, S = momspliktig).",
        )

    for text_field, text in (
        ("note", doc.note),
        ("buyer_reference", doc.buyer_reference),
        ("order_reference", doc.order_reference),
        ("contract_reference", doc.contract_reference),
        ("payment_terms", doc.payment_terms),
        ("vat_exemption_reason", doc.vat_exemption_reason),
    ):
        _check_text(text_field, text)

    seen_ids: set[str] = set()
    for index, line in enumerate(doc.lines):
        where = f"lines[{index}]"
        if not line.id.strip() or line.id in seen_ids:
            raise InvoiceDataError(f"{where}.id", "line_id", "Radnummer saknas eller är dubblerat.")
        seen_ids.add(line.id)
        if not line.description.strip():
            raise InvoiceDataError(f"{where}.description", "required", "Radbeskrivning saknas.")
        if line.unit_code not in UNIT_CODES:
            raise InvoiceDataError(
                f"{where}.unit_code",
                "unit_code",
                f"Enhetskoden {line.unit_code!r} stöds inte (HUR = timmar, C62 = styck).",
            )
        quantity = to_decimal(line.quantity)
        price = to_decimal(line.unit_price)
        amount = to_decimal(line.line_amount)
        if price < 0:
            raise InvoiceDataError(
                f"{where}.unit_price", "negative_price", "À-priset får inte vara negativt."
            )
        if not _two_decimals(amount) or not _two_decimals(price):
            raise InvoiceDataError(
                f"{where}.line_amount",
                "too_many_decimals",
                "Belopp och à-pris anges med högst två decimaler (öre).",
            )
        if abs(quantity * price - amount) > _R120_SLACK:
            raise InvoiceDataError(
                f"{where}.line_amount",
                "line_sum",
                f"Radbeloppet {amount} stämmer inte med antal {quantity} x à-pris {price}.",
            )
        if line.period is not None:
            start, end = line.period
            if end < start:
                raise InvoiceDataError(
                    f"{where}.period", "period_reversed", "Radens period är baklänges."
                )
            if (
                doc.period_start
                and doc.period_end
                and (start < doc.period_start or end > doc.period_end)
            ):
                raise InvoiceDataError(
                    f"{where}.period",
                    "period_outside",
                    "Radens period ligger utanför fakturans period.",
                )
        _check_text(f"{where}.description", line.description)
        _check_text(f"{where}.item_description", line.item_description)
        if line.person_ref is not None and (
            contains_personnummer(line.person_ref) or re.search(r"\d{6}[-+]?\d{4}", line.person_ref)
        ):
            raise InvoiceDataError(
                f"{where}.person_ref",
                "personnummer_in_text",
                "Personreferensen får inte vara ett personnummer; använd en anonymiserad referens.",
            )

    for index, att in enumerate(doc.attachments):
        where = f"attachments[{index}]"
        if att.mime_code not in ATTACHMENT_MIME_CODES:
            raise InvoiceDataError(
                f"{where}.mime_code",
                "mime_code",
                f"Bilagor av typen {att.mime_code} tillåts inte i Peppol.",
            )
        if not att.filename.strip():
            raise InvoiceDataError(f"{where}.filename", "required", "Bilagans filnamn saknas.")
        if att.mime_code == "text/csv":
            _check_text(f"{where}.content", att.content.decode("utf-8-sig", errors="replace"))

    totals = compute_totals(doc)
    if doc.is_credit_note and totals.payable < 0:
        raise InvoiceDataError(
            "lines",
            "negative_credit_note",
            "En kreditfaktura anges med positiva belopp (summan krediteras köparen).",
        )
    return totals


# --------------------------------------------------------------------------- XML


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _cbc(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, _q(NS_CBC, tag), attrs)
    if text is not None:
        el.text = text
    return el


def _cac(parent: ET.Element, tag: str) -> ET.Element:
    return ET.SubElement(parent, _q(NS_CAC, tag))


def _amount(parent: ET.Element, tag: str, value: Decimal, currency: str) -> None:
    _cbc(parent, tag, xml_amount(value), currencyID=currency)


def _quantity(value: Decimal) -> str:
    text = format(to_decimal(value).normalize(), "f")
    return text


def _party(parent: ET.Element, party: Party) -> None:
    el = _cac(parent, "Party")
    _cbc(el, "EndpointID", party.endpoint_id, schemeID=party.peppol_scheme)
    name = _cac(el, "PartyName")
    _cbc(name, "Name", party.name)
    address = _cac(el, "PostalAddress")
    lines = [line for line in party.address_lines if line.strip()]
    if lines:
        _cbc(address, "StreetName", lines[0])
    if len(lines) > 1:
        _cbc(address, "AdditionalStreetName", lines[1])
    if party.city:
        _cbc(address, "CityName", party.city)
    if party.postal_code:
        _cbc(address, "PostalZone", party.postal_code.replace(" ", ""))
    if len(lines) > 2:
        _cbc(_cac(address, "AddressLine"), "Line", ", ".join(lines[2:]))
    _cbc(_cac(address, "Country"), "IdentificationCode", party.country)
    if party.vat_number:
        scheme = _cac(el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.vat_number)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    if party.f_skatt:
        scheme = _cac(el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", F_SKATT_TEXT)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "TAX")
    legal = _cac(el, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.country == "SE":
        _cbc(legal, "CompanyID", party.org_digits, schemeID="0007")
    if party.contact_name or party.contact_phone or party.contact_email:
        contact = _cac(el, "Contact")
        if party.contact_name:
            _cbc(contact, "Name", party.contact_name)
        if party.contact_phone:
            _cbc(contact, "Telephone", party.contact_phone)
        if party.contact_email:
            _cbc(contact, "ElectronicMail", party.contact_email)


def _tax_category(parent: ET.Element, tag: str, doc: InvoiceDoc, *, with_reason: bool) -> None:
    cat = _cac(parent, tag)
    _cbc(cat, "ID", doc.vat_category)
    percent = to_decimal(doc.vat_percent)
    _cbc(cat, "Percent", format(percent.normalize(), "f"))
    if with_reason and doc.vat_category == "E":
        if doc.vat_exemption_code:
            _cbc(cat, "TaxExemptionReasonCode", doc.vat_exemption_code)
        if doc.vat_exemption_reason:
            _cbc(cat, "TaxExemptionReason", doc.vat_exemption_reason)
    _cbc(_cac(cat, "TaxScheme"), "ID", "VAT")


def _payment_terms_text(doc: InvoiceDoc) -> str:
    if doc.payment_terms:
        return doc.payment_terms
    if doc.is_credit_note:
        assert doc.preceding_invoice is not None
        return f"Kreditering av faktura {doc.preceding_invoice.number}; beloppet regleras."
    if doc.due_date:
        days = (doc.due_date - doc.issue_date).days
        return f"Betalning senast {doc.due_date.isoformat()} ({days} dagar netto)."
    return "Betalning enligt avtal."


def build_ubl(doc: InvoiceDoc) -> bytes:
    """The UBL 2.1 Invoice or CreditNote as UTF-8 bytes (after :func:`check_document`)."""
    totals = check_document(doc)
    credit = doc.is_credit_note
    root_ns = NS_CREDIT_NOTE if credit else NS_INVOICE
    # The root is written unqualified with a literal default-namespace declaration:
    # ElementTree's ``default_namespace`` option refuses the unqualified attributes
    # (currencyID, schemeID) that UBL uses.
    root = ET.Element("CreditNote" if credit else "Invoice", {"xmlns": root_ns})
    cur = doc.currency

    _cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    _cbc(root, "ProfileID", PROFILE_ID)
    _cbc(root, "ID", doc.number)
    _cbc(root, "IssueDate", doc.issue_date.isoformat())
    if not credit and doc.due_date:
        _cbc(root, "DueDate", doc.due_date.isoformat())
    _cbc(root, "CreditNoteTypeCode" if credit else "InvoiceTypeCode", "381" if credit else "380")
    if doc.note:
        _cbc(root, "Note", doc.note)
    _cbc(root, "DocumentCurrencyCode", cur)
    if doc.buyer_reference:
        _cbc(root, "BuyerReference", doc.buyer_reference)
    if doc.period_start and doc.period_end:
        period = _cac(root, "InvoicePeriod")
        _cbc(period, "StartDate", doc.period_start.isoformat())
        _cbc(period, "EndDate", doc.period_end.isoformat())
    if doc.order_reference:
        _cbc(_cac(root, "OrderReference"), "ID", doc.order_reference)
    if doc.preceding_invoice:
        ref = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(ref, "ID", doc.preceding_invoice.number)
        if doc.preceding_invoice.issue_date:
            _cbc(ref, "IssueDate", doc.preceding_invoice.issue_date.isoformat())
    if doc.contract_reference:
        _cbc(_cac(root, "ContractDocumentReference"), "ID", doc.contract_reference)
    for index, att in enumerate(doc.attachments, start=1):
        ref = _cac(root, "AdditionalDocumentReference")
        _cbc(ref, "ID", att.id or f"Bilaga {index}")
        if att.description:
            _cbc(ref, "DocumentDescription", att.description)
        _cbc(
            _cac(ref, "Attachment"),
            "EmbeddedDocumentBinaryObject",
            base64.b64encode(att.content).decode("ascii"),
            mimeCode=att.mime_code,
            filename=att.filename,
        )

    _party(_cac(root, "AccountingSupplierParty"), doc.seller)
    _party(_cac(root, "AccountingCustomerParty"), doc.buyer)

    for account_id, branch in (
        (doc.seller.bankgiro, "SE:BANKGIRO"),
        (doc.seller.plusgiro, "SE:PLUSGIRO"),
    ):
        if credit or not account_id:
            continue
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", "30")
        _cbc(means, "PaymentID", payment_reference(doc))
        account = _cac(means, "PayeeFinancialAccount")
        _cbc(account, "ID", account_id.replace("-", "").replace(" ", ""))
        _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", branch)
    _cbc(_cac(root, "PaymentTerms"), "Note", _payment_terms_text(doc))

    tax_total = _cac(root, "TaxTotal")
    _amount(tax_total, "TaxAmount", totals.tax, cur)
    subtotal = _cac(tax_total, "TaxSubtotal")
    _amount(subtotal, "TaxableAmount", totals.tax_exclusive, cur)
    _amount(subtotal, "TaxAmount", totals.tax, cur)
    _tax_category(subtotal, "TaxCategory", doc, with_reason=True)

    monetary = _cac(root, "LegalMonetaryTotal")
    _amount(monetary, "LineExtensionAmount", totals.line_extension, cur)
    _amount(monetary, "TaxExclusiveAmount", totals.tax_exclusive, cur)
    _amount(monetary, "TaxInclusiveAmount", totals.tax_inclusive, cur)
    if totals.rounding != 0:
        _amount(monetary, "PayableRoundingAmount", totals.rounding, cur)
    _amount(monetary, "PayableAmount", totals.payable, cur)

    for line in doc.lines:
        el = _cac(root, "CreditNoteLine" if credit else "InvoiceLine")
        _cbc(el, "ID", line.id)
        if line.person_ref:
            _cbc(el, "Note", f"Individreferens: {line.person_ref}")
        _cbc(
            el,
            "CreditedQuantity" if credit else "InvoicedQuantity",
            _quantity(line.quantity),
            unitCode=line.unit_code,
        )
        _amount(el, "LineExtensionAmount", to_decimal(line.line_amount), cur)
        if line.period:
            period = _cac(el, "InvoicePeriod")
            _cbc(period, "StartDate", line.period[0].isoformat())
            _cbc(period, "EndDate", line.period[1].isoformat())
        item = _cac(el, "Item")
        if line.item_description:
            _cbc(item, "Description", line.item_description)
        _cbc(item, "Name", line.description)
        _tax_category(item, "ClassifiedTaxCategory", doc, with_reason=False)
        _amount(_cac(el, "Price"), "PriceAmount", to_decimal(line.unit_price), cur)

    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
