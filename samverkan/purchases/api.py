"""JSON API of tjänsteköp, mounted at /api/purchases by samverkan.api.main.

    GET  /api/purchases/records?month=2026-03&status=…   records of the month (performed or paid)
    POST /api/purchases/records                          register a service -> its records
    GET  /api/purchases/records/{id}                     one record with its decision snapshot
    POST /api/purchases/records/{id}/withdraw            withdraw (makulera) a draft/approved one
    POST /api/purchases/records/approve                  approve the month's drafts (ekonom/MAS)
    POST /api/purchases/imports                          CSV import (multipart: file, mode)
    GET  /api/purchases/prices                           price lists with history
    POST /api/purchases/prices                           add a price / a new version (admin)
    POST /api/purchases/prices/{id}/retire               end a price (admin)
    GET  /api/purchases/rates                            Försäkringskassan's hourly amounts
    GET  /api/purchases/runs                             invoice runs of the organisation
    POST /api/purchases/runs                             run invoices (ekonom of the seller)
    GET  /api/purchases/invoices                         invoices (seller or buyer)
    GET  /api/purchases/invoices/{id}                    one invoice with its lines
    POST /api/purchases/invoices/{id}/credit             credit note + records back as drafts
    GET  /api/purchases/invoices/{id}/files/{kind}       xml | pdf | attachment_csv | attachment_pdf
    GET  /api/purchases/disputes/{ref}                   dispute ledger balance

Refusals: 403 (role), 404 (not found or not the organisation's), 409 (invoicing refused:
the list of what is missing), 422 (validation: one item per problem with field, code and a
Swedish message). Every read of records about persons is audited per person.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from samverkan.accounts.models import Organisation
from samverkan.accounts.services import profile_of
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.people.access import READ_ROLES, persons_visible_to
from samverkan.people.selectors import PERSON_OBJECT_TYPE, survivor_ids
from samverkan.purchases import access, documents, rates, services
from samverkan.purchases.bases import month_end, month_start
from samverkan.purchases.models import (
    DecisionSnapshot,
    ImportBatch,
    Invoice,
    InvoiceDocument,
    InvoiceLine,
    InvoiceRun,
    Price,
    PriceList,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.timesplit import STOCKHOLM

router = Router(tags=["Tjänsteköp och fakturering"])
RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse, 409: ErrorResponse}
MAX_PAGE = 500


def _forbidden(request: HttpRequest, what: str) -> ApiError:
    audit(request, Action.ACCESS_DENIED, "purchases", why=f"API tjänsteköp: {what}")
    return ApiError(403, "forbidden", "Du har inte behörighet till detta.")


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "Finns inte.")


def _month(value: str | None) -> dt.date:
    if not value:
        return month_start(dt.date.today())
    try:
        year, month = (int(p) for p in value.split("-")[:2])
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        raise ApiError(422, "invalid_month", "Ange månad som ÅÅÅÅ-MM.", "month") from None


def _aware(value: dt.datetime) -> dt.datetime:
    """A datetime without offset is Swedish time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=STOCKHOLM)


# --------------------------------------------------------------------------- schemas


class RecordOut(Schema):
    id: int
    registration: uuid.UUID
    segment: int
    service_date: dt.date
    start: dt.datetime
    end: dt.datetime
    minutes: int
    band: str
    person_id: uuid.UUID | None = Field(
        description="the person, when you may see the person (else null)"
    )
    performer_org: str
    staff: str
    orderer_org: str
    payer_org: str | None
    intervention: str
    basis: str
    agreement: str
    payment: str
    dispute_ref: str
    status: str
    invoice_id: int | None


class RecordDetail(RecordOut):
    decision: dict[str, Any]


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
    dispute_ref: str = Field(default="", max_length=64)
    external_id: str = Field(default="", max_length=64)
    staff: str | None = Field(default=None, description="user name (ekonom/MAS only)")
    approve: bool = False


class WithdrawIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


