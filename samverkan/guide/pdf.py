"""The guide's answer as a PDF (fpdf2, core font Helvetica: Latin-1 covers å, ä, ö and §).

Characters outside Latin-1 (en dash, curly quotes, ellipsis, bullets) are replaced before
drawing, so no font file is needed on the server.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from samverkan.guide.services import Guide

_REPLACEMENTS = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": ",",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2026": "...",
    "\u2022": "-",
    "\uf0b7": "-",  # the Symbol-font bullet some agreement texts carry
    "\u00ad": "",  # soft hyphen
    "\u202f": " ",
    "\u2009": " ",
    "\u00a0": " ",
}

HEADLINES = {
    "decided": "Avgjort enligt avtal som gäller {date} i {region}.",
    "partly_decided": "Delvis avgjort: fler uppgifter behövs för resten.",
    "not_in_force": "Inget avtal som styr frågan gäller {date} i {region}.",
    "not_covered": "Inget av avtalen för {region} reglerar den här frågan.",
    "incomplete": "Region och datum behövs innan något avtal kan väljas.",
}


def latin1(text: object) -> str:
    value = str(text)
    for old, new in _REPLACEMENTS.items():
        value = value.replace(old, new)
    return value.encode("latin-1", errors="replace").decode("latin-1")


class _Document(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.cell(0, 5, latin1(f"Ansvarsguiden, Samverkan - sida {self.page_no()}"), align="C")


def render(guide: Guide, share_url: str) -> bytes:
    pdf = _Document(format="A4")
    pdf.set_title("Ansvarsguiden")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    _line(pdf, "Ansvarsguiden", 9)
    pdf.set_font("Helvetica", size=9)
    _line(
        pdf,
        f"Utskrivet {dt.date.today().isoformat()}. Svaret bygger på avtalstexterna i Samverkan.",
        5,
    )
    _heading(pdf, "Uppgifter")
    for row in guide.answered:
        _pair(pdf, row.label, row.value)
    for row in guide.skipped:
        _pair(pdf, row.label, row.value)
    _heading(pdf, "Svar")
    pdf.set_font("Helvetica", "B", 11)
    _line(pdf, HEADLINES[guide.status].format(date=guide.date, region=guide.region_name), 6)
    _agreements(pdf, guide)
    for outcome in guide.outcome:
        _pair(pdf, outcome.label, outcome.value)
    if guide.actions:
        _heading(pdf, "Att göra")
        pdf.set_font("Helvetica", size=10)
        for action in guide.actions:
            _line(pdf, f"- {action}", 5.5)
    if guide.reasons:
        _heading(pdf, "Skäl ur avtalen")
        for reason in guide.reasons:
            pdf.set_font("Helvetica", "B", 10)
            _line(pdf, f"{reason.clause} (regel {reason.rule}): {', '.join(reason.about)}", 5.5)
            pdf.set_font("Helvetica", "I", 10)
            pdf.set_x(pdf.l_margin + 5)
            _line(pdf, f'"{reason.text}"', 5, indent=5)
            pdf.ln(2)
    _heading(pdf, "Länk till svaret")
    pdf.set_font("Helvetica", size=9)
    _line(pdf, share_url, 4.5)
    return bytes(pdf.output())


def _agreements(pdf: FPDF, guide: Guide) -> None:
    pdf.set_font("Helvetica", size=10)
    for agreement in guide.agreements:
        end = agreement.valid_to or "tills vidare"
        if guide.status == "not_in_force":
            _line(
                pdf,
                f"Senast tillämpliga avtal: {agreement.title} ({agreement.id}, version "
                f"{agreement.version}), gäller {agreement.valid_from} - {end}.",
                5.5,
            )
        else:
            _line(
                pdf, f"Avtal: {agreement.title} ({agreement.id}, version {agreement.version}).", 5.5
            )
    pdf.ln(1)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 13)
    _line(pdf, text, 7)


def _pair(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("Helvetica", size=10)
    text = f"**{latin1(label)}:** {latin1(value)}"
    pdf.multi_cell(0, 5.5, text, markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _line(pdf: FPDF, text: str, height: float, indent: float = 0) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin - indent
    pdf.multi_cell(width, height, latin1(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
