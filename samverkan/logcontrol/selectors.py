"""Reads of the data owner's log (HSLF-FS 2016:40 4 kap. 9 §; PDL 4 kap. 3 §).

- `events_for_owner(owner)`: every access to the owner's data, whoever made it: the events
  whose `owner` is the owner, and the events without an owner made by the owner's own users
  (their own organisation's data, or no personal data). Nothing about other owners' persons.
- `filter_events(events, …)`: by person (every reference the person has had), user, acting
  organisation, action and time.
- `flags_for(owner, events)`: the unusual accesses among events, each with a Swedish
  explanation (`FLAGS`).
- `person_accesses(owner, refs)`: the accesses to the owner's data about one person, for
  the person's right to know (PDL 8 kap. 5 §).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import holidays
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import owners
from samverkan.sip.selectors import person_ids_with_sip_of

__all__ = [
    "FLAGS",
    "LOG_OBJECT_TYPES",
    "Flag",
    "events_for_owner",
    "filter_events",
    "flags_for",
    "person_accesses",
    "working_hours",
]

#: The object types of log control's own events (a look at the log, a check, an export).
LOG_OBJECT_TYPES: frozenset[str] = frozenset(
    {"audit.auditevent", "logcontrol.spotcheck", "logcontrol.export"}
)
#: Reads: the actions the "no task or contact" and "many persons" flags look at.
READS: frozenset[str] = frozenset({Action.VIEW, Action.SEARCH, Action.EXPORT, Action.PRINT})
EMERGENCY_PROCESS = "nödåtkomst"
CARE_RELATION_TYPE = "people.carerelation"


@dataclass(frozen=True)
class Flag:
    code: str
    label: str
    explanation: str


FLAGS: dict[str, str] = {
    "new_relation": "Ny vårdrelation utan tidigare ärende",
    "emergency": "Nödåtkomst",
    "outside_hours": "Utanför arbetstid",
    "many_persons": "Många personer på kort tid",
    "protected": "Skyddad identitet",
    "no_contact": "Ingen uppgift eller kontakt",
}


def working_hours() -> tuple[int, int]:
    """(first hour, end hour) of a working day: 07–18 unless LOGCONTROL_WORKING_HOURS."""
    start, end = getattr(settings, "LOGCONTROL_WORKING_HOURS", (7, 18))
    return int(start), int(end)


def many_persons_limit() -> tuple[int, int]:
    """(persons, minutes): more than this many distinct persons within the minutes."""
    persons, minutes = getattr(settings, "LOGCONTROL_MANY_PERSONS", (20, 10))
    return int(persons), int(minutes)


def events_for_owner(owner: Organisation | int) -> QuerySet[AuditEvent]:
    owner_id = owner.pk if isinstance(owner, Organisation) else owner
    return AuditEvent.objects.select_related("user", "organisation", "unit", "owner").filter(
        Q(owner_id=owner_id) | Q(owner__isnull=True, organisation_id=owner_id)
    )


def filter_events(
    events: QuerySet[AuditEvent],
    *,
    refs: Iterable[str] | None = None,
    username: str = "",
    user_id: Any = None,
    organisation: Any = None,
    action: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    if refs is not None:
        events = events.filter(person_ref__in=sorted(set(refs)))
    if username:
        events = events.filter(user__username=username.strip())
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if organisation:
        events = events.filter(organisation=organisation)
    if action:
        events = events.filter(action=action)
    if date_from:
        events = events.filter(timestamp__gte=_start_of(date_from))
    if date_to:
        events = events.filter(timestamp__lt=_start_of(date_to + dt.timedelta(days=1)))
    return events


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@functools.cache
def _public_holidays(year: int) -> frozenset[dt.date]:
    """The days off of the year: Sweden's public holidays (helgdagar, from `holidays`) and the
    eves most staff have off though they are not public holidays (midsommarafton, julafton,
    nyårsafton). Sundays are weekend anyway."""
    days = set(holidays.Sweden(years=year, include_sundays=False))
    midsummer_eve = next(
        dt.date(year, 6, d) for d in range(19, 26) if dt.date(year, 6, d).weekday() == 4
    )
    days.update({midsummer_eve, dt.date(year, 12, 24), dt.date(year, 12, 31)})
    return frozenset(days)


def _is_working_time(moment: dt.datetime) -> bool:
    local = timezone.localtime(moment)
    if local.weekday() >= 5 or local.date() in _public_holidays(local.year):
        return False
    start, end = working_hours()
    return start <= local.hour < end


def _hhmm(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def flags_for(owner: Organisation, events: Sequence[AuditEvent]) -> dict[int, list[Flag]]:
    """The flags of each event (event id -> flags; events without flags are left out)."""
    found: dict[int, list[Flag]] = defaultdict(list)

    def add(event: AuditEvent, code: str, explanation: str) -> None:
        found[event.pk].append(Flag(code, FLAGS[code], explanation))

    reads = [
        e
        for e in events
        if e.person_ref
        and e.user_id
        and e.action in READS
        and e.object_type not in LOG_OBJECT_TYPES
    ]
    # A new care relation where the owner had no prior case for the person.
    relations = [
        e for e in events if e.action == Action.CREATE and e.object_type == CARE_RELATION_TYPE
    ]
    if relations:
        new = owners.new_relations_without_prior_case(owner.pk, [e.object_id for e in relations])
        for e in relations:
            if e.object_id.isdigit() and int(e.object_id) in new:
                add(
                    e,
                    "new_relation",
                    "En vårdrelation registrerades för en person som vårdgivaren inte hade "
                    "något tidigare ärende för (ingen tidigare vårdrelation, insats eller "
                    "uppgift). Kontrollera att personen verkligen är patient eller brukare.",
                )
    start, end = working_hours()
    for e in events:
        if e.process.strip().casefold().startswith(EMERGENCY_PROCESS):
            add(
                e,
                "emergency",
                "Åtkomsten gjordes med nödåtkomst (utan samtycke). Varje nödåtkomst ska "
                "följas upp: kontrollera att det fanns en akut situation.",
            )
        if (
            e.person_ref
            and e.object_type not in LOG_OBJECT_TYPES
            and not _is_working_time(e.timestamp)
        ):
            add(
                e,
                "outside_hours",
                f"Åtkomsten skedde {_hhmm(e.timestamp)}, utanför arbetstid (vardagar "
                f"{start:02d}–{end:02d}, ej helgdagar och helgaftnar).",
            )
    _many_persons(reads, add)
    protected = owners.protected_refs({e.person_ref for e in events if e.person_ref})
    for e in events:
        if e.person_ref in protected:
            add(
                e,
                "protected",
                "Personen har skyddad identitet (sekretessmarkering eller skyddad "
                "folkbokföring). All åtkomst till personen ska kunna motiveras.",
            )
    _no_contact(reads, add)
    return dict(found)


def _many_persons(reads: Sequence[AuditEvent], add: Any) -> None:
    limit, minutes = many_persons_limit()
    window = dt.timedelta(minutes=minutes)
    by_user: dict[Any, list[AuditEvent]] = defaultdict(list)
    for e in reads:
        by_user[e.user_id].append(e)
    for user_events in by_user.values():
        user_events.sort(key=lambda e: (e.timestamp, e.pk))
        recent: deque[AuditEvent] = deque()
        counts: dict[str, int] = defaultdict(int)
        flagged: set[int] = set()
        for e in user_events:
            recent.append(e)
            counts[str(e.person_ref)] += 1
            while recent and e.timestamp - recent[0].timestamp > window:
                old = recent.popleft()
                counts[str(old.person_ref)] -= 1
                if not counts[str(old.person_ref)]:
                    del counts[str(old.person_ref)]
            if len(counts) > limit:
                for inside in recent:
                    if inside.pk not in flagged:
                        flagged.add(inside.pk)
                        add(
                            inside,
                            "many_persons",
                            f"Användaren öppnade fler än {limit} olika personer inom "
                            f"{minutes} minuter. Kontrollera att det hörde till arbetet.",
                        )


def _no_contact(reads: Sequence[AuditEvent], add: Any) -> None:
    by_user: dict[Any, list[AuditEvent]] = defaultdict(list)
    for e in reads:
        by_user[e.user_id].append(e)
    for user_events in by_user.values():
        user = user_events[0].user
        refs = {str(e.person_ref) for e in user_events}
        contact = owners.person_refs_in_contact_with(user, refs)
        rest = refs - contact
        organisation_id = user_events[0].organisation_id
        if rest and organisation_id is not None:
            ids = owners.person_ids_by_ref(rest)
            with_sip = person_ids_with_sip_of(organisation_id, set(ids.values()))
            contact |= {ref for ref, pk in ids.items() if pk in with_sip}
        for e in user_events:
            if e.person_ref not in contact:
                add(
                    e,
                    "no_contact",
                    "Användaren har ingen uppgift, insats eller SIP för personen. "
                    "Kontrollera att åtkomsten behövdes i arbetet.",
                )


def person_accesses(owner: Organisation, refs: Iterable[str]) -> QuerySet[AuditEvent]:
    """Every access to the owner's data about the person (oldest first). Log control's own
    looks are left out (the owner's follow-up of the log, not access to the record), and so
    are refused attempts (nothing was reached)."""
    return (
        events_for_owner(owner)
        .filter(person_ref__in=sorted(set(refs)))
        .exclude(object_type__in=LOG_OBJECT_TYPES)
        .exclude(action__in=[Action.ACCESS_DENIED, Action.LOGIN_FAILED])
        .order_by("timestamp", "pk")
    )


# --- spot checks ---------------------------------------------------------------------------


def spot_checks(owner: Organisation) -> QuerySet[Any]:
    from samverkan.logcontrol.models import SpotCheck

    return SpotCheck.objects.filter(organisation=owner).select_related("opened_by", "closed_by")


def spot_check(owner: Organisation, check_id: Any) -> Any:
    """The owner's check, or None (another owner's check is as unknown as a missing one)."""
    try:
        pk = int(check_id)
    except (TypeError, ValueError):
        return None
    return (
        spot_checks(owner)
        .prefetch_related("items__user", "items__reviewed_by")
        .filter(pk=pk)
        .first()
    )


def item_events(owner: Organisation, check: Any, item: Any) -> QuerySet[AuditEvent]:
    """The accesses to the owner's data the item is about, in the check's period."""
    events = filter_events(
        events_for_owner(owner).exclude(object_type__in=LOG_OBJECT_TYPES),
        date_from=check.period_start,
        date_to=check.period_end,
    )
    if item.user_id is not None:
        return events.filter(user_id=item.user_id)
    return events.filter(
        person_ref__in=sorted(owners.refs_of(item.person_ref) or {item.person_ref})
    )


def flag_scan() -> int:
    """How many of the newest events of a search the flags are computed over."""
    return int(getattr(settings, "LOGCONTROL_FLAG_SCAN", 5000))


@dataclass
class Flagged:
    events: list[AuditEvent]
    flags: dict[int, list[Flag]]
    truncated: bool  # more events matched than the flags were computed over


def flagged_events(owner: Organisation, events: QuerySet[AuditEvent], flag: str = "") -> Flagged:
    """The newest `flag_scan()` events of ``events`` with their flags; with ``flag``, only the
    events carrying it."""
    limit = flag_scan()
    scanned = list(events[: limit + 1])
    truncated = len(scanned) > limit
    scanned = scanned[:limit]
    flags = flags_for(owner, scanned)
    if flag:
        scanned = [e for e in scanned if any(f.code == flag for f in flags.get(e.pk, ()))]
    for e in scanned:
        e.flags = flags.get(e.pk, [])  # type: ignore[attr-defined]
    return Flagged(scanned, flags, truncated)
