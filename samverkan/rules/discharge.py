"""Kommunens betalningsansvar for utskrivningsklara patienter: the day count and the amount.

Lag (2017:612) om samverkan vid utskrivning från sluten hälso- och sjukvård, 5 kap.: for a
patient assessed to need the kommun's insatser after discharge, the kommun pays the region
for each vårddygn after the patient is utskrivningsklar, from the time the parties agreed,
or by the law's default three calendar days after the kommun received the notice of being
utskrivningsklar, at the amount per vårddygn Socialstyrelsen sets for the year, and only when
the kommun has received both the inskrivningsmeddelande and that notice.

The law's values are dated parameters in ``parameters/lag-2017-612.toml``; a local discharge
agreement (entered by the parties, marked unverified until confirmed) overrides the counting
model and the values from its date. Everything here is pure: no Django, no clock.

Interface (the door exports it):

- ``DischargeStay``: the facts of one stay (aware datetimes, None when not happened)
- ``discharge_terms(on, local=None) -> DischargeTerms``: the terms in force on a date
- ``payment_days(stay, terms, until, since=None) -> PaymentDays``: days, amount, explanation
- ``payment_days_batch(stays, terms, until, since=None) -> polars.DataFrame``: the same
  answers over many stays (a frame with the stay columns, or a sequence of stays)
- ``average_payment(results, terms)``: the monthly average model of local agreements
- ``payment_days_by_notice(stays, until, local, since, days=None)``: each stay under the
  terms of its notice's day; with ``days`` (an int, or per care type), what that many
  days after the notice would have given instead (the forum's revision simulation, ``followup``)
- ``days_cost_simulation(stays, terms, until, days, group=...)``: what another number of
  days after the notice would have cost under one set of terms, per group (kommun)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

from samverkan.rules import params

if TYPE_CHECKING:
    import polars as pl

CareType = Literal["somatic", "psychiatric"]
CARE_TYPES: tuple[CareType, ...] = ("somatic", "psychiatric")
CARE_TYPE_TEXT = {"somatic": "somatisk slutenvård", "psychiatric": "sluten psykiatrisk vård"}
TIME_ZONE = ZoneInfo("Europe/Stockholm")  # the day a notice arrives is a Swedish calendar day
LAW = "Lag (2017:612)"
LAW_SOURCE = "https://lagar.nj.se/socialratt/SFS2017-0612"
PARAMETERS_FILE = Path(__file__).with_name("parameters") / "lag-2017-612.toml"
PREFIX = "lag_2017_612"

# the facts a stay carries, in order (the batch frame's columns)
STAY_FIELDS = (
    "care_type",
    "admitted_at",
    "admission_notice_at",
    "ready_at",
    "ready_notice_at",
    "needs_municipal_insatser",
    "discharged_at",
    "died",
)
FIELD_TEXT = {
    "care_type": "vårdform",
    "admitted_at": "inskrivning",
    "admission_notice_at": "inskrivningsmeddelande",
    "ready_at": "bedömd utskrivningsklar",
    "ready_notice_at": "meddelande om utskrivningsklar",
    "needs_municipal_insatser": "behov av kommunens insatser",
    "discharged_at": "utskrivning",
    "died": "avliden",
}


class InvalidStay(ValueError):
    """Impossible facts of a stay; ``field`` names the fact, ``rule`` the check."""

    def __init__(self, field: str, rule: str, message: str, row: int | None = None) -> None:
        self.field, self.rule, self.row = field, rule, row
        where = f"rad {row}: " if row is not None else ""
        super().__init__(f"{where}{field}: {message}")


class InvalidTerms(ValueError):
    """A local agreement's terms that cannot be used; ``field`` names the term."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


# --- the parameters (the shared machinery: samverkan.rules.params) -------------------------


def law_parameter(name: str) -> params.Parameter:
    """A parameter of Lag (2017:612) by its name without the prefix (``amount_per_day``):
    ``.entry(on)`` gives the value in force with its own ``source`` and ``verified``."""
    return params.get(f"{PREFIX}.{name}")


def admission_notice_within(on: dt.date) -> dt.timedelta:
    """How long after admission the inskrivningsmeddelande is due (4 kap. 1 §: 24 hours)."""
    return dt.timedelta(hours=_whole("admission_notice_within_hours", on))


def sip_call_within_days(on: dt.date) -> int:
    """Days after discharge within which the fast vårdkontakt calls to a SIP (4 kap. 3 §)."""
    return _whole("sip_call_within_days", on)


def admission_notice_late(admitted_at: dt.datetime, sent_at: dt.datetime) -> bool:
    """Was the inskrivningsmeddelande sent later than the law's time after admission (aware
    datetimes; the time in force on the admission's Swedish calendar day)?"""
    return sent_at - admitted_at > admission_notice_within(_local_day(admitted_at))


def _whole(name: str, on: dt.date) -> int:
    return params.whole(f"{PREFIX}.{name}", on)


# --- terms -------------------------------------------------------------------------------


class Line(NamedTuple):
    """One line of an explanation: the text, the clause it rests on, where to read it."""

    text: str
    clause: str
    source: str | None = None


