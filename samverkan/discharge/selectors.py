"""Reads of the discharge room that pages, the API and other rooms use.

`stay_facts(stay)` is the one mapping of a stay to the rules' `DischargeStay`; the day count
of betalningsansvar is the rules' (`rules.payment_days` under the terms in force on the
notice's day, `rules.stay_terms`: the law's defaults until a local discharge agreement is
entered).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

import samverkan.rules as rules
from samverkan.discharge import access
from samverkan.discharge.models import (
    Notice,
    NoticeKind,
    Receiver,
    Stay,
    StayStatus,
    StayTask,
    TaskKind,
)

MUNICIPAL_RECEIVERS = (Receiver.MUNICIPAL_SOCIAL_SERVICES, Receiver.MUNICIPAL_HEALTH_CARE)


def _first(notices: list[Notice], kind: str, receivers: tuple[str, ...] | None = None) -> Any:
    times = [
        n.sent_at
        for n in notices
        if n.kind == kind and (receivers is None or n.receiver in receivers)
    ]
    return min(times) if times else None


def stay_facts(stay: Stay) -> Any:
    """The stay as the rules count it: the kommun's first inskrivningsmeddelande, the
    utskrivningsklar notice, discharge (or death)."""
    notices = list(stay.notices.all())
    fields = {
        "care_type": stay.care_type,
        "admitted_at": stay.admitted_at,
        "admission_notice_at": _first(notices, NoticeKind.ADMISSION, MUNICIPAL_RECEIVERS),
        "ready_at": stay.ready_at,
        "ready_notice_at": _first(notices, NoticeKind.READY),
        "needs_municipal_insatser": bool(stay.needs_municipal_insatser),
        "discharged_at": stay.discharged_at or stay.died_at,
        "died": stay.status == StayStatus.DIED,
    }
    return rules.DischargeStay(**fields)


def payment(facts: Any, until: dt.date, local: list[dict[str, Any]] | None = None) -> Any:
    """The betalningsansvar of the stay through ``until``: `rules.PaymentDays` (days, amount,
    first day, the explanation line by line with its clause and source, unverified values),
    under the local version in force on the stay's day (``local``: `local_terms.local_for`;
    none: the law), confirmed or not."""
    return rules.payment_days(facts, rules.stay_terms(facts, local or None), until)


def preliminary_payment_days(
    facts: Any, until: dt.date, local: list[dict[str, Any]] | None = None
) -> int | None:
    """Days of betalningsansvar so far, or None while the law's conditions are not met (no
    need of the kommun's insatser, a notice missing, not utskrivningsklar)."""
    counted = payment(facts, until, local)
    return None if counted.missing or not facts.needs_municipal_insatser else counted.days


@dataclass(frozen=True)
class StayTerms:
    """The terms a stay is counted under: the local versions of its kommun (for the rules)
    and the one in force on the stay's day (None: the law's defaults)."""

    local: list[dict[str, Any]]
    version: dict[str, Any] | None

    @property
    def unverified(self) -> bool:
        """A local version the other party has not confirmed governs the count."""
        return self.version is not None and not self.version["verified"]


def terms_of(stay: Stay, facts: Any, cache: dict[Any, Any] | None = None) -> StayTerms:
    """The local terms that govern ``stay`` (``cache`` shares the read per kommun)."""
    from samverkan.discharge.local_terms import local_for, version_on

    key = (stay.organisation.region, stay.municipality_id)
    if cache is None or key not in cache:
        found = local_for(stay.organisation.region, stay.municipality)
        if cache is None:
            return StayTerms(found, version_on(found, rules.terms_day(facts)))
        cache[key] = found
    local = cache[key]
    return StayTerms(local, version_on(local, rules.terms_day(facts)))


@dataclass(frozen=True)
class BoardRow:
    stay: Stay
    person: str
    status: str
    status_label: str
    admission_notice_at: dt.datetime | None
    admission_late: bool
    days_admitted: int
    days_after_ready: int | None
    payment_days: int | None
    terms: StayTerms | None = None


def _days(start: dt.datetime | None, end: dt.date) -> int | None:
    if start is None:
        return None
    return max(0, (end - timezone.localdate(start)).days)


