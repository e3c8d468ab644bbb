"""The person's right to know who has reached their data (PDL 8 kap. 5 §; the extract
shows from which care unit and when, HSLF-FS 2016:40 4 kap. 10 §): one person's accesses to
the owner's data as CSV (the one CSV writer: `;`, BOM, formula guard) and PDF (the one PDF
text layer, DejaVu Sans embedded).

Columns: time, organisation (vårdgivare), unit, role, what was done, in which process. No
staff names and no IP addresses: the extract says which vårdgivare and unit reached the data
and when, so that the person can judge whether the access was justified; a request for the
names is a request for an allmän handling that the vårdgivare answers after a
sekretessprövning (OSL), outside this export.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.utils import timezone

from samverkan.audit.models import AuditEvent
from samverkan.core.documents import FONT, Document, csv_text
from samverkan.people.identity import InvalidIdentifier, parse_identifier
from samverkan.people.identity import display as identity_display

HEADER = ("Tidpunkt", "Vårdgivare", "Enhet", "Roll", "Händelse", "Sammanhang")


def process_text(process: str) -> str:
    """The process in words: "sip:12" -> "SIP", the rest as recorded."""
    if not process:
        return ""
    if process.startswith("sip:"):
        head, sep, purpose = process.partition(" · ")
        return "SIP (samordnad individuell plan)" + (f" · {purpose}" if sep else "")
    return process


def rows(events: Iterable[AuditEvent]) -> Iterator[tuple[str, str, str, str, str, str]]:
    for e in events:
        yield (
            timezone.localtime(e.timestamp).strftime("%Y-%m-%d %H:%M"),
            str(e.organisation) if e.organisation else "",
            str(e.unit) if e.unit else "",
            e.get_role_display() if e.role else "",
            e.get_action_display(),
            process_text(e.process),
        )


def to_csv(events: Iterable[AuditEvent]) -> bytes:
    return csv_text(rows(events), HEADER).encode("utf-8")


def _shown(person_ref: str) -> str:
    """The person's number as staff write it (YYYYMMDD-NNNN); other references as they are."""
    try:
        return identity_display(parse_identifier(person_ref))
    except InvalidIdentifier:
        return person_ref


def to_pdf(events: Iterable[AuditEvent], *, owner: str, person_ref: str) -> bytes:
    pdf = Document()
    pdf.footer_text = f"Loggutdrag – {owner}"
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.set_title("Loggutdrag: åtkomst till dina uppgifter")
    pdf.set_author("Samverkan")
    pdf.set_creation_date(timezone.now())
    pdf.add_page()
    width = pdf.epw
    pdf.heading("Loggutdrag: åtkomst till dina uppgifter", size=15, level=1, space=0)
    pdf.set_font(FONT, "", 10)
    made = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    for line in (
        f"Vårdgivare: {owner}",
        f"Person: {_shown(person_ref)}",
        f"Utdraget gjort: {made}",
        "Utdraget visar när och från vilken vårdgivare och enhet någon har tagit del av "
        "eller ändrat dina uppgifter hos vårdgivaren (patientdatalagen 8 kap. 5 §).",
    ):
        pdf.multi_cell(width, 5.5, line, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    # "Sammanhang" and the unit get the room: a heading broken mid-word is unreadable.
    widths = (25, 32, 42, 27, 22, width - 148)
    pdf.set_font(FONT, "", 9)
    data = list(rows(events))
    with pdf.tag("Table"), pdf.table(col_widths=widths, text_align="LEFT", line_height=5) as table:
        header = table.row()
        for title in HEADER:
            header.cell(title)
        for values in data:
            row = table.row()
            for value in values:
                row.cell(value)
    if not data:
        pdf.ln(2)
        pdf.multi_cell(
            width, 5.5, "Ingen åtkomst finns registrerad.", new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output())
