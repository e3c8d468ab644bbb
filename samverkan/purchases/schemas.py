"""API schemas of tjänsteköp, read from the models' and results' attributes (django-ninja:
`Field(alias="a.b")` follows a relation, `resolve_<name>` computes what no attribute holds).
Responses are unchanged from when `api.py` mapped them by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field, StrictInt

from samverkan.api.schemas import IsoDate
from samverkan.purchases.models import (
    DecisionSnapshot,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    Price,
    PriceList,
)

#: What of a record's decision the ekonom reads: who pays, how, and the clauses that say so.
FINANCE_DECISION_KEYS = frozenset(
    {"basis", "band", "payment", "source", "status", "in_force", "agreements", "reasons"}
)


class RecordOut(Schema):
    id: int
    registration: uuid.UUID
    segment: int
    service_date: dt.date
    start: dt.datetime = Field(alias="start_at")
    end: dt.datetime = Field(alias="end_at")
    minutes: int
    band: str
    person_id: uuid.UUID | None = Field(
        description="the person, when you are care staff who may see the person (else null)"
    )
    person_ref: str = Field(
        description="the performing organisation's pseudonymous reference (as on its invoices)"
    )
    performer_org: str = Field(alias="performer_org.scb_code")
    staff: str = Field(alias="staff.username")
    orderer_org: str = Field(alias="orderer_org.scb_code")
    orderer_unit: str | None = Field(description="the ordering unit's name (else null)")
    payer_org: str | None
    intervention: str
    basis: str
    agreement: str
    payment: str
    dispute_ref: str
    status: str
    invoice_id: int | None

    @staticmethod
    def resolve_payer_org(record: Any) -> str | None:
        return record.payer_org.scb_code if record.payer_org else None

    @staticmethod
    def resolve_orderer_unit(record: Any) -> str | None:
        return record.orderer_unit.name if record.orderer_unit_id else None


class RecordDetail(RecordOut):
    decision: dict[str, Any]

    @staticmethod
    def resolve_decision(record: Any) -> dict[str, Any]:
        data: dict[str, Any] = DecisionSnapshot.objects.get(pk=record.decision_id).data
        if getattr(record, "finance_view", False):
            # Need-to-know: invoicing needs who pays and why, not the facts of the care.
            return {k: v for k, v in data.items() if k in FINANCE_DECISION_KEYS}
        return data


class RecordPage(Schema):
    month: str
    count: int
    page: int
    items: list[RecordOut]


class RecordIn(Schema):
    person_id: uuid.UUID
    start: dt.datetime = Field(description="ISO 8601; without offset: Swedish time")
    end: dt.datetime
    intervention: str
    basis: str
    orderer: str | None = Field(default=None, description="SCB code of the ordering org")
    orderer_unit: str | None = Field(
        default=None,
        max_length=200,
        description="the ordering unit, a unit of the ordering org: its HSA-id or name; its "
        "reference becomes the invoice's BuyerReference",
    )
    dispute_ref: str = Field(default="", max_length=64)
    external_id: str = Field(default="", max_length=64)
    staff: str | None = Field(default=None, description="user name (ekonom/MAS only)")
    approve: bool = False


class WithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class ApproveIn(Schema):
    month: str
    record_ids: list[StrictInt] | None = None  # `false` is no record id


class ApproveOut(Schema):
    approved: int


class ImportErrorOut(Schema):
    row: int
    field: str | None
    code: str
    message: str


class ProblemOut(Schema):
    field: str | None
    code: str
    message: str


class ImportOut(Schema):
    mode: str
    batch_id: int | None
    total_rows: int
    valid_rows: int
    invalid_rows: int
    saved_rows: int
    saved_records: int
    errors: list[ImportErrorOut]
    file_problems: list[ProblemOut]


class PriceOut(Schema):
    id: int
    agreement: str = Field(alias="price_list.agreement")
    intervention: str
    band: str
    unit: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    version: int
    supersedes: int | None = Field(alias="supersedes_id")
    source: str
    is_demo: bool
    active: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_active(price: Price) -> bool:
        return price.retired_at is None


class PriceListOut(Schema):
    agreement: str
    name: str
    is_demo: bool
    prices: list[PriceOut]

    @staticmethod
    def resolve_prices(price_list: PriceList) -> list[Price]:
        return list(
            price_list.prices.select_related("price_list").order_by(
                "intervention", "band", "valid_from", "version"
            )
        )


class PriceIn(Schema):
    agreement: str
    intervention: str = ""
    band: str = ""
    unit: str = "hour"
    amount: Decimal
    valid_from: IsoDate
    valid_to: IsoDate | None = None
    source: str = Field(default="", max_length=300)
    replaces: int | None = None


class RateOut(Schema):
    year: int
    amount: Decimal | None
    verified: bool
    source: str


class RunIn(Schema):
    buyer: str = Field(description="SCB code of the buyer")
    month: str
    fingerprint: str | None = Field(
        None,
        description="The fingerprint of GET /runs/preview: the run goes ahead only if the "
        "selection is unchanged (409 selection_changed otherwise)",
    )


class PreviewGroupOut(Schema):
    label: str
    records: int
    minutes: int
    amount: str


class RunPreviewOut(Schema):
    seller: str
    buyer: str
    month: str
    locked: bool
    blocking: bool
    fingerprint: str
    included: list[PreviewGroupOut]
    excluded: list[PreviewGroupOut]
    included_amount: str
    ledger_entries: int
    ledger_amount: str
    problems: list[str]
    #: what is unsure of the buyer's rule or address (not blocking), in Swedish
    warnings: list[str]


class InvoiceSummary(Schema):
    id: int
    number: str
    kind: str
    status: str
    seller: str = Field(alias="seller.scb_code")
    buyer: str = Field(alias="buyer.scb_code")
    agreement: str
    issue_date: dt.date
    due_date: dt.date | None
    period_start: dt.date
    period_end: dt.date
    deadline: dt.date | None
    late: bool
    payable: Decimal
    line_count: int
    record_count: int
    credits: str | None

    @staticmethod
    def resolve_credits(invoice: Invoice) -> str | None:
        return invoice.credits.number if invoice.credits_id and invoice.credits else None


class RunOut(Schema):
    id: int | None
    status: str
    seller: str
    buyer: str
    month: str
    kind: str | None
    locked: bool
    late: bool
    deadline: dt.date | None
    messages: list[str]
    created: list[InvoiceSummary]
    invoices: list[InvoiceSummary]

    # Read from `Merged(result, seller=…, buyer=…, month=…)` of a `RunResult`.

    @staticmethod
    def resolve_id(result: Any) -> int | None:
        return result.run.pk if result.run else None

    @staticmethod
    def resolve_kind(result: Any) -> str | None:
        return result.run.kind if result.run else None

    @staticmethod
    def resolve_locked(result: Any) -> bool:
        return bool(result.run and result.run.locked)


class RunRow(Schema):
    id: int
    seller: str = Field(alias="seller.scb_code")
    buyer: str = Field(alias="buyer.scb_code")
    month: str
    kind: str
    sequence: int
    status: str
    locked: bool
    attempts: int
    late: bool
    deadline: dt.date | None
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @staticmethod
    def resolve_month(run: InvoiceRun) -> str:
        return f"{run.month:%Y-%m}"


class LineOut(Schema):
    position: int
    person_ref: str
    description: str
    unit: str
    minutes: int
    visits: int
    unit_price: Decimal
    amount: Decimal
    dispute_ref: str


class InvoiceDetail(InvoiceSummary):
    buyer_reference: str
    contract_reference: str
    note: str
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(invoice: Invoice) -> list[InvoiceLine]:
        return list(InvoiceLine.objects.filter(invoice=invoice).order_by("position"))


class CreditIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class PairOut(Schema):
    creditor_id: int
    debtor_id: int
    cost: Decimal
    owed: Decimal
    invoiced: Decimal

    @staticmethod
    def resolve_invoiced(pair: Any) -> Decimal:
        return Decimal(pair.invoiced_ore) / 100


class InvoiceDisputeOut(Schema):
    dispute_ref: str
    settled: bool
    pairs: list[PairOut]


class BuyerIdentifiersOut(Schema):
    """An organisation's invoice identifiers, where they come from and whether an
    administrator confirmed them (samverkan.purchases.buyers)."""

    scb_code: str
    name: str
    org_number: str
    org_number_source: str
    peppol_scheme: str
    peppol_id: str
    peppol_id_source: str
    confirmed_at: dt.datetime | None = None
    #: what an administrator must confirm before an invoice to the organisation is issued
    unconfirmed: list[str] = Field(default_factory=list)

    @staticmethod
    def of(org: Any) -> BuyerIdentifiersOut:
        return BuyerIdentifiersOut(
            scb_code=org.scb_code,
            name=org.name,
            org_number=org.org_number,
            org_number_source=org.org_number_source,
            peppol_scheme=org.peppol_scheme,
            peppol_id=org.peppol_id,
            peppol_id_source=org.peppol_id_source,
            confirmed_at=org.identifiers_confirmed_at,
            unconfirmed=org.unverified_identifiers(),
        )


class UnitReferenceOut(Schema):
    """A buyer's ordering unit and its "Er referens" ("": the organisation's reference is
    used for its services)."""

    unit_id: int
    unit: str
    hsa_id: str
    reference: str


class UnitReferenceIn(Schema):
    #: checked against the buyer's reference rule; "" removes the unit's own reference
    reference: str = ""