class ApproveIn(Schema):
    month: str
    record_ids: list[int] | None = None


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
    agreement: str
    intervention: str
    band: str
    unit: str
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None
    version: int
    supersedes: int | None
    source: str
    is_demo: bool
    active: bool
    created_at: dt.datetime


class PriceListOut(Schema):
    agreement: str
    name: str
    is_demo: bool
    prices: list[PriceOut]


class PriceIn(Schema):
    agreement: str
    intervention: str = ""
    band: str = ""
    unit: str = "hour"
    amount: Decimal
    valid_from: dt.date
    valid_to: dt.date | None = None
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


class InvoiceSummary(Schema):
    id: int
    number: str
    kind: str
    status: str
    seller: str
    buyer: str
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


class RunRow(Schema):
    id: int
    seller: str
    buyer: str
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


class CreditIn(Schema):
    reason: str = Field(min_length=1, max_length=500)


class PairOut(Schema):
    creditor_id: int
    debtor_id: int
    cost: Decimal
    owed: Decimal
    invoiced: Decimal


class DisputeOut(Schema):
    dispute_ref: str
    settled: bool
    pairs: list[PairOut]


# --------------------------------------------------------------------------- helpers


def _record_out(r: ServiceRecord, visible: set[Any] | None = None) -> dict[str, Any]:
    return {
        "id": r.pk,
        "registration": r.registration,
        "segment": r.segment,
        "service_date": r.service_date,
        "start": r.start_at,
        "end": r.end_at,
        "minutes": r.minutes,
        "band": r.band,
        "person_id": r.person_id if visible is None or r.person_id in visible else None,
        "performer_org": r.performer_org.scb_code,
        "staff": r.staff.username,
        "orderer_org": r.orderer_org.scb_code,
        "payer_org": r.payer_org.scb_code if r.payer_org else None,
        "intervention": r.intervention,
        "basis": r.basis,
        "agreement": r.agreement,
        "payment": r.payment,
        "dispute_ref": r.dispute_ref,
        "status": r.status,
        "invoice_id": r.invoice_id,
    }


def _audit_records(request: HttpRequest, records: list[ServiceRecord], why: str) -> set[Any]:
    """The persons among the records the user may see; each is audited as shown."""
    survivors = survivor_ids({r.person_id for r in records})  # merged-away: the survivor
    visible = persons_visible_to(request.user).filter(pk__in=set(survivors.values()))
    shown = set()
    for person in visible.prefetch_related("identities"):
        audit(request, Action.VIEW, ServiceRecord, "", person_ref=person.ref, why=why)
        shown.add(person.pk)
    return {pk for pk, survivor in survivors.items() if survivor in shown}


def _invoice_summary(i: Invoice) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "kind": i.kind,
        "status": i.status,
        "seller": i.seller.scb_code,
        "buyer": i.buyer.scb_code,
        "agreement": i.agreement,
        "issue_date": i.issue_date,
        "due_date": i.due_date,
        "period_start": i.period_start,
        "period_end": i.period_end,
        "deadline": i.deadline,
        "late": i.late,
        "payable": i.payable,
        "line_count": i.line_count,
        "record_count": i.record_count,
        "credits": i.credits.number if i.credits_id and i.credits else None,
    }


def _records_base(request: HttpRequest) -> Any:
    profile = profile_of(request.user)
    if profile is None or profile.role not in READ_ROLES:
        raise _forbidden(request, "insatser")
    return access.records_visible_to(request).select_related(
        "performer_org", "orderer_org", "payer_org", "staff"
    )


# --------------------------------------------------------------------------- records


@router.get("/records", response={200: RecordPage, **RESPONSES})
def list_records(
    request: HttpRequest, month: str | None = None, status: str | None = None, page: int = 1
) -> Any:
    first = _month(month)
    records = _records_base(request).filter(
        service_date__gte=first, service_date__lte=month_end(first)
    )
    if status:
        if status not in RecordStatus.values:
            raise ApiError(422, "invalid_choice", "Okänd status.", "status")
        records = records.filter(status=status)
    count = records.count()
    page = max(1, page)
    rows = list(records.order_by("start_at", "pk")[(page - 1) * MAX_PAGE : page * MAX_PAGE])
    visible = _audit_records(request, rows, f"API tjänsteköp: insatser {first:%Y-%m}")
    return {
        "month": f"{first:%Y-%m}",
        "count": count,
        "page": page,
        "items": [_record_out(r, visible) for r in rows],
    }


