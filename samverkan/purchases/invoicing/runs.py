"""Invoice runs: parties, the selection and plan of a month, the run and one invoice per
agreement and "Er referens" in one transaction (see the package docstring).

"Er referens" (BuyerReference): the agreement's fixed reference where it has one (all its
services, one invoice); else the reference of the ordering unit (``OrderingUnitReference``)
where the record names a unit of the buyer that has one; else the buyer's *fakturareferens*.
Services ordered by two units with different references go on two invoices."""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit, acting_for
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.core import words
from samverkan.core.money import format_sek
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
from samverkan.purchases.buyers import (
    identifier_problem,
    reference_problem,
    rule_for,
    rule_warnings,
    unit_references,
)
from samverkan.purchases.dbtune import tune_for_bulk_work
from samverkan.purchases.documents import validate_at_issue
from samverkan.purchases.errors import InvoicingRefused, Problem
from samverkan.purchases.invoicing.ledger import _write_ledger_lines
from samverkan.purchases.invoicing.sql import _records_on_lines, _totals, _write_records_part
from samverkan.purchases.models import (
    BillingProfile,
    DetailChannel,
    DisputeLedgerEntry,
    Invoice,
    InvoiceCounter,
    InvoiceKind,
    InvoiceRun,
    RecordStatus,
    RunKind,
    RunStatus,
    ServiceRecord,
)
from samverkan.purchases.pricing import Missing, PriceIndex, Rate, decisions_of, priced_by, rate_for
from samverkan.purchases.sources import refresh_sources, release_held
from samverkan.purchases.timesplit import next_banking_day
from samverkan.purchases.ubl import InvoiceDataError, normalize_org_number, swedish_vat_number


def _checkpoint(name: str) -> None:
    """The package's hook, looked up when called (tests replace
    ``samverkan.purchases.invoicing._checkpoint`` to crash at a named point of a run)."""
    sys.modules[__package__]._checkpoint(name)  # type: ignore[attr-defined]


ACTIVE_RUN = (RunStatus.OPEN, RunStatus.RUNNING)


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


def _digits(org: Organisation) -> str | None:
    try:
        return normalize_org_number(org.org_number)
    except InvoiceDataError:
        return None


def party_problems(
    seller: Organisation,
    buyer: Organisation,
    agreement: str,
    unit_reference: str = "",
    unit_names: str = "",
) -> list[Problem]:
    """What the seller and buyer lack for an e-invoice (Swedish, one problem each); with
    ``unit_reference``, of the invoice carrying that ordering unit's reference instead of the
    default one (``unit_names`` says whose it is)."""
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
    unconfirmed = identifier_problem(buyer)
    if unconfirmed is not None:
        problems.append(unconfirmed)
    if unit_reference:
        wrong = reference_problem(buyer, unit_reference)
        if wrong is not None:
            problems.append(
                Problem(
                    wrong.field,
                    wrong.code,
                    f"{wrong.message} Referensen gäller beställande enhet {unit_names}; ändra "
                    "den under Fakturamottagare.",
                )
            )
        return problems
    terms = BILLING_TERMS.get(agreement)
    reference = (terms.buyer_reference if terms else "") or buyer.invoice_reference
    if reference and (wrong := reference_problem(buyer, reference)) is not None:
        problems.append(wrong)
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
        "plusgiro": (profile.plusgiro or None) if profile else None,
        "uses_ocr": bool(profile and profile.uses_ocr),
    }


def _selection(seller_id: int, buyer_id: int, month: dt.date) -> Any:
    return ServiceRecord.objects.filter(
        performer_org_id__in=acting_for(seller_id),
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


class ReferenceSplit:
    """Which records of a buyer go on an invoice of their own: those whose ordering unit has
    a reference (``OrderingUnitReference``) other than the buyer's *fakturareferens*, under
    agreements that fix no reference of their own."""

    def __init__(self, buyer: Organisation) -> None:
        self.units = {
            unit: reference
            for unit, reference in unit_references(buyer).items()
            if reference != buyer.invoice_reference
        }

    def applies(self, agreement: str) -> bool:
        terms = BILLING_TERMS.get(agreement)
        # an agreement that fixes the reference (Gävleborg's "KST 80904") keeps it for all
        return bool(self.units) and not (terms is not None and terms.buyer_reference)

    def reference(self, agreement: str, unit_id: int | None) -> str:
        """The unit's reference for a record, or "" for the default reference."""
        if unit_id is None or not self.applies(agreement):
            return ""
        return self.units.get(unit_id, "")

    def unit_ids(self, agreement: str, reference: str) -> list[int]:
        """The units of ``reference``; for "" (the default reference's invoice), the units
        whose records go on invoices of their own."""
        if not self.applies(agreement):
            return []
        return sorted(u for u, r in self.units.items() if not reference or r == reference)


@dataclass
class _Plan:
    agreement: str
    #: rate, payment, intervention, band, from, to, the decision it prices (None: every
    #: record of the key; a source's records are priced by their decision, `priced_by`)
    rates: list[tuple[Rate, str, str, str, dt.date, dt.date, int | None]]
    record_count: int
    ledger_ids: list[int]
    #: The ordering units' reference of this invoice; "" for the default reference (the
    #: agreement's or the buyer's), whose invoice takes the records of every other unit.
    reference: str = ""
    #: With a reference: the units that carry it; without: the units that go elsewhere.
    units: list[int] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.agreement, self.reference)

    def claims(self) -> Q:
        """The records of the agreement's month that this invoice takes."""
        if self.reference:
            return Q(orderer_unit_id__in=self.units)
        return ~Q(orderer_unit_id__in=self.units) if self.units else Q()


