"""Invoice runs: one seller, one buyer, one month; credit notes; gapless numbers.

A run
    1. checks, before anything is written, that every approved record of the month has a
       price (or a verified Försäkringskassan rate) and that both parties have what an
       e-invoice needs; otherwise it refuses with the complete list of what is missing;
    2. records its state (``InvoiceRun``, status ``running``) in its own transaction;
    3. makes one invoice per agreement, each in ONE transaction: lock the seller's number
       counter (``select_for_update``), take the next number, claim the records (``UPDATE
       … SET invoice_id``), write rates, the anonymised person map, lines and attachment
       rows with set-based SQL (``INSERT … SELECT … GROUP BY`` and window functions), totals;
    4. marks the run done and the month locked.

Crash safety: a kill at any point rolls back the invoice being written (its number is not
used: the counter row is updated in the same transaction), so there is never a partial
invoice or a gap. Re-running finds the run ``running`` and finishes it; records already on
an invoice are not claimed again, so running twice creates nothing new.

Corrections are never edits: ``credit_invoice`` issues a credit note for the whole invoice,
marks its records credited, puts copies of them back as drafts (to be fixed, withdrawn or
approved) and opens a correction run for the month; the next run invoices what is approved
then.

Amounts are integer öre. A line of hours is ``round_half_up(minutes × unit price / 60)``;
each attachment row has its own record's amount rounded the same way, and the line's last
record (highest id) takes the difference (a few öre at most), so the attachment adds up to
the line exactly. (A largest-remainder share-out needs a sort per line: half a second per
100,000 records on SQLite; this needs none.)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.core.money import format_sek, payable_rounding
from samverkan.purchases import rates
from samverkan.purchases.access import require_run_invoices
from samverkan.purchases.bases import (
    BILLING_TERMS,
    HOURLY_SHARE_50,
    INVOICEABLE_MODES,
    SHARED,
    delivery_deadline,
    month_end,
    month_start,
)
from samverkan.purchases.dbtune import tune_for_bulk_work
from samverkan.purchases.errors import InvoicingRefused, Problem
from samverkan.purchases.models import (
    AttachmentRow,
    BillingProfile,
    DisputeLedgerEntry,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceLine,
    InvoicePerson,
    InvoiceRate,
    InvoiceRun,
    InvoiceStatus,
    LedgerKind,
    LedgerSource,
    PaymentMode,
    PriceUnit,
    RecordStatus,
    RunKind,
    RunStatus,
    ServiceRecord,
)
from samverkan.purchases.pricing import Missing, PriceIndex, Rate, rate_for
from samverkan.purchases.ubl import InvoiceDataError, normalize_org_number, swedish_vat_number

__all__ = [
    "RunResult",
    "records_of",
    "credit_invoice",
    "invoice_number",
    "party_problems",
    "run_invoices",
]

ACTIVE_RUN = (RunStatus.OPEN, RunStatus.RUNNING)


def _checkpoint(name: str) -> None:
    """A no-op; tests replace it to simulate a crash at a named point of a run."""


@dataclass
class RunResult:
    status: str  # created | nothing | already_done | refused
    run: InvoiceRun | None = None
    created: list[Invoice] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    late: bool = False
    deadline: dt.date | None = None
    drafts_left: int = 0


def invoice_number(seller: Organisation, sequence: int) -> str:
    """``2380-000017``: the seller's SCB code and its gapless sequence number."""
    return f"{seller.scb_code}-{sequence:06d}"


# --------------------------------------------------------------------------- parties


def _digits(org: Organisation) -> str | None:
    try:
        return normalize_org_number(org.org_number)
    except InvoiceDataError:
        return None


def party_problems(seller: Organisation, buyer: Organisation, agreement: str) -> list[Problem]:
    """What the seller and buyer lack for an e-invoice (Swedish, one problem each)."""
    problems = []
    for role, org in (("säljaren", seller), ("köparen", buyer)):
        if not org.org_number:
            problems.append(
                Problem(
                    "org_number",
                    "org_number_missing",
                    f"Organisationsnummer saknas för {role} {org.name}; lägg in det under "
                    "organisationens uppgifter.",
                )
            )
        elif _digits(org) is None:
            problems.append(
                Problem(
                    "org_number",
                    "org_number_invalid",
                    f"Organisationsnumret för {role} {org.name} är ogiltigt (kontrollsiffra).",
                )
            )
    terms = BILLING_TERMS.get(agreement)
    if not ((terms and terms.buyer_reference) or buyer.invoice_reference):
        problems.append(
            Problem(
                "buyer_reference",
                "buyer_reference_missing",
                f"Köparens fakturareferens saknas för {buyer.name} (t.ex. kostnadsställe); "
                "lägg in den som organisationens fakturareferens.",
            )
        )
    return problems


