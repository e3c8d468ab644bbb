"""Reads of tjänsteköp other rooms use (the purchases room's door for reads; writes are in
`services`).

For the yearly follow-up report:

- `invoiced_service_minutes(agreements, first, last)`: the minutes of approved or invoiced
  service records invoiced between the parties, per performer and payer.
- `issued_invoice_sums(agreements, first, last)`: issued invoices (not credit notes) and
  the persons on each.

For a source's own pages (the discharge room's payment view of a stay):

- `source_record_states(source, key_prefix)`: the records a source wrote for its items
  whose keys start with ``key_prefix``, with their status, invoice number and hold reason.

For the invoice page:

- `invoice_ordering_units(invoice)`: the names of the buyer's ordering units whose services
  the invoice covers (its lines are per ordering unit).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from samverkan.purchases.bases import INVOICEABLE_MODES
from samverkan.purchases.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoicePerson,
    InvoiceStatus,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.sources import held_reasons

__all__ = [
    "SourceRecordState",
    "invoice_ordering_units",
    "invoiced_service_minutes",
    "issued_invoice_sums",
    "source_record_states",
]


def invoiced_service_minutes(
    agreements: Iterable[str], first: dt.date, last: dt.date
) -> list[tuple[str, str | None, Any, int]]:
    """(performer's name, payer's name or None, person id, minutes) of every approved or
    invoiced service record under ``agreements`` dated first..last whose payment mode is
    invoiced between the parties. NO access check: for the yearly report, which shows only
    aggregates with small cells suppressed."""
    return list(
        ServiceRecord.objects.filter(
            agreement__in=list(agreements),
            service_date__gte=first,
            service_date__lte=last,
            status__in=[RecordStatus.APPROVED, RecordStatus.INVOICED],
            payment__in=sorted(INVOICEABLE_MODES),
        ).values_list("performer_org__name", "payer_org__name", "person_id", "minutes")
    )


def issued_invoice_sums(
    agreements: Iterable[str], first: dt.date, last: dt.date
) -> list[tuple[str, str, int, set[str]]]:
    """(seller's name, buyer's name, line total in öre, person ids as text) of every issued
    invoice (not a credit note) under ``agreements`` for a period starting first..last, in
    the database's order. NO access check: for the yearly report, which shows only
    aggregates with small cells suppressed."""
    invoices = Invoice.objects.filter(
        agreement__in=list(agreements),
        kind=InvoiceKind.INVOICE,
        status=InvoiceStatus.ISSUED,
        period_start__gte=first,
        period_start__lte=last,
    ).values_list("pk", "seller__name", "buyer__name", "line_total_ore")
    persons: dict[int, set[str]] = defaultdict(set)
    for invoice_id, person_id in InvoicePerson.objects.filter(
        invoice_id__in=[i[0] for i in invoices]
    ).values_list("invoice_id", "person_id"):
        persons[invoice_id].add(str(person_id))
    return [(seller, buyer, ore, persons[pk]) for pk, seller, buyer, ore in invoices]


def invoiced_records_since(
    agreement: str, since: dt.date
) -> list[tuple[str, dt.date, str, dict[str, Any]]]:
    """(invoice number, service date, local start time HH:MM, decision snapshot) of every
    invoiced service record under ``agreement`` on an issued invoice (not a credit note),
    dated on or after ``since``. NO access check: for the revision room's retroactive check,
    which lists invoice numbers for a credit note or a dispute, never a person (issue 14)."""
    from django.utils import timezone

    records = (
        ServiceRecord.objects.filter(
            agreement=agreement,
            service_date__gte=since,
            status=RecordStatus.INVOICED,
            invoice__kind=InvoiceKind.INVOICE,
            invoice__status=InvoiceStatus.ISSUED,
        )
        .select_related("invoice", "decision")
        .order_by("invoice__number", "pk")
    )
    return [
        (
            r.invoice.number,
            r.service_date,
            timezone.localtime(r.start_at).strftime("%H:%M"),
            dict(r.decision.data) if r.decision_id else {},
        )
        for r in records
        if r.invoice is not None
    ]


@dataclass(frozen=True)
class SourceRecordState:
    """One record a source (`purchases.sources`) wrote for one of its items."""

    key: str  # the source's item key (the record's external id without "<source>:")
    service_date: dt.date
    minutes: int
    status: str  # RecordStatus: draft, approved, invoiced, credited
    invoice_number: str  # "" until invoiced
    hold: str  # why a draft waits ("" when nothing holds it)


def source_record_states(source: str, key_prefix: str) -> list[SourceRecordState]:
    """The live (not withdrawn) records ``source`` wrote for the items whose keys start with
    ``key_prefix``, oldest first. NO access check: the source's room decides who sees them
    (the discharge room shows a stay's own records to those who see its payment days)."""
    prefix = f"{source}:{key_prefix}"
    records = list(
        ServiceRecord.objects.filter(external_id__startswith=prefix)
        .exclude(status=RecordStatus.WITHDRAWN)
        .select_related("invoice")
        .order_by("service_date", "pk")
    )
    holds = held_reasons([r.decision_id for r in records if r.status == RecordStatus.DRAFT])
    return [
        SourceRecordState(
            key=r.external_id.removeprefix(f"{source}:"),
            service_date=r.service_date,
            minutes=r.minutes,
            status=r.status,
            invoice_number=r.invoice.number if r.invoice_id and r.invoice else "",
            hold=holds.get(r.decision_id, "") if r.status == RecordStatus.DRAFT else "",
        )
        for r in records
    ]


def invoice_ordering_units(invoice: Invoice) -> list[str]:
    """The ordering units an invoice covers, by name (none: no line names a unit)."""
    return sorted(
        set(
            InvoiceLine.objects.filter(invoice=invoice, orderer_unit__isnull=False).values_list(
                "orderer_unit__name", flat=True
            )
        )
    )