@dataclass(frozen=True)
class Amount:
    """An amount per vårddygn from a date (until the next one of the schedule)."""

    start: dt.date
    per_day: Decimal
    clause: str
    source: str | None
    verified: bool


@dataclass(frozen=True)
class DischargeTerms:
    """The counting model and values that govern betalningsansvar on ``on``.

    ``days_after_notice`` per care type: betalningsansvar starts that many calendar days after
    the day the kommun received the notice of utskrivningsklar (the law: 3 days, the day
    after the notice is the first of them). With ``count_from_day_zero`` the day of the notice
    itself is day zero and ``days_after_notice`` more days are free (Region Stockholm's
    model: "dag noll, ett och två", payment from day three). ``cutoff``: a notice received at
    or after this local time counts as received the next day. ``average_days_per_month``: the
    local model where a kommun pays only for the days by which its monthly average exceeds
    this many (see ``average_payment``). ``amounts``: the amount per vårddygn per care type
    as a dated schedule (the year change of Socialstyrelsen's amount falls inside a stay).
    """

    on: dt.date
    days_after_notice: Mapping[str, int]
    cutoff: dt.time | None
    count_from_day_zero: bool
    count_discharge_day: bool
    average_days_per_month: Decimal | None
    amounts: Mapping[str, tuple[Amount, ...]]
    verified: bool
    local: str | None  # the local agreement's name, None for the law's defaults
    clauses: Mapping[str, Line] = field(default_factory=dict)
    checked: Mapping[str, bool] = field(default_factory=dict)  # per term: confirmed?

    def days_for(self, care_type: str) -> int:
        return self.days_after_notice[care_type]

    def amount_on(self, care_type: str, day: dt.date) -> Amount:
        found = None
        for amount in self.amounts[care_type]:
            if amount.start <= day:
                found = amount
        if found is None:
            raise LookupError(f"amount_per_day: no amount for {day}")
        return found


def _law_terms(on: dt.date) -> DischargeTerms:
    in_force = law_parameter("in_force")
    if on < in_force.entries[0].start:
        raise LookupError(
            f"{LAW} gäller från {in_force.entries[0].start}: inga villkor för {on.isoformat()}"
        )
    days = {ct: law_parameter(f"days_after_notice.{ct}") for ct in CARE_TYPES}
    cutoff_p = law_parameter("cutoff")
    zero_p = law_parameter("count_from_day_zero")
    discharge_p = law_parameter("count_discharge_day")
    amount_p = law_parameter("amount_per_day")
    schedule = tuple(
        Amount(v.start, Decimal(str(v.value)), amount_p.clause, v.source or None, v.verified)
        for v in amount_p.entries
    )
    cutoff_v = cutoff_p.entry(on)
    checked = {f"days_after_notice.{ct}": days[ct].entry(on).verified for ct in CARE_TYPES}
    checked["cutoff"] = cutoff_v.verified
    checked["count_from_day_zero"] = zero_p.entry(on).verified
    checked["count_discharge_day"] = discharge_p.entry(on).verified
    clauses = {
        f"days_after_notice.{ct}": Line(
            days[ct].label, days[ct].clause, days[ct].entry(on).source or None
        )
        for ct in CARE_TYPES
    }
    clauses["cutoff"] = Line(cutoff_p.label, cutoff_p.clause, cutoff_v.source or None)
    clauses["count_from_day_zero"] = Line(
        zero_p.label, zero_p.clause, zero_p.entry(on).source or None
    )
    clauses["count_discharge_day"] = Line(
        discharge_p.label, discharge_p.clause, discharge_p.entry(on).source or None
    )
    clauses["conditions"] = Line(
        "Kommunen betalar bara om den fått både inskrivningsmeddelande och meddelande om "
        "utskrivningsklar för en patient som bedömts behöva kommunens insatser",
        f"{LAW} 5 kap.",
        "https://www.jpinfonet.se/kunskap/nyheter4/lag-om-samverkan-vid-utskrivning-fran-sluten-halso--och-sjukvard/",
    )
    return DischargeTerms(
        on=on,
        days_after_notice={ct: _whole(f"days_after_notice.{ct}", on) for ct in CARE_TYPES},
        cutoff=_time(cutoff_v.value, "cutoff") if cutoff_v.value else None,
        count_from_day_zero=bool(zero_p.entry(on).value),
        count_discharge_day=bool(discharge_p.entry(on).value),
        average_days_per_month=None,
        amounts={ct: schedule for ct in CARE_TYPES},
        verified=all(checked.values()),
        local=None,
        clauses=clauses,
        checked=checked,
    )


def _time(value: Any, name: str) -> dt.time:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        try:
            return dt.time.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidTerms(name, f"klockslag som 12:00 väntades, fick {value!r}")


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise InvalidTerms(name, "ett datum väntades, inte en tidpunkt")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidTerms(name, f"ett datum som 2026-01-01 väntades, fick {value!r}")