def _party(org: Organisation, *, seller: bool, agreement: str) -> dict[str, Any]:
    terms = BILLING_TERMS.get(agreement)
    profile = BillingProfile.objects.filter(organisation=org).first() if seller else None
    digits = _digits(org) or ""
    address = [org.street_address] if org.street_address else []
    postal_code, city = org.postal_code, org.city
    if not seller and terms and terms.buyer_address_lines:
        address = list(terms.buyer_address_lines)
        postal_code, city = terms.buyer_postal_code, terms.buyer_city
    return {
        "name": org.name,
        "org_number": digits,
        "address_lines": address,
        "postal_code": postal_code.replace(" ", ""),
        "city": city,
        "peppol_id": org.peppol_id or None,
        "peppol_scheme": org.peppol_scheme or "0007",
        "vat_number": swedish_vat_number(digits) if (seller and digits) else None,
        "contact_name": (profile.contact_name or None) if profile else None,
        "contact_email": (profile.contact_email or None) if profile else None,
        "contact_phone": (profile.contact_phone or None) if profile else None,
        "bankgiro": (profile.bankgiro or None) if profile else None,
    }


# --------------------------------------------------------------------------- selection


def _selection(seller_id: int, buyer_id: int, month: dt.date) -> Any:
    return ServiceRecord.objects.filter(
        performer_org_id=seller_id,
        payer_org_id=buyer_id,
        service_date__gte=month,
        service_date__lte=month_end(month),
        status=RecordStatus.APPROVED,
        invoice__isnull=True,
        payment__in=sorted(INVOICEABLE_MODES),
    )


def _ledger_open(seller_id: int, buyer_id: int, month: dt.date) -> Any:
    return DisputeLedgerEntry.objects.filter(
        creditor_id=seller_id,
        debtor_id=buyer_id,
        invoice_month__lte=month,
        invoice_line__isnull=True,
        amount_ore__gt=0,
    )


@dataclass
class _Plan:
    agreement: str
    rates: list[tuple[Rate, str, str, str, dt.date, dt.date]]  # rate, payment, intv, band, from, to
    record_count: int
    ledger_ids: list[int]


def _plan(
    seller: Organisation, buyer: Organisation, month: dt.date
) -> tuple[list[_Plan], list[Problem], int]:
    """Rates per agreement for the month's records, the problems (missing prices…) and the
    number of drafts left out; one pass over the month's records of the pair."""
    index = PriceIndex()
    invoiceable = Q(status=RecordStatus.APPROVED, payment__in=sorted(INVOICEABLE_MODES))
    keys = (
        ServiceRecord.objects.filter(
            performer_org_id=seller.pk,
            payer_org_id=buyer.pk,
            service_date__gte=month,
            service_date__lte=month_end(month),
            status__in=(RecordStatus.APPROVED, RecordStatus.DRAFT),
        )
        .values_list("agreement", "payment", "intervention", "band", "service_date")
        .annotate(
            n=Count("id", filter=invoiceable),
            drafts=Count("id", filter=Q(status=RecordStatus.DRAFT)),
        )
        .order_by("agreement", "payment", "intervention", "band", "service_date")
    )
    counts: dict[tuple[str, str, str, str], int] = defaultdict(int)
    plans: dict[str, _Plan] = {}
    missing: dict[str, tuple[str, int]] = {}
    drafts = 0
    for agreement, payment, intervention, band, day, n_day, drafts_day in keys:
        drafts += drafts_day
        if not n_day:
            continue
        counts[(agreement, payment, intervention, band)] += n_day
        rate = rate_for(
            index,
            payment=payment,
            agreement=agreement,
            intervention=intervention,
            band=band,
            day=day,
        )
        plan = plans.setdefault(agreement, _Plan(agreement, [], 0, []))
        if isinstance(rate, Missing):
            message, n = missing.get(rate.message, (rate.message, 0))
            missing[rate.message] = (message, n + n_day)
            continue
        last = plan.rates[-1] if plan.rates else None
        # Keys come sorted by date: a rate row spans every record day of its key until
        # the price changes (no record of the key lies between with another price).
        if last is not None and last[0] == rate and last[1:4] == (payment, intervention, band):
            plan.rates[-1] = (*last[:5], day)
        else:
            plan.rates.append((rate, payment, intervention, band, day, day))
    for (agreement, *_), n in counts.items():
        plans[agreement].record_count += n
    for entry_id, agreement in _ledger_open(seller.pk, buyer.pk, month).values_list(
        "id", "agreement"
    ):
        plans.setdefault(agreement, _Plan(agreement, [], 0, [])).ledger_ids.append(entry_id)
    problems = [
        Problem("price", "price_missing", f"{message} ({n} insatser).")
        for message, n in missing.values()
    ]
    for agreement in plans:
        problems.extend(p for p in party_problems(seller, buyer, agreement) if p not in problems)
    return list(plans.values()), problems, drafts


