"""Swedish invoice PDF, the attachment at individual level (PDF and CSV).

Region Gävleborg's agreement asks for a monthly invoice "med bilaga med detaljerad
information på individnivå": :func:`render_attachment_pdf` and :func:`attachment_csv` give
one row per service record (date, time, anonymised person reference, performer, hours,
amount). The person reference is whatever display value the caller passes; a personnummer is
refused here too.

Fonts and text: the one PDF text layer, :mod:`samverkan.core.documents` (DejaVu Sans
embedded, Unicode: Sami names, en dashes and curly quotes print as they are). The CSV is
written by its one CSV writer (formula-injection guard on every cell).

Rendering is deterministic: the PDF's creation date is the document's issue date, so the
same invoice gives the same bytes every time (an issued invoice can be regenerated).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from samverkan.core.documents import FONT, Document, csv_bytes
from samverkan.core.documents import text as pdf_text
from samverkan.core.money import format_number_sv, format_sek, round_ore, to_decimal
from samverkan.core.payment_ids import plusgiro_display
from samverkan.purchases.ubl import (
    UNIT_CODES,
    InvoiceDataError,
    InvoiceDoc,
    Party,
    Totals,
    compute_totals,
    contains_personnummer,
    payment_reference,
)

__all__ = [
    "VAT_NOTE",
    "ServiceRow",
    "attachment_csv",
    "pdf_text",
    "render_attachment_pdf",
    "render_invoice_pdf",
]

VAT_NOTE = (
    "Momsfri: sjukvård mellan offentliga huvudmän (10 kap. mervärdesskattelagen, "
    "art. 132.1 b mervärdesskattedirektivet)."
)


@dataclass(frozen=True)
class ServiceRow:
    """One performed service record for the attachment. ``person_ref`` is a display value
    chosen by the caller (anonymised); ``amount`` in kronor."""

    date: dt.date
    start: dt.time | None
    end: dt.time | None
    person_ref: str
    performer: str
    hours: Decimal
    amount: Decimal
    #: the exact minutes the amount was computed from (None: not a time row, e.g. a
    #: shared-cost line of the invoice, listed so the attachment adds up to the invoice)
    minutes: int | None = None
    #: the buyer's unit that ordered the service ("" when none is named)
    orderer_unit: str = ""

    @property
    def time_text(self) -> str:
        if self.start and self.end:
            return f"{self.start:%H:%M}-{self.end:%H:%M}"
        if self.start:
            return f"{self.start:%H:%M}"
        return ""


def _check_rows(rows: Sequence[ServiceRow]) -> None:
    for index, row in enumerate(rows):
        if any(
            contains_personnummer(text)
            for text in (row.person_ref, row.performer, row.orderer_unit)
        ):
            raise InvoiceDataError(
                f"rows[{index}].person_ref",
                "personnummer_in_text",
                "Bilagan får inte innehålla personnummer; använd en anonymiserad referens.",
            )


# --------------------------------------------------------------------------- CSV

CSV_HEADER = (
    "Datum",
    "Starttid",
    "Sluttid",
    "Person (ref)",
    "Utförare",
    "Beställande enhet",
    "Minuter",
    "Timmar",
    "Belopp (kr)",
)


def _hours_text(row: ServiceRow, *, grouping: bool = True) -> str:
    """Hours with the precision of the minutes they came from (67 min = 1,116667, which
    times the hourly price gives the amount), blank for a row that is not time."""
    if row.minutes is not None:
        return format_number_sv(Decimal(row.minutes) / 60, 6, grouping=grouping)
    if row.hours:
        return format_number_sv(row.hours, 2, grouping=grouping)
    return ""


def attachment_csv(rows: Iterable[ServiceRow]) -> bytes:
    """The attachment as CSV for Excel in Sweden: UTF-8 with BOM, ``;`` between cells,
    decimal comma, CRLF line ends, one header row."""
    rows = list(rows)
    _check_rows(rows)
    return csv_bytes(
        (
            (
                row.date.isoformat(),
                f"{row.start:%H:%M}" if row.start else "",
                f"{row.end:%H:%M}" if row.end else "",
                row.person_ref,
                row.performer,
                row.orderer_unit,
                "" if row.minutes is None else str(row.minutes),
                _hours_text(row, grouping=False),
                format_number_sv(round_ore(row.amount), 2, grouping=False),
            )
            for row in rows
        ),
        CSV_HEADER,
    )


# --------------------------------------------------------------------------- PDF


class _InvoicePdf(Document):
    archival = True  # invoices and their attachments are kept: PDF/A-2U


def _new_pdf(title: str, seller: Party, *, compress: bool, created: dt.date) -> Document:
    pdf = _InvoicePdf(orientation="P", unit="mm", format="A4")
    # The document date, not the clock: the same invoice always renders to the same bytes.
    pdf.set_creation_date(dt.datetime.combine(created, dt.time(0, 0), tzinfo=dt.UTC))
    pdf.set_compression(compress)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(pdf_text(title))
    pdf.set_author(pdf_text(seller.name))
    pdf.set_creator("Samverkan")
    parts = [seller.name, f"Org.nr {_org_display(seller.org_number)}"]
    if seller.vat_number:
        parts.append(f"Momsreg.nr {seller.vat_number}")
    if seller.bankgiro:
        parts.append(f"Bankgiro {_bankgiro_display(seller.bankgiro)}")
    if seller.plusgiro:
        parts.append(f"Plusgiro {plusgiro_display(seller.plusgiro)}")
    pdf.footer_text = "  |  ".join(parts)
    pdf.add_page()
    return pdf


def _org_display(value: str) -> str:
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else value


def _bankgiro_display(value: str) -> str:
    digits = value.replace("-", "")
    return f"{digits[:-4]}-{digits[-4:]}" if digits.isdigit() and len(digits) in (7, 8) else value


def _address(party: Party) -> list[str]:
    lines = [party.name, *[a for a in party.address_lines if a.strip()]]
    city = f"{party.postal_code_display} {party.city}".strip()
    if city:
        lines.append(city)
    if party.country != "SE":
        lines.append(party.country)
    return lines


def _kv(pdf: FPDF, x: float, label: str, value: str, *, label_w: float = 32, w: float = 60) -> None:
    """A label and a value that wraps inside ``w`` millimetres."""
    pdf.set_x(x)
    pdf.set_font(FONT, "", 8)
    pdf.cell(label_w, 5, pdf_text(label))
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(w - label_w, 5, pdf_text(value), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _row(
    pdf: FPDF,
    widths: Sequence[float],
    values: Sequence[str],
    aligns: Sequence[str],
    *,
    bold: bool = False,
    fill: bool = False,
    line_h: float = 5,
) -> None:
    """A table row whose cells wrap; the row breaks to a new page as a whole."""
    pdf.set_font(FONT, "B" if bold else "", 8)
    texts = [pdf_text(v) for v in values]
    heights = []
    for w, text in zip(widths, texts, strict=True):
        lines = pdf.multi_cell(w, line_h, text, dry_run=True, output="LINES", padding=(0, 1))
        count = len(lines) if isinstance(lines, list) else 1
        heights.append(max(1, count) * line_h)
    height = max(heights)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    x0, y0 = pdf.l_margin, pdf.get_y()
    if fill:
        pdf.set_fill_color(235, 235, 235)
        pdf.rect(x0, y0, sum(widths), height, style="F")
    x = x0
    for w, text, align in zip(widths, texts, aligns, strict=True):
        pdf.set_xy(x, y0)
        pdf.multi_cell(
            w, line_h, text, align=align, padding=(0, 1), new_x=XPos.RIGHT, new_y=YPos.TOP
        )
        x += w
    pdf.set_xy(x0, y0 + height)


def _header(pdf: Document, doc: InvoiceDoc, title: str) -> None:
    top = pdf.get_y()
    # Seller, top left.
    # Names and address lines wrap inside their column: a long name is never cut off.
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(95, 7, pdf_text(doc.seller.name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8)
    for line in _address(doc.seller)[1:]:
        pdf.multi_cell(95, 4, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    seller_bottom = pdf.get_y()
    # Title and document facts, top right.
    pdf.set_xy(115, top)
    pdf.set_font(FONT, "B", 16)
    with pdf.tag("H1"):
        pdf.cell(80, 8, pdf_text(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _kv(pdf, 115, "Fakturanummer", doc.number, w=80)
    _kv(pdf, 115, "Fakturadatum", doc.issue_date.isoformat(), w=80)
    if doc.due_date and not doc.is_credit_note:
        _kv(pdf, 115, "Förfallodatum", doc.due_date.isoformat(), w=80)
    if doc.period_start and doc.period_end:
        _kv(
            pdf,
            115,
            "Period",
            f"{doc.period_start.isoformat()} - {doc.period_end.isoformat()}",
            w=80,
        )
    # Buyer, in the address window.
    pdf.set_y(max(pdf.get_y(), seller_bottom) + 6)
    y = pdf.get_y()
    pdf.set_xy(115, y)
    pdf.set_font(FONT, "", 7)
    pdf.cell(80, 4, "Mottagare", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for index, line in enumerate(_address(doc.buyer)):
        pdf.set_x(115)
        pdf.set_font(FONT, "B" if index == 0 else "", 10)
        pdf.multi_cell(80, 5, pdf_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    buyer_bottom = pdf.get_y()
    # References, left of the address window.
    pdf.set_y(y)
    if doc.buyer_reference:
        _kv(pdf, 15, "Er referens", doc.buyer_reference, w=92)
    if doc.buyer.contact_name:
        _kv(pdf, 15, "Er kontaktperson", doc.buyer.contact_name, w=92)
    if doc.seller.contact_name:
        _kv(pdf, 15, "Vår referens", doc.seller.contact_name, w=92)
    if doc.order_reference:
        _kv(pdf, 15, "Ordernummer", doc.order_reference, w=92)
    if doc.contract_reference:
        _kv(pdf, 15, "Avtal", doc.contract_reference, w=92)
    if doc.preceding_invoice:
        ref = doc.preceding_invoice.number
        if doc.preceding_invoice.issue_date:
            ref += f" ({doc.preceding_invoice.issue_date.isoformat()})"
        _kv(pdf, 15, "Krediterar faktura", ref, w=92)
    pdf.set_y(max(pdf.get_y(), buyer_bottom) + 6)


def _totals_block(pdf: FPDF, doc: InvoiceDoc, totals: Totals) -> None:
    rows = [("Summa exkl. moms", format_sek(totals.tax_exclusive))]
    percent = format_number_sv(to_decimal(doc.vat_percent), 0)
    rows.append((f"Moms {percent} %", format_sek(totals.tax)))
    if totals.rounding != 0:
        rows.append(("Öresavrundning", format_sek(totals.rounding)))
    label = "Att kreditera" if doc.is_credit_note else "Att betala"
    pdf.ln(2)
    for text, value in rows:
        _row(pdf, (125, 55), (text, value), ("R", "R"))
    _row(pdf, (125, 55), (label, format_sek(totals.payable)), ("R", "R"), bold=True, fill=True)


def _quantity_text(quantity: Decimal) -> str:
    """The quantity with the decimals it carries (hours from minutes have six), at least
    two: a controller multiplies it by the price and gets the line amount."""
    places = max(2, min(6, -quantity.normalize().as_tuple().exponent))  # type: ignore[operator]
    return format_number_sv(quantity, places)


def render_invoice_pdf(doc: InvoiceDoc, *, compress: bool = True) -> bytes:
    """The invoice or credit note as a Swedish PDF (A4). ``compress=False`` leaves the page
    streams readable (for tests)."""
    totals = compute_totals(doc)
    title = "KREDITFAKTURA" if doc.is_credit_note else "FAKTURA"
    pdf = _new_pdf(
        f"{title.capitalize()} {doc.number}", doc.seller, compress=compress, created=doc.issue_date
    )
    _header(pdf, doc, title)

    if doc.note:
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(180, 5, pdf_text(doc.note), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    widths = (64, 30, 18, 12, 26, 30)
    aligns = ("L", "L", "R", "L", "R", "R")
    _row(
        pdf,
        widths,
        ("Beskrivning", "Personreferens", "Antal", "Enhet", "À-pris", "Belopp"),
        aligns,
        bold=True,
        fill=True,
    )
    for line in doc.lines:
        description = line.description
        if line.period:
            description += f" ({line.period[0].isoformat()} - {line.period[1].isoformat()})"
        _row(
            pdf,
            widths,
            (
                description,
                line.person_ref or "",
                _quantity_text(to_decimal(line.quantity)),
                UNIT_CODES.get(line.unit_code, line.unit_code),
                format_sek(to_decimal(line.unit_price)),
                format_sek(to_decimal(line.line_amount)),
            ),
            aligns,
        )
    _totals_block(pdf, doc, totals)

    pdf.ln(4)
    pdf.set_font(FONT, "", 8)
    if doc.vat_category == "E":
        pdf.multi_cell(180, 4, pdf_text(VAT_NOTE), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if not doc.is_credit_note and (doc.seller.bankgiro or doc.seller.plusgiro):
        accounts = [
            *(
                [f"bankgiro {_bankgiro_display(doc.seller.bankgiro)}"]
                if doc.seller.bankgiro
                else []
            ),
            *([f"plusgiro {plusgiro_display(doc.seller.plusgiro)}"] if doc.seller.plusgiro else []),
        ]
        what = "OCR-nummer" if doc.seller.uses_ocr and not doc.payment_reference else "referens"
        text = (
            f"Betalas till {' eller '.join(accounts)}. "
            f"Ange {what} {payment_reference(doc)} vid betalning."
        )
        pdf.multi_cell(180, 4, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.is_credit_note and doc.preceding_invoice:
        text = f"Kreditfakturan avser faktura {doc.preceding_invoice.number}."
        pdf.multi_cell(180, 4, pdf_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if doc.attachments:
        names = ", ".join(a.filename for a in doc.attachments)
        pdf.multi_cell(180, 4, pdf_text(f"Bilaga: {names}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def render_attachment_pdf(
    doc: InvoiceDoc, rows: Sequence[ServiceRow], *, compress: bool = True
) -> bytes:
    """The attachment at individual level: one row per service record, with totals."""
    rows = list(rows)
    _check_rows(rows)
    pdf = _new_pdf(
        f"Bilaga till faktura {doc.number}",
        doc.seller,
        compress=compress,
        created=doc.issue_date,
    )
    _header(pdf, doc, "BILAGA")
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(
        180,
        5,
        pdf_text(f"Specifikation på individnivå till faktura {doc.number}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(2)
    widths = (20, 20, 20, 34, 32, 28, 26)  # "Timmar" holds a bold total of six decimals
    aligns = ("L", "L", "L", "L", "L", "R", "R")
    header = ("Datum", "Tid", "Person (ref)", "Utförare", "Beställande enhet", "Timmar", "Belopp")
    _row(pdf, widths, header, aligns, bold=True, fill=True)
    total_hours = Decimal(0)  # what the rows print: minutes / 60, else the hours given
    total_amount = Decimal(0)
    for row in rows:
        amount = round_ore(row.amount)
        total_hours += Decimal(row.minutes) / 60 if row.minutes is not None else row.hours
        total_amount += amount
        _row(
            pdf,
            widths,
            (
                row.date.isoformat(),
                row.time_text,
                row.person_ref,
                row.performer,
                row.orderer_unit,
                _hours_text(row),
                format_sek(amount),
            ),
            aligns,
        )
    _row(
        pdf,
        widths,
        (
            "Summa",
            f"{len(rows)} rader",
            "",
            "",
            "",
            format_number_sv(total_hours, 6 if any(r.minutes is not None for r in rows) else 2),
            format_sek(total_amount),
        ),
        aligns,
        bold=True,
        fill=True,
    )
    return bytes(pdf.output())
