"""Credit notes: a whole invoice credited, its records back as drafts, a correction run
opened for the month."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from samverkan.accounts.models import acting_for
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.purchases.access import require_run_invoices
from samverkan.purchases.documents import validate_at_issue
from samverkan.purchases.errors import InvoicingRefused
from samverkan.purchases.invoicing.ledger import _reverse_ledger
from samverkan.purchases.invoicing.runs import ACTIVE_RUN, _next_number, invoice_number
from samverkan.purchases.invoicing.sql import _date, _records_of, _t
from samverkan.purchases.models import (
    AttachmentRow,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoicePerson,
    InvoiceRun,
    InvoiceStatus,
    RecordStatus,
    RunKind,
    RunStatus,
    ServiceRecord,
)
from samverkan.purchases.sources import sources


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
            detail_channel=original.detail_channel,
            line_total_ore=original.line_total_ore,
            rounding_ore=original.rounding_ore,
            payable_ore=original.payable_ore,
            line_count=original.line_count,
            record_count=original.record_count,
            created_by=user,
        )
        _copy_documents_rows(original, credit)
        # The official rules before it is issued: a fatal assertion rolls all this back.
        validate_at_issue(credit)
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
                payment, dispute_ref, orderer_unit_id, description, unit, unit_price_ore,
                minutes, visits, record_count, amount_ore, rows_ore, last_record_id)
            SELECT %s, position, person_id, person_no, line_key, rate_id, payment, dispute_ref,
                orderer_unit_id, description, unit, unit_price_ore, minutes, visits, record_count, amount_ore,
                rows_ore, last_record_id
            FROM {line_t} WHERE invoice_id = %s
            """,
            [credit.pk, original.pk],
        )
        cursor.execute(
            f"""
            INSERT INTO {att_t} (invoice_id, position, record_id, person_no, service_date,
                start_at, end_at, performer, orderer_unit, minutes, amount_ore)
            SELECT %s, position, record_id, person_no, service_date, start_at, end_at,
                performer, orderer_unit, minutes, amount_ore
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
        "withdrawn_reason, import_batch_id, orderer_unit_id"
    )
    rec = _t(ServiceRecord)
    # A record a source wrote (payment days: nobody's working time) never occupies its staff's
    # time, so its copy does not either; every other copy occupies again (the originals were
    # just released). On PostgreSQL the overlap guard refused the copies of payment days.
    prefixes = [f"{name}:%" for name in sources()]
    from_source = " OR ".join(["external_id LIKE %s"] * len(prefixes)) or "FALSE"
    seller_ids = acting_for(original.seller_id)  # with the private providers it invoices for
    sellers = ", ".join(["%s"] * len(seller_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {rec} ({copied}, status, occupies, replaces_id, created_by_id,
                created_at)
            SELECT {copied}, %s, NOT ({from_source}), id, %s, %s FROM {rec}
            WHERE performer_org_id IN ({sellers}) AND payer_org_id = %s AND service_date >= %s
                AND service_date <= %s AND invoice_id = %s
            """,
            [
                RecordStatus.DRAFT.value,
                *prefixes,
                user.pk,
                connection.ops.adapt_datetimefield_value(timezone.now()),
                *seller_ids,
                original.buyer_id,
                _date(original.period_start),
                _date(original.period_end),
                original.pk,
            ],
        )
        return int(cursor.rowcount)
