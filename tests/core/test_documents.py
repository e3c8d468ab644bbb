"""One PDF text layer (Unicode, embedded font) and one CSV writer for every export."""

from __future__ import annotations

import csv
import io
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