def _per_care_type(value: Any, name: str, convert: Callable[[Any], Any]) -> dict[str, Any]:
    if isinstance(value, Mapping):
        unknown = set(value) - set(CARE_TYPES)
        if unknown:
            raise InvalidTerms(name, f"okänd vårdform {sorted(unknown)[0]!r}")
        return {ct: convert(value[ct]) for ct in CARE_TYPES if ct in value}
    return {ct: convert(value) for ct in CARE_TYPES}


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 365:
        raise InvalidTerms("days_after_notice", f"ett antal dagar 0–365 väntades, fick {value!r}")
    return value


def _number(value: Any, name: str) -> Decimal:
    message = f"ett tal på minst 0 väntades, fick {value!r}"
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise InvalidTerms(name, message)
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise InvalidTerms(name, message) from None
    if not number.is_finite() or number < 0:
        raise InvalidTerms(name, message)
    return number


def _kronor(value: Any) -> Decimal:
    amount = _number(value, "amount_per_day")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidTerms("amount_per_day", f"ett belopp i hela ören väntades, fick {value!r}")
    return amount


LOCAL_KEYS = {
    "from",
    "name",
    "verified",
    "source",
    "cutoff",
    "days_after_notice",
    "count_from_day_zero",
    "count_discharge_day",
    "average_days_per_month",
    "amount_per_day",
}


def _local_version(
    local: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None, on: dt.date
) -> Mapping[str, Any] | None:
    if local is None:
        return None
    versions = [local] if isinstance(local, Mapping) else list(local)
    chosen = None
    for version in versions:
        if not isinstance(version, Mapping):
            raise InvalidTerms("local", "varje version av överenskommelsen ska vara en tabell")
        unknown = set(version) - LOCAL_KEYS
        if unknown:
            raise InvalidTerms(sorted(unknown)[0], "okänt villkor i den lokala överenskommelsen")
        if "from" not in version:
            raise InvalidTerms("from", "den lokala överenskommelsen saknar datum den gäller från")
        start = _date(version["from"], "from")
        if start <= on and (chosen is None or start >= _date(chosen["from"], "from")):
            chosen = version
    return chosen


def discharge_terms(
    on: dt.date, local: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
) -> DischargeTerms:
    """The terms in force on ``on``: the law's defaults, overridden by the local agreement.

    ``local`` is one version of a local discharge agreement (or a list of versions, each
    with its own ``from``), as the parties entered it: ``from`` (date), ``name``, ``verified``
    (bool, False until the text is confirmed), ``source``, and any of ``cutoff`` ("12:00"),
    ``days_after_notice`` (int, or per care type ``{"somatic": 2, "psychiatric": 5}``),
    ``count_from_day_zero``, ``count_discharge_day``, ``average_days_per_month``,
    ``amount_per_day`` (kronor, or per care type). A version applies from its date; before
    it, the law's defaults (or the earlier version) apply.
    """
    if isinstance(on, dt.datetime) or not isinstance(on, dt.date):
        raise InvalidTerms("on", f"ett datum väntades, fick {on!r}")
    terms = _law_terms(on)
    version = _local_version(local, on)
    if version is None:
        return terms
    start = _date(version["from"], "from")
    name = str(version.get("name") or "lokal överenskommelse")
    verified_local = version.get("verified", False)
    if not isinstance(verified_local, bool):
        raise InvalidTerms("verified", "ja eller nej väntades")
    source = version.get("source")
    clause = f"{name} (från {start.isoformat()})"
    clauses = dict(terms.clauses)
    checked = dict(terms.checked)
    changes: dict[str, Any] = {"local": name}
    if "days_after_notice" in version:
        given = _per_care_type(version["days_after_notice"], "days_after_notice", _days)
        changes["days_after_notice"] = {**terms.days_after_notice, **given}
        for ct in given:
            clauses[f"days_after_notice.{ct}"] = Line("Dagar efter meddelandet", clause, source)
            checked[f"days_after_notice.{ct}"] = verified_local
    if "cutoff" in version:
        value = version["cutoff"]
        changes["cutoff"] = None if value in (None, "") else _time(value, "cutoff")
        clauses["cutoff"] = Line("Klockslag för meddelandet", clause, source)
        checked["cutoff"] = verified_local
    for flag in ("count_from_day_zero", "count_discharge_day"):
        if flag in version:
            if not isinstance(version[flag], bool):
                raise InvalidTerms(flag, "ja eller nej väntades")
            changes[flag] = version[flag]
            clauses[flag] = Line(terms.clauses[flag].text, clause, source)
            checked[flag] = verified_local
    if "average_days_per_month" in version:
        value = version["average_days_per_month"]
        changes["average_days_per_month"] = (
            None if value is None else _number(value, "average_days_per_month")
        )
        clauses["average_days_per_month"] = Line(
            "Genomsnittligt antal dagar per månad", clause, source
        )
        checked["average_days_per_month"] = verified_local
    if "amount_per_day" in version:
        amounts = dict(terms.amounts)
        for care, per_day in _per_care_type(
            version["amount_per_day"], "amount_per_day", _kronor
        ).items():
            # the local amount from the version's date; the law's schedule before it
            before = tuple(a for a in terms.amounts[care] if a.start < start)
            amounts[care] = (*before, Amount(start, per_day, clause, source, verified_local))
        changes["amounts"] = amounts
    changes["checked"] = checked
    changes["verified"] = all(checked.values())
    changes["clauses"] = clauses
    return replace(terms, **changes)