def board_rows(
    user: Any,
    *,
    unit: Any = None,
    municipality: Any = None,
    status: str | None = None,
    today: dt.date | None = None,
) -> list[BoardRow]:
    """The discharge board: the stays the user sees (per unit, per kommun, by status), with
    the days running. Closed stays show for 14 days after they ended."""
    today = today or timezone.localdate()
    stays: QuerySet[Stay] = (
        access.stays_visible_to(user)
        .select_related("person", "unit", "municipality", "organisation", "care_contact_unit")
        .prefetch_related(
            Prefetch("notices", queryset=Notice.objects.order_by("sent_at")),
            "person__identities",
        )
    )
    if unit is not None:
        stays = stays.filter(unit=unit)
    if municipality is not None:
        stays = stays.filter(municipality=municipality)
    if status:
        stays = stays.filter(status=status)
    recent = timezone.now() - dt.timedelta(days=14)
    stays = stays.exclude(discharged_at__lt=recent).exclude(died_at__lt=recent)
    rows = []
    cache: dict[Any, Any] = {}
    for stay in stays.order_by("unit__name", "admitted_at", "pk"):
        facts = stay_facts(stay)
        terms = terms_of(stay, facts, cache)
        end = today
        if stay.discharged_at or stay.died_at:
            end = timezone.localdate(stay.discharged_at or stay.died_at)
        notice_at = facts.admission_notice_at
        rows.append(
            BoardRow(
                stay=stay,
                person=access.person_label(user, stay),
                status=stay.status,
                status_label=stay.get_status_display(),
                admission_notice_at=notice_at,
                admission_late=notice_at is not None
                and rules.admission_notice_late(stay.admitted_at, notice_at),
                days_admitted=_days(stay.admitted_at, end) or 0,
                days_after_ready=_days(stay.ready_at, end),
                payment_days=preliminary_payment_days(facts, today, terms.local),
                terms=terms,
            )
        )
    return rows


def stays_between(region: str, start: dt.date, end: dt.date) -> QuerySet[Stay]:
    """Stays of a region admitted in [start, end] (for the follow-up's figures)."""
    return Stay.objects.filter(
        organisation__region=region,
        admitted_at__date__gte=start,
        admitted_at__date__lte=end,
    )


# --- the follow-up's figures (aggregated by the followup room; no person leaves it) --------


@dataclass(frozen=True)
class StayFigure:
    """One stay's part of a year, for the forum's discharge figures (aggregated in
    ``followup.report``; ``person`` is only counted, for the small-number rule)."""

    person: str
    municipality: str  # the kommun's SCB code ("" unknown)
    admitted_in_year: bool
    notice_sent: bool  # the kommun received an inskrivningsmeddelande
    notice_in_time: bool  # … within the law's time (4 kap. 1 §)
    days_after_ready: int  # calendar days in the year after utskrivningsklar
    payment_days: int  # days of betalningsansvar in the year
    amount: Decimal  # kronor of betalningsansvar in the year
    unverified: bool  # an unconfirmed value (law or local) behind the amount
    sip_due: bool  # discharged in the year with a call to SIP due
    sip_in_time: bool  # … called (the task done) by its due date
    care_type: str = "somatic"
    # the revision simulation's question (``year_figures(..., days=N)``): the same stay's
    # days and kronor in the year had betalningsansvar started N days after the notice
    variant_payment_days: int | None = None
    variant_amount: Decimal | None = None


def _count_in_year(
    stays: list[Stay],
    facts: list[Any],
    local: dict[int | None, list[dict[str, Any]]],
    first: dt.date,
    last: dt.date,
    days: int | Mapping[str, int] | None = None,
) -> list[tuple[int, Decimal, bool]]:
    """(days, kronor, unverified) of betalningsansvar within [first, last] per stay, in
    order: each kommun's stays under its local terms (`rules.payment_days_by_notice`), with
    ``days`` after the notice (for both care types, or per care type) instead of the terms'
    own when given."""
    counted: dict[int, tuple[int, Decimal, bool]] = {}
    groups: dict[int | None, list[int]] = {}
    for i, s in enumerate(stays):
        groups.setdefault(s.municipality_id if s.municipality_id in local else None, []).append(i)
    for key, rows in groups.items():
        frame = rules.payment_days_by_notice(
            [facts[i] for i in rows], last, local[key] or None, since=first, days=days
        )
        for i, d, a, u in zip(
            rows, frame["days"], frame["amount"], frame["unverified"], strict=True
        ):
            counted[i] = (int(d), Decimal(str(a)), bool(u))
    return [counted[i] for i in range(len(stays))]


