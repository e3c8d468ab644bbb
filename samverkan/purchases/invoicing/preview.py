"""What an invoice run would do, before it locks the month (nothing is written).

``preview_run(actor, seller=…, buyer=…, month=…) -> RunPreview`` lists what the run includes
(approved records per agreement, with minutes and an estimated amount; open dispute-ledger
entries) and what it leaves out and why: drafts (not approved), records without a price
(the run then refuses), records the agreement gives no payment for. A month that is already
locked says so, with the drafts left in it: those cannot be approved into the locked month,
only brought in by a correction (credit note). ``fingerprint`` identifies the selection; the
page sends it back with the confirmation and the run goes ahead only if it is unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum

from samverkan.accounts.models import Organisation, acting_for
from samverkan.core.money import format_sek, ore_to_kronor
from samverkan.purchases.access import require_run_invoices
from samverkan.purchases.bases import (
    AGREEMENT_NAMES,
    INVOICEABLE_MODES,
    PAYMENT_RESPONSIBILITY,
    SHARED,
    month_end,
)
from samverkan.purchases.bases import month_start as _month_start
from samverkan.purchases.buyers import rule_warnings
from samverkan.purchases.errors import InvoicingRefused
from samverkan.purchases.models import PriceUnit, RecordStatus, ServiceRecord
from samverkan.purchases.pricing import Missing, PriceIndex, Rate, decisions_of, priced_by, rate_for
from samverkan.purchases.sources import held_reasons, refresh_sources, release_held

#: Payment modes whose records come from a source (`samverkan.purchases.sources`).
SOURCE_MODES = frozenset({PAYMENT_RESPONSIBILITY})


def estimate_ore(rate: Rate, minutes: int, records: int) -> int:
    """A rate's amount for records of ``minutes`` (hour prices) or ``records`` visits."""
    if rate.unit == PriceUnit.VISIT:
        return rate.unit_price_ore * records
    if rate.unit == PriceUnit.DAY:
        return minutes // 1440 * rate.unit_price_ore
    return (minutes * rate.unit_price_ore + 30) // 60


@dataclass
class PreviewGroup:
    """One row of the preview: a count of records, their minutes, an amount, and why."""

    label: str
    records: int = 0
    minutes: int = 0
    amount_ore: int | None = None

    @property
    def amount(self) -> str:
        return format_sek(ore_to_kronor(self.amount_ore)) if self.amount_ore is not None else ""


@dataclass
class RunPreview:
    seller: Organisation
    buyer: Organisation
    month: dt.date
    locked: bool = False
    included: list[PreviewGroup] = field(default_factory=list)
    excluded: list[PreviewGroup] = field(default_factory=list)
    ledger_entries: int = 0
    ledger_ore: int = 0
    shared_records: int = 0
    blocking: bool = False  # missing prices or party data: the run would refuse
    problems: list[str] = field(default_factory=list)  # party data the e-invoice lacks
    #: what is unsure of the buyer's rule or address (Hudiksvall's 2011 page); not blocking
    warnings: list[str] = field(default_factory=list)

    @property
    def included_records(self) -> int:
        return sum(g.records for g in self.included)

    @property
    def included_ore(self) -> int:
        return sum(g.amount_ore or 0 for g in self.included) + self.ledger_ore

    @property
    def included_amount(self) -> str:
        return format_sek(ore_to_kronor(self.included_ore))

    @property
    def ledger_amount(self) -> str:
        return format_sek(ore_to_kronor(self.ledger_ore))

    @property
    def drafts(self) -> int:
        return sum(g.records for g in self.excluded if g.label.startswith("Utkast"))

    @property
    def fingerprint(self) -> str:
        parts = [f"{self.month:%Y-%m}", str(self.locked), str(self.ledger_entries)]
        parts += [f"{g.label}:{g.records}:{g.minutes}" for g in self.included + self.excluded]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    @property
    def nothing(self) -> bool:
        return not self.included and not self.ledger_entries