# --- the stay ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DischargeStay:
    """One inpatient stay's facts for betalningsansvar (aware datetimes, None if not yet).

    ``discharged_at`` is also the time of death when ``died``. A re-admission is a new stay
    with its own notices.
    """

    care_type: CareType
    admitted_at: dt.datetime
    admission_notice_at: dt.datetime | None
    ready_at: dt.datetime | None
    ready_notice_at: dt.datetime | None
    needs_municipal_insatser: bool
    discharged_at: dt.datetime | None
    died: bool = False

    def __post_init__(self) -> None:
        check_stay(self)


def check_stay(stay: DischargeStay, row: int | None = None) -> None:
    """Raise ``InvalidStay`` naming the field for impossible facts."""
    if stay.care_type not in CARE_TYPES:
        raise InvalidStay(
            "care_type",
            "care_type",
            f"somatic eller psychiatric väntades, fick {stay.care_type!r}",
            row,
        )
    for name in ("needs_municipal_insatser", "died"):
        if not isinstance(getattr(stay, name), bool):
            raise InvalidStay(name, "bool", "ja eller nej väntades", row)
    for name in (
        "admitted_at",
        "admission_notice_at",
        "ready_at",
        "ready_notice_at",
        "discharged_at",
    ):
        value = getattr(stay, name)
        if value is None:
            if name == "admitted_at":
                raise InvalidStay(name, "required", "tidpunkten för inskrivningen saknas", row)
            continue
        if not isinstance(value, dt.datetime):
            raise InvalidStay(name, "datetime", f"en tidpunkt väntades, fick {value!r}", row)
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidStay(name, "aware", "tidpunkten saknar tidszon", row)
    admitted = stay.admitted_at
    order = (
        (
            "admission_notice_at",
            "inskrivningsmeddelandet kan inte komma före inskrivningen",
            admitted,
        ),
        ("ready_at", "patienten kan inte bli utskrivningsklar före inskrivningen", admitted),
        ("discharged_at", "utskrivningen kan inte ske före inskrivningen", admitted),
    )
    for name, message, earliest in order:
        value = getattr(stay, name)
        if value is not None and value < earliest:
            raise InvalidStay(name, "after_admission", message, row)
    if stay.ready_notice_at is not None:
        if stay.ready_at is None:
            raise InvalidStay(
                "ready_at",
                "notice_needs_ready",
                "meddelande om utskrivningsklar utan bedömning när patienten blev utskrivningsklar",
                row,
            )
        if stay.ready_notice_at < stay.ready_at:
            raise InvalidStay(
                "ready_notice_at",
                "notice_after_ready",
                "meddelandet om utskrivningsklar kan inte komma före bedömningen",
                row,
            )
    if (
        stay.ready_at is not None
        and stay.discharged_at is not None
        and stay.ready_at > stay.discharged_at
    ):
        raise InvalidStay(
            "ready_at",
            "ready_before_discharge",
            "patienten kan inte bli utskrivningsklar efter utskrivningen",
            row,
        )
    if stay.died and stay.discharged_at is None:
        raise InvalidStay(
            "discharged_at",
            "death_time",
            "för en avliden patient är tidpunkten för dödsfallet utskrivningen",
            row,
        )


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(TIME_ZONE).date()


# --- the count -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentDays:
    """Days of betalningsansvar in the period, their amount, and why.

    ``first_day``: the first day of betalningsansvar by the terms (None when it never starts);
    ``missing``: facts not yet known that the count needs (a notice not received); ``unverified``:
    some value used is not yet confirmed against its text (a local agreement, an amount).
    """

    days: int
    amount: Decimal
    first_day: dt.date | None
    explanation: tuple[Line, ...]
    missing: tuple[str, ...]
    unverified: bool


def first_payment_day(notice_at: dt.datetime, care_type: str, terms: DischargeTerms) -> dt.date:
    """The first day of betalningsansvar for a notice of utskrivningsklar received then."""
    local = notice_at.astimezone(TIME_ZONE)
    base = local.date()
    if terms.cutoff is not None and local.time().replace(tzinfo=None) >= terms.cutoff:
        base += dt.timedelta(days=1)
    return base + dt.timedelta(
        days=terms.days_for(care_type) + (1 if terms.count_from_day_zero else 0)
    )


def _kr(amount: Decimal) -> str:
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return text.removesuffix(",00") + " kr"