def year_figures(
    region: str,
    care_types: tuple[str, ...],
    year: int,
    today: dt.date | None = None,
    days: int | Mapping[str, int] | None = None,
) -> list[StayFigure]:
    """Every stay of the region's care types that ran during ``year``: its notices, days after
    utskrivningsklar and betalningsansvar within the year (counted by the rules under the
    local terms in force for its kommun), and the SIP call after discharge. With ``days``
    (the forum's revision simulation) each figure also carries what betalningsansvar would
    have been with that many days after the notice, counted the same way (so the "now" of a
    simulation is the yearly report's figure); ``{"somatic": 5, "psychiatric": 30}`` counts
    each stay with its own care type's number."""
    from samverkan.discharge.local_terms import local_by_municipality

    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    end = dt.datetime(year + 1, 1, 1, tzinfo=tz)
    first, last = start.date(), min(dt.date(year, 12, 31), today)
    if last < first:
        return []
    stays = list(
        Stay.objects.filter(organisation__region=region, care_type__in=care_types)
        .filter(admitted_at__lt=end)
        .exclude(discharged_at__lt=start)
        .exclude(died_at__lt=start)
        .select_related("municipality")
        .prefetch_related(
            Prefetch("notices", queryset=Notice.objects.order_by("sent_at")),
            Prefetch("tasks", queryset=StayTask.objects.filter(kind=TaskKind.CALL_SIP)),
        )
        .order_by("pk")
    )
    if not stays:
        return []
    local = local_by_municipality(region)
    facts = [stay_facts(s) for s in stays]
    counted = _count_in_year(stays, facts, local, first, last)
    variant = None if days is None else _count_in_year(stays, facts, local, first, last, days)
    out = []
    for i, (s, f) in enumerate(zip(stays, facts, strict=True)):
        ended = s.discharged_at or s.died_at
        after_ready = 0
        if s.ready_at is not None:
            lo = max(timezone.localdate(s.ready_at), first)
            hi = min(timezone.localdate(ended) if ended else last, last + dt.timedelta(days=1))
            after_ready = max(0, (hi - lo).days)
        task = next(iter(s.tasks.all()), None)
        sip_due = task is not None and ended is not None and start <= ended < end
        paid, amount, unverified = counted[i]
        out.append(
            StayFigure(
                person=str(s.person_id),
                municipality=s.municipality.scb_code or "",
                admitted_in_year=start <= s.admitted_at < end,
                notice_sent=f.admission_notice_at is not None,
                notice_in_time=f.admission_notice_at is not None
                and not rules.admission_notice_late(s.admitted_at, f.admission_notice_at),
                days_after_ready=after_ready,
                payment_days=paid,
                amount=amount,
                unverified=unverified and paid > 0,
                sip_due=sip_due,
                sip_in_time=bool(
                    sip_due
                    and task is not None
                    and task.done_at is not None
                    and task.due is not None
                    and timezone.localdate(task.done_at) <= task.due
                ),
                care_type=s.care_type,
                variant_payment_days=None if variant is None else variant[i][0],
                variant_amount=None if variant is None else variant[i][1],
            )
        )
    return out


def local_terms_during(region: str, year: int) -> dict[str, list[str]]:
    """Per kommun (SCB code) the names of the local discharge versions in force on some day
    of ``year`` (oldest first), for the forum's simulation to say what "today's terms" are;
    a kommun counted by the law alone is absent."""
    from samverkan.discharge.local_terms import local_by_municipality, municipalities_of

    local = local_by_municipality(region)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out: dict[str, list[str]] = {}
    for kommun in municipalities_of(region):
        found = sorted(local.get(kommun.pk) or [], key=lambda v: v["from"])
        if not found:
            continue
        names = [
            str(v["name"])
            for v, after in zip(found, [*found[1:], None], strict=True)
            if v["from"] <= last and (after is None or after["from"] > first)
        ]
        if names and kommun.scb_code:
            out[kommun.scb_code] = names
    return out