# --------------------------------------------------------------------------- the run


def run_invoices(
    actor: Any,
    *,
    seller: Organisation,
    buyer: Organisation,
    month: dt.date,
    today: dt.date | None = None,
) -> RunResult:
    """Invoice ``buyer`` for ``seller``'s approved records of ``month`` (ekonom only).

    Idempotent and resumable; see the module docstring. Raises InvoicingRefused when prices
    or party data are missing (nothing is written then).
    """
    user = require_run_invoices(actor, seller)
    month = month_start(month)
    today = today or timezone.localdate()
    if seller.pk == buyer.pk:
        raise InvoicingRefused.one("buyer", "same_party", "Säljare och köpare kan inte vara samma.")

    run = _current_run(seller, buyer, month)
    if run is None and _is_done(seller, buyer, month):
        drafts = ServiceRecord.objects.filter(
            performer_org_id=seller.pk,
            payer_org_id=buyer.pk,
            service_date__gte=month,
            service_date__lte=month_end(month),
            status=RecordStatus.DRAFT,
        ).count()
        invoices = list(Invoice.objects.filter(seller=seller, buyer=buyer, run__month=month))
        return RunResult(
            "already_done",
            run=InvoiceRun.objects.filter(
                seller=seller, buyer=buyer, month=month, kind=RunKind.REGULAR
            ).first(),
            invoices=invoices,
            messages=[f"Fakturering för {month:%Y-%m} är redan gjord och månaden är låst."],
            drafts_left=drafts,
        )

    tune_for_bulk_work()
    plans, problems, drafts = _plan(seller, buyer, month)
    if problems:
        raise InvoicingRefused(problems)
    if run is None and not plans:
        return RunResult(
            "nothing",
            messages=[f"Inga godkända insatser att fakturera för {month:%Y-%m}."],
            drafts_left=drafts,
        )

    run = run or _start_run(seller, buyer, month, user)
    InvoiceRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, attempts=run.attempts + 1, started_by=user
    )
    audit(
        actor,
        Action.CREATE,
        InvoiceRun,
        run.pk,
        why=f"Fakturering {seller.scb_code}→{buyer.scb_code} {month:%Y-%m} startad",
    )
    created: list[Invoice] = []
    for plan in sorted(plans, key=lambda p: p.agreement):
        _checkpoint("before_invoice")
        try:
            invoice = _create_invoice(run, plan, user=user, today=today)
        except _PlanOutdated:
            # Records were approved while the run planned (a key it has no rate for): plan
            # again; the invoice of this agreement is made from the new plan.
            fresh, problems, drafts = _plan(seller, buyer, month)
            if problems:
                raise InvoicingRefused(problems) from None
            again = next((p for p in fresh if p.agreement == plan.agreement), None)
            invoice = _create_invoice(run, again, user=user, today=today) if again else None
        if invoice is not None:
            created.append(invoice)
            audit(actor, Action.CREATE, Invoice, invoice.pk, why=f"Faktura {invoice.number}")
        _checkpoint("after_invoice")

    invoices = list(Invoice.objects.filter(run=run).order_by("sequence_number"))
    late = any(i.late for i in invoices if i.kind == InvoiceKind.INVOICE)
    deadlines = [i.deadline for i in invoices if i.deadline]
    messages = [f"{len(created)} faktura(or) skapade för {month:%Y-%m}."]
    for invoice in invoices:
        if invoice.late and invoice.deadline:
            messages.append(
                f"Sen: faktura {invoice.number} ska vara {buyer.name} tillhanda senast "
                f"{invoice.deadline:%Y-%m-%d} (avtalets krav) men är daterad "
                f"{invoice.issue_date:%Y-%m-%d}."
            )
    if drafts:
        messages.append(f"{drafts} insatser är utkast och ingår inte; godkänn dem först.")
    InvoiceRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        locked=True,
        finished_at=timezone.now(),
        late=late,
        deadline=min(deadlines) if deadlines else None,
        message="\n".join(messages),
    )
    run.refresh_from_db()
    return RunResult(
        "created" if created else "nothing",
        run=run,
        created=created,
        invoices=invoices,
        messages=messages,
        late=late,
        deadline=run.deadline,
        drafts_left=drafts,
    )


