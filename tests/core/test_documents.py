"""One PDF text layer (Unicode, embedded font) and one CSV writer for every export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from samverkan.core.documents import (
    FONT,
    Document,
    csv_bytes,
    csv_cell,
    csv_text,
    text,
    text_lines,
)

SAMI = "Áilu Čiekča Đuođđa Ŋunnje Šoađđi Ŧeahkká Žaža ánná čuođi đ ŋ š ŧ ž"


@pytest.mark.parametrize("compress", [False, True])
def test_a_sami_name_and_ge_sign_print_as_they_are(compress):
    pdf = Document()
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 6, SAMI)
    pdf.ln()
    pdf.set_font(FONT, "I", 10)
    pdf.cell(0, 6, "ålder ≥ 65 år – “egenvård” → kommunen")
    lines = text_lines(bytes(pdf.output()))
    assert lines[:2] == [SAMI, "ålder ≥ 65 år – “egenvård” → kommunen"]
    assert lines[-1] == "Sida 1 av 1"


@pytest.mark.parametrize(
    "name",
    ["Päivi Mäkelä-Väisänen", "Łucja Żółć-Wąsik", "Nguyễn Thị Ánh Hồng", "Ørjan Ærø Œuvre"],
)
def test_finnish_polish_and_vietnamese_names_print_as_they_are(name):
    pdf = Document()
    pdf.add_page()
    pdf.set_font(FONT, "", 12)
    pdf.cell(0, 6, name)
    assert text_lines(bytes(pdf.output()))[0] == name


def test_the_font_is_embedded_not_a_core_font():
    pdf = Document()
    pdf.add_page()
    pdf.cell(0, 6, "Östersund")
    data = bytes(pdf.output())
    assert b"/FontFile2" in data and b"DejaVuSans" in data
    assert b"/Helvetica" not in data


def test_text_keeps_what_the_font_has_and_marks_what_it_lacks():
    assert text(SAMI) == SAMI
    assert text("a\u00adb") == "ab"  # soft hyphen
    assert text("\uf0b7 punkt") == "• punkt"  # the Symbol-font bullet of agreement texts
    assert text("漢字") == "??"
    # Anything drawn goes through the layer, also without calling text() first.
    pdf = Document()
    pdf.add_page()
    pdf.cell(0, 6, "x\u00ady 漢")
    assert text_lines(bytes(pdf.output()))[0] == "xy ?"


def test_every_pdf_module_uses_the_one_text_layer():
    root = Path(__file__).resolve().parents[2] / "samverkan"
    offenders = []
    for path in root.rglob("*.py"):
        if path == root / "core" / "documents.py":
            continue
        source = path.read_text(encoding="utf-8")
        if "(FPDF)" in source or "add_font(" in source or '"helvetica"' in source.lower():
            offenders.append(str(path.relative_to(root)))
        if "csv.writer(" in source or "csv.DictWriter(" in source:
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+A1", "'+A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-A1", "'-A1"),
        ("\tx", "'\tx"),
        ("-12,50", "-12,50"),
        ("-1 234,50", "-1 234,50"),
        ("+5", "+5"),
        ("<5", "<5"),
        ("Östersund", "Östersund"),
        (None, ""),
        (7, "7"),
    ],
)
def test_csv_cells_are_guarded_against_formulas(value, cell):
    assert csv_cell(value) == cell


def test_csv_for_swedish_spreadsheets():
    data = csv_bytes([("=1+1", "-5,00", "a;b")], ("Fält", "Värde", "Text"))
    assert data.startswith(b"\xef\xbb\xbf")
    text_ = data.decode("utf-8-sig")
    assert text_.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text_, newline=""), delimiter=";"))
    assert rows == [["Fält", "Värde", "Text"], ["'=1+1", "-5,00", "a;b"]]
    assert csv_text([]) == "\ufeff"


# --- issue 12: Arabic script, tagging, PDF/A, layout ------------------------------------------

from tests.pdf_checks import GE_SIGN, NAMES, assert_document_layer, pdftotext  # noqa: E402


class _Archived(Document):
    archival = True


def _names_document(cls: type[Document] = Document) -> bytes:
    pdf = cls()
    pdf.set_title("Prov: namn")
    pdf.add_page()
    pdf.heading("Namn", level=1)
    for style in ("", "B", "I"):
        pdf.set_font(FONT, style, 11)
        for name in NAMES:
            pdf.paragraph(name)
    pdf.paragraph(GE_SIGN)
    return bytes(pdf.output())


def test_arabic_script_is_shaped_and_every_name_comes_back_in_every_style():
    data = _names_document()
    text = assert_document_layer(data, title="Prov: namn", printed=(*NAMES, GE_SIGN))
    # Regular, bold and italic (italics have no Arabic: regular stands in).
    for name in NAMES:
        assert text.count(name) == 3, name
    assert text_lines(data)[0] == "Namn"


def test_an_archived_document_is_pdf_a_2u_and_renders_the_same_bytes_again():
    first = _names_document(_Archived)
    assert_document_layer(first, title="Prov: namn", printed=NAMES, archival=True)
    # Creation date fixed by the caller: the XMP dates follow it, not the clock.
    pdf = _Archived()
    import datetime as dt

    pdf.set_creation_date(dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    pdf.add_page()
    pdf.paragraph("Faktura")
    pdf2 = _Archived()
    pdf2.set_creation_date(dt.datetime(2026, 12, 2, tzinfo=dt.UTC))
    pdf2.add_page()
    pdf2.paragraph("Faktura")
    assert bytes(pdf.output()) == bytes(pdf2.output())


def test_a_paragraph_across_a_page_break_stays_tagged_and_footers_are_artifacts():
    import pikepdf

    pdf = Document()
    pdf.set_title("Lång")
    pdf.add_page()
    pdf.heading("Lång text", level=1)
    pdf.paragraph("ord " * 3000)
    data = bytes(
        pdf.output(),
    )
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert len(doc.pages) >= 2
        for page in doc.pages:
            content = (
                page.Contents.read_bytes() if not isinstance(page.Contents, pikepdf.Array) else b""
            )
            assert b"/Artifact BMC" in content
            assert content.count(b"BDC") + content.count(b"BMC") == content.count(b"EMC")
    text = pdftotext(data)
    assert f"Sida 1 av {len(pikepdf.open(io.BytesIO(data)).pages)}" in text


def test_a_heading_is_not_left_alone_at_the_foot_of_a_page():
    pdf = Document()
    pdf.add_page()
    while pdf.get_y() < pdf.page_break_trigger - 12:
        pdf.paragraph("rad")
    pdf.heading("Rubriken", level=2)
    pdf.paragraph("Texten under rubriken")
    assert pdf.page == 2
    lines = text_lines(bytes(pdf.output()))
    heading_at = lines.index("Rubriken")
    assert lines[heading_at - 1] == "Sida 1 av 2"  # the heading opens page 2


def _stretched(content: bytes) -> bool:
    """Justified text: fpdf2 spaces the words of a Unicode font by TJ adjustments
    (``[(...) -158.285(...)] TJ``), of a core font by ``Tw``."""
    return b" Tw" in content or re.search(rb"\) -?[\d.]+\(", content) is not None


def test_bullets_are_left_aligned_not_justified():
    pdf = Document()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.bullets(["ett långt punktstycke som bryts över flera rader " * 4])
    content = bytes(pdf.output())
    assert not _stretched(content)  # no stretched word spacing
    assert "•" in text_lines(content)[0]


def test_every_wrapped_text_is_left_aligned_unless_asked_otherwise():
    """fpdf2 justifies ``multi_cell`` by default: the yearly report's paragraphs and the
    invoice's note were printed with wide gaps. The layer aligns left; ``align`` still
    chooses (a right-aligned amount)."""
    long = "Siffror som bygger på färre än 5 personer visas inte; i stället står det så. " * 4
    pdf = Document()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(180, 5, long)
    pdf.multi_cell(180, 5, long, 0, "L")
    assert not _stretched(bytes(pdf.output()))
    justified = Document()
    justified.set_compression(False)
    justified.add_page()
    justified.set_font(FONT, "", 9)
    justified.multi_cell(180, 5, long, align="J")
    assert _stretched(bytes(justified.output()))  # the check can fail


def test_csv_numbers_take_a_decimal_comma_and_truth_values_words():
    from decimal import Decimal

    text_ = csv_text(
        [(1.5, Decimal("12.50"), True, None, "=HYPERLINK(1)")], ("a", "b", "c", "d", "e")
    )
    assert text_.splitlines()[1] == "1,5;12,50;true;;'=HYPERLINK(1)"
    assert not csv_text([("x",)], bom=False).startswith("\ufeff")