def payment_days(
    stay: DischargeStay, terms: DischargeTerms, until: dt.date, since: dt.date | None = None
) -> PaymentDays:
    """Days of betalningsansvar of ``stay`` from ``since`` (default: from the start) through
    ``until`` (inclusive: the last day of an invoicing month, or today), with the amount at
    each day's amount per vårddygn, explained line by line with the clause behind it."""
    check_stay(stay)
    conditions = terms.clauses.get("conditions") or Line("Villkor", f"{LAW} 5 kap.", LAW_SOURCE)
    lines: list[Line] = []
    unverified = not terms.verified
    if not stay.needs_municipal_insatser:
        lines.append(
            Line(
                "Patienten har inte bedömts behöva kommunens insatser efter utskrivningen: inget betalningsansvar",
                conditions.clause,
                conditions.source,
            )
        )
        return PaymentDays(0, Decimal(0), None, tuple(lines), (), unverified)
    missing = tuple(
        name
        for name in ("admission_notice_at", "ready_at", "ready_notice_at")
        if getattr(stay, name) is None
    )
    if missing:
        text = ", ".join(FIELD_TEXT[m] for m in missing)
        lines.append(
            Line(
                f"Kommunen har inte fått det lagen kräver ({text} saknas): inget betalningsansvar ännu",
                conditions.clause,
                conditions.source,
            )
        )
        return PaymentDays(0, Decimal(0), None, tuple(lines), missing, unverified)
    assert stay.ready_notice_at is not None  # for the type checker: checked above
    ct = stay.care_type
    first = first_payment_day(stay.ready_notice_at, ct, terms)
    days_clause = terms.clauses[f"days_after_notice.{ct}"]
    notice_local = stay.ready_notice_at.astimezone(TIME_ZONE)
    lines.append(
        Line(
            f"Kommunen fick meddelandet om utskrivningsklar {notice_local:%Y-%m-%d kl. %H.%M}",
            conditions.clause,
            conditions.source,
        )
    )
    if terms.cutoff is not None:
        late = notice_local.time().replace(tzinfo=None) >= terms.cutoff
        lines.append(
            Line(
                f"Meddelanden från kl. {terms.cutoff:%H.%M} räknas till nästa dag"
                + (": detta räknas till nästa dag" if late else ": detta kom före"),
                terms.clauses["cutoff"].clause,
                terms.clauses["cutoff"].source,
            )
        )
    zero = " (meddelandedagen är dag noll)" if terms.count_from_day_zero else ""
    lines.append(
        Line(
            f"Betalningsansvaret inträder {terms.days_for(ct)} kalenderdagar efter meddelandet{zero} "
            f"för {CARE_TYPE_TEXT[ct]}: från {first.isoformat()}",
            days_clause.clause,
            days_clause.source,
        )
    )
    # the paid days: [first, end) within [since, until]
    if stay.discharged_at is not None:
        end = _local_day(stay.discharged_at) + dt.timedelta(
            days=1 if terms.count_discharge_day else 0
        )
        what = "Patienten avled" if stay.died else "Patienten skrevs ut"
        counted = "räknas" if terms.count_discharge_day else "räknas inte"
        dc = terms.clauses["count_discharge_day"]
        lines.append(
            Line(
                f"{what} {_local_day(stay.discharged_at).isoformat()}; den dagen {counted}",
                dc.clause,
                dc.source,
            )
        )
        end = min(end, until + dt.timedelta(days=1))
    else:
        end = until + dt.timedelta(days=1)
    start = first if since is None else max(first, since)
    days = max(0, (end - start).days)
    total = Decimal(0)
    if days:
        day = start
        while day < end:
            amount = terms.amount_on(ct, day)
            later = [a.start for a in terms.amounts[ct] if a.start > day]
            nxt = min([end, *later])
            n = (nxt - day).days
            total += amount.per_day * n
            unverified |= not amount.verified
            source_text = (
                "föreskriften" if amount.clause.startswith(LAW) else "överenskommelsens text"
            )
            tail = "" if amount.verified else f" (beloppet är inte bekräftat mot {source_text})"
            lines.append(
                Line(
                    f"{n} dagar {day.isoformat()}–{(nxt - dt.timedelta(days=1)).isoformat()} à {_kr(amount.per_day)} = {_kr(amount.per_day * n)}{tail}",
                    amount.clause,
                    amount.source,
                )
            )
            day = nxt
    else:
        lines.append(
            Line(
                "Inga dagar med betalningsansvar i perioden", days_clause.clause, days_clause.source
            )
        )
    if terms.average_days_per_month is not None:
        avg = terms.clauses["average_days_per_month"]
        lines.append(
            Line(
                f"Enligt den lokala överenskommelsen betalas dagarna efter månadens genomsnitt "
                f"({terms.average_days_per_month} dagar): beloppet räknas för alla kommunens patienter",
                avg.clause,
                avg.source,
            )
        )
        total = Decimal(0)
    if terms.local is not None and not terms.verified:
        lines.append(
            Line(
                f"Villkoren i {terms.local} är inte bekräftade mot överenskommelsens text",
                terms.local,
                None,
            )
        )
    return PaymentDays(days, total, first, tuple(lines), (), unverified)


# --- the monthly average model of local agreements ------------------------------------------


@dataclass(frozen=True)
class AveragePayment:
    stays: int
    days: int
    average: Decimal
    allowed_days: Decimal
    paid_days: Decimal
    amount: Decimal