def _is_done(seller: Organisation, buyer: Organisation, month: dt.date) -> bool:
    return InvoiceRun.objects.filter(
        seller=seller, buyer=buyer, month=month, kind=RunKind.REGULAR, locked=True
    ).exists()


def _current_run(seller: Organisation, buyer: Organisation, month: dt.date) -> InvoiceRun | None:
    """The run to continue: an interrupted regular run or an open correction run."""
    return (
        InvoiceRun.objects.filter(seller=seller, buyer=buyer, month=month, status__in=ACTIVE_RUN)
        .order_by("sequence")
        .first()
    )


def _start_run(seller: Organisation, buyer: Organisation, month: dt.date, user: Any) -> InvoiceRun:
    try:
        with transaction.atomic():
            return InvoiceRun.objects.create(
                seller=seller,
                buyer=buyer,
                month=month,
                kind=RunKind.REGULAR,
                sequence=1,
                status=RunStatus.RUNNING,
                started_by=user,
            )
    except IntegrityError:  # a concurrent run created it: continue that one
        return InvoiceRun.objects.get(seller=seller, buyer=buyer, month=month, sequence=1)


class _NothingToInvoice(Exception):
    pass


class _PlanOutdated(Exception):
    """A claimed record has no rate in the plan (approved after planning)."""


