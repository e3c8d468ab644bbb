"""The per-stay payment view (betalningsansvar, Lag 2017:612 5 kap.) both parties see, and
opening a dispute about a stay's days. Pages: `/utskrivning/<id>/betalning/` and
`…/betalning/bestrid/`; API: `GET /api/discharge/stays/{id}/payment`,
`POST /api/discharge/stays/{id}/payment-disputes`.

**Who sees** a stay's payment days:

- the staff who see the stay (`access.can_see`: the region holding it, in health care; a
  receiver of its inskrivningsmeddelande, in the verksamhet it was sent to), with the person
  as on the stay page (`access.person_label`);
- the ekonom of either party: of the region holding the stay, or of the stay's kommun once
  the kommun received an inskrivningsmeddelande (before that the kommun was told nothing and
  owes nothing). The ekonom reads no person record (README, role table): she sees the
  seller's pseudonymous reference (``P-0001``, `purchases.disclosure`), the one on the
  invoice lines, never a name or identifier.

Forum members and administrators see none (403); anyone else gets 404. Every look is
logged (`access.audit`: another vårdgivare's look names the region as owner).

**Who opens a dispute** about a stay's days: the kommun (the party that pays), by the roles
that open disputes in the dispute handling (`deviations.access.may_see_cases`: every role
but forum members and administrators) who see the stay's payment days — its staff who see
the stay and its ekonom (`access.finance_party`) — through `invoicing.dispute_payment_days`,
which does the work. The dispute may name the month it is about (one of the stay's months
with paid days; `StayDispute.month`): until it is decided only that month's days are held
(the other months are invoiced as usual, and the page and the month list call only that
month disputed); a dispute naming no month holds the whole stay's days. The region's side sees it on the same page and in its dispute handling (it is
the counterparty). A confirmation and a reason are required. Open disputes never cover the
same days: the kommun may dispute November's days and later December's while November's is
open, but not a month already disputed, nor the whole stay while any dispute is open, nor a
month while the whole stay is (409 `dispute_open`, `invoicing.open_covering`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

import samverkan.rules as rules
from samverkan.accounts.actors import ActorLike, user_of
from samverkan.accounts.models import Role
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.audit.services import record
from samverkan.core.errors import Problem
from samverkan.deviations import access as dispute_access
from samverkan.deviations import disputes
from samverkan.discharge import access, invoicing, selectors
from samverkan.discharge.models import Notice, NoticeKind, Stay, StayDispute
from samverkan.purchases import selectors as purchase_selectors
from samverkan.purchases.bases import month_end, month_start
from samverkan.purchases.disclosure import pseudonym_refs

STAFF, FINANCE = "staff", "finance"
SOURCE = invoicing.SOURCE

#: What the view says of each state of a month's days in the invoice runs.
STATE_TEXT = {
    "invoiced": "Fakturerad",
    "approved": "Godkänd: faktureras vid nästa fakturakörning",
    "credited": "Krediterad: faktureras igen vid nästa fakturakörning",
    "not_run": "Inte med i någon fakturakörning än",
    "draft": "Utkast: tas med när månaden granskas och faktureras",
    "disputed": invoicing.HOLD_DISPUTE,
    "region_bears": "Tvisten är avgjord: regionen står för dagarna, de faktureras inte",
    "none": "Inga dagar att fakturera",
}


class PaymentViewError(Problem):
    """A refused dispute about a stay's payment days (422 unless ``status`` says)."""


# --- who ---------------------------------------------------------------------------------------


def viewer(actor: ActorLike, stay: Stay) -> str | None:
    """STAFF (sees the stay), FINANCE (the ekonom of a party), or None."""
    user = user_of(actor)
    if access.can_see(user, stay):
        return STAFF
    return FINANCE if access.finance_party(user, stay) else None


def is_finance(actor: ActorLike) -> bool:
    profile = profile_of(user_of(actor))
    return profile is not None and profile.role == Role.FINANCE_OFFICER


def may_view_payments(actor: ActorLike) -> bool:
    """A role that may see some stay's payment days (the discharge roles and the ekonom)."""
    profile = profile_of(user_of(actor))
    return profile is not None and (
        profile.role == Role.FINANCE_OFFICER
        or access.discharge_organisation(user_of(actor)) is not None
    )