def average_payment(days: Sequence[int], terms: DischargeTerms, per_day: Decimal) -> AveragePayment:
    """The average model (e.g. Skaraborg's, Region Stockholm's from 2020): over a kommun's
    stays of one month, the kommun pays for the days by which the total exceeds
    ``average_days_per_month`` × the number of stays. ``days``: each stay's days counted from
    day zero (``payment_days`` with the local terms). The exact formula of each local text is
    not in the project: this is the reading documented in the README, unverified."""
    if terms.average_days_per_month is None:
        raise InvalidTerms("average_days_per_month", "villkoren har ingen genomsnittsmodell")
    n, total = len(days), sum(days)
    allowed = terms.average_days_per_month * n
    paid = max(Decimal(0), Decimal(total) - allowed)
    average = (Decimal(total) / n) if n else Decimal(0)
    return AveragePayment(n, total, average, allowed, paid, paid * per_day)


# --- many stays ------------------------------------------------------------------------------


def stays_frame(stays: Sequence[DischargeStay]) -> pl.DataFrame:
    """Stays as a frame with the stay columns (datetimes in UTC)."""
    import polars as pl

    # Polars converts aware datetimes of any zone to the column's UTC instant
    columns = {name: [getattr(stay, name) for stay in stays] for name in STAY_FIELDS}
    ts = pl.Datetime("us", "UTC")
    schema: dict[str, pl.DataType] = {
        "care_type": pl.String(),
        "admitted_at": ts,
        "admission_notice_at": ts,
        "ready_at": ts,
        "ready_notice_at": ts,
        "needs_municipal_insatser": pl.Boolean(),
        "discharged_at": ts,
        "died": pl.Boolean(),
    }
    return pl.DataFrame(columns, schema=schema)


def _check_frame(frame: pl.DataFrame) -> None:
    import polars as pl

    for name in STAY_FIELDS:
        if name not in frame.columns:
            raise InvalidStay(name, "column", "kolumnen saknas")
    c = pl.col
    checks = (
        (
            "care_type",
            "care_type",
            ~c("care_type").is_in(list(CARE_TYPES)) | c("care_type").is_null(),
            "somatic eller psychiatric väntades",
        ),
        (
            "admitted_at",
            "required",
            c("admitted_at").is_null(),
            "tidpunkten för inskrivningen saknas",
        ),
        (
            "needs_municipal_insatser",
            "bool",
            c("needs_municipal_insatser").is_null(),
            "ja eller nej väntades",
        ),
        ("died", "bool", c("died").is_null(), "ja eller nej väntades"),
        (
            "admission_notice_at",
            "after_admission",
            c("admission_notice_at") < c("admitted_at"),
            "inskrivningsmeddelandet kan inte komma före inskrivningen",
        ),
        (
            "ready_at",
            "after_admission",
            c("ready_at") < c("admitted_at"),
            "patienten kan inte bli utskrivningsklar före inskrivningen",
        ),
        (
            "discharged_at",
            "after_admission",
            c("discharged_at") < c("admitted_at"),
            "utskrivningen kan inte ske före inskrivningen",
        ),
        (
            "ready_at",
            "notice_needs_ready",
            c("ready_notice_at").is_not_null() & c("ready_at").is_null(),
            "meddelande om utskrivningsklar utan bedömning när patienten blev utskrivningsklar",
        ),
        (
            "ready_notice_at",
            "notice_after_ready",
            c("ready_notice_at") < c("ready_at"),
            "meddelandet om utskrivningsklar kan inte komma före bedömningen",
        ),
        (
            "ready_at",
            "ready_before_discharge",
            c("ready_at") > c("discharged_at"),
            "patienten kan inte bli utskrivningsklar efter utskrivningen",
        ),
        (
            "discharged_at",
            "death_time",
            c("died") & c("discharged_at").is_null(),
            "för en avliden patient är tidpunkten för dödsfallet utskrivningen",
        ),
    )
    bad = (
        frame.with_row_index("__row")
        .select(
            [
                c("__row").filter(cond.fill_null(False)).first().alias(f"{i}")
                for i, (_, _, cond, _) in enumerate(checks)
            ]
        )
        .row(0)
    )
    for (name, rule, _, message), row in zip(checks, bad, strict=True):
        if row is not None:
            raise InvalidStay(name, rule, message, int(row))