def _next_number(seller: Organisation) -> int:
    """Take the seller's next number; the counter row stays locked until commit."""
    InvoiceCounter.objects.bulk_create([InvoiceCounter(seller=seller)], ignore_conflicts=True)
    counter = InvoiceCounter.objects.select_for_update().get(seller=seller)
    counter.last_number += 1
    InvoiceCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return counter.last_number


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date(day: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _records_of(invoice: Invoice) -> Any:
    """The records on an invoice, found through the billing index."""
    return ServiceRecord.objects.filter(
        performer_org_id=invoice.seller_id,
        payer_org_id=invoice.buyer_id,
        service_date__gte=invoice.period_start,
        service_date__lte=invoice.period_end,
        invoice=invoice,
    )


def _note(plan: _Plan, month: dt.date) -> str:
    parts = []
    for rate, payment, *_ in plan.rates:
        if payment == HOURLY_SHARE_50 and rate.rate_year:
            parts.append(
                "Ersättning enligt Ekonomisk överenskommelse 2018-2019: 50 % av utförd tid "
                f"enligt Försäkringskassans schablonbelopp {rate.rate_year} "
                f"({format_sek(rates.hourly_amount(rate.rate_year))}/tim)."
            )
            break
    if any(p == SHARED for _, p, *__ in plan.rates):
        parts.append("Delad kostnad: 50 % faktureras tills huvudmännen är överens (§7.7, §8).")
    parts.append(f"Period {month:%Y-%m}.")
    if plan.rates:
        parts.append("Bilaga på individnivå med anonymiserade personreferenser.")
    return " ".join(parts)


def _create_invoice(run: InvoiceRun, plan: _Plan, *, user: Any, today: dt.date) -> Invoice | None:
    seller, buyer, month = run.seller, run.buyer, run.month
    terms = BILLING_TERMS.get(plan.agreement)
    deadline = delivery_deadline(plan.agreement, month)
    profile = BillingProfile.objects.filter(organisation=seller).first()
    payment_days = profile.payment_days if profile else (terms.payment_days if terms else 30)
    try:
        with transaction.atomic():
            number = _next_number(seller)
            invoice = Invoice.objects.create(
                run=run,
                seller=seller,
                buyer=buyer,
                number=invoice_number(seller, number),
                sequence_number=number,
                kind=InvoiceKind.INVOICE,
                agreement=plan.agreement,
                issue_date=today,
                due_date=today + dt.timedelta(days=payment_days),
                period_start=month,
                period_end=month_end(month),
                deadline=deadline,
                late=bool(deadline and today > deadline),
                buyer_reference=(terms.buyer_reference if terms and terms.buyer_reference else "")
                or buyer.invoice_reference,
                contract_reference=terms.contract_reference if terms else "",
                note=_note(plan, month),
                seller_party=_party(seller, seller=True, agreement=plan.agreement),
                buyer_party=_party(buyer, seller=False, agreement=plan.agreement),
                created_by=user,
            )
            claimed = (
                _selection(seller.pk, buyer.pk, month)
                .filter(agreement=plan.agreement)
                .update(invoice=invoice, status=RecordStatus.INVOICED)
            )
            _checkpoint("after_claim")
            ledger_ids = list(
                _ledger_open(seller.pk, buyer.pk, month)
                .filter(pk__in=plan.ledger_ids, agreement=plan.agreement)
                .select_for_update()
                .values_list("pk", flat=True)
            )
            if not claimed and not ledger_ids:
                raise _NothingToInvoice
            if claimed:
                _write_records_part(invoice, plan)
                if _records_on_lines(invoice) != claimed:
                    raise _PlanOutdated
            _checkpoint("after_lines")
            _write_ledger_lines(invoice, ledger_ids, month)
            _checkpoint("after_ledger")
            _totals(invoice, claimed)
            _checkpoint("before_commit")
    except _NothingToInvoice:
        return None
    return invoice


def _write_records_part(invoice: Invoice, plan: _Plan) -> None:
    """Rates, person map, lines and attachment rows for the claimed records (set-based)."""
    InvoiceRate.objects.bulk_create(
        [
            InvoiceRate(
                invoice=invoice,
                line_key=line_key,
                payment=payment,
                intervention=intervention,
                band=band,
                date_from=date_from,
                date_to=date_to,
                unit=rate.unit,
                unit_price_ore=rate.unit_price_ore,
                price_id=rate.price_id,
                rate_year=rate.rate_year,
                description=rate.description[:200],
                source=rate.source[:400],
            )
            for (rate, payment, intervention, band, date_from, date_to), line_key in zip(
                plan.rates, _line_keys(plan), strict=True
            )
        ]
    )
    rec, rate_t, line = _t(ServiceRecord), _t(InvoiceRate), _t(InvoiceLine)
    person_t, att = _t(InvoicePerson), _t(AttachmentRow)
    org_t, unit_t = _t(Organisation), _t(Unit)
    inv = invoice.pk
    # The claimed records, found through the billing index (no index on invoice_id: an
    # index on it would be rewritten for every claimed row, the costliest part of a run).
    claimed = (
        "r.performer_org_id = %s AND r.payer_org_id = %s AND r.service_date >= %s "
        "AND r.service_date <= %s AND r.invoice_id = %s"
    )
    claimed_params = [
        invoice.seller_id,
        invoice.buyer_id,
        _date(invoice.period_start),
        _date(invoice.period_end),
        inv,
    ]
    rate_join = (
        f"JOIN {rate_t} k ON k.invoice_id = %s AND k.payment = r.payment "
        "AND k.intervention = r.intervention AND k.band = r.band "
        "AND r.service_date >= k.date_from AND r.service_date <= k.date_to"
    )
    hour = PriceUnit.HOUR.value
    # A record's own amount: hours at the unit price rounded half up to öre; a visit priced
    # per visit counts on the record where it starts (segment 0).
    row_ore = (
        f"CASE WHEN k.unit = '{hour}' THEN (2 * r.minutes * k.unit_price_ore + 60) / 120 "
        "WHEN r.segment = 0 THEN k.unit_price_ore ELSE 0 END"
    )
    pg = connection.vendor == "postgresql"
    if pg:
        # Fresh rows have no statistics yet: the planner would guess "1 row" and walk the
        # records person by person. Hash joins are right for a month of records.
        performer = "COALESCE(u.name, o.name)"
        names_join = (
            f"JOIN {org_t} o ON o.id = r.performer_org_id "
            f"LEFT JOIN {unit_t} u ON u.id = r.performer_unit_id"
        )
    else:
        performer = (
            f"COALESCE((SELECT u.name FROM {unit_t} u WHERE u.id = r.performer_unit_id), "
            f"(SELECT o.name FROM {org_t} o WHERE o.id = r.performer_org_id))"
        )
        names_join = ""
    with connection.cursor() as cursor:
        if pg:
            cursor.execute("SET LOCAL enable_nestloop = off")
        # Lines: one per person and line key (and dispute); persons numbered in id order.
        cursor.execute(
            f"""
            INSERT INTO {line} (invoice_id, position, person_id, person_no, line_key, rate_id,
                payment, dispute_ref, description, unit, unit_price_ore, minutes, visits,
                record_count, amount_ore, last_record_id, rows_ore)
            SELECT %s,
                ROW_NUMBER() OVER (ORDER BY g.person_id, g.line_key, g.dispute_ref),
                g.person_id, DENSE_RANK() OVER (ORDER BY g.person_id), g.line_key, g.rate_id,
                k.payment, g.dispute_ref, k.description, k.unit, k.unit_price_ore, g.minutes,
                g.visits, g.n,
                CASE WHEN k.unit = '{hour}' THEN (2 * g.minutes * k.unit_price_ore + 60) / 120
                     ELSE g.visits * k.unit_price_ore END,
                g.last_record_id, g.rows_ore
            FROM (
                SELECT r.person_id, k.line_key, MIN(k.id) AS rate_id, r.dispute_ref,
                    SUM(r.minutes) AS minutes,
                    SUM(CASE WHEN r.segment = 0 THEN 1 ELSE 0 END) AS visits,
                    COUNT(*) AS n,
                    MAX(r.id) AS last_record_id,
                    SUM({row_ore}) AS rows_ore
                FROM {rec} r {rate_join}
                WHERE {claimed}
                GROUP BY r.person_id, k.line_key, r.dispute_ref
            ) g
            JOIN {rate_t} k ON k.id = g.rate_id
            """,
            [inv, inv, *claimed_params],
        )
        cursor.execute(
            f"""
            INSERT INTO {person_t} (invoice_id, person_id, number)
            SELECT DISTINCT invoice_id, person_id, person_no FROM {line} WHERE invoice_id = %s
            """,
            [inv],
        )
        # Attachment rows: each record's own amount; the line's last record (highest id)
        # takes the rounding difference, so the attachment adds up to the line exactly.
        cursor.execute(
            f"""
            INSERT INTO {att} (invoice_id, position, record_id, person_no, service_date,
                start_at, end_at, performer, minutes, amount_ore)
            SELECT %s, l.position, r.id, l.person_no, r.service_date, r.start_at, r.end_at,
                {performer},
                r.minutes,
                {row_ore}
                    + CASE WHEN r.id = l.last_record_id THEN l.amount_ore - l.rows_ore ELSE 0 END
            FROM {rec} r {rate_join}
            JOIN {line} l ON l.invoice_id = %s AND l.person_id = r.person_id
                AND l.line_key = k.line_key AND l.dispute_ref = r.dispute_ref
            {names_join}
            WHERE {claimed}
            """,
            [inv, inv, inv, *claimed_params],
        )
        if pg:
            cursor.execute("SET LOCAL enable_nestloop = on")
    shared = list(
        InvoiceLine.objects.filter(invoice=invoice, payment=PaymentMode.SHARED).values_list(
            "pk", "dispute_ref", "amount_ore", "description"
        )
    )
    if shared:
        DisputeLedgerEntry.objects.bulk_create(
            [
                DisputeLedgerEntry(
                    dispute_ref=ref,
                    kind=LedgerKind.SPLIT,
                    source=LedgerSource.SERVICE,
                    agreement=invoice.agreement,
                    creditor_id=invoice.seller_id,
                    debtor_id=invoice.buyer_id,
                    cost_ore=2 * amount,
                    amount_ore=amount,
                    description=f"Faktura {invoice.number}: {description}"[:300],
                    occurred_on=invoice.period_end,
                    invoice_month=invoice.period_start,
                    invoice_line_id=line_id,
                )
                for line_id, ref, amount, description in shared
            ]
        )


def _records_on_lines(invoice: Invoice) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(record_count), 0) FROM {_t(InvoiceLine)} WHERE invoice_id = %s",
            [invoice.pk],
        )
        return int(cursor.fetchone()[0])