@router.post("/records", response={201: list[RecordOut], **RESPONSES})
def create_record(request: HttpRequest, payload: RecordIn) -> Any:
    if not access.can_register(request):
        raise _forbidden(request, "registrera insats")
    person = persons_visible_to(request.user).filter(pk=payload.person_id).first()
    if person is None:
        audit(
            request,
            Action.ACCESS_DENIED,
            PERSON_OBJECT_TYPE,
            payload.person_id,
            why="API tjänsteköp",
        )
        raise ApiError(404, "not_found", "Personen finns inte eller är inte synlig.", "person_id")
    orderer = None
    if payload.orderer:
        orderer = Organisation.objects.filter(scb_code=payload.orderer).first()
        if orderer is None:
            raise ApiError(422, "unknown_organisation", "Okänd SCB-kod.", "orderer")
    staff = None
    if payload.staff:
        from django.contrib.auth import get_user_model

        staff = get_user_model().objects.filter(username=payload.staff).first()
        if staff is None:
            raise ApiError(422, "unknown_user", "Okänd användare.", "staff")
    records = services.register_service(
        request,
        services.ServiceInput(
            person=person,
            start=_aware(payload.start),
            end=_aware(payload.end),
            intervention=payload.intervention,
            basis=payload.basis,
            staff=staff,
            orderer=orderer,
            dispute_ref=payload.dispute_ref,
            external_id=payload.external_id,
        ),
        approve=payload.approve,
    )
    fresh = ServiceRecord.objects.select_related(
        "performer_org", "orderer_org", "payer_org", "staff"
    ).filter(pk__in=[r.pk for r in records])
    return Status(201, [_record_out(r) for r in fresh.order_by("segment")])


def _record_or_404(request: HttpRequest, record_id: int) -> ServiceRecord:
    record = _records_base(request).filter(pk=record_id).first()
    if record is None:
        audit(request, Action.ACCESS_DENIED, ServiceRecord, record_id, why="API tjänsteköp")
        raise _not_found()
    return record


@router.get("/records/{record_id}", response={200: RecordDetail, **RESPONSES})
def get_record(request: HttpRequest, record_id: int) -> Any:
    record = _record_or_404(request, record_id)
    visible = _audit_records(request, [record], "API tjänsteköp: insats")
    data = _record_out(record, visible)
    data["decision"] = DecisionSnapshot.objects.get(pk=record.decision_id).data
    return data


@router.post("/records/{record_id}/withdraw", response={200: ApproveOut, **RESPONSES})
def withdraw_record(request: HttpRequest, record_id: int, payload: WithdrawIn) -> Any:
    record = _record_or_404(request, record_id)
    count = services.withdraw_record(request, record, reason=payload.reason)
    return {"approved": count}


@router.post("/records/approve", response={200: ApproveOut, **RESPONSES})
def approve_records(request: HttpRequest, payload: ApproveIn) -> Any:
    count = services.approve_records(
        request, month=_month(payload.month), record_ids=payload.record_ids
    )
    return {"approved": count}


# --------------------------------------------------------------------------- import


@router.post("/imports", response={200: ImportOut, **RESPONSES})
def import_csv(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    mode: str = Form(ImportBatch.Mode.ALL_OR_NOTHING),  # noqa: B008
) -> Any:
    if not access.can_register(request):
        raise _forbidden(request, "import")
    report = services.import_csv(request, file.read(), mode=mode, filename=file.name or "")
    return report.as_dict()


# --------------------------------------------------------------------------- prices


def _price_out(p: Price) -> dict[str, Any]:
    return {
        "id": p.pk,
        "agreement": p.price_list.agreement,
        "intervention": p.intervention,
        "band": p.band,
        "unit": p.unit,
        "amount": p.amount,
        "valid_from": p.valid_from,
        "valid_to": p.valid_to,
        "version": p.version,
        "supersedes": p.supersedes_id,
        "source": p.source,
        "is_demo": p.is_demo,
        "active": p.retired_at is None,
        "created_at": p.created_at,
    }