def payment_days_batch(
    stays: pl.DataFrame | Sequence[DischargeStay],
    terms: DischargeTerms,
    until: dt.date,
    since: dt.date | None = None,
) -> pl.DataFrame:
    """``payment_days`` over many stays with one set of terms, vectorised in Polars: a frame
    with ``first_day``, ``days``, ``amount`` (Decimal(18, 2)), ``missing`` (comma-separated
    fact names, empty when none) and ``unverified``, one row per stay, in order. Same answers
    as ``payment_days`` (tests/rules/discharge/test_batch_property.py)."""
    import polars as pl

    frame = stays if isinstance(stays, pl.DataFrame) else stays_frame(stays)
    _check_frame(frame)
    c = pl.col
    tz = str(TIME_ZONE)
    notice = c("ready_notice_at").dt.convert_time_zone(tz)
    base = notice.dt.date()
    if terms.cutoff is not None:
        cut_us = (
            terms.cutoff.hour * 3600 + terms.cutoff.minute * 60 + terms.cutoff.second
        ) * 1_000_000 + terms.cutoff.microsecond
        # the wall-clock time of the notice (a DST day is 23 or 25 hours long)
        wall_us = (
            notice.dt.hour().cast(pl.Int64) * 3600
            + notice.dt.minute().cast(pl.Int64) * 60
            + notice.dt.second().cast(pl.Int64)
        ) * 1_000_000 + notice.dt.microsecond().cast(pl.Int64)
        base = pl.when(wall_us >= cut_us).then(base + pl.duration(days=1)).otherwise(base)
    zero = 1 if terms.count_from_day_zero else 0
    offset = (
        pl.when(c("care_type") == "psychiatric")
        .then(terms.days_for("psychiatric") + zero)
        .otherwise(terms.days_for("somatic") + zero)
    )
    first = base + pl.duration(days=offset)
    stop = until + dt.timedelta(days=1)
    discharge_end = c("discharged_at").dt.convert_time_zone(tz).dt.date() + pl.duration(
        days=1 if terms.count_discharge_day else 0
    )
    end = (
        pl.when(c("discharged_at").is_null())
        .then(pl.lit(stop))
        .otherwise(pl.min_horizontal(discharge_end, pl.lit(stop)))
    )
    start = first if since is None else pl.max_horizontal(first, pl.lit(since))
    missing_parts = [
        pl.when(c(name).is_null()).then(pl.lit(name)).otherwise(None)
        for name in ("admission_notice_at", "ready_at", "ready_notice_at")
    ]
    eligible = (
        c("needs_municipal_insatser")
        & c("admission_notice_at").is_not_null()
        & c("ready_at").is_not_null()
        & c("ready_notice_at").is_not_null()
    )
    out = frame.select(
        eligible.alias("__eligible"),
        pl.when(c("needs_municipal_insatser"))
        .then(pl.concat_str(missing_parts, separator=",", ignore_nulls=True))
        .otherwise(pl.lit(""))
        .alias("missing"),
        c("care_type"),
        first.alias("__first"),
        start.alias("__start"),
        end.alias("__end"),
    )
    days = pl.max_horizontal((c("__end") - c("__start")).dt.total_days(), pl.lit(0))
    out = out.with_columns(
        pl.when(c("__eligible")).then(c("__first")).otherwise(None).alias("first_day"),
        pl.when(c("__eligible")).then(days).otherwise(0).alias("days"),
    )
    # the amount in öre (Int64): the days of each segment of the amount schedule that the
    # stays' paid periods can reach, times its amount
    out = out.with_columns(
        pl.when(c("__eligible") & (c("days") > 0)).then(c("__start")).alias("__start"),
    )
    reach = out.select(c("__start").min().alias("lo"), c("__end").max().alias("hi")).row(0)
    ore = pl.lit(0, dtype=pl.Int64)
    unverified = pl.lit(not terms.verified)
    for ct in CARE_TYPES:
        schedule = terms.amounts[ct]
        for i, a in enumerate(schedule):
            seg_end = schedule[i + 1].start if i + 1 < len(schedule) else dt.date.max
            if reach[0] is None or seg_end <= reach[0] or a.start >= reach[1]:
                continue  # no paid day of any stay falls in this segment
            lo = pl.max_horizontal(c("__start"), pl.lit(a.start))
            hi = pl.min_horizontal(c("__end"), pl.lit(seg_end))
            n = (hi - lo).dt.total_days()
            # max/min_horizontal skip nulls: a stay without paid days has a null start
            hit = c("__start").is_not_null() & (c("care_type") == ct) & (n > 0)
            ore = ore + pl.when(hit).then(n * int(a.per_day * 100)).otherwise(0)
            if not a.verified:
                unverified = unverified | hit
    amount = (ore.cast(pl.Decimal(20, 2)) / 100).cast(pl.Decimal(18, 2))
    if terms.average_days_per_month is not None:
        amount = pl.lit(Decimal(0)).cast(pl.Decimal(18, 2))
    return out.with_columns(
        amount.cast(pl.Decimal(18, 2)).alias("amount"), unverified.alias("unverified")
    ).select("first_day", "days", "amount", "missing", "unverified")


# --- terms per stay: those in force on the day of its notice --------------------------------

Local = Mapping[str, Any] | Sequence[Mapping[str, Any]] | None


def terms_day(stay: DischargeStay) -> dt.date:
    """The day whose terms govern a stay's count: the day the kommun received the notice of
    utskrivningsklar (Swedish calendar day), or the day of admission before any notice."""
    moment = stay.ready_notice_at or stay.admitted_at
    return _local_day(moment)


def stay_terms(stay: DischargeStay, local: Local = None) -> DischargeTerms:
    """``discharge_terms`` for this stay: the law and the local version in force on
    ``terms_day(stay)``, for the whole stay: a local version that starts later governs the
    stays notified from its date, not the remaining days of a stay already counting (the
    law's amount of each day still follows its year)."""
    return discharge_terms(terms_day(stay), local)


def _switch_days(local: Local) -> list[dt.date]:
    """Every day on which the terms can change: a law value's date or a local version's."""
    days = {start for p in params.parameters(PREFIX) for start, _ in p.values}
    versions = [] if local is None else [local] if isinstance(local, Mapping) else list(local)
    for version in versions:
        if isinstance(version, Mapping) and "from" in version:
            days.add(_date(version["from"], "from"))
    return sorted(days)