def _line_keys(plan: _Plan) -> list[int]:
    """Rates that read the same on an invoice (mode, unit, price, text) share lines."""
    keys: dict[tuple[Any, ...], int] = {}
    out = []
    for rate, payment, *_ in plan.rates:
        identity = (payment, rate.unit, rate.unit_price_ore, rate.description)
        out.append(keys.setdefault(identity, len(keys) + 1))
    return out


def _write_ledger_lines(invoice: Invoice, ledger_ids: list[int], month: dt.date) -> None:
    if not ledger_ids:
        return
    position = (
        InvoiceLine.objects.filter(invoice=invoice)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
        or 0
    )
    for entry in DisputeLedgerEntry.objects.filter(pk__in=ledger_ids).order_by("occurred_on", "pk"):
        position += 1
        kind = "Reglering" if entry.kind == LedgerKind.SETTLEMENT else "Delad kostnad 50 %"
        line = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            payment=PaymentMode.SHARED,
            dispute_ref=entry.dispute_ref,
            description=f"{kind} ({entry.dispute_ref}): {entry.description}"[:300],
            unit=PriceUnit.PIECE,
            unit_price_ore=entry.amount_ore,
            visits=1,
            amount_ore=entry.amount_ore,
        )
        DisputeLedgerEntry.objects.filter(pk=entry.pk, invoice_line__isnull=True).update(
            invoice_line=line
        )


