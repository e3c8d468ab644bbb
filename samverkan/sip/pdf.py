"""The SIP as a PDF in Swedish that the person can be given.

Written on the one PDF text layer, `samverkan.core.documents` (DejaVu Sans embedded: Sami
names, en dashes and curly quotes print as they are). It holds the person's own plan only: their name
and identifier, goals, needs, the actions with who and when, the overall responsibility,
the fasta vårdkontakter, the next follow-up and the participating organisations. No staff
user names, no consent details, no other person.

Import this module where the PDF is made, not at start-up: importing fpdf2 takes seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from fpdf.fonts import FontFace

from samverkan.accounts.models import Organisation
from samverkan.core.documents import FONT, Document
from samverkan.core.documents import text as pdf_text
from samverkan.people.identity import display as display_identifier
from samverkan.sip.models import (
    ActionStatus,
    CompulsoryCare,
    Huvudman,
    ParticipantResponse,
    Sip,
    SipStatus,
)
from samverkan.sip.outputs import CAREPLAN_TITLE
from samverkan.sip.plan import plan_of


class _SipPdf(Document):
    footer_size = 8
    archival = True  # the plan is kept: PDF/A-2U


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else "ej bestämt"


def _heading(pdf: Document, text: str) -> None:
    pdf.heading(text, size=13)


def _paragraph(pdf: Document, text: str) -> None:
    pdf.paragraph(text)


def _bullets(pdf: Document, items: list[str], empty: str) -> None:
    if not items:
        if empty:
            _paragraph(pdf, empty)
        return
    pdf.bullets(items)


def _where(organisation: Organisation | None, unit: Any) -> str:
    if organisation is None:
        return "ej bestämt"
    return f"{unit.name}, {organisation.name}" if unit else organisation.name


def sip_pdf(sip: Sip, *, compress: bool = True) -> bytes:
    """The current plan as a PDF in Swedish, for the person."""
    version = sip.current_version()
    plan = plan_of(version)
    person = sip.person
    identity = person.primary_identity()

    pdf = _SipPdf(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title(pdf_text(CAREPLAN_TITLE))
    pdf.set_creator("Samverkan")
    pdf.footer_text = (
        f"SIP nr {sip.pk}, version {sip.version}. Du kan när som helst ta tillbaka ditt samtycke."
    )
    pdf.add_page()

    pdf.heading("Min samordnade individuella plan (SIP)", size=18, level=1, space=0)
    who = person.name + (f", {display_identifier(identity.identifier)}" if identity else "")
    _paragraph(pdf, f"Planen gäller: {who}")
    saved = timezone.localdate(version.created_at) if version else None
    _paragraph(
        pdf,
        f"Status: {SipStatus(sip.status).label}. Senast ändrad: {_date(saved)}."
        + (" Planen påbörjades på din egen begäran." if sip.initiated_on_request_of_person else ""),
    )

    _heading(pdf, "Mina mål")
    _bullets(pdf, plan.goals, "Målen är inte skrivna ännu.")
    _heading(pdf, "Mina behov")
    _bullets(pdf, plan.needs, "Behoven är inte beskrivna ännu.")

    _heading(pdf, "Vem gör vad och när")
    if plan.actions:
        pdf.set_font(FONT, "", 10)
        with (
            pdf.tag("Table"),
            pdf.table(
                col_widths=(66, 60, 26, 22),
                text_align="LEFT",
                line_height=5.5,
                headings_style=FontFace(emphasis="BOLD", fill_color=(235, 238, 241)),
            ) as table,
        ):
            header = table.row()
            for title in ("Insats", "Vem ansvarar", "Klart senast", "Status"):
                header.cell(title)
            for action in plan.actions:
                row = table.row()
                row.cell(pdf_text(action.description))
                row.cell(
                    pdf_text(
                        f"{Huvudman(action.huvudman).label.capitalize()}: "
                        f"{_where(action.organisation, action.unit)}"
                    )
                )
                row.cell(_date(action.due))
                row.cell(pdf_text(ActionStatus(action.status).label))
        pdf.set_font(FONT, "", 11)
    else:
        _paragraph(pdf, "Inga insatser är bestämda ännu.")

    _heading(pdf, "Vem har det övergripande ansvaret")
    text = _where(plan.overall_responsible_organisation, plan.overall_responsible_unit)
    if plan.overall_responsibility_note:
        text = f"{plan.overall_responsibility_note}, {text}"
    _paragraph(pdf, text)
    if plan.compulsory_care and plan.chief_physician_name:
        _paragraph(
            pdf,
            f"Du vårdas enligt {CompulsoryCare(plan.compulsory_care).label.lower()}. "
            f"Chefsöverläkare {plan.chief_physician_name} ansvarar för den samordnade vårdplanen.",
        )

    _heading(pdf, "Mina fasta vårdkontakter")
    if plan.care_contacts:
        lines = []
        for contact in plan.care_contacts:
            line = f"{contact.name_or_role}{' (läkare)' if contact.is_physician else ''}, "
            line += _where(contact.organisation, contact.unit)
            if contact.phone:
                line += f", telefon {contact.phone}"
            if contact.responsibility:
                line += f". Ansvar: {contact.responsibility}"
            lines.append(line)
        _bullets(pdf, lines, "")
    else:
        _paragraph(pdf, "Ingen fast vårdkontakt är utsedd ännu.")

    participants = [
        _where(p.organisation, p.unit)
        for p in sip.participants.exclude(response=ParticipantResponse.DECLINED).select_related(
            "organisation", "unit"
        )
    ]
    _heading(pdf, "Verksamheter som deltar")
    _bullets(
        pdf,
        [_where(sip.initiated_by_organisation, sip.initiated_by_unit), *participants],
        "",
    )

    _heading(pdf, "Nästa uppföljning")
    _paragraph(pdf, f"Planen följs upp senast {_date(plan.follow_up_date)}.")
    return bytes(pdf.output())
