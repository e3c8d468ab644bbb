"""The SIP part of "Mina uppgifter": invitations to answer, follow-ups due, actions due.

A user with a unit gets what concerns that unit (or the whole organisation, when the
invitation, plan or action names no unit); a user without a unit gets the organisation's.
Titles carry no personal data (the start page is shown on shared screens): they name the
SIP by number and link to it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.people.withholding import PROTECTED_MARKER, is_protected_person
from samverkan.sip.access import audit, blocked_for, can_see, sip_organisation, sips_visible_to
from samverkan.sip.models import (
    OPEN_ACTION_STATUSES,
    OPEN_STATUSES,
    Action,
    Participant,
    ParticipantResponse,
    Sip,
    SipStatus,
)
from samverkan.web.work_queue import TaskItem

SOURCE = "SIP"
HORIZON = dt.timedelta(days=14)  # follow-ups and actions show up two weeks ahead


def _unit_q(prefix: str, unit_id: int | None) -> Q:
    if unit_id is None:
        return Q()
    return Q(**{f"{prefix}unit__isnull": True}) | Q(**{f"{prefix}unit_id": unit_id})


def sip_tasks(user: Any) -> list[TaskItem]:
    profile = profile_of(user)
    if profile is None or sip_organisation(user) is None:
        return []
    visible = sips_visible_to(user)
    org_id, unit_id = profile.organisation_id, profile.unit_id
    today = timezone.localdate()
    horizon = today + HORIZON
    open_sips = visible.filter(status__in=OPEN_STATUSES)
    # Another vårdgivare's SIP behind a SHARED spärr is not this organisation's to work on.
    others = open_sips.exclude(initiated_by_organisation_id=org_id).select_related("person")
    blocked = [sip.pk for sip in others if blocked_for(org_id, sip)]
    if blocked:
        open_sips = open_sips.exclude(pk__in=blocked)
    items: list[TaskItem] = []

    invitations = (
        Participant.objects.filter(
            sip__in=open_sips, organisation_id=org_id, response=ParticipantResponse.PENDING
        )
        .filter(_unit_q("", unit_id))
        .select_related("unit", "sip")
        .order_by("sip__meeting_at", "pk")
    )
    for participant in invitations:
        meeting = participant.sip.meeting_at
        detail = (
            f"Möte {timezone.localtime(meeting):%Y-%m-%d %H:%M}" if meeting else "Mötestid ej satt"
        )
        items.append(
            TaskItem(
                title=f"Kallelse till SIP nr {participant.sip_id} att besvara",
                url=reverse("sip:detail", args=[participant.sip_id]) + "#deltagare",
                source=SOURCE,
                due=timezone.localdate(meeting) if meeting else None,
                detail=detail,
                kind="Kallelse till SIP",
                unit=participant.unit.name if participant.unit else "",
            )
        )

    responsible = Q(overall_responsible_organisation_id=org_id) | Q(
        overall_responsible_organisation__isnull=True, initiated_by_organisation_id=org_id
    )
    follow_ups = open_sips.filter(
        responsible,
        status__in=(SipStatus.ACTIVE, SipStatus.FOLLOWED_UP),
        follow_up_date__lte=horizon,
    )
    for sip in follow_ups.order_by("follow_up_date", "pk"):
        version = sip.current_version()
        unit = version.overall_responsible_unit_id if version else None
        if unit_id is not None and unit is not None and unit != unit_id:
            continue
        items.append(
            TaskItem(
                title=f"Uppföljning av SIP nr {sip.pk}",
                url=reverse("sip:follow_up", args=[sip.pk]),
                source=SOURCE,
                due=sip.follow_up_date,
                urgent=bool(sip.follow_up_date and sip.follow_up_date < today),
                kind="Uppföljning av SIP",
            )
        )

    actions = (
        Action.objects.filter(
            version__sip__in=open_sips.filter(status__in=(SipStatus.ACTIVE, SipStatus.FOLLOWED_UP)),
            organisation_id=org_id,
            status__in=OPEN_ACTION_STATUSES,
            due__lte=horizon,
            version__number=F("version__sip__version"),  # the current version's actions
        )
        .filter(_unit_q("", unit_id))
        .select_related("version")
        .order_by("due", "pk")
    )
    for action in actions:
        items.append(
            TaskItem(
                title=f"Insats i SIP nr {action.version.sip_id} ska vara klar",
                url=reverse("sip:detail", args=[action.version.sip_id]) + "#insatser",
                source=SOURCE,
                due=action.due,
                urgent=bool(action.due and action.due < today),
                kind="Insats i SIP",
            )
        )
    return items


def describe_sip_notifications(user: Any, targets: list[dict[str, Any]]) -> list[str]:
    """The Notiser page's text for a SIP's notifications: "SIP-möte 2026-12-09 13:30 om
    Sigrid Planström" (or "SIP om …" before a time is set) to a viewer who may see the SIP
    (the look logged as for the page); "SIP nr 12" to one who may not (an invitation before
    the person's consent, or after it was withdrawn): never the person's name."""
    ids = [int(t["sip_id"]) for t in targets]
    found = {sip.pk: sip for sip in Sip.objects.filter(pk__in=ids).select_related("person")}
    texts = []
    seen: set[int] = set()
    for pk in ids:
        sip = found.get(pk)
        if sip is None:
            texts.append("")
            continue
        if not can_see(user, sip):
            texts.append(f"SIP nr {sip.pk}")
            continue
        if sip.pk not in seen:
            audit(user, AuditAction.VIEW, sip, "Notiser")
            seen.add(sip.pk)
        name = sip.person.name
        if is_protected_person(sip.person):
            name = f"{name} ({PROTECTED_MARKER.lower()})"
        if sip.meeting_at is not None:
            texts.append(f"SIP-möte {timezone.localtime(sip.meeting_at):%Y-%m-%d %H:%M} om {name}")
        else:
            texts.append(f"SIP om {name}")
    return texts