def _totals(invoice: Invoice, record_count: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(SUM(amount_ore), 0), COUNT(*) FROM {_t(InvoiceLine)} "
            "WHERE invoice_id = %s",
            [invoice.pk],
        )
        total, count = cursor.fetchone()
    total = int(total)
    rounding = int(payable_rounding(Decimal(total) / 100) * 100)
    Invoice.objects.filter(pk=invoice.pk).update(
        line_total_ore=total,
        rounding_ore=rounding,
        payable_ore=total + rounding,
        line_count=count,
        record_count=record_count,
    )
    invoice.line_total_ore, invoice.rounding_ore = total, rounding
    invoice.payable_ore, invoice.line_count, invoice.record_count = (
        total + rounding,
        count,
        record_count,
    )


# --------------------------------------------------------------------------- credit notes


def credit_invoice(
    actor: Any, invoice: Invoice, *, reason: str, today: dt.date | None = None
) -> Invoice:
    """Credit ``invoice`` in full; its records go back as drafts for a correction run.

    Returns the credit note. The month is opened for correction (seller → buyer) until the
    next run for the month, which invoices what is approved by then and locks it again.
    """
    user = require_run_invoices(actor, invoice.seller)
    today = today or timezone.localdate()
    if not reason.strip():
        raise InvoicingRefused.one("reason", "required", "Skäl: ange varför fakturan krediteras.")
    with transaction.atomic():
        original = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if original.kind != InvoiceKind.INVOICE:
            raise InvoicingRefused.one(
                "invoice", "not_invoice", "En kreditfaktura kan inte krediteras."
            )
        if original.status != InvoiceStatus.ISSUED:
            raise InvoicingRefused.one(
                "invoice", "already_credited", "Fakturan är redan krediterad."
            )
        run = _correction_run(original, user)
        number = _next_number(original.seller)
        credit = Invoice.objects.create(
            run=run,
            seller_id=original.seller_id,
            buyer_id=original.buyer_id,
            number=invoice_number(original.seller, number),
            sequence_number=number,
            kind=InvoiceKind.CREDIT_NOTE,
            credits=original,
            agreement=original.agreement,
            issue_date=today,
            due_date=None,
            period_start=original.period_start,
            period_end=original.period_end,
            buyer_reference=original.buyer_reference,
            contract_reference=original.contract_reference,
            note=f"Kreditering av faktura {original.number}. Skäl: {reason.strip()}"[:2000],
            reason=reason.strip(),
            seller_party=original.seller_party,
            buyer_party=original.buyer_party,
            line_total_ore=original.line_total_ore,
            rounding_ore=original.rounding_ore,
            payable_ore=original.payable_ore,
            line_count=original.line_count,
            record_count=original.record_count,
            created_by=user,
        )
        _copy_documents_rows(original, credit)
        Invoice.objects.filter(pk=original.pk).update(status=InvoiceStatus.CREDITED)
        _records_of(original).update(status=RecordStatus.CREDITED, occupies=False)
        _clone_as_drafts(original, user)
        _reverse_ledger(original, credit)
        audit(
            actor,
            Action.CREATE,
            Invoice,
            credit.pk,
            why=f"Kreditfaktura {credit.number} krediterar {original.number}",
        )
    return credit


def _correction_run(original: Invoice, user: Any) -> InvoiceRun:
    runs = InvoiceRun.objects.select_for_update().filter(
        seller_id=original.seller_id, buyer_id=original.buyer_id, month=original.period_start
    )
    open_run = runs.filter(kind=RunKind.CORRECTION, status__in=ACTIVE_RUN).first()
    if open_run is not None:
        return open_run
    last = runs.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    return InvoiceRun.objects.create(
        seller_id=original.seller_id,
        buyer_id=original.buyer_id,
        month=original.period_start,
        kind=RunKind.CORRECTION,
        sequence=last + 1,
        status=RunStatus.OPEN,
        started_by=user,
        message=f"Rättelse efter kreditering av faktura {original.number}.",
    )


