from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal

import pytest

from samverkan.core.documents import text_lines
from samverkan.core.money import format_number_sv, format_sek
from samverkan.purchases.pdf import (
    ServiceRow,
    attachment_csv,
    pdf_text,
    render_attachment_pdf,
    render_invoice_pdf,
)
from samverkan.purchases.ubl import InvoiceDataError, compute_totals

from .conftest import Example


def pdf_text_of(data: bytes) -> str:
    return "\n".join(text_lines(data))


def test_invoice_pdf_has_number_and_totals(gavleborg: Example) -> None:
    data = render_invoice_pdf(gavleborg.doc, compress=False)
    assert data.startswith(b"%PDF")
    text = pdf_text_of(data)
    assert "HK-2019-1187" in text
    assert "FAKTURA" in text
    assert "KST 80904" in text
    assert "Region G\xe4vleborg" in text
    assert "826 82 S\xf6derhamn" in text
    assert "Att betala" in text
    assert format_sek(compute_totals(gavleborg.doc).payable) in text
    assert "Momsfri: sjukv\xe5rd mellan offentliga huvudm\xe4n" in text
    assert "\xd6resavrundning" in text
    assert "\nPersonreferens\n" in text and "Individref" not in text  # one term, unbroken


def test_compressed_pdf_is_valid_and_smaller(gavleborg: Example) -> None:
    compressed = render_invoice_pdf(gavleborg.doc)
    assert compressed.startswith(b"%PDF") and compressed.rstrip().endswith(b"%%EOF")
    assert len(compressed) < len(render_invoice_pdf(gavleborg.doc, compress=False))


def test_credit_note_pdf(credit_note: Example) -> None:
    text = pdf_text_of(render_invoice_pdf(credit_note.doc, compress=False))
    assert "KREDITFAKTURA" in text
    assert "OK-2026-0311-K1" in text
    assert "Att kreditera" in text


def test_unicode_text_prints_as_it_is(jamtland: Example) -> None:
    # Since the one PDF text layer (core.documents) embeds DejaVu Sans, dashes, quotes, "€",
    # "≥" and Sami names print as they are; before, they were replaced or became "?".
    note = "Dagtid 08.00–17.00 — “tjänsteköp” … 5 € ≥ 2 h, Áilu Čárjá Đuođđa Ŋ Šoađđi Ŧ Žaž"
    doc = dataclasses.replace(jamtland.doc, note=note)
    assert note in pdf_text_of(render_invoice_pdf(doc, compress=False))
    assert pdf_text("Ω") == "Ω" and pdf_text("漢") == "?"


def test_attachment_pdf_lists_each_record_and_reconciles(gavleborg: Example) -> None:
    data = render_attachment_pdf(gavleborg.doc, gavleborg.rows, compress=False)
    assert data.startswith(b"%PDF")
    text = pdf_text_of(data)
    assert "HK-2019-1187" in text
    for row in gavleborg.rows:
        assert row.person_ref in text
        assert format_sek(row.amount) in text
    total = compute_totals(gavleborg.doc).line_extension
    assert sum(row.amount for row in gavleborg.rows) == total
    assert format_sek(total) in text
    assert "Summa" in text and "5 rader" in text


def test_long_attachment_breaks_pages(gavleborg: Example) -> None:
    rows = gavleborg.rows * 40
    data = render_attachment_pdf(gavleborg.doc, rows, compress=False)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 3


def test_attachment_csv_for_swedish_excel(gavleborg: Example) -> None:
    data = attachment_csv(gavleborg.rows)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert (
        lines[0]
        == "Datum;Starttid;Sluttid;Person (ref);Utförare;Beställande enhet;Minuter;Timmar;Belopp (kr)"
    )
    # the minutes the amount came from, and the hours with their precision
    assert lines[1] == "2019-11-04;08:00;16:30;P-0017;Undersköterska 1;;510;8,500000;1274,15"
    assert lines[-1] == ""
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))[1:]
    total = sum(Decimal(r[8].replace(",", ".")) for r in records)
    assert total == compute_totals(gavleborg.doc).line_extension