@router.get("/prices", response={200: list[PriceListOut], **RESPONSES})
def list_prices(request: HttpRequest) -> Any:
    if profile_of(request.user) is None:
        raise _forbidden(request, "prislistor")
    return [
        {
            "agreement": pl.agreement,
            "name": pl.name,
            "is_demo": pl.is_demo,
            "prices": [
                _price_out(p)
                for p in pl.prices.select_related("price_list").order_by(
                    "intervention", "band", "valid_from", "version"
                )
            ],
        }
        for pl in PriceList.objects.order_by("agreement")
    ]


@router.post("/prices", response={201: PriceOut, **RESPONSES})
def create_price(request: HttpRequest, payload: PriceIn) -> Any:
    if not access.can_edit_prices(request):
        raise _forbidden(request, "prislista")
    replaces = None
    if payload.replaces is not None:
        replaces = Price.objects.filter(pk=payload.replaces).first()
        if replaces is None:
            raise _not_found()
    price = services.set_price(
        request,
        agreement=payload.agreement,
        intervention=payload.intervention,
        band=payload.band,
        unit=payload.unit,
        amount=payload.amount,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        source=payload.source,
        replaces=replaces,
    )
    return Status(201, _price_out(price))


@router.post("/prices/{price_id}/retire", response={200: PriceOut, **RESPONSES})
def retire_price(request: HttpRequest, price_id: int) -> Any:
    if not access.can_edit_prices(request):
        raise _forbidden(request, "prislista")
    price = Price.objects.select_related("price_list").filter(pk=price_id).first()
    if price is None:
        raise _not_found()
    return _price_out(services.retire_price(request, price))


@router.get("/rates", response={200: list[RateOut], **RESPONSES})
def list_rates(request: HttpRequest) -> Any:
    return [
        {"year": r.year, "amount": r.amount, "verified": r.verified, "source": r.source}
        for r in sorted(rates.SCHABLONBELOPP.values(), key=lambda r: r.year)
    ]


# --------------------------------------------------------------------------- runs, invoices


def _org(request: HttpRequest) -> Organisation:
    org = access.organisation_of_actor(request)
    if org is None or not access.can_view_invoices(request):
        raise _forbidden(request, "fakturering")
    return org


@router.get("/runs", response={200: list[RunRow], **RESPONSES})
def list_runs(request: HttpRequest) -> Any:
    from django.db.models import Q

    org = _org(request)
    runs = InvoiceRun.objects.filter(Q(seller=org) | Q(buyer=org)).select_related("seller", "buyer")
    return [
        {
            "id": r.pk,
            "seller": r.seller.scb_code,
            "buyer": r.buyer.scb_code,
            "month": f"{r.month:%Y-%m}",
            "kind": r.kind,
            "sequence": r.sequence,
            "status": r.status,
            "locked": r.locked,
            "attempts": r.attempts,
            "late": r.late,
            "deadline": r.deadline,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
        }
        for r in runs.order_by("-month", "seller_id", "buyer_id", "sequence")[:MAX_PAGE]
    ]


@router.post("/runs", response={200: RunOut, 201: RunOut, **RESPONSES})
def create_run(request: HttpRequest, payload: RunIn) -> Any:
    org = access.organisation_of_actor(request)
    if org is None or not access.can_run_invoices(request, org):
        access.require_run_invoices(request)  # logs and raises NotAllowed (403)
    assert org is not None
    buyer = Organisation.objects.filter(scb_code=payload.buyer).first()
    if buyer is None:
        raise ApiError(422, "unknown_organisation", "Okänd SCB-kod.", "buyer")
    month = _month(payload.month)
    # The issue date is today: the deadline check (e.g. Gävleborg's 25th) must not be
    # defeated by a chosen date.
    result = services.run_invoices(request, seller=org, buyer=buyer, month=month)
    body = {
        "id": result.run.pk if result.run else None,
        "status": result.status,
        "seller": org.scb_code,
        "buyer": buyer.scb_code,
        "month": f"{month:%Y-%m}",
        "kind": result.run.kind if result.run else None,
        "locked": bool(result.run and result.run.locked),
        "late": result.late,
        "deadline": result.deadline,
        "messages": result.messages,
        "created": [_invoice_summary(i) for i in result.created],
        "invoices": [_invoice_summary(i) for i in result.invoices],
    }
    return Status(201 if result.created else 200, body)