def payment_stays(actor: ActorLike) -> QuerySet[Stay]:
    """The stays whose payment days the user sees (`viewer` for many stays)."""
    user = user_of(actor)
    profile = profile_of(user)
    if profile is None:
        return Stay.objects.none()
    if profile.role == Role.FINANCE_OFFICER:
        org = profile.organisation_id
        received = Notice.objects.filter(
            stay=OuterRef("pk"), kind=NoticeKind.ADMISSION, receiver_organisation_id=org
        )
        return Stay.objects.filter(
            Q(organisation_id=org) | Q(Exists(received), municipality_id=org)
        )
    return access.stays_visible_to(user)


def get_stay_for_payment(actor: ActorLike, stay_id: Any, *, why: str) -> Stay:
    """The stay if the user may see its payment days: 403 for a role that sees none, 404
    for a stay that is missing or not hers; every refusal and look logged."""
    if not may_view_payments(actor):
        record(actor, AuditAction.ACCESS_DENIED, "discharge.stay", why=why)
        raise PermissionDenied
    try:
        pk = int(stay_id)
    except (TypeError, ValueError):
        raise Http404 from None
    stay = (
        Stay.objects.select_related("person", "organisation", "unit", "municipality")
        .filter(pk=pk)
        .first()
        if 0 < pk < 2**63
        else None
    )
    if stay is None:
        record(actor, AuditAction.ACCESS_DENIED, "discharge.stay", pk, why=why)
        raise Http404
    if viewer(actor, stay) is None:
        access.audit(actor, AuditAction.ACCESS_DENIED, stay, why)
        raise Http404
    access.audit(actor, AuditAction.VIEW, stay, why)
    return stay


def may_dispute(actor: ActorLike, stay: Stay) -> bool:
    """The kommun's roles that open disputes (the dispute handling's rule) who see the
    stay's payment days: its staff who see the stay, and its ekonom (`viewer`)."""
    profile = profile_of(user_of(actor))
    return (
        profile is not None
        and profile.organisation_id == stay.municipality_id
        and dispute_access.may_see_cases(actor)
        and viewer(actor, stay) is not None
    )


# --- what ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    """One calendar day from the notice of utskrivningsklar to the end of the count."""

    day: dt.date
    paid: bool
    text: str  # what the day is, in Swedish
    amount: Decimal | None = None  # the day's amount per vårddygn (paid days)
    clause: str = ""
    source: str | None = None
    verified: bool = True


@dataclass(frozen=True)
class MonthRow:
    """A month's paid days and where they are in the invoice runs."""

    month: dt.date
    days: int
    amount: Decimal
    state: str  # a key of STATE_TEXT, or "held"
    text: str
    invoice_numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class DisputeRow:
    """A dispute about the stay's days and its state."""

    pk: int
    opened_at: dt.datetime
    question: str
    open: bool
    status_text: str
    step: str
    decided_on: dt.date | None
    cost_bearer: str
    shown: bool  # the viewer may open the dispute in the dispute handling
    month: dt.date | None = None  # the month the dispute names (None: the whole stay)
    month_text: str = ""


