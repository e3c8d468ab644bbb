"""The set-based SQL of an invoice: rates, the anonymised person map, lines, attachment
rows and totals, written with ``INSERT … SELECT … GROUP BY`` and window functions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection

from samverkan.accounts.models import Organisation, Unit, acting_for
from samverkan.core.money import payable_rounding
from samverkan.purchases.disclosure import pseudonym_numbers
from samverkan.purchases.models import (
    AttachmentRow,
    DisputeLedgerEntry,
    Invoice,
    InvoiceLine,
    InvoicePerson,
    InvoiceRate,
    LedgerKind,
    LedgerSource,
    PaymentMode,
    PersonPseudonym,
    PriceUnit,
    ServiceRecord,
)

if TYPE_CHECKING:
    from samverkan.purchases.invoicing.runs import _Plan


def _t(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _date(day: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _records_of(invoice: Invoice) -> Any:
    """The records on an invoice, found through the billing index."""
    return ServiceRecord.objects.filter(
        performer_org_id__in=acting_for(invoice.seller_id),
        payer_org_id=invoice.buyer_id,
        service_date__gte=invoice.period_start,
        service_date__lte=invoice.period_end,
        invoice=invoice,
    )


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
                decision_id=decision_id,
                description=rate.description[:200],
                source=rate.source[:400],
            )
            for (
                rate,
                payment,
                intervention,
                band,
                date_from,
                date_to,
                decision_id,
            ), line_key in zip(plan.rates, _line_keys(plan), strict=True)
        ]
    )
    rec, rate_t, line = _t(ServiceRecord), _t(InvoiceRate), _t(InvoiceLine)
    person_t, att = _t(InvoicePerson), _t(AttachmentRow)
    org_t, unit_t, pseudonym_t = _t(Organisation), _t(Unit), _t(PersonPseudonym)
    inv = invoice.pk
    # The claimed records, found through the billing index (no index on invoice_id: an
    # index on it would be rewritten for every claimed row, the costliest part of a run).
    sellers = acting_for(invoice.seller_id)  # the seller and the private providers it contracted
    claimed = (
        f"r.performer_org_id IN ({', '.join(['%s'] * len(sellers))}) AND r.payer_org_id = %s "
        "AND r.service_date >= %s AND r.service_date <= %s AND r.invoice_id = %s"
    )
    claimed_params = [
        *sellers,
        invoice.buyer_id,
        _date(invoice.period_start),
        _date(invoice.period_end),
        inv,
    ]
    rate_join = (
        f"JOIN {rate_t} k ON k.invoice_id = %s AND k.payment = r.payment "
        "AND k.intervention = r.intervention AND k.band = r.band "
        "AND r.service_date >= k.date_from AND r.service_date <= k.date_to "
        # a rate a source's decision states prices that decision's records only
        "AND (k.decision_id IS NULL OR k.decision_id = r.decision_id)"
    )
    hour, day = PriceUnit.HOUR.value, PriceUnit.DAY.value
    # A record's own amount: hours at the unit price rounded half up to öre; a visit priced
    # per visit counts on the record where it starts (segment 0).
    row_ore = (
        f"CASE WHEN k.unit = '{hour}' THEN (2 * r.minutes * k.unit_price_ore + 60) / 120 "
        f"WHEN k.unit = '{day}' THEN (2 * r.minutes * k.unit_price_ore + 1440) / 2880 "
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
    pseudonym_numbers(
        invoice.seller_id,
        _records_of(invoice).order_by().values_list("person_id", flat=True).distinct(),
    )
    with connection.cursor() as cursor:
        if pg:
            cursor.execute("SET LOCAL enable_nestloop = off")
            # With nested loops disabled the plan's cost includes PostgreSQL's disable_cost
            # (10^10), far above jit_above_cost: each statement was JIT-compiled with
            # inlining and optimisation, about a second per invoice for a few rows
            # (EXPLAIN ANALYZE: "JIT … Total 1099 ms", execution 1.1 s of which the join
            # took 0.1 ms). These statements are short; JIT never pays here.
            cursor.execute("SET LOCAL jit = off")
        # Lines: one per person and line key (and dispute, and ordering unit), in the order
        # of the persons'
        # references (the seller's pseudonyms, `disclosure`; the run holds the seller's
        # counter lock, so taking new numbers here waits for nobody).
        cursor.execute(
            f"""
            INSERT INTO {line} (invoice_id, position, person_id, person_no, line_key, rate_id,
                payment, dispute_ref, orderer_unit_id, description, unit, unit_price_ore,
                minutes, visits, record_count, amount_ore, last_record_id, rows_ore)
            SELECT %s,
                ROW_NUMBER() OVER (
                    ORDER BY n.number, g.line_key, g.dispute_ref, COALESCE(g.orderer_unit_id, 0)
                ),
                g.person_id, n.number, g.line_key, g.rate_id,
                k.payment, g.dispute_ref, g.orderer_unit_id, k.description, k.unit, k.unit_price_ore, g.minutes,
                g.visits, g.n,
                CASE WHEN k.unit = '{hour}' THEN (2 * g.minutes * k.unit_price_ore + 60) / 120
                     WHEN k.unit = '{day}' THEN (2 * g.minutes * k.unit_price_ore + 1440) / 2880
                     ELSE g.visits * k.unit_price_ore END,
                g.last_record_id, g.rows_ore
            FROM (
                SELECT r.person_id, k.line_key, MIN(k.id) AS rate_id, r.dispute_ref,
                    r.orderer_unit_id,
                    SUM(r.minutes) AS minutes,
                    SUM(CASE WHEN r.segment = 0 THEN 1 ELSE 0 END) AS visits,
                    COUNT(*) AS n,
                    MAX(r.id) AS last_record_id,
                    SUM({row_ore}) AS rows_ore
                FROM {rec} r {rate_join}
                WHERE {claimed}
                GROUP BY r.person_id, k.line_key, r.dispute_ref, r.orderer_unit_id
            ) g
            JOIN {rate_t} k ON k.id = g.rate_id
            JOIN {pseudonym_t} n ON n.organisation_id = %s AND n.person_id = g.person_id
            """,
            [inv, inv, *claimed_params, invoice.seller_id],
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
                start_at, end_at, performer, orderer_unit, minutes, amount_ore)
            SELECT %s, l.position, r.id, l.person_no, r.service_date, r.start_at, r.end_at,
                {performer},
                COALESCE((SELECT ou.name FROM {unit_t} ou WHERE ou.id = r.orderer_unit_id), ''),
                r.minutes,
                {row_ore}
                    + CASE WHEN r.id = l.last_record_id THEN l.amount_ore - l.rows_ore ELSE 0 END
            FROM {rec} r {rate_join}
            JOIN {line} l ON l.invoice_id = %s AND l.person_id = r.person_id
                AND l.line_key = k.line_key AND l.dispute_ref = r.dispute_ref
                AND COALESCE(l.orderer_unit_id, 0) = COALESCE(r.orderer_unit_id, 0)
            {names_join}
            WHERE {claimed}
            """,
            [inv, inv, inv, *claimed_params],
        )
        if pg:
            cursor.execute("SET LOCAL enable_nestloop = on")
            cursor.execute("SET LOCAL jit TO DEFAULT")
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