def _plan(
    seller: Organisation, buyer: Organisation, month: dt.date
) -> tuple[list[_Plan], list[Problem], int]:
    """Rates per agreement and reference for the month's records, the problems (missing
    prices…) and the number of drafts left out; one pass over the month's records of the
    pair."""
    index = PriceIndex()
    split = ReferenceSplit(buyer)
    invoiceable = Q(status=RecordStatus.APPROVED, payment__in=sorted(INVOICEABLE_MODES))
    keys = (
        ServiceRecord.objects.filter(
            performer_org_id__in=acting_for(seller.pk),
            payer_org_id=buyer.pk,
            service_date__gte=month,
            service_date__lte=month_end(month),
            status__in=(RecordStatus.APPROVED, RecordStatus.DRAFT),
        )
        .annotate(priced_by=priced_by())
        .values_list(
            "agreement",
            "payment",
            "intervention",
            "band",
            "priced_by",
            "service_date",
            "orderer_unit",
        )
        .annotate(
            n=Count("id", filter=invoiceable),
            drafts=Count("id", filter=Q(status=RecordStatus.DRAFT)),
        )
        .order_by("agreement", "payment", "intervention", "band", "priced_by", "service_date")
    )
    decisions = decisions_of({k[4] for k in keys if k[4] is not None and k[7]})
    counts: dict[tuple[str, str], int] = defaultdict(int)
    plans: dict[tuple[str, str], _Plan] = {}
    missing: dict[str, tuple[str, int]] = {}
    drafts = 0
    for agreement, payment, intervention, band, decision_id, day, unit, n_day, drafts_day in keys:
        drafts += drafts_day
        if not n_day:
            continue
        reference = split.reference(agreement, unit)
        counts[(agreement, reference)] += n_day
        rate = rate_for(
            index,
            payment=payment,
            agreement=agreement,
            intervention=intervention,
            band=band,
            day=day,
            decision=decisions.get(decision_id) if decision_id is not None else None,
        )
        plan = plans.get((agreement, reference))
        if plan is None:
            units = split.unit_ids(agreement, reference)
            plan = plans[(agreement, reference)] = _Plan(agreement, [], 0, [], reference, units)
        if isinstance(rate, Missing):
            message, n = missing.get(rate.message, (rate.message, 0))
            missing[rate.message] = (message, n + n_day)
            continue
        last = plan.rates[-1] if plan.rates else None
        # Keys come sorted by date: a rate row spans every record day of its key until
        # the price changes (no record of the key lies between with another price).
        if (
            last is not None
            and last[0] == rate
            and last[1:4] == (payment, intervention, band)
            and last[6] == decision_id
        ):
            plan.rates[-1] = (*last[:5], day, decision_id)
        else:
            plan.rates.append((rate, payment, intervention, band, day, day, decision_id))
    for plan_key, n in counts.items():
        plans[plan_key].record_count += n
    for entry_id, agreement in _ledger_open(seller.pk, buyer.pk, month).values_list(
        "id", "agreement"
    ):
        # An open dispute-ledger entry names no unit: the default reference's invoice takes
        # it, else the agreement's first invoice.
        plan = plans.get((agreement, "")) or next(
            (p for k, p in sorted(plans.items()) if k[0] == agreement), None
        )
        if plan is None:
            units = split.unit_ids(agreement, "")
            plan = plans[(agreement, "")] = _Plan(agreement, [], 0, [], "", units)
        plan.ledger_ids.append(entry_id)
    problems = [
        Problem("price", "price_missing", f"{message} ({words.count(n, 'insats', 'insatser')}).")
        for message, n in missing.values()
    ]
    for plan in plans.values():
        names = unit_names(plan.units) if plan.reference else ""
        problems.extend(
            p
            for p in party_problems(seller, buyer, plan.agreement, plan.reference, names)
            if p not in problems
        )
    return list(plans.values()), problems, drafts