@dataclass(frozen=True)
class StayPayment:
    stay: Stay
    viewer: str  # STAFF | FINANCE
    person: str
    until: dt.date
    days: int
    amount: Decimal
    first_day: dt.date | None
    missing: tuple[str, ...]
    unverified: bool
    explanation: tuple[Any, ...]
    day_rows: list[DayRow]
    months: list[MonthRow]
    terms_name: str  # the local version's name, or the law's
    terms_from: dt.date | None
    terms_local: bool
    terms_confirmed: bool  # a local version confirmed by the other party (the law: True)
    average_model: bool
    disputes: list[DisputeRow] = field(default_factory=list)
    open_dispute: bool = False
    #: the months the open disputes name, in order; (None,): one covers the whole stay
    open_dispute_months: tuple[dt.date | None, ...] = ()
    #: the viewer may open a dispute, and some of the stay's days are not disputed yet
    may_dispute: bool = False

    @property
    def open_dispute_month(self) -> dt.date | None:
        """The first month an open dispute names (None: the whole stay, or none open)."""
        return self.open_dispute_months[0] if self.open_dispute_months else None

    @property
    def open_dispute_text(self) -> str:
        """ "Dagarna i november 2026 och december 2026 är bestridda" (or "Dagarna är …")."""
        named = [invoicing.month_name(m) for m in self.open_dispute_months if m is not None]
        if not named:
            return "Dagarna är bestridda"
        listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} och {named[-1]}"
        return f"Dagarna i {listed} är bestridda"

    @property
    def undisputed_months(self) -> bool:
        """Some month with paid days is covered by no open dispute (it is invoiced as usual)."""
        return bool(_months_left(self.open_dispute_months, self.months))

    @property
    def whole_stay_disputable(self) -> bool:
        """A dispute about the whole stay may be opened: none is open."""
        return self.may_dispute and not self.open_dispute


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _state_of_month(
    month: dt.date, days: int, dispute: str, records: list[Any]
) -> tuple[str, str, tuple[str, ...]]:
    if not days:
        return "none", STATE_TEXT["none"], ()
    if dispute == "open":
        return "disputed", STATE_TEXT["disputed"], ()
    if dispute == "region":
        return "region_bears", STATE_TEXT["region_bears"], ()
    month_records = [r for r in records if _month(r.service_date) == month]
    if not month_records:
        return "not_run", STATE_TEXT["not_run"], ()
    # A credited record is history: a credit note leaves a draft copy of it to invoice again.
    mine = [r for r in month_records if r.status != "credited"]
    numbers = tuple(sorted({r.invoice_number for r in mine if r.invoice_number}))
    if mine and all(r.status == "invoiced" for r in mine):
        return "invoiced", f"{STATE_TEXT['invoiced']} ({', '.join(numbers)})", numbers
    held = [r.hold for r in mine if r.status == "draft" and r.hold]
    if held:
        return "held", held[0], numbers
    if len(mine) < len(month_records):
        return "credited", STATE_TEXT["credited"], numbers
    if any(r.status == "approved" for r in mine):
        return "approved", STATE_TEXT["approved"], numbers
    return "draft", STATE_TEXT["draft"], numbers


def _dispute_rows(actor: ActorLike, links: list[StayDispute]) -> list[DisputeRow]:
    """The stay's disputes, newest first (the state of each month's days:
    `invoicing.dispute_state`)."""
    rows = []
    seen = set(
        dispute_access.disputes_visible_to(actor)
        .filter(pk__in=[link.dispute_id for link in links])
        .values_list("pk", flat=True)
    )
    for link in reversed(links):
        d = link.dispute
        is_open = d.status == "open"
        rows.append(
            DisputeRow(
                pk=d.pk,
                opened_at=d.opened_at,
                question=d.question,
                open=is_open,
                status_text=d.get_status_display(),
                step=disputes.current_step(d).title if is_open else "",
                decided_on=d.decided_on,
                cost_bearer=d.get_cost_bearer_display() if d.cost_bearer else "",
                shown=d.pk in seen,
                month=link.month,
                month_text=invoicing.month_name(link.month) if link.month else "",
            )
        )
    return rows


def _local_day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def _day_rows(stay: Stay, facts: Any, terms: Any, counted: Any, until: dt.date) -> list[DayRow]:
    if counted.missing or not facts.needs_municipal_insatser or facts.ready_notice_at is None:
        return []
    start = _local_day(facts.ready_notice_at)
    ended = _local_day(facts.discharged_at) if facts.discharged_at else None
    last = min(ended, until) if ended else until
    first = counted.first_day
    paid_until = first + dt.timedelta(days=counted.days) if first and counted.days else None
    rows = []
    day = start
    while day <= last:
        if first and paid_until and first <= day < paid_until:
            a = terms.amount_on(facts.care_type, day)
            rows.append(
                DayRow(
                    day,
                    True,
                    "Dag med betalningsansvar",
                    None if terms.average_days_per_month is not None else a.per_day,
                    a.clause,
                    a.source,
                    a.verified,
                )
            )
        elif day == start:
            rows.append(DayRow(day, False, "Kommunen fick meddelandet om utskrivningsklar"))
        elif ended and day == ended:
            what = "Dödsdag" if facts.died else "Utskrivningsdag"
            rows.append(DayRow(day, False, f"{what}: räknas inte"))
        elif first and day < first:
            rows.append(DayRow(day, False, f"Ingen betalning: betalningsansvaret börjar {first}"))
        else:
            rows.append(DayRow(day, False, "Ingen betalning"))
        day += dt.timedelta(days=1)
    return rows


