"""The files of an invoice: Peppol BIS 3.0 XML, the Swedish PDF, the attachment (CSV, PDF).

Built from what the invoice row froze when it was issued (party snapshots, lines, rates,
attachment rows), never from the live organisation data, so generation is deterministic:
the same invoice gives the same bytes. The first generation of each file is also stored
(``InvoiceDocument``) with its SHA-256, and later downloads return the stored bytes.

Persons appear only as the invoice's anonymised references (P-0001, …); the person map stays
in the database behind access checks (``person_map``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from samverkan.core.money import minutes_to_hours
from samverkan.purchases import peppol_validation
from samverkan.purchases.buyers import PDF, attachment_type
from samverkan.purchases.errors import InvoicingRefused, Problem
from samverkan.purchases.models import (
    AttachmentRow,
    DetailChannel,
    Invoice,
    InvoiceDocument,
    InvoiceKind,
    InvoiceLine,
    PriceUnit,
    ore_to_kronor,
    person_ref,
)
from samverkan.purchases.pdf import (
    ServiceRow,
    attachment_csv,
    render_attachment_pdf,
    render_invoice_pdf,
)
from samverkan.purchases.ubl import (
    Attachment,
    InvoiceDoc,
    Party,
    PrecedingInvoice,
    build_ubl,
)
from samverkan.purchases.ubl import InvoiceLine as UblLine

__all__ = [
    "CONTENT_TYPES",
    "FILENAMES",
    "attachment_rows",
    "build_invoice_doc",
    "document_bytes",
    "generate",
    "validate_at_issue",
]

CONTENT_TYPES = {
    InvoiceDocument.Kind.XML: "application/xml",
    InvoiceDocument.Kind.PDF: "application/pdf",
    InvoiceDocument.Kind.ATTACHMENT_CSV: "text/csv; charset=utf-8",
    InvoiceDocument.Kind.ATTACHMENT_PDF: "application/pdf",
}
FILENAMES = {
    InvoiceDocument.Kind.XML: "{number}.xml",
    InvoiceDocument.Kind.PDF: "{number}.pdf",
    InvoiceDocument.Kind.ATTACHMENT_CSV: "{number}-bilaga.csv",
    InvoiceDocument.Kind.ATTACHMENT_PDF: "{number}-bilaga.pdf",
}
UNIT_CODE = {
    PriceUnit.HOUR: "HUR",
    PriceUnit.VISIT: "C62",
    PriceUnit.PIECE: "C62",
    PriceUnit.DAY: "DAY",
}


MINUTES_PER_DAY = 1440


def _party(data: dict[str, Any]) -> Party:
    return Party(
        name=data["name"],
        org_number=data["org_number"],
        address_lines=tuple(data.get("address_lines") or ()),
        postal_code=data.get("postal_code") or "",
        city=data.get("city") or "",
        peppol_id=data.get("peppol_id"),
        peppol_scheme=data.get("peppol_scheme") or "0007",
        vat_number=data.get("vat_number"),
        contact_name=data.get("contact_name"),
        contact_email=data.get("contact_email"),
        contact_phone=data.get("contact_phone"),
        bankgiro=data.get("bankgiro"),
        plusgiro=data.get("plusgiro"),
        uses_ocr=bool(data.get("uses_ocr")),
    )


def _quantity(line: InvoiceLine) -> Decimal:
    if line.unit == PriceUnit.HOUR:
        # Six decimals keep quantity x price within PEPPOL-EN16931-R120's 0.02 of the line
        # amount (computed from the exact minutes) for any price below 30,000 kr/h.
        return minutes_to_hours(int(line.minutes), 6)
    if line.unit == PriceUnit.DAY:
        return Decimal(int(line.minutes) // MINUTES_PER_DAY)
    return Decimal(line.visits)


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def attachment_rows(invoice: Invoice) -> Iterator[ServiceRow]:
    rows = (
        AttachmentRow.objects.filter(invoice=invoice)
        .order_by("person_no", "start_at", "pk")
        .values_list(
            "service_date",
            "start_at",
            "end_at",
            "person_no",
            "performer",
            "orderer_unit",
            "minutes",
            "amount_ore",
        )
    )
    for day, start, end, number, performer, unit, minutes, amount in rows.iterator(chunk_size=5000):
        yield ServiceRow(
            date=day,
            start=_local(start).time(),
            end=_local(end).time(),
            person_ref=person_ref(number),
            performer=performer,
            hours=minutes_to_hours(int(minutes), 2),
            amount=ore_to_kronor(amount),
            minutes=int(minutes),
            orderer_unit=unit,
        )
    # Lines without a person (a shared cost or a settlement from the dispute ledger): listed
    # too, so the attachment adds up to the invoice to the öre.
    for description, amount_ore in (
        InvoiceLine.objects.filter(invoice=invoice, person_no__isnull=True)
        .order_by("position")
        .values_list("description", "amount_ore")
    ):
        yield ServiceRow(
            date=invoice.period_end or invoice.issue_date,
            start=None,
            end=None,
            person_ref="",
            performer=description,
            hours=Decimal(0),
            amount=ore_to_kronor(amount_ore),
        )


def build_invoice_doc(invoice: Invoice, *, with_attachment: bool = True) -> InvoiceDoc:
    # The buyer rule's channel for individual detail, frozen on the invoice: only an
    # embedded attachment puts person references into the e-invoice.
    embedded = invoice.detail_channel == DetailChannel.EMBEDDED
    lines = [
        UblLine(
            id=str(line.position),
            description=line.description,
            quantity=_quantity(line),
            unit_code=UNIT_CODE[PriceUnit(line.unit)],
            unit_price=ore_to_kronor(line.unit_price_ore),
            line_amount=ore_to_kronor(line.amount_ore),
            person_ref=(line.person_ref or None) if embedded else None,
        )
        for line in InvoiceLine.objects.filter(invoice=invoice)
        .order_by("position")
        .iterator(chunk_size=5000)
    ]
    attachments: tuple[Attachment, ...] = ()
    embed_pdf = False
    if embedded and with_attachment and AttachmentRow.objects.filter(invoice=invoice).exists():
        # The type the buyer accepts (buyers.attachment_type): CSV, or PDF for a buyer that
        # takes only PDF and images (Region Jämtland Härjedalen).
        embed_pdf = attachment_type(invoice.buyer) == PDF
        if not embed_pdf:
            attachments = (
                Attachment(
                    filename=f"{invoice.number}-bilaga.csv",
                    content=attachment_csv(attachment_rows(invoice)),
                    description="Bilaga på individnivå",
                ),
            )
    preceding = None
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.credits_id:
        original = Invoice.objects.only("number", "issue_date").get(pk=invoice.credits_id)
        preceding = PrecedingInvoice(original.number, original.issue_date)
    doc = InvoiceDoc(
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        seller=_party(invoice.seller_party),
        buyer=_party(invoice.buyer_party),
        buyer_reference=invoice.buyer_reference or None,
        contract_reference=invoice.contract_reference or None,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        note=invoice.note or None,
        lines=lines,
        document_type="credit_note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "invoice",
        preceding_invoice=preceding,
        attachments=attachments,
    )
    if embed_pdf:
        content = render_attachment_pdf(doc, list(attachment_rows(invoice)))
        pdf = Attachment(f"{invoice.number}-bilaga.pdf", content, PDF, "Bilaga på individnivå")
        doc = dataclasses.replace(doc, attachments=(pdf,))
    return doc


def generate(invoice: Invoice, kind: str) -> bytes:
    """The file, generated from the invoice (deterministic; not stored)."""
    if kind == InvoiceDocument.Kind.XML:
        return build_ubl(build_invoice_doc(invoice))
    if kind == InvoiceDocument.Kind.PDF:
        doc = build_invoice_doc(invoice, with_attachment=False)
        embedded = invoice.detail_channel == DetailChannel.EMBEDDED
        if embedded and AttachmentRow.objects.filter(invoice=invoice).exists():
            # The PDF names the attachment; its rows are in the attachment files.
            note = Attachment(filename=f"{invoice.number}-bilaga.csv", content=b"")
            doc = dataclasses.replace(doc, attachments=(note,))
        return render_invoice_pdf(doc)
    if kind == InvoiceDocument.Kind.ATTACHMENT_CSV:
        return attachment_csv(attachment_rows(invoice))
    if kind == InvoiceDocument.Kind.ATTACHMENT_PDF:
        doc = build_invoice_doc(invoice, with_attachment=False)
        return render_attachment_pdf(doc, list(attachment_rows(invoice)))
    raise ValueError(f"Okänd filtyp: {kind}")


def document_bytes(invoice: Invoice, kind: str) -> bytes:
    """The stored file, generated and stored on first use."""
    stored = InvoiceDocument.objects.filter(invoice=invoice, kind=kind).first()
    if stored is not None:
        return bytes(stored.content)
    content = generate(invoice, kind)
    try:
        with transaction.atomic():
            InvoiceDocument.objects.create(
                invoice=invoice,
                kind=kind,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
            )
    except IntegrityError:  # generated concurrently: the stored one wins (same bytes)
        stored = InvoiceDocument.objects.get(invoice=invoice, kind=kind)
        return bytes(stored.content)
    return content


def filename(invoice: Invoice, kind: str) -> str:
    return FILENAMES[InvoiceDocument.Kind(kind)].format(number=invoice.number)


# --------------------------------------------------------------------------- issue-time check

PEPPOL_FATAL = "peppol_fatal"
PEPPOL_UNAVAILABLE = "peppol_validation_unavailable"


def validate_at_issue(invoice: Invoice) -> list[str]:
    """Run the official Peppol BIS Billing 3.0 rules (EN 16931 and Peppol, see
    :mod:`samverkan.purchases.peppol_validation`) over the invoice's or credit note's XML
    before it is issued, inside the transaction that writes it.

    A fatal assertion refuses the document (``InvoicingRefused``, ``peppol_fatal``, the
    rule's text in the message): the transaction rolls back, so no number is used and no
    record is claimed. The XML that passed is stored as the invoice's file (the same bytes
    are downloaded later). Returns the warnings' texts, which are kept on the invoice.
    """
    kind_name = "Kreditfakturan" if invoice.kind == InvoiceKind.CREDIT_NOTE else "Fakturan"
    xml = generate(invoice, InvoiceDocument.Kind.XML)
    try:
        assertions = peppol_validation.validate(xml)
    except peppol_validation.PeppolValidationUnavailable as exc:
        raise InvoicingRefused.one(
            "invoice",
            PEPPOL_UNAVAILABLE,
            f"{kind_name} kan inte utfärdas: Peppols valideringsregler kan inte köras ({exc}).",
        ) from exc
    fatal = peppol_validation.fatal(assertions)
    if fatal:
        raise InvoicingRefused(
            [
                Problem(
                    "invoice",
                    PEPPOL_FATAL,
                    f"{kind_name} till {invoice.buyer_party.get('name', '')} kan inte "
                    f"utfärdas: den bryter mot Peppols regel ”{a.text}”. Mottagarens "
                    "accesspunkt skulle avvisa den.",
                )
                for a in fatal
            ]
        )
    InvoiceDocument.objects.create(
        invoice=invoice,
        kind=InvoiceDocument.Kind.XML,
        content=xml,
        sha256=hashlib.sha256(xml).hexdigest(),
    )
    warnings = [a.text for a in assertions if not a.is_fatal]
    if warnings:
        Invoice.objects.filter(pk=invoice.pk).update(peppol_warnings=warnings)
        invoice.peppol_warnings = warnings
    return warnings
