"""Synthetic demo data: deviations, complaints and disputes (routines and Bilaga 2 lists:
`samverkan.agreements.demo`).

`load_demo()` is idempotent (safe on every start) and runs after the accounts demo (it uses
its organisations and demo users; without them it does nothing). Everything is invented and
no person is linked: the texts describe situations, never anyone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.deviations.models import (
    ChiefContact,
    Deviation,
    DeviationEvent,
    Dispute,
    Status,
)
from samverkan.deviations.services import _create_contacts, receiver_of

SEED = 8_1  # jh-hemsjukvard §8.1
MARK = " (demo)"

_SITUATIONS = [
    (
        "medication",
        "Läkemedelslistan följde inte med vid utskrivning",
        "Utskrivning, medicinkliniken",
    ),
    (
        "care_transition",
        "Ingen information om ändrad vårdplan till hemsjukvården",
        "Ordinärt boende",
    ),
    ("fall", "Fall i samband med förflyttning, hjälpmedel saknades", "Särskilt boende"),
    ("aids_equipment", "Förskriven trycksårsmadrass levererades inte", "Ordinärt boende"),
    ("conduct", "Närstående upplevde otydligt bemötande vid telefonkontakt", "Telefon"),
    ("accessibility", "Läkare gick inte att nå under kvällen", "Jour, kväll"),
    ("documentation", "Ordination saknades i journalen vid hembesök", "Hembesök"),
    ("other", "Provtagningsmaterial saknades vid provtagning", "Särskilt boende"),
]
_ANSWERS = [
    "Händelsen är utredd; rutinen för överrapportering är förtydligad.",
    "Vi har gått igenom händelsen med berörd personal och uppdaterat checklistan.",
    "Beklagar det inträffade. Ansvarig chef har tagit upp frågan på arbetsplatsträff.",
]


def _users() -> dict[str, Any]:
    names = [
        "ssk.ostersund", "mas.ostersund", "ssk.krokom", "mas.krokom", "ssk.regionjh",
        "chefslakare.regionjh", "forum.jh", "ssk.gavle", "mas.gavle", "ssk.regiongvb",
        "chefslakare.regiongvb",
    ]  # fmt: skip
    users = get_user_model().objects.filter(username__in=names).select_related("staff_profile")
    return {u.username: u for u in users}


def _deviations(users: dict[str, Any], today: dt.date) -> int:
    rng = random.Random(SEED)
    pairs = [
        ("ssk.ostersund", "ssk.regionjh", "jh-hemsjukvard"),
        ("ssk.krokom", "ssk.regionjh", "jh-hemsjukvard"),
        ("ssk.regionjh", "ssk.ostersund", "jh-hemsjukvard"),
        ("ssk.gavle", "ssk.regiongvb", "gvb-svart-sjuka"),
    ]
    made = 0
    tz = timezone.get_current_timezone()
    for n in range(40):
        reporter_name, other_name, agreement = pairs[n % len(pairs)]
        reporter, other = users.get(reporter_name), users.get(other_name)
        if reporter is None or other is None:
            continue
        category, what, where = _SITUATIONS[rng.randrange(len(_SITUATIONS))]
        days_ago = rng.randrange(3, 420)
        received = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9 + n % 8), tz)
        severity = "serious" if n % 13 == 5 else ("moderate" if n % 3 == 0 else "minor")
        kind = "complaint" if n % 9 == 4 else "deviation"
        description = f"{what}. (demo {n})"
        receiving = other.staff_profile.organisation
        if Deviation.objects.filter(description__endswith=f"(demo {n})").exists():
            continue
        unit, role = receiver_of(receiving)
        deviation = Deviation.objects.create(
            kind=kind,
            agreement=agreement,
            category=category,
            severity=severity,
            reporting_organisation=reporter.staff_profile.organisation,
            reporting_unit=reporter.staff_profile.unit,
            reported_by=reporter,
            receiving_organisation=receiving,
            receiving_unit=unit,
            receiving_role=role,
            occurred_on=received.date() - dt.timedelta(days=1),
            location=where,
            description=description,
            direct_contact=severity == "serious",
            received_at=received,
        )
        events = [(received, "reported", Status.RECEIVED, reporter)]
        # Older ones have moved on: investigated, answered (some late), closed.
        if days_ago > 10:
            deviation.investigating_at = received + dt.timedelta(days=2)
            events.append((deviation.investigating_at, "status", Status.INVESTIGATING, other))
            deviation.status = Status.INVESTIGATING
        if days_ago > 25 and n % 7 != 3:
            deviation.answered_at = received + dt.timedelta(days=rng.choice([8, 14, 21, 28, 45]))
            deviation.answer = _ANSWERS[n % len(_ANSWERS)]
            deviation.answered_by = other
            deviation.status = Status.ANSWERED
            events.append((deviation.answered_at, "status", Status.ANSWERED, other))
        if days_ago > 60 and deviation.answered_at and n % 5 != 1:
            deviation.closed_at = deviation.answered_at + dt.timedelta(days=5)
            deviation.status = Status.CLOSED
            events.append((deviation.closed_at, "status", Status.CLOSED, reporter))
        deviation.save()
        for at, what_, status, by in events:
            DeviationEvent.objects.create(
                deviation=deviation,
                at=at,
                by=by,
                organisation=by.staff_profile.organisation,
                what=what_,
                status=status,
            )
        if deviation.direct_contact:
            _create_contacts(deviation)
            if days_ago > 10:
                ChiefContact.objects.filter(deviation=deviation).update(
                    done_at=received + dt.timedelta(hours=3)
                )
        made += 1
    return made


def _disputes(users: dict[str, Any]) -> int:
    from samverkan.deviations import services

    needed = ("ssk.ostersund", "ssk.regionjh", "forum.jh", "ssk.krokom")
    if any(name not in users for name in needed):
        return 0
    kommun, region_user, forum = users["ssk.ostersund"], users["ssk.regionjh"], users["forum.jh"]
    ost, region = kommun.staff_profile.organisation, region_user.staff_profile.organisation
    krokom = users["ssk.krokom"].staff_profile.organisation
    made = 0

    def case(question: str, **kwargs: Any) -> Dispute | None:
        if Dispute.objects.filter(question=question).exists():
            return None
        return services.open_dispute(kwargs.pop("user", kommun), question=question, **kwargs)

    first = case(
        "Kostnad för trycksårsmadrass förskriven av kommunens arbetsterapeut till en "
        f"patient med regionens hemsjukvård.{MARK}",
        counterparty=region,
        acting_organisation=ost,
        acting_note="Kommunen lånar ut en madrass ur eget förråd tills frågan är avgjord.",
    )
    if first:
        services.add_cost(kommun, first.pk, description="Trycksårsmadrass", amount=Decimal("8450.00"),
                          incurred_on=timezone.localdate() - dt.timedelta(days=20), paid_by=ost)  # fmt: skip
        made += 1
    second = case(
        f"Ansvar för läkemedelshantering när dosdispensering inte räcker.{MARK}",
        counterparty=region,
        acting_organisation=region,
        acting_note="Regionens distriktssköterska fortsätter tills vidare.",
        of_principle=True,
        user=kommun,
    )
    if second:
        services.add_cost(region_user, second.pk, description="Sjuksköterskebesök, 12 timmar",
                          amount=Decimal("6240.00"), incurred_on=timezone.localdate() - dt.timedelta(days=60),
                          paid_by=region)  # fmt: skip
        services.escalate_dispute(kommun, second.pk, note="Cheferna är inte överens; principfråga.")
        services.record_dispute_decision(
            forum,
            second.pk,
            decided_on=timezone.localdate() - dt.timedelta(days=7),
            reasoning="Kvarstår risk trots dosdispensering är det en hälso- och sjukvårdsinsats "
            "som övergår till kommunens hemsjukvård (§7.3).",
            cost_bearer="municipality",
        )
        made += 1
    third = case(
        f"Tolkning av ansvaret för boendestöd vid samtidig psykiatrisk öppenvård.{MARK}",
        counterparty=region,
        agreement="jh-psykisk",
        acting_organisation=krokom,
        acting_note="Kommunen ger boendestöd som tidigare.",
        user=users["ssk.krokom"],
    )
    if third:
        made += 1
    return made


@transaction.atomic
def load_demo() -> dict[str, int]:
    """Create the demo records that are missing; returns how many of each kind exist."""
    users = _users()
    today = timezone.localdate()
    _deviations(users, today)
    _disputes(users)
    return {
        "deviations": Deviation.objects.filter(description__contains="(demo ").count(),
        "disputes": Dispute.objects.filter(question__endswith=MARK).count(),
    }