def preview_run(
    actor: Any, *, seller: Organisation, buyer: Organisation, month: dt.date
) -> RunPreview:
    """The run's selection for ``seller``→``buyer`` in ``month`` (ekonom of the seller)."""
    from samverkan.purchases.invoicing.runs import (
        ReferenceSplit,
        _is_done,
        _ledger_open,
        party_problems,
        unit_names,
    )

    user = require_run_invoices(actor, seller)
    if seller.pk == buyer.pk:
        raise InvoicingRefused.one("buyer", "same_party", "Säljare och köpare kan inte vara samma.")
    month = _month_start(month)
    # Held days released after their month was locked reopen it (purchases.sources).
    release_held(user, seller=seller, buyer=buyer)
    preview = RunPreview(seller=seller, buyer=buyer, month=month)
    preview.locked = _is_done(seller, buyer, month) and not _open_correction(seller, buyer, month)
    # Other rooms' billable facts (betalningsansvar) become records of the run first; what
    # they leave out without a record (a missing notice) is listed with its reason.
    from_sources = (
        [] if preview.locked else refresh_sources(user, seller=seller, buyer=buyer, month=month)
    )
    rows = (
        ServiceRecord.objects.filter(
            performer_org_id__in=acting_for(seller.pk),
            payer_org_id=buyer.pk,
            service_date__gte=month,
            service_date__lte=month_end(month),
            status__in=(RecordStatus.APPROVED, RecordStatus.DRAFT),
            invoice__isnull=True,
        )
        .annotate(held=priced_by())
        .values_list(
            "status",
            "agreement",
            "payment",
            "intervention",
            "band",
            "service_date",
            "held",
            "orderer_unit",
        )
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .order_by("agreement", "payment", "intervention", "band", "service_date")
    )
    # Records of a source held back (an open dispute, an amount to confirm) say why; other
    # records are grouped without their decision (the query groups by it only for these).
    held = held_reasons(sorted({r[6] for r in rows if r[6] is not None and r[0] == "draft"}))
    decisions = decisions_of({r[6] for r in rows if r[6] is not None and r[0] != "draft"})
    index = PriceIndex()
    split = ReferenceSplit(buyer)
    references: set[tuple[str, str]] = set()  # (agreement, a unit's reference) included
    defaults: set[str] = set()  # agreements with included records under the default reference
    included: dict[str, PreviewGroup] = {}
    excluded: dict[str, PreviewGroup] = defaultdict(lambda: PreviewGroup(""))
    for status, agreement, payment, intervention, band, day, decision_id, unit, n, minutes in rows:
        minutes = minutes or 0
        reason: str | None = None
        rate: Rate | Missing | None = None
        if status == RecordStatus.DRAFT and decision_id in held and not preview.locked:
            reason = held[decision_id]
        elif status == RecordStatus.DRAFT:
            reason = (
                "Utkast i en låst månad: kan inte godkännas in i månaden; ta med dem genom "
                "kreditfaktura och ny körning, eller makulera dem"
                if preview.locked
                else "Utkast, inte godkända: ingår inte (godkänn dem i månadsgranskningen först)"
            )
        elif payment not in INVOICEABLE_MODES:
            reason = "Ingen ersättning enligt avtalet: faktureras inte"
        elif preview.locked:
            reason = "Månaden är låst"
        else:
            rate = rate_for(
                index,
                payment=payment,
                agreement=agreement,
                intervention=intervention,
                band=band,
                day=day,
                decision=decisions.get(decision_id) if decision_id is not None else None,
            )
            if isinstance(rate, Missing):
                reason = f"Pris saknas: {rate.message} Faktureringen stoppas tills priset finns"
                preview.blocking = True
        if reason is not None:
            group = excluded[reason]
            group.label = reason
            group.records += n
            group.minutes += minutes
            continue
        assert isinstance(rate, Rate)
        label = AGREEMENT_NAMES.get(agreement, agreement)
        reference = split.reference(agreement, unit)
        if reference:  # an invoice of its own, with the ordering unit's reference
            references.add((agreement, reference))
            label = f"{label}, Er referens {reference}"
        else:
            defaults.add(agreement)
        group = included.setdefault(label, PreviewGroup(label, amount_ore=0))
        group.records += n
        group.minutes += minutes
        group.amount_ore = (group.amount_ore or 0) + estimate_ore(rate, minutes, n)
        if payment == SHARED:
            preview.shared_records += n
    for why, n in from_sources:
        group = excluded[why]
        group.label = why
        group.records += n
    if not preview.locked:
        ledger = _ledger_open(seller.pk, buyer.pk, month).aggregate(
            n=Count("id"), ore=Sum("amount_ore")
        )
        preview.ledger_entries, preview.ledger_ore = ledger["n"] or 0, ledger["ore"] or 0
    agreements = {a for _, a, *__ in rows} if (included or preview.ledger_entries) else set()
    # an agreement whose included records all carry their units' references needs no other
    agreements -= {a for a, _ in references} - defaults
    for agreement in sorted(agreements):
        for p in party_problems(seller, buyer, agreement):
            if p.message not in preview.problems:
                preview.problems.append(p.message)
    for agreement, reference in sorted(references):
        names = unit_names(split.unit_ids(agreement, reference))
        for p in party_problems(seller, buyer, agreement, reference, names):
            if p.message not in preview.problems:
                preview.problems.append(p.message)
    preview.blocking = preview.blocking or bool(preview.problems)
    if not preview.locked:
        preview.warnings = rule_warnings(buyer)
    preview.included = sorted(included.values(), key=lambda g: g.label)
    preview.excluded = sorted(excluded.values(), key=lambda g: g.label)
    return preview


def _open_correction(seller: Organisation, buyer: Organisation, month: dt.date) -> bool:
    from samverkan.purchases.models import InvoiceRun, RunKind, RunStatus

    return InvoiceRun.objects.filter(
        seller=seller,
        buyer=buyer,
        month=month,
        kind=RunKind.CORRECTION,
        status__in=(RunStatus.OPEN, RunStatus.RUNNING),
    ).exists()