def _months(stay: Stay, day_rows: list[DayRow], records: list[Any]) -> list[MonthRow]:
    by_month: dict[dt.date, list[DayRow]] = {}
    for row in day_rows:
        if row.paid:
            by_month.setdefault(_month(row.day), []).append(row)
    out = []
    for month, rows in sorted(by_month.items()):
        amount = sum((r.amount or Decimal(0) for r in rows), Decimal(0))
        # Disputed or borne by the region only where a dispute covers the month.
        dispute = invoicing.dispute_state(stay, month)[0]
        state, text, numbers = _state_of_month(month, len(rows), dispute, records)
        out.append(MonthRow(month, len(rows), amount, state, text, numbers))
    return out


def stay_payment(actor: ActorLike, stay: Stay, today: dt.date | None = None) -> StayPayment:
    """The stay's days after utskrivningsklar, each day's amount with its rule and source,
    the terms in force (confirmed or not), each month's place in the invoice runs and the
    disputes about the days. The caller has checked `viewer` (`get_stay_for_payment`)."""
    seen_as = viewer(actor, stay)
    if seen_as is None:
        raise Http404
    stay = (
        Stay.objects.select_related("person", "organisation", "unit", "municipality")
        .prefetch_related(
            Prefetch("notices", queryset=Notice.objects.order_by("sent_at")),
            Prefetch(
                "disputes",
                queryset=StayDispute.objects.select_related("dispute").order_by("opened_at", "pk"),
            ),
            "person__identities",
        )
        .get(pk=stay.pk)
    )
    today = today or timezone.localdate()
    facts = selectors.stay_facts(stay)
    stay_terms = selectors.terms_of(stay, facts)
    terms = rules.stay_terms(facts, stay_terms.local or None)
    counted = rules.payment_days(facts, terms, today)
    records = purchase_selectors.source_record_states(SOURCE, f"{stay.pk}-")
    dispute_rows = _dispute_rows(actor, list(stay.disputes.all()))
    open_months = tuple(invoicing.open_dispute_months(invoicing.dispute_links(stay)))
    day_rows = _day_rows(stay, facts, terms, counted, today)
    months = _months(stay, day_rows, records)
    version = stay_terms.version
    person = (
        access.person_label(user_of(actor), stay)
        if seen_as == STAFF
        else pseudonym_refs(stay.organisation_id, [stay.person_id])[stay.person_id]
    )
    return StayPayment(
        stay=stay,
        viewer=seen_as,
        person=person,
        until=today,
        days=counted.days,
        amount=counted.amount,
        first_day=counted.first_day,
        missing=counted.missing,
        unverified=counted.unverified,
        explanation=counted.explanation,
        day_rows=day_rows,
        months=months,
        terms_name=version["name"] if version else "Lagens huvudregel, lag (2017:612) 5 kap.",
        terms_from=version["from"] if version else None,
        terms_local=version is not None,
        terms_confirmed=bool(version["verified"]) if version else True,
        average_model=terms.average_days_per_month is not None,
        disputes=dispute_rows,
        open_dispute=bool(open_months),
        open_dispute_months=open_months,
        # none open: the whole stay may be disputed, with or without paid days yet
        may_dispute=may_dispute(actor, stay)
        and (not open_months or bool(_months_left(open_months, months))),
    )


def _months_left(open_months: tuple[dt.date | None, ...], months: list[MonthRow]) -> list[MonthRow]:
    """The months with paid days that no open dispute covers (`invoicing.open_covering`):
    none while one covers the whole stay."""
    if None in open_months:
        return []
    return [m for m in months if m.days and m.month not in open_months]


