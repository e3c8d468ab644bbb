"""Printable letters that invite the person, or a närstående, to the SIP meeting.

Plain Swedish (klarspråk, språklagen 2009:600 11 §: the language of public bodies is to be
"vårdat, enkelt och begripligt"): short sentences, "du", the date written out, what happens at
the meeting and how to answer. Made on the one PDF layer (`samverkan.core.documents`).

What a letter holds: the recipient's name; the meeting's time, place or that it is a video
meeting; who takes part (units, not staff names); whom to call. Never the person's
personnummer. A letter to a närstående names the person (who wanted them there) but never
carries an address of theirs: for a person with protected identity it also leaves out the
meeting place (`people.access.is_protected`) and says to call instead.

Import where the PDF is made: importing fpdf2 takes seconds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from samverkan.core.documents import Document
from samverkan.people.access import is_protected
from samverkan.sip.models import LetterInvitation, ParticipantResponse, Sip
from samverkan.sip.plan import plan_of

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)


class _Letter(Document):
    """12 pt text with a line of air between paragraphs: a letter is read, not scanned."""

    footer_size = 8

    def paragraph(self, value: str, *, height: float = 6.5) -> None:
        self.set_font_size(12)
        super().paragraph(value, height=height)
        self.ln(2)

    def bullets(self, items: Any, *, height: float = 6.5, indent: float = 3) -> None:
        self.set_font_size(12)
        super().bullets(items, height=height, indent=indent)
        self.ln(2)


def spoken_time(when: dt.datetime) -> str:
    """ "onsdag 9 december 2026 klockan 13.00" (Swedish clock times with a full stop)."""
    local = timezone.localtime(when)
    return (
        f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]} {local.year} "
        f"klockan {local:%H.%M}"
    )


def _where(sip: Sip, *, to_person: bool) -> str:
    if sip.meeting_link:
        return "Mötet är ett videomöte. Vi skickar länken och hjälper dig att komma in i mötet."
    if sip.meeting_place and (to_person or not is_protected(sip.person)):
        return sip.meeting_place
    return "Vi berättar var mötet är när du ringer oss."


def _sender(sip: Sip) -> str:
    unit = sip.initiated_by_unit
    organisation = sip.initiated_by_organisation.name
    return f"{unit.name}, {organisation}" if unit else organisation


def _phone(sip: Sip) -> str:
    """The initiating organisation's fast vårdkontakt's phone in the plan, if any."""
    plan = plan_of(sip.current_version())
    for contact in plan.care_contacts:
        if contact.organisation.pk == sip.initiated_by_organisation_id and contact.phone:
            return contact.phone
    return ""


def letter_pdf(letter: LetterInvitation, *, compress: bool = True) -> bytes:
    sip = letter.sip
    person = sip.person
    to_person = letter.is_person
    pdf = _Letter(orientation="P", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_margins(22, 22, 22)
    pdf.set_auto_page_break(auto=True, margin=20)
    title = "Kallelse till möte om en samordnad individuell plan (SIP)"
    pdf.set_title(title)
    pdf.set_creator("Samverkan")
    pdf.footer_text = f"Från {_sender(sip)}"
    pdf.add_page()

    pdf.heading(
        "Välkommen till ett möte om din plan"
        if to_person
        else "Välkommen till ett möte om en plan",
        size=18,
        level=1,
        space=0,
    )
    pdf.paragraph(f"Hej {person.name if to_person else letter.name}!")
    if to_person:
        pdf.paragraph(
            "Du är välkommen till ett möte om din vård och omsorg. På mötet gör vi en plan "
            "tillsammans med dig. Den kallas samordnad individuell plan, SIP. I planen står "
            "vad du vill uppnå, vem som gör vad och när."
        )
    else:
        pdf.paragraph(
            f"{person.name} vill att du är med på ett möte om sin vård och omsorg. På mötet "
            "gör vi en plan tillsammans. Den kallas samordnad individuell plan, SIP. I planen "
            "står vad som ska göras, vem som gör det och när."
        )

    pdf.heading("När och var", size=13)
    when = spoken_time(sip.meeting_at) if sip.meeting_at else "Vi hör av oss om tiden."
    pdf.bullets([f"När: {when}", f"Var: {_where(sip, to_person=to_person)}"])

    pdf.heading("Vilka är med", size=13)
    who = [_sender(sip)]
    for p in sip.participants.exclude(response=ParticipantResponse.DECLINED).select_related(
        "organisation", "unit"
    ):
        who.append(f"{p.unit.name}, {p.organisation.name}" if p.unit else p.organisation.name)
    pdf.bullets(who)
    if to_person:
        pdf.paragraph("Du bestämmer själv om någon närstående ska vara med.")

    pdf.heading("Säg till om du kommer", size=13)
    phone = _phone(sip)
    call = f"Ring oss på {phone}" if phone else f"Kontakta {_sender(sip)}"
    pdf.paragraph(
        f"{call} och säg om du kan komma. Det går bra att ringa om du har frågor, "
        "om tiden inte passar eller om du behöver tolk eller annat stöd på mötet."
    )
    if to_person:
        pdf.paragraph(
            "Du har sagt ja till att vi gör planen tillsammans. Du kan ändra dig när du vill."
        )
    pdf.paragraph("Välkommen!")
    return bytes(pdf.output())
