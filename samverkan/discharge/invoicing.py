"""Betalningsansvar invoiced through tjänsteköp's monthly invoice runs (region sells to kommun).

The discharge room is a *source* of the runs (`samverkan.purchases.sources`, registered in
`DischargeConfig.ready`): for a region (seller), a kommun (buyer) and a month, each stay's
days of betalningsansvar in the month (`rules.payment_days_batch` with ``since``/``until``,
the stays grouped by the terms in force; `discharge_source_per_stay` is the same stay by
stay with `rules.payment_days`) become service records of the same run, one per stay and amount (a local agreement version that
changes the amount mid-month gives two), quantity in vårddygn (``minutes`` = 1440 a day),
priced at the day's amount (`purchases.pricing`, Lag 2017:612 5 kap. 6 §). One invoice per
pair and month carries them (agreement ``lag-2017-612``), next to the pair's tjänsteköp.

Left out, and shown in the run's pre-lock summary with why:

- a stay the kommun has not received both notices for (no record: the law's condition);
- a stay whose days are disputed (`dispute_payment_days`): a draft that cannot be approved
  until the dispute is decided; a decision that the region bears the cost removes the days.
  A dispute naming a month (`StayDispute.month`) holds or removes that month's days only,
  one naming none the whole stay's (`_state_of`, shared by both paths);
- days counted under a local agreement version the other party has not confirmed: drafts
  the month review cannot approve, released by the confirmation;
- days at an amount not yet confirmed against Socialstyrelsen's föreskrift: drafts until the
  parties confirm the amount, which the region's ekonom records by approving them in the
  month review;

Days at a local agreement version's own amount per vårddygn are invoiced at that amount (the
item's decision states it and `purchases.pricing` prices the record by it, the version named
on the line), once the other party has confirmed the version.

`month_payment(user, month)` is what both parties see per stay and month (no page yet).
"""

from __future__ import annotations

import datetime as dt
import uuid
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connections, transaction
from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import dateformat, timezone, translation

import samverkan.rules as rules
from samverkan.accounts.actors import user_of
from samverkan.accounts.models import Organisation
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.core.errors import Problem
from samverkan.deviations import disputes
from samverkan.discharge import access
from samverkan.discharge.local_terms import local_for
from samverkan.discharge.models import Notice, NoticeKind, Stay, StayDispute, StayStatus
from samverkan.discharge.selectors import MUNICIPAL_RECEIVERS, stay_facts, terms_of
from samverkan.purchases.bases import (
    DISCHARGE_AGREEMENT,
    DISCHARGE_BASIS,
    PAYMENT_RESPONSIBILITY,
    month_end,
    month_start,
    next_month,
)
from samverkan.purchases.sources import SourceItem, SourceResult, release_held

SOURCE = "discharge"
TZ = ZoneInfo("Europe/Stockholm")
MINUTES_PER_DAY = 1440

HOLD_DISPUTE = (
    "Betalningsdagarna är bestridda (tvist pågår): faktureras inte förrän tvisten är avgjord"
)
HOLD_UNVERIFIED = (
    "Betalningsansvar med ett belopp per vårddygn som inte är bekräftat: faktureras när "
    "parterna har bekräftat beloppet (regionens ekonom godkänner dagarna i månadsgranskningen)"
)
HOLD_LOCAL_UNCONFIRMED = (
    "Betalningsansvar enligt en lokal överenskommelse som den andra parten inte har bekräftat: "
    "faktureras när överenskommelsen är bekräftad"
)
EXCLUDED_MISSING = (
    "Betalningsansvar: kommunen har inte fått både inskrivningsmeddelande och meddelande om "
    "utskrivningsklar, så inga dagar faktureras (vårdtillfällen)"
)
EXCLUDED_REGION_BEARS = (
    "Betalningsansvar: tvisten är avgjord och regionen står för dagarna (vårdtillfällen)"
)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=TZ)