def test_csv_neutralises_formulas() -> None:
    row = ServiceRow(
        dt.date(2026, 3, 1), None, None, "=HYPERLINK(1)", "+Namn", Decimal("1"), Decimal("-5")
    )
    text = attachment_csv([row]).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "'+Namn" in text
    assert ";-5,00\r\n" in text  # numbers are left alone


def test_personnummer_is_refused_in_attachment() -> None:
    row = ServiceRow(
        dt.date(2026, 3, 1), None, None, "121212-1212", "A", Decimal("1"), Decimal("1")
    )
    with pytest.raises(InvoiceDataError):
        attachment_csv([row])


def test_invoice_and_attachment_print_every_script_and_are_pdf_a(jamtland: Example) -> None:
    from tests.pdf_checks import GE_SIGN, NAMES, assert_document_layer

    seller = dataclasses.replace(jamtland.doc.seller, contact_name=NAMES[0])
    # a long name wraps in the address window instead of running off the page
    buyer = dataclasses.replace(
        jamtland.doc.buyer, contact_name=NAMES[1], name=f"{jamtland.doc.buyer.name} – {NAMES[2]}"
    )
    doc = dataclasses.replace(
        jamtland.doc, seller=seller, buyer=buyer, note=" / ".join((GE_SIGN, *NAMES[2:]))
    )
    invoice = render_invoice_pdf(doc)
    assert_document_layer(
        invoice, title=f"Faktura {doc.number}", printed=(*NAMES, GE_SIGN), archival=True
    )
    rows = [
        dataclasses.replace(row, performer=name)
        for row, name in zip(jamtland.rows, NAMES, strict=False)
    ]
    attachment = render_attachment_pdf(doc, rows)
    assert_document_layer(
        attachment,
        title=f"Bilaga till faktura {doc.number}",
        printed=NAMES[: len(rows)],
        archival=True,
    )


def test_a_long_attachment_prints_its_total_hours_whole(gavleborg: Example) -> None:
    """40 rows: 211,066667 hours in bold once broke inside the column ("211,06666" / "7")."""
    from tests.pdf_checks import pdftotext, words_off_the_page

    data = render_attachment_pdf(gavleborg.doc, gavleborg.rows * 8)
    text = pdftotext(data)
    total = sum((Decimal(r.minutes) for r in gavleborg.rows * 8), Decimal(0)) / 60
    assert format_number_sv(total, 6) == "211,066667"
    assert "211,066667" in text.split()
    assert words_off_the_page(data) == []


def test_the_attachment_total_hours_add_up_what_its_rows_print(gavleborg: Example) -> None:
    """A row given in hours (no minutes) counts in the total as printed; the total once
    summed minutes only and printed 0,000000 beside rows of 1,50 and 1,00 hours."""
    rows = [dataclasses.replace(r, minutes=None) for r in gavleborg.rows]
    from tests.pdf_checks import pdftotext

    text = pdftotext(render_attachment_pdf(gavleborg.doc, rows))
    total = sum((r.hours for r in rows), Decimal(0))
    assert total > 0
    assert format_number_sv(total, 2) in text.split()


def test_a_long_footer_wraps_beside_the_page_number(gavleborg: Example) -> None:
    long_name = "Hudiksvalls kommun, Social- och fritidsförvaltningen, Individ- och familjeomsorgen"
    seller = dataclasses.replace(gavleborg.doc.seller, name=long_name, plusgiro="4100040")
    data = render_invoice_pdf(dataclasses.replace(gavleborg.doc, seller=seller))
    text = "\n".join(text_lines(data))
    assert "Sida 1 av 1" in " ".join(text.split())
    from tests.pdf_checks import words_off_the_page, words_over_the_page_number

    assert words_off_the_page(data) == []
    assert words_over_the_page_number(data) == []