def terms_switch_days(local: Local = None) -> list[dt.date]:
    """The days from which the terms in force can change (the law's start, the dates of its
    values, each local version's date), sorted: between one and the next, ``stay_terms``
    gives the same terms (apart from ``on``) for every stay, so many stays can be counted
    with ``payment_days_batch`` under ``discharge_terms(day, local)`` of the period's first
    day (``payment_days_by_notice`` and the invoice source group them so)."""
    first_law_day = law_parameter("in_force").entries[0].start
    return [d for d in _switch_days(local) if d >= first_law_day]


def _other_days(days: Any) -> dict[str, int]:
    """The simulation's days per care type (an int for both, or a mapping of some), checked
    as a local version's ``days_after_notice``; refused as ``days``."""
    try:
        return _per_care_type(days, "days", _days)
    except InvalidTerms as err:
        raise InvalidTerms("days", str(err).split(": ", 1)[1]) from None


def payment_days_by_notice(
    stays: pl.DataFrame | Sequence[DischargeStay],
    until: dt.date,
    local: Local = None,
    since: dt.date | None = None,
    days: int | Mapping[str, int] | None = None,
) -> pl.DataFrame:
    """``payment_days_batch`` with each stay counted under ``stay_terms`` (the terms on the
    day of its notice): the stays are split where the terms can change (the law's
    transitions, each local version's date), counted per part and put back in order.

    ``days`` (the revision simulation's question): the same count with that many days after
    the notice instead of the terms' own, an int for every care type or per care type like
    a local version's ``days_after_notice`` (``{"somatic": 5, "psychiatric": 30}``; a care
    type left out keeps its terms' own days); everything else in the terms (cut-off, day
    zero, the discharge day, the amounts) stays as each stay's terms have it."""
    import polars as pl

    other = None if days is None else _other_days(days)
    frame = stays if isinstance(stays, pl.DataFrame) else stays_frame(stays)
    _check_frame(frame)
    moment = pl.coalesce(pl.col("ready_notice_at"), pl.col("admitted_at"))
    day = moment.dt.convert_time_zone(str(TIME_ZONE)).dt.date()
    indexed = frame.with_row_index("__row").with_columns(day.alias("__day"))
    switches = terms_switch_days(local)
    first_law_day = law_parameter("in_force").entries[0].start
    early = indexed.filter(pl.col("__day") < first_law_day)
    if early.height:
        row = int(early["__row"][0])
        raise InvalidStay(
            "ready_notice_at",
            "in_force",
            f"{LAW} gäller från {first_law_day.isoformat()}",
            row,
        )
    parts = []
    bounds = [*switches, dt.date.max]
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        part = indexed.filter((pl.col("__day") >= lo) & (pl.col("__day") < hi))
        if part.height:
            terms = discharge_terms(lo, local)
            if other is not None:
                terms = replace(terms, days_after_notice={**terms.days_after_notice, **other})
            counted = payment_days_batch(part.drop("__row", "__day"), terms, until, since)
            parts.append(counted.with_columns(part["__row"]))
    if not parts:  # no stays: the empty answer with its columns
        return payment_days_batch(frame.head(0), discharge_terms(first_law_day), until)
    return pl.concat(parts).sort("__row").drop("__row")


# --- revision simulation: another number of days --------------------------------------------


def days_cost_simulation(
    stays: pl.DataFrame | Sequence[DischargeStay],
    terms: DischargeTerms,
    until: dt.date,
    days: int,
    group: Sequence[str] | None = None,
    since: dt.date | None = None,
) -> dict[str, tuple[Decimal, Decimal]]:
    """What ``days`` days after the notice (for every care type) would have cost, against the
    terms as they are, on recorded stays (last year's, say): per group (each stay's kommun;
    one group "" when ``group`` is None) the pair (amount now, amount with ``days``). The
    counting model otherwise stays as ``terms`` has it (cut-off, day zero, amounts)."""
    import polars as pl

    try:
        _days(days)
    except InvalidTerms as err:
        raise InvalidTerms("days", str(err).split(": ", 1)[1]) from None
    frame = stays if isinstance(stays, pl.DataFrame) else stays_frame(stays)
    if group is not None and len(group) != frame.height:
        raise ValueError("group: one group per stay expected")
    other = replace(terms, days_after_notice={ct: days for ct in CARE_TYPES})
    now = payment_days_batch(frame, terms, until, since)["amount"]
    then = payment_days_batch(frame, other, until, since)["amount"]
    keys = pl.Series(
        "group", list(group) if group is not None else [""] * frame.height, dtype=pl.String
    )
    summed = (
        pl.DataFrame({"group": keys, "now": now, "then": then})
        .group_by("group")
        .agg(pl.col("now").sum(), pl.col("then").sum())
    )
    return {
        row["group"]: (Decimal(row["now"] or 0), Decimal(row["then"] or 0))
        for row in summed.sort("group").iter_rows(named=True)
    }