def _candidate_filter(seller: Any, buyer: Any, month: dt.date) -> QuerySet[Stay]:
    """Stays of the pair that may have days in ``month``: utskrivningsklar by its end and
    not ended before it began."""
    start, end = _midnight(month), _midnight(next_month(month))
    return (
        Stay.objects.filter(
            organisation_id=seller.pk,
            municipality_id=buyer.pk,
            needs_municipal_insatser=True,
            ready_at__lt=end,
        )
        .exclude(discharged_at__lt=start)
        .exclude(died_at__lt=start)
    )


def _candidates(seller: Any, buyer: Any, month: dt.date) -> QuerySet[Stay]:
    """The candidates as model objects with their notices and disputes (the stay-by-stay
    path)."""
    return (
        _candidate_filter(seller, buyer, month)
        .prefetch_related(
            Prefetch("notices", queryset=Notice.objects.order_by("sent_at")),
            Prefetch(
                "disputes",
                queryset=StayDispute.objects.select_related("dispute").order_by("pk"),
            ),
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class Segment:
    """Days of one stay in one month at one amount."""

    first: dt.date
    days: int
    per_day: Decimal
    verified: bool
    clause: str
    source: str | None


def segments(
    care_type: str, terms: Any, month: dt.date, first_day: dt.date | None, days: int
) -> list[Segment]:
    """The month's paid days of a stay split where the amount changes (``first_day`` and
    ``days``: the rules' count of the month, `PaymentDays` or a row of the batch)."""
    if not days or first_day is None:
        return []
    start = max(first_day, month)
    out: list[Segment] = []
    day, left = start, days
    while left > 0:
        amount = terms.amount_on(care_type, day)
        later = [a.start for a in terms.amounts[care_type] if a.start > day]
        n = min([left, *[(d - day).days for d in later]])
        out.append(Segment(day, n, amount.per_day, amount.verified, amount.clause, amount.source))
        day += dt.timedelta(days=n)
        left -= n
    return out


#: A stay's link to a dispute about its days: (dispute id, status, cost bearer, the month the
#: dispute names: None for the whole stay), as both paths read it (`StayDispute`).
Link = tuple[int, str, str, dt.date | None]


def _link(link: StayDispute) -> Link:
    return (link.dispute_id, link.dispute.status, link.dispute.cost_bearer, link.month)


def dispute_links(stay: Stay) -> list[Link]:
    """The stay's links (prefetched ``disputes`` with their dispute), oldest first."""
    return [_link(link) for link in sorted(stay.disputes.all(), key=lambda link: link.pk)]


def dispute_state(stay: Stay, month: dt.date) -> tuple[str, str]:
    """`_state_of` the stay's days in ``month``."""
    return _state_of(dispute_links(stay), month)


def _state_of(links: list[Link], month: dt.date) -> tuple[str, str]:
    """The dispute state of a stay's days in ``month`` from its links, oldest first: ("open",
    ref) while a dispute covering the month is open; ("region", ref) when one covering it
    was decided that the region bears the days; ("", "") otherwise. A dispute naming a month
    covers that month only; one naming none covers every month of the stay. The one rule
    of the invoice source's two paths, the payment view and the month list."""
    month = month_start(month)
    for dispute_id, status, cost_bearer, named in reversed(links):
        if named is not None and month_start(named) != month:
            continue
        ref = f"tvist-{dispute_id}"
        if status == "open":
            return "open", ref
        if cost_bearer == "region":
            return "region", ref
    return "", ""


def open_covering(links: list[Link], month: dt.date | None) -> Link | None:
    """The open dispute (oldest first) that covers ``month``'s days, or, with ``month`` None
    (a dispute about the whole stay), any open one: a dispute naming no month covers every
    month, one naming a month that month only. Two open disputes of a stay never cover the
    same days (`dispute_payment_days` refuses the second), so the kommun can dispute
    November's days and later December's while November's dispute is still open."""
    for link in links:
        named = link[3]
        if link[1] != "open":
            continue
        if month is None or named is None or month_start(named) == month_start(month):
            return link
    return None


def open_dispute_months(links: list[Link]) -> list[dt.date | None]:
    """The months the stay's open disputes name, in order (None: one covers the whole stay)."""
    named = {link[3] for link in links if link[1] == "open"}
    if None in named:
        return [None]
    return [*sorted(month_start(m) for m in named if m is not None)]


def paid_months(stay: Stay, today: dt.date | None = None) -> list[dt.date]:
    """The months with paid days of the stay up to ``today``, as the payment view counts them
    (the stay's own terms, `rules.payment_days`): the months a dispute may name."""
    today = today or timezone.localdate()
    facts = stay_facts(stay)
    counted = rules.payment_days(
        facts, rules.stay_terms(facts, terms_of(stay, facts).local or None), today
    )
    if not counted.days or counted.first_day is None:
        return []
    last = counted.first_day + dt.timedelta(days=counted.days - 1)
    months, month = [], month_start(counted.first_day)
    while month <= last:
        months.append(month)
        month = month_start(month + dt.timedelta(days=32))
    return months


def _local_confirmed(local: list[dict[str, Any]] | None, on: dt.date) -> bool:
    """Whether the local version in force on ``on`` (the one `rules.stay_terms` applied) is
    confirmed by the other party (`local_terms.as_rules`: verified = confirmed)."""
    in_force = [v for v in local or () if v["from"] <= on]
    return bool(in_force) and bool(max(in_force, key=lambda v: v["from"])["verified"])


@dataclass(frozen=True)
class _Terms:
    """The terms a group of stays is counted under, with what the items need of them."""

    terms: Any
    unconfirmed_local: bool

    @classmethod
    def of(cls, terms: Any, local: list[dict[str, Any]] | None) -> _Terms:
        return cls(terms, terms.local is not None and not _local_confirmed(local, terms.on))


@dataclass(frozen=True)
class _StayRef:
    """What an item names of its stay."""

    pk: int
    person_id: Any
    unit_id: int | None
    care_type: str


def _stay_items(
    stay: _StayRef,
    month: dt.date,
    counted: tuple[dt.date | None, int, bool],
    dispute: tuple[str, str],
    t: _Terms,
) -> tuple[list[SourceItem], str | None]:
    """A stay's items of the month from its count (first day, days, a notice missing), its
    dispute state and its terms: the one mapping both paths share."""
    first_day, days, missing = counted
    if missing:
        return [], EXCLUDED_MISSING
    state, ref = dispute
    if state == "region":
        return [], EXCLUDED_REGION_BEARS if days else None
    terms = t.terms
    items = []
    for seg in segments(stay.care_type, terms, month, first_day, days):
        # A local version's own amount is priced from the item's decision (per_day,
        # amount_clause, amount_source: `purchases.pricing`), the version named on the line.
        # Not sent while the stay is counted under a local agreement version the other party
        # has not confirmed (only its confirmation releases it), or while the amount is not
        # confirmed against Socialstyrelsen's föreskrift (the parties confirm it: the
        # region's ekonom approves the days in the month review).
        if state == "open":
            hold, approvable = HOLD_DISPUTE, False
        elif t.unconfirmed_local:
            hold, approvable = HOLD_LOCAL_UNCONFIRMED, False
        elif not seg.verified:
            hold, approvable = HOLD_UNVERIFIED, True
        else:
            hold, approvable = "", True
        unverified = t.unconfirmed_local or not seg.verified
        items.append(
            SourceItem(
                key=f"{stay.pk}-{seg.first:%Y%m%d}",
                person_id=stay.person_id,
                performer_unit_id=stay.unit_id,
                start_at=_midnight(seg.first),
                end_at=_midnight(seg.first + dt.timedelta(days=seg.days)),
                minutes=seg.days * MINUTES_PER_DAY,
                intervention=f"vardygn-{stay.care_type}",
                agreement=DISCHARGE_AGREEMENT,
                basis=DISCHARGE_BASIS,
                payment=PAYMENT_RESPONSIBILITY,
                # Shared by every stay with the same rule and amount (content-addressed).
                decision={
                    "source": SOURCE,
                    "rule": "Lag (2017:612) 5 kap.",
                    "terms": terms.local or "lagens huvudregel",
                    "care_type": stay.care_type,
                    "per_day": str(seg.per_day),
                    "amount_clause": seg.clause,
                    "amount_source": seg.source,
                    "verified": not unverified,
                },
                status="draft" if hold else "approved",
                hold=hold,
                approvable=approvable,
                dispute_ref=ref if state == "open" else "",
            )
        )
    return items, None


def _items(
    stay: Stay, month: dt.date, local: list[dict[str, Any]] | None = None
) -> tuple[list[SourceItem], str | None]:
    """One stay's items, counted by the rules' single path (`rules.payment_days`)."""
    facts = stay_facts(stay)
    terms = rules.stay_terms(facts, local or None)
    counted = rules.payment_days(facts, terms, month_end(month), since=month)
    return _stay_items(
        _StayRef(stay.pk, stay.person_id, stay.unit_id, facts.care_type),
        month,
        (counted.first_day, counted.days, bool(counted.missing)),
        dispute_state(stay, month),
        _Terms.of(terms, local),
    )


def _result(found: list[tuple[list[SourceItem], str | None]]) -> SourceResult:
    result = SourceResult()
    excluded: Counter[str] = Counter()
    for items, why in found:
        result.items.extend(items)
        if why:
            excluded[why] += 1
    result.excluded = sorted(excluded.items())
    return result


def discharge_source_per_stay(
    seller: Organisation, buyer: Organisation, month: dt.date
) -> SourceResult:
    """`discharge_source` stay by stay (`rules.payment_days` per stay): the reference the
    batch path is tested against (tests/purchases/test_discharge_source_batch.py) and the
    benchmark's baseline."""
    month = month_start(month)
    local = local_for(seller.region, buyer)
    return _result(
        [
            _items(stay, month, local)
            for stay in _candidates(seller, buyer, month).iterator(chunk_size=2000)
        ]
    )


_STAY_COLUMNS = (
    "pk",
    "person_id",
    "unit_id",
    "care_type",
    "admitted_at",
    "ready_at",
    "discharged_at",
    "died_at",
    "status",
    "needs_municipal_insatser",
    "first_admission_notice",
    "first_ready_notice",
)
_TIMES = ("admitted_at", "ready_at", "discharged_at", "died_at")
_NOTICE_TIMES = ("first_admission_notice", "first_ready_notice")


def _raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The query's rows as the database driver gives them, without Django's conversion of
    each value (on SQLite a datetime is its stored text, a UUID its hex, a boolean 0/1):
    `_times` converts the datetime columns at once in Polars."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _times(values: tuple[Any, ...]) -> Any:
    """A column of UTC datetimes as a Polars series from the driver's values: text (SQLite:
    "YYYY-MM-DD HH:MM:SS[.ffffff]", UTC) parsed in one pass, or the driver's datetimes."""
    import polars as pl

    ts = pl.Datetime("us", "UTC")
    if any(isinstance(v, str) for v in values):
        return pl.Series(values, dtype=pl.String).str.to_datetime(
            "%Y-%m-%d %H:%M:%S%.f", time_zone="UTC", time_unit="us"
        )
    return pl.Series(values, dtype=ts)


def _uuid(value: Any) -> Any:
    return uuid.UUID(value) if isinstance(value, str) else value


def discharge_source(seller: Organisation, buyer: Organisation, month: dt.date) -> SourceResult:
    """The purchases source: the month's payment days of the pair's stays, counted by the
    rules' batch path (`rules.payment_days_batch`), the stays grouped by the terms in force
    on their notice's day (`rules.terms_switch_days`: the law's defaults, each local
    version). The same items as `discharge_source_per_stay`.

    The stays are read as raw rows in one grouped query (the index
    ``discharge_stay_pair_ready`` finds the pair's stays utskrivningsklar by the month's
    end), their datetimes converted column by column in Polars, and only the stays with
    days in the month or a notice missing become items in Python."""
    import polars as pl

    month = month_start(month)
    local = local_for(seller.region, buyer)
    candidates = _candidate_filter(seller, buyer, month)
    # The facts `selectors.stay_facts` maps, read as values: the kommun's first
    # inskrivningsmeddelande and the first notice of utskrivningsklar.
    rows = _raw_rows(
        candidates.values(*_STAY_COLUMNS[:-2])  # grouped by these only
        .annotate(
            first_admission_notice=Min(
                "notices__sent_at",
                filter=Q(
                    notices__kind=NoticeKind.ADMISSION,
                    notices__receiver__in=MUNICIPAL_RECEIVERS,
                ),
            ),
            first_ready_notice=Min("notices__sent_at", filter=Q(notices__kind=NoticeKind.READY)),
        )
        .order_by("pk")
        .values_list(*_STAY_COLUMNS)
    )
    if not rows:
        return SourceResult()
    col = dict(zip(_STAY_COLUMNS, zip(*rows, strict=True), strict=True))
    times = {name: _times(col[name]) for name in (*_TIMES, *_NOTICE_TIMES)}
    frame = pl.DataFrame(
        {
            "care_type": pl.Series(col["care_type"], dtype=pl.String),
            "admitted_at": times["admitted_at"],
            "admission_notice_at": times["first_admission_notice"],
            "ready_at": times["ready_at"],
            "ready_notice_at": times["first_ready_notice"],
            "needs_municipal_insatser": pl.Series(
                [bool(v) for v in col["needs_municipal_insatser"]], dtype=pl.Boolean
            ),
            "discharged_at": times["discharged_at"].fill_null(times["died_at"]),
            "died": pl.Series(col["status"], dtype=pl.String) == StayStatus.DIED,
        }
    )
    # Each stay is counted under the terms in force on its terms day (`rules.terms_day`:
    # the day of the notice of utskrivningsklar, else of the admission, in Swedish time);
    # the terms change only on the switch days, so the stays of one period share them.
    switches = rules.terms_switch_days(local or None)
    terms_day = (
        frame.select(
            pl.coalesce("ready_notice_at", "admitted_at")
            .dt.convert_time_zone(str(TZ))
            .dt.date()
            .alias("day")
        )
        .to_series()
        .to_list()
    )
    groups: dict[int, list[int]] = {}
    for i, day in enumerate(terms_day):
        groups.setdefault(bisect_right(switches, day) - 1, []).append(i)
    counted: dict[int, tuple[dt.date | None, int, bool]] = {}
    group_terms: dict[int, _Terms] = {}
    for g, indices in groups.items():
        if g < 0:  # before the law: the single path raises its error
            rules.discharge_terms(terms_day[min(indices)], local or None)
        terms = rules.discharge_terms(switches[g], local or None)
        group_terms[g] = _Terms.of(terms, local)
        part = frame[indices, :] if len(groups) > 1 else frame
        out = rules.payment_days_batch(part, terms, month_end(month), since=month)
        # Only a stay with days in the month or a notice missing gives an item or an
        # exclusion (`_stay_items`); the others are left in Polars.
        found = (
            out.select("first_day", "days", "missing")
            .with_columns(pl.Series("i", indices, dtype=pl.Int64))
            .filter((pl.col("days") > 0) | (pl.col("missing") != ""))
        )
        for i, first_day, days, missing in found.select(
            "i", "first_day", "days", "missing"
        ).iter_rows():
            counted[i] = (first_day, int(days), bool(missing))
    if not counted:
        return SourceResult()
    links: dict[int, list[Link]] = {}
    for stay_id, dispute_id, status, cost_bearer, named in (
        StayDispute.objects.filter(stay__in=candidates)
        .order_by("pk")
        .values_list("stay_id", "dispute_id", "dispute__status", "dispute__cost_bearer", "month")
    ):
        links.setdefault(stay_id, []).append((dispute_id, status, cost_bearer, named))
    of_row = {i: g for g, indices in groups.items() for i in indices}
    pks = col["pk"]
    return _result(
        [
            _stay_items(
                _StayRef(
                    pks[i], _uuid(col["person_id"][i]), col["unit_id"][i], col["care_type"][i]
                ),
                month,
                counted[i],
                _state_of(links.get(pks[i], []), month),
                group_terms[of_row[i]],
            )
            for i in sorted(counted)
        ]
    )


# --- what both parties see -------------------------------------------------------------------


@dataclass(frozen=True)
class StayMonth:
    stay: Stay
    person: str
    days: int
    amount: Decimal
    explanation: tuple[Any, ...]
    missing: bool
    unverified: bool
    dispute: str  # "open" | "region" | ""
    dispute_ref: str


@dataclass(frozen=True)
class MonthPayment:
    month: dt.date
    rows: list[StayMonth]

    @property
    def days(self) -> int:
        return sum(r.days for r in self.rows)

    @property
    def amount(self) -> Decimal:
        return sum((r.amount for r in self.rows), Decimal(0))

    @property
    def by_municipality(self) -> list[tuple[str, int, Decimal]]:
        totals: dict[str, list[Any]] = {}
        for r in self.rows:
            t = totals.setdefault(r.stay.municipality.name, [0, Decimal(0)])
            t[0] += r.days
            t[1] += r.amount
        return [(name, d, a) for name, (d, a) in sorted(totals.items())]


def stays_counting_in(stays: QuerySet[Stay], month: dt.date) -> QuerySet[Stay]:
    """The stays of ``stays`` whose days can count in ``month`` (needing the kommun's
    insatser, utskrivningsklar before its end, not discharged or dead before it began),
    with their notices, disputes and identities, by kommun and day of utskrivningsklar."""
    month = month_start(month)
    start, end = _midnight(month), _midnight(next_month(month))
    return (
        stays.filter(needs_municipal_insatser=True, ready_at__lt=end)
        .exclude(Q(discharged_at__lt=start) | Q(died_at__lt=start))
        .select_related("person", "unit", "municipality", "organisation")
        .prefetch_related(
            Prefetch("notices", queryset=Notice.objects.order_by("sent_at")),
            Prefetch("disputes", queryset=StayDispute.objects.select_related("dispute")),
            "person__identities",
        )
        .order_by("municipality__name", "ready_at", "pk")
    )


def month_payment(user: Any, month: dt.date) -> MonthPayment:
    """The month's days and amount per stay the user sees (the region's and the kommun's
    staff with a discharge role, `access.stays_visible_to`), the stays that count in it."""
    month = month_start(month)
    stays = stays_counting_in(access.stays_visible_to(user), month)
    rows = []
    local: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for stay in stays:
        facts = stay_facts(stay)
        key = (stay.organisation.region, stay.municipality_id)
        if key not in local:
            local[key] = local_for(stay.organisation.region, stay.municipality)
        terms = rules.stay_terms(facts, local[key] or None)
        counted = rules.payment_days(facts, terms, month_end(month), since=month)
        state, ref = dispute_state(stay, month)
        rows.append(
            StayMonth(
                stay=stay,
                person=access.person_label(user, stay),
                days=counted.days,
                amount=counted.amount,
                explanation=counted.explanation,
                missing=bool(counted.missing),
                unverified=counted.unverified,
                dispute=state,
                dispute_ref=ref,
            )
        )
    return MonthPayment(month, rows)


# --- disagreement ----------------------------------------------------------------------------


def settle_decided_days(dispute: Any, user: Any = None) -> list[dt.date]:
    """The decision of a dispute about a stay's days settles them at once (registered in
    `deviations.disputes.DECISION_HOOKS`, called in the decision's transaction): the pair's
    held records are brought up to date — the kommun bears the days: approved for the next
    run; the region: withdrawn — and a month already invoiced and locked is reopened with a
    correction run (`purchases.sources.release_held`). Only the months with held records
    are looked at, so a dispute naming a month settles that month's days: the stay's other
    months were never held by it and are left as they are. Returns the months reopened."""
    pairs = {
        (link.stay.organisation, link.stay.municipality)
        for link in StayDispute.objects.filter(dispute_id=dispute.pk).select_related(
            "stay__organisation", "stay__municipality"
        )
    }
    reopened: list[dt.date] = []
    for seller, buyer in sorted(pairs, key=lambda p: (p[0].pk, p[1].pk)):
        reopened += release_held(None, seller=seller, buyer=buyer, open_months=True)
    return reopened


def month_name(month: dt.date) -> str:
    """ "november 2026": the month in Swedish, as the dispute and the payment view name it."""
    with translation.override("sv"):
        return dateformat.format(month, "F Y")


class PaymentDisputeError(Problem):
    """A refused dispute about payment days (422 unless ``status`` says otherwise)."""


def dispute_payment_days(
    actor: Any,
    stay: Stay,
    *,
    question: str,
    acting_note: str,
    month: dt.date | None = None,
    today: dt.date | None = None,
) -> Any:
    """Open a dispute about the stay's days of betalningsansvar in the existing dispute
    handling (`deviations.disputes.open_dispute`, the parties disagree), by staff of the
    region or the kommun who see the stay, or a party's ekonom (`access.finance_party`).
    Until it is decided the days it covers — ``month``'s if given (one of the stay's months
    with paid days up to ``today``, `paid_months`), else the whole stay's — are left out of
    the invoice runs (a month already invoiced is corrected by credit note). Open disputes
    never cover the same days (`open_covering`): a month already disputed, or any month
    while the whole stay is, is refused (409 `dispute_open`), and the whole stay only while
    no dispute is open."""
    why = "Utskrivning: bestrida betalningsdagar"
    user = user_of(actor)
    if not (access.can_see(user, stay) or access.finance_party(user, stay)):
        access.audit(actor, AuditAction.ACCESS_DENIED, stay, why)
        raise PaymentDisputeError(None, "not_found", "Vårdtillfället finns inte.", status=404)
    profile = profile_of(user)
    own = profile.organisation_id if profile else None
    if own not in (stay.organisation_id, stay.municipality_id):
        access.audit(actor, AuditAction.ACCESS_DENIED, stay, why)
        raise PaymentDisputeError(
            None,
            "not_a_party",
            "Bara regionen och kommunen i vårdtillfället kan bestrida betalningsdagarna.",
            status=403,
        )
    if month is not None and month_start(month) not in paid_months(stay, today):
        raise PaymentDisputeError(
            "month",
            "invalid_month",
            "Månad: välj en av vårdtillfällets månader med betalningsdagar.",
        )
    with transaction.atomic():
        # Two kommun users disputing at once: the second waits here and sees the first.
        Stay.objects.select_for_update().filter(pk=stay.pk).first()
        # read again under the lock, not from a prefetched ``stay.disputes``
        fresh = StayDispute.objects.filter(stay=stay).select_related("dispute").order_by("pk")
        covering = open_covering([_link(link) for link in fresh], month)
        if covering is not None:
            raise PaymentDisputeError(
                "month" if month is not None else "question",
                "dispute_open",
                _open_text(covering[3], month),
                status=409,
            )
        return _open_payment_dispute(actor, stay, own, question, acting_note, month, why)


def _open_text(open_month: dt.date | None, asked: dt.date | None) -> str:
    if open_month is None:
        return "Det finns redan en pågående tvist om alla betalningsdagar för vårdtillfället."
    if asked is None:
        return (
            f"Det finns redan en pågående tvist om dagarna i {month_name(open_month)}. Hela "
            "vårdtillfället kan bestridas först när den är avgjord; välj en annan månad."
        )
    return f"Det finns redan en pågående tvist om dagarna i {month_name(open_month)}."


def _open_payment_dispute(
    actor: Any,
    stay: Stay,
    own: Any,
    question: str,
    acting_note: str,
    month: dt.date | None,
    why: str,
) -> Any:
    """The dispute and its link to the stay, once `dispute_payment_days` has checked."""
    counterparty = stay.municipality if own == stay.organisation_id else stay.organisation
    text = (question or "").strip()
    about = f"vårdtillfälle {stay.pk}"
    if month is not None:
        about += f", dagarna i {month_name(month)}"
    with transaction.atomic():
        dispute = disputes.open_dispute(
            actor,
            counterparty=counterparty,
            question=f"Betalningsansvar vid utskrivning ({about}): {text}" if text else "",
            acting_organisation=stay.organisation,
            acting_note=acting_note,
            # The dispute is about the stay (linked below), not opened on the person's
            # record: the kommun sees the stay by the notices it received (Lag 2017:612,
            # `access.can_see`), not by a care relation, and the dispute's handlers read the
            # stay through the discharge room's own access checks.
        )
        StayDispute.objects.create(
            stay=stay, dispute=dispute, month=month_start(month) if month else None
        )
        access.audit(actor, AuditAction.CREATE, stay, why, obj=dispute)
    return dispute