# --- a dispute about the days ------------------------------------------------------------------


def default_acting_note(stay: Stay) -> str:
    if stay.is_open:
        return (
            f"Patienten vårdas på {stay.unit.name} och planeringen fortsätter medan frågan om "
            "betalningsdagarna avgörs."
        )
    return "Patienten är utskriven; frågan gäller bara betalningsdagarna."


def dispute_months(view: StayPayment) -> list[MonthRow]:
    """The months a new dispute may name."""
    return _months_left(view.open_dispute_months, view.months)


def open_payment_dispute(
    actor: ActorLike,
    stay: Stay,
    *,
    reason: str,
    confirm: bool,
    acting_note: str = "",
    month: dt.date | None = None,
) -> Any:
    """Open a dispute about the stay's days in the dispute handling
    (`invoicing.dispute_payment_days`), by the kommun's roles that open disputes (its staff
    who see the stay and its ekonom), naming ``month`` if given (one of the stay's months
    with paid days): until it is decided that month's days are held out of the invoice
    runs, or the whole stay's when it names none."""
    why = "Utskrivning: bestrida betalningsdagar"
    if not may_dispute(actor, stay):
        access.audit(actor, AuditAction.ACCESS_DENIED, stay, why)
        raise PaymentViewError(
            None,
            "forbidden",
            "Bara kommunens personal som ser vårdtillfället och kommunens ekonom kan bestrida "
            "betalningsdagarna.",
            status=403,
        )
    errors = []
    if not (reason or "").strip():
        errors.append(
            Problem("reason", "missing", "Skäl: beskriv varför kommunen bestrider dagarna.")
        )
    if not confirm:
        errors.append(
            Problem(
                "confirm",
                "confirmation_required",
                "Bekräfta att du vill bestrida betalningsdagarna (det kan inte ångras).",
            )
        )
    if month is not None:
        month = _month(month)
        if month not in invoicing.paid_months(stay):
            errors.append(
                Problem(
                    "month",
                    "invalid_month",
                    "Månad: välj en av vårdtillfällets månader med betalningsdagar.",
                )
            )
    if errors:
        raise PaymentViewError.many([e.details[0] for e in errors])
    return invoicing.dispute_payment_days(
        actor,
        stay,
        question=reason.strip(),
        acting_note=(acting_note or "").strip() or default_acting_note(stay),
        month=month,
    )


# --- a month of stays ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthListRow:
    stay: Stay
    person: str
    days: int
    amount: Decimal
    missing: bool
    unverified: bool
    disputed: bool


def month_rows(actor: ActorLike, month: dt.date) -> list[MonthListRow]:
    """The month's days and amount per stay whose payment days the user sees (the stays that
    count in it: needing the kommun's insatser, utskrivningsklar before its end, not ended
    before it began), by kommun and day of utskrivningsklar; every stay shown is logged."""
    month = month_start(month)
    stays = list(invoicing.stays_counting_in(payment_stays(actor), month))
    finance = is_finance(actor)
    refs: dict[Any, str] = {}
    if finance:
        by_seller: dict[int, list[Any]] = {}
        for stay in stays:
            by_seller.setdefault(stay.organisation_id, []).append(stay.person_id)
        for seller, ids in by_seller.items():
            refs.update({(seller, k): v for k, v in pseudonym_refs(seller, ids).items()})
    rows = []
    cache: dict[Any, Any] = {}
    for stay in stays:
        facts = selectors.stay_facts(stay)
        local = selectors.terms_of(stay, facts, cache).local
        terms = rules.stay_terms(facts, local or None)
        counted = rules.payment_days(facts, terms, month_end(month), since=month)
        access.audit(actor, AuditAction.VIEW, stay, "Betalningsansvar per månad")
        rows.append(
            MonthListRow(
                stay=stay,
                person=refs[(stay.organisation_id, stay.person_id)]
                if finance
                else access.person_label(user_of(actor), stay),
                days=counted.days,
                amount=counted.amount,
                missing=bool(counted.missing),
                unverified=counted.unverified,
                disputed=invoicing.dispute_state(stay, month)[0] == "open",
            )
        )
    return rows
