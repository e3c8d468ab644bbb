"""The SIP meeting as an iCalendar file (RFC 5545) for staff's calendars.

Calendar files travel as plain mail and land in shared calendars, so the file says as little
as it can: a neutral title ("SIP-möte"), no name, identifier or diagnosis, and neither the
place nor the video link — only the link to the SIP in Samverkan, behind its login and access
checks. No file is made for a person with protected identity (the time and the SIP link
together could point to them; `people.access.is_protected`). `SEQUENCE` follows the meeting's
changes so a calendar replaces the earlier event instead of adding another.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from samverkan.sip.models import Sip

TITLE = "SIP-möte"
PRODID = "-//Samverkan//SIP-möte//SV"
MEETING_LENGTH = dt.timedelta(minutes=60)


def sip_url(sip: Sip) -> str:
    return settings.SAMVERKAN_BASE_URL.rstrip("/") + reverse("sip:detail", args=[sip.pk]) + "#mote"


def event_uid(sip: Sip) -> str:
    """Stable per SIP (so changes replace the event), without the SIP's number in clear."""
    return f"{uuid.uuid5(uuid.NAMESPACE_URL, sip_url(sip))}@samverkan"


def meeting_ics(sip: Sip, *, now: dt.datetime | None = None) -> bytes:
    """The calendar file. The caller has checked access, that a time is set and that the
    person is not protected."""
    if sip.meeting_at is None:
        raise ValueError("The SIP has no meeting time.")
    url = sip_url(sip)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", event_uid(sip))
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    start = sip.meeting_at.astimezone(dt.UTC)
    event.add("dtstart", start)
    event.add("dtend", start + MEETING_LENGTH)
    event.add("sequence", sip.meeting_sequence)
    event.add("summary", TITLE)
    event.add("location", f"Se kallelsen i Samverkan: {url}")
    event.add(
        "description",
        "Möte om en samordnad individuell plan (SIP). Plats, eventuell videolänk och "
        f"deltagare finns i Samverkan (inloggning krävs): {url}",
    )
    event.add("url", url)
    event.add("class", "CONFIDENTIAL")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    return calendar.to_ical()
