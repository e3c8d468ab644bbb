"""The guide's answer as a PDF, on the one PDF text layer (`samverkan.core.documents`:
DejaVu Sans embedded, so "≥", en dashes, curly quotes and Sami names print as they are).
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from samverkan.core.documents import FONT, Document
from samverkan.core.documents import text as pdf_text
from samverkan.guide.services import Guide
from samverkan.library.services import clause_label
from samverkan.library.templatetags.agreement_words import named_footnotes

HEADLINES = {
    "decided": "Avgjort enligt avtal som gäller {date} i {region}.",
    "partly_decided": "Delvis avgjort: fler uppgifter behövs för resten.",
    "not_in_force": "Inget avtal som styr frågan gäller {date} i {region}.",
    "not_covered": "Inget av avtalen för {region} reglerar den här frågan.",
    "incomplete": "Region och datum behövs innan något avtal kan väljas.",
}


class _Document(Document):
    footer_text = "Ansvarsguiden, Samverkan"
    footer_size = 8


def render(guide: Guide, share_url: str) -> bytes:
    pdf = _Document(format="A4")
    pdf.set_title("Ansvarsguiden")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.heading("Ansvarsguiden", size=18, level=1, space=0)
    pdf.set_font(FONT, size=9)
    _line(
        pdf,
        f"Utskrivet {dt.date.today().isoformat()}. Svaret bygger på avtalstexterna i Samverkan.",
        5,
    )
    _heading(pdf, "Fakta")
    for row in guide.answered:
        _pair(pdf, row.label, row.value)
    for row in guide.skipped:
        _pair(pdf, row.label, row.value)
    _heading(pdf, "Svar")
    pdf.set_font(FONT, "B", 11)
    _line(pdf, HEADLINES[guide.status].format(date=guide.date, region=guide.region_name), 6)
    _agreements(pdf, guide)
    for outcome in guide.outcome:
        _pair(pdf, outcome.label, outcome.value)
    if guide.actions:
        _heading(pdf, "Att göra")
        pdf.set_font(FONT, size=10)
        pdf.bullets(list(guide.actions), height=5.5)
    if guide.reasons:
        _heading(pdf, "Skäl ur avtalen")
        for reason in guide.reasons:
            pdf.keep_together(16)  # the clause is not left alone at the foot of a page
            pdf.set_font(FONT, "B", 10)
            # As the page shows it: the agreement's name, not its id nor the engine's rule.
            _line(pdf, f"{clause_label(reason.clause)}: {', '.join(reason.about)}", 5.5)
            pdf.set_font(FONT, "I", 10)
            pdf.set_x(pdf.l_margin + 5)
            with pdf.tag("BlockQuote"):
                _line(pdf, f"”{named_footnotes(reason.text)}”", 5, indent=5)
            pdf.ln(2)
    _heading(pdf, "Länk till svaret")
    pdf.set_font(FONT, size=9)
    _line(pdf, share_url, 4.5)
    return bytes(pdf.output())


def _agreements(pdf: FPDF, guide: Guide) -> None:
    pdf.set_font(FONT, size=10)
    for agreement in guide.agreements:
        end = agreement.valid_to or "tills vidare"
        if guide.status == "not_in_force":
            _line(
                pdf,
                f"Senast tillämpliga avtal: {agreement.title} (version {agreement.version}), "
                f"gäller {agreement.valid_from} – {end}.",
                5.5,
            )
        else:
            _line(pdf, f"Avtal: {agreement.title} (version {agreement.version}).", 5.5)
    pdf.ln(1)


def _heading(pdf: Document, text: str) -> None:
    pdf.heading(text, size=13)


def _pair(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(FONT, size=10)
    text = f"**{pdf_text(label)}:** {pdf_text(value)}"
    pdf.multi_cell(0, 5.5, text, markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _line(pdf: FPDF, text: str, height: float, indent: float = 0) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin - indent
    pdf.multi_cell(width, height, pdf_text(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