def _copy_documents_rows(original: Invoice, credit: Invoice) -> None:
    """The credit note repeats the original's lines, person map and attachment rows."""
    line_t, person_t, att_t = _t(InvoiceLine), _t(InvoicePerson), _t(AttachmentRow)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {person_t} (invoice_id, person_id, number)
            SELECT %s, person_id, number FROM {person_t} WHERE invoice_id = %s
            """,
            [credit.pk, original.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO {line_t} (invoice_id, position, person_id, person_no, line_key, rate_id,
                payment, dispute_ref, description, unit, unit_price_ore, minutes, visits,
                record_count, amount_ore, rows_ore, last_record_id)
            SELECT %s, position, person_id, person_no, line_key, rate_id, payment, dispute_ref,
                description, unit, unit_price_ore, minutes, visits, record_count, amount_ore,
                rows_ore, last_record_id
            FROM {line_t} WHERE invoice_id = %s
            """,
            [credit.pk, original.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO {att_t} (invoice_id, position, record_id, person_no, service_date,
                start_at, end_at, performer, minutes, amount_ore)
            SELECT %s, position, record_id, person_no, service_date, start_at, end_at,
                performer, minutes, amount_ore
            FROM {att_t} WHERE invoice_id = %s
            """,
            [credit.pk, original.pk],
        )


def _clone_as_drafts(original: Invoice, user: Any) -> int:
    """Copies of the credited records as drafts (``replaces`` the original), in one
    INSERT … SELECT: an invoice may hold a month of records."""
    copied = (
        "service_date, start_at, end_at, minutes, band, registration, segment, person_id, "
        "performer_org_id, performer_unit_id, staff_id, orderer_org_id, payer_org_id, "
        "intervention, basis, agreement, payment, decision_id, dispute_ref, external_id, "
        "withdrawn_reason, import_batch_id"
    )
    rec = _t(ServiceRecord)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {rec} ({copied}, status, occupies, replaces_id, created_by_id,
                created_at)
            SELECT {copied}, %s, %s, id, %s, %s FROM {rec}
            WHERE performer_org_id = %s AND payer_org_id = %s AND service_date >= %s
                AND service_date <= %s AND invoice_id = %s
            """,
            [
                RecordStatus.DRAFT.value,
                True,
                user.pk,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                original.seller_id,
                original.buyer_id,
                _date(original.period_start),
                _date(original.period_end),
                original.pk,
            ],
        )
        return int(cursor.rowcount)


def _reverse_ledger(original: Invoice, credit: Invoice) -> None:
    entries = list(
        DisputeLedgerEntry.objects.filter(invoice_line__invoice=original).select_related(
            "invoice_line"
        )
    )
    if not entries:
        return
    credit_lines = dict(InvoiceLine.objects.filter(invoice=credit).values_list("position", "pk"))
    new: list[DisputeLedgerEntry] = []
    for entry in entries:
        assert entry.invoice_line is not None
        new.append(
            DisputeLedgerEntry(
                dispute_ref=entry.dispute_ref,
                kind=LedgerKind.REVERSAL,
                source=entry.source,
                agreement=entry.agreement,
                creditor_id=entry.creditor_id,
                debtor_id=entry.debtor_id,
                cost_ore=-entry.cost_ore,
                amount_ore=-entry.amount_ore,
                description=f"Krediterad med {credit.number}: {entry.description}"[:300],
                occurred_on=credit.issue_date,
                invoice_month=entry.invoice_month,
                invoice_line_id=credit_lines.get(entry.invoice_line.position),
                reverses=entry,
            )
        )
        if entry.source != LedgerSource.SERVICE:
            # Not tied to records: book it again, to be invoiced by the correction run.
            new.append(
                DisputeLedgerEntry(
                    dispute_ref=entry.dispute_ref,
                    kind=entry.kind,
                    source=entry.source,
                    agreement=entry.agreement,
                    creditor_id=entry.creditor_id,
                    debtor_id=entry.debtor_id,
                    cost_ore=entry.cost_ore,
                    amount_ore=entry.amount_ore,
                    description=entry.description,
                    occurred_on=entry.occurred_on,
                    invoice_month=entry.invoice_month,
                )
            )
    DisputeLedgerEntry.objects.bulk_create(new)


def invoices_of_run(run: InvoiceRun) -> Iterable[Invoice]:
    return run.invoices.order_by("sequence_number")


records_of = _records_of