def unit_names(unit_ids: Iterable[int]) -> str:
    """The units' names, for a message ("Hälsocentral Centrum och Medicinkliniken")."""
    names = sorted(Unit.objects.filter(pk__in=list(unit_ids)).values_list("name", flat=True))
    return " och ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names)


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

    # Held days released after their month was locked reopen it (purchases.sources).
    release_held(user, seller=seller, buyer=buyer)
    run = _current_run(seller, buyer, month)
    if run is not None or not _is_done(seller, buyer, month):
        # Other rooms' billable facts (betalningsansvar) as records of this same run.
        refresh_sources(user, seller=seller, buyer=buyer, month=month)
    if run is None and _is_done(seller, buyer, month):
        drafts = ServiceRecord.objects.filter(
            performer_org_id__in=acting_for(seller.pk),
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
        why=f"Fakturering från {seller.name} till {buyer.name} för {month:%Y-%m} startad",
    )
    created: list[Invoice] = []
    pending, replanned = sorted(plans, key=lambda p: p.key), False
    while pending:
        plan = pending.pop(0)
        _checkpoint("before_invoice")
        try:
            invoice = _create_invoice(run, plan, user=user, today=today)
        except _PlanOutdated:
            # Records were approved while the run planned (a key it has no rate for): plan
            # again; the invoice of this agreement is made from the new plan.
            fresh, problems, drafts = _plan(seller, buyer, month)
            if problems:
                raise InvoicingRefused(problems) from None
            again = next((p for p in fresh if p.key == plan.key), None)
            invoice = _create_invoice(run, again, user=user, today=today) if again else None
        if invoice is not None:
            created.append(invoice)
            audit(actor, Action.CREATE, Invoice, invoice.pk, why=f"Faktura {invoice.number}")
        _checkpoint("after_invoice")
        if not pending and not replanned and _selection(seller.pk, buyer.pk, month).exists():
            # Records approved while the run went on, for an invoice it had not planned (an
            # ordering unit's reference, an agreement): plan once more, for them.
            replanned = True
            fresh, problems, drafts = _plan(seller, buyer, month)
            if problems:
                raise InvoicingRefused(problems)
            pending = sorted(fresh, key=lambda p: p.key)

    invoices = list(Invoice.objects.filter(run=run).order_by("sequence_number"))
    late = any(i.late for i in invoices if i.kind == InvoiceKind.INVOICE)
    deadlines = [i.deadline for i in invoices if i.deadline]
    messages = [f"{words.count(len(created), 'faktura', 'fakturor')} skapade för {month:%Y-%m}."]
    for invoice in invoices:
        for warning in invoice.peppol_warnings:
            messages.append(f"Varning enligt Peppols regler, faktura {invoice.number}: {warning}")
        if invoice.late and invoice.deadline:
            messages.append(
                f"Sen: faktura {invoice.number} ska vara {buyer.name} tillhanda senast "
                f"{invoice.deadline:%Y-%m-%d} (avtalets krav) men är daterad "
                f"{invoice.issue_date:%Y-%m-%d}."
            )
    if created:
        messages.extend(rule_warnings(buyer))
    if drafts:
        messages.append(
            f"{words.count(drafts, 'insats', 'insatser')} är utkast och ingår inte; godkänn dem först."
        )
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


def _note(plan: _Plan, month: dt.date, channel: str = DetailChannel.EMBEDDED) -> str:
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
        parts.append(DETAIL_NOTES[channel])
    return " ".join(parts)


#: What the invoice says of the individual-level detail, by the buyer rule's channel.
DETAIL_NOTES: dict[str, str] = {
    DetailChannel.EMBEDDED: "Bilaga på individnivå med anonymiserade personreferenser.",
    DetailChannel.SEPARATE: "Underlag på individnivå skickas separat, inte med e-fakturan.",
    DetailChannel.SAMVERKAN: "Underlag på individnivå finns i Samverkan under fakturans nummer "
    "(Tjänsteköp, Fakturor), för den som har behörighet.",
}


def _create_invoice(run: InvoiceRun, plan: _Plan, *, user: Any, today: dt.date) -> Invoice | None:
    seller, buyer, month = run.seller, run.buyer, run.month
    channel = rule_for(buyer).detail_channel
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
                due_date=next_banking_day(today + dt.timedelta(days=payment_days)),
                period_start=month,
                period_end=month_end(month),
                deadline=deadline,
                late=bool(deadline and today > deadline),
                buyer_reference=plan.reference
                or (terms.buyer_reference if terms and terms.buyer_reference else "")
                or buyer.invoice_reference,
                contract_reference=terms.contract_reference if terms else "",
                note=_note(plan, month, channel),
                detail_channel=channel,
                seller_party=_party(seller, seller=True, agreement=plan.agreement),
                buyer_party=_party(buyer, seller=False, agreement=plan.agreement),
                created_by=user,
            )
            claimed = (
                _selection(seller.pk, buyer.pk, month)
                .filter(plan.claims(), agreement=plan.agreement)
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
            # The official rules before it is issued: a fatal assertion rolls all this back.
            validate_at_issue(invoice)
            _checkpoint("before_commit")
    except _NothingToInvoice:
        return None
    return invoice


def invoices_of_run(run: InvoiceRun) -> Iterable[Invoice]:
    return run.invoices.order_by("sequence_number")
