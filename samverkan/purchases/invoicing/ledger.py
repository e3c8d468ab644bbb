"""Dispute-ledger entries on invoices: shared costs and settlements become invoice lines,
and a credit note reverses them."""

from __future__ import annotations

import datetime as dt

from samverkan.purchases.models import (
    DisputeLedgerEntry,
    Invoice,
    InvoiceLine,
    LedgerKind,
    LedgerSource,
    PaymentMode,
    PriceUnit,
)


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
