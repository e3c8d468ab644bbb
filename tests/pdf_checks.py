"""What every PDF Samverkan makes must be (issue 12): its text comes back as it was printed
(pdftotext, poppler), the fonts are embedded, it is tagged with the document language and a
title shown as the window title, and the archived kinds (invoices, attachments, plans) are
PDF/A-2U by their XMP identification and output intent."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pikepdf
import pytest

# Names in Sami, Finnish, Polish, Vietnamese and Arabic script, and the sign that once became "?".
NAMES = (
    "Máret Čuolja",
    "Áile Ŋuolja Čáhppes",
    "Sámi Šaddu Đuoddar",
    "Áŋŋá Ŧ Đ Ž",
    "Väinö Jääskeläinen",
    "Łukasz Żółć",
    "Nguyễn Thị Ánh",
    "محمد عبد الله",
)
GE_SIGN = "≥ 2 gånger/dygn"
WORDS = (*NAMES, GE_SIGN)


def pdftotext(data: bytes) -> str:
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is in .ci/run
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True
    )
    # pdftotext marks right-to-left runs with embedding controls; the letters are what count.
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", done.stdout.decode("utf-8"))


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
EDGE = 10 / 25.4 * 72  # 10 mm in points: no word comes nearer the paper's edge


def word_boxes(data: bytes) -> list[tuple[int, float, float, float, float, str, float, float]]:
    """Every word pdftotext finds: (page, xMin, yMin, xMax, yMax, word, page width, height)."""
    if shutil.which("pdftotext") is None:  # pragma: no cover - poppler-utils is in .ci/run
        pytest.skip("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
    )
    out, page, width, height = [], 0, 0.0, 0.0
    for line in done.stdout.decode("utf-8").splitlines():
        if found := _PAGE.search(line):
            page, width, height = page + 1, float(found[1]), float(found[2])
        elif word := _WORD.search(line):
            x0, y0, x1, y1 = (float(word[i]) for i in range(1, 5))
            out.append((page, x0, y0, x1, y1, word[5], width, height))
    return out


def words_off_the_page(data: bytes) -> list[str]:
    """Words that end within 10 mm of the paper's right or bottom edge, or beyond it (a name
    cut off at the edge: "Region Jämtland Härjedalen – Sámi Šaddu Đuod")."""
    return [w[5] for w in word_boxes(data) if w[3] > w[6] - EDGE or w[4] > w[7] - EDGE / 2]


def words_over_the_page_number(data: bytes) -> list[str]:
    """Footer words that reach into "Sida N av M" on their page."""
    boxes = word_boxes(data)
    out = []
    for sida in (w for w in boxes if w[5] == "Sida"):
        out += [
            w[5]
            for w in boxes
            if w[0] == sida[0]
            and w is not sida
            and w[1] < sida[1]
            and w[3] > sida[1]
            and w[2] < sida[4]
            and w[4] > sida[2]
        ]
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def structure_types(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root.StructTreeRoot
    kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
    found: list[str] = []
    for kid in kids:
        found.append(str(kid.S))
        inner = kid.get("/K")
        if isinstance(inner, pikepdf.Array):
            found += [str(k.S) for k in inner if isinstance(k, pikepdf.Dictionary)]
    return found


def assert_document_layer(
    data: bytes, *, title: str | None, printed: tuple[str, ...] = (), archival: bool = False
) -> str:
    """Checks the common layer; returns the text pdftotext reads."""
    text = pdftotext(data)
    for word in printed:
        assert word in flat(text), word
    if printed:  # nothing printed in their place: "Máret ?uolja" was the defect
        assert "?" not in text, text
    assert words_off_the_page(data) == []
    assert words_over_the_page_number(data) == []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert str(pdf.Root.Lang) == "sv-SE"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert bool(pdf.Root.MarkInfo.Marked) is True
        types = structure_types(pdf)
        assert types[0] == "/Document" and "/P" in types, types
        assert any(t in types for t in ("/H1", "/H2")), types
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                assert font.Subtype == "/Type0", font.BaseFont  # a Unicode font, not Helvetica
                descriptor = font.DescendantFonts[0].FontDescriptor
                assert "/FontFile2" in descriptor, font.BaseFont  # embedded
        meta = pdf.open_metadata()
        shown = meta.get("dc:title")
        assert shown and (title is None or shown == title), shown
        if "/Title" in pdf.docinfo:  # PDF/A: fpdf2 keeps the title in XMP only
            assert str(pdf.docinfo.Title) == shown
        if archival:
            assert meta.get("pdfaid:part") == "2"
            assert meta.get("pdfaid:conformance") == "U"
            intents = pdf.Root.OutputIntents
            assert str(intents[0].S) == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        else:
            assert meta.get("pdfaid:part") is None
    return text