def _invoice_or_404(request: HttpRequest, invoice_id: int) -> Invoice:
    _org(request)
    invoice = (
        access.invoices_visible_to(request)
        .select_related("seller", "buyer", "credits")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        audit(request, Action.ACCESS_DENIED, Invoice, invoice_id, why="API tjänsteköp: faktura")
        raise _not_found()
    return invoice


@router.get("/invoices", response={200: list[InvoiceSummary], **RESPONSES})
def list_invoices(request: HttpRequest, month: str | None = None) -> Any:
    _org(request)
    invoices = access.invoices_visible_to(request).select_related("seller", "buyer", "credits")
    if month:
        invoices = invoices.filter(period_start=_month(month))
    return [
        _invoice_summary(i)
        for i in invoices.order_by("-period_start", "seller_id", "sequence_number")[:MAX_PAGE]
    ]


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetail, **RESPONSES})
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    invoice = _invoice_or_404(request, invoice_id)
    audit(request, Action.VIEW, Invoice, invoice.pk, why=f"API: faktura {invoice.number}")
    data = _invoice_summary(invoice)
    data.update(
        buyer_reference=invoice.buyer_reference,
        contract_reference=invoice.contract_reference,
        note=invoice.note,
        lines=[
            {
                "position": line.position,
                "person_ref": line.person_ref,
                "description": line.description,
                "unit": line.unit,
                "minutes": line.minutes,
                "visits": line.visits,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "dispute_ref": line.dispute_ref,
            }
            for line in InvoiceLine.objects.filter(invoice=invoice).order_by("position")
        ],
    )
    return data


@router.post("/invoices/{invoice_id}/credit", response={201: InvoiceSummary, **RESPONSES})
def credit_invoice(request: HttpRequest, invoice_id: int, payload: CreditIn) -> Any:
    invoice = _invoice_or_404(request, invoice_id)
    note = services.credit_invoice(request, invoice, reason=payload.reason)
    note = Invoice.objects.select_related("seller", "buyer", "credits").get(pk=note.pk)
    return Status(201, _invoice_summary(note))


@router.get("/invoices/{invoice_id}/files/{kind}", response={200: None, **RESPONSES})
def invoice_file(request: HttpRequest, invoice_id: int, kind: str) -> Any:
    invoice = _invoice_or_404(request, invoice_id)
    if kind not in InvoiceDocument.Kind.values:
        raise _not_found()
    content = services.document_bytes(invoice, kind)
    audit(request, Action.EXPORT, Invoice, invoice.pk, why=f"API: {kind} för {invoice.number}")
    response = HttpResponse(
        content, content_type=documents.CONTENT_TYPES[InvoiceDocument.Kind(kind)]
    )
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(invoice, kind)}"'
    return response


@router.get("/disputes/{dispute_ref}", response={200: DisputeOut, **RESPONSES})
def dispute(request: HttpRequest, dispute_ref: str) -> Any:
    org = _org(request)
    balance = services.dispute_balance(dispute_ref)
    if not any(org.pk in (p.creditor_id, p.debtor_id) for p in balance.pairs):
        raise _not_found()
    return {
        "dispute_ref": balance.dispute_ref,
        "settled": balance.settled,
        "pairs": [
            {
                "creditor_id": p.creditor_id,
                "debtor_id": p.debtor_id,
                "cost": p.cost,
                "owed": p.owed,
                "invoiced": Decimal(p.invoiced_ore) / 100,
            }
            for p in balance.pairs
        ],
    }
