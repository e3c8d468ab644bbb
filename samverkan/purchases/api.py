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
    GET  /api/purchases/organisations                    parties' identifiers and sources
    POST /api/purchases/organisations/{scb}/confirm-identifiers   confirm them (admin, logged)
    GET  /api/purchases/organisations/{scb}/unit-references       the buyer's units' Er referens
    PUT  /api/purchases/organisations/{scb}/unit-references/{unit_id}   set or remove one
                                                         (administrator or the buyer's ekonom)

Refusals: 403 (role), 404 (not found or not the organisation's), 409 (invoicing refused:
the list of what is missing), 422 (validation: one item per problem with field, code and a
Swedish message). Every read of records about persons is audited per person. Records carry
``person_ref``, the seller's pseudonymous reference (the one on its invoices); ``person_id``
only for care staff who may see the person; the ekonom gets no ``facts`` in a decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from samverkan.accounts.models import HUVUDMAN_KINDS, Organisation, Unit
from samverkan.accounts.services import profile_of
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.api.openapi import file_answer
from samverkan.api.schemas import IsoMonth, Merged
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.people.access import own_persons
from samverkan.people.selectors import PERSON_OBJECT_TYPE
from samverkan.purchases import access, buyers, csv_import, disclosure, documents, rates, services
from samverkan.purchases.bases import month_end, month_start
from samverkan.purchases.models import (
    ImportBatch,
    Invoice,
    InvoiceDocument,
    InvoicePerson,
    InvoiceRun,
    Price,
    PriceList,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.schemas import (
    ApproveIn,
    ApproveOut,
    BuyerIdentifiersOut,
    CreditIn,
    ImportOut,
    InvoiceDetail,
    InvoiceDisputeOut,
    InvoiceSummary,
    PriceIn,
    PriceListOut,
    PriceOut,
    RateOut,
    RecordDetail,
    RecordIn,
    RecordOut,
    RecordPage,
    RunIn,
    RunOut,
    RunPreviewOut,
    RunRow,
    UnitReferenceIn,
    UnitReferenceOut,
    WithdrawIn,
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


# --------------------------------------------------------------------------- helpers


def _shown(r: ServiceRecord, shown: dict[int, disclosure.Shown], finance: bool) -> Merged:
    """The record as the user may see it: the person's id only with a name she may see (care
    staff), always the seller's pseudonymous reference; the ekonom gets the decision without
    the care's facts (need-to-know)."""
    person = shown[r.pk]
    extras: dict[str, Any] = {"person_id": person.person_id, "person_ref": person.ref}
    if finance or person.kept_away:  # the ekonom; or a spärr (PDL 6 kap. 2–3 §§)
        extras["finance_view"] = True
    return Merged(r, **extras)


def _show(request: HttpRequest, records: list[ServiceRecord], why: str) -> list[Merged]:
    shown = disclosure.show_records(request, records, why=why)
    finance = not disclosure.shows_names(request)
    return [_shown(r, shown, finance) for r in records]


def _records_base(request: HttpRequest) -> Any:
    profile = profile_of(request.user)
    if profile is None or profile.role not in access.RECORD_ROLES:
        raise _forbidden(request, "insatser")
    return access.records_visible_to(request).select_related(
        "performer_org", "orderer_org", "orderer_unit", "payer_org", "staff"
    )


# --------------------------------------------------------------------------- records


@router.get("/records", response={200: RecordPage, **RESPONSES})
def list_records(
    request: HttpRequest,
    month: IsoMonth | None = None,
    status: RecordStatus | None = None,
    page: int = Query(1, ge=1, le=1_000_000),  # noqa: B008  # bounded: the offset is SQL
) -> Any:
    first = _month(month)
    records = _records_base(request).filter(
        service_date__gte=first, service_date__lte=month_end(first)
    )
    if status:  # an unknown status is refused by the schema (422, the field named)
        records = records.filter(status=status.value)
    count = records.count()
    page = max(1, page)
    rows = list(records.order_by("start_at", "pk")[(page - 1) * MAX_PAGE : page * MAX_PAGE])
    return {
        "month": f"{first:%Y-%m}",
        "count": count,
        "page": page,
        "items": _show(request, rows, f"API tjänsteköp: insatser {first:%Y-%m}"),
    }


@router.post("/records", response={201: list[RecordOut], **RESPONSES})
def create_record(request: HttpRequest, payload: RecordIn) -> Any:
    if not access.can_register(request):
        raise _forbidden(request, "registrera insats")
    # Only a person of the own organisation's care (the same as the page's picker).
    person = own_persons(request.user).filter(pk=payload.person_id).first()
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
            orderer_unit=payload.orderer_unit,
            dispute_ref=payload.dispute_ref,
            external_id=payload.external_id,
        ),
        approve=payload.approve,
    )
    fresh = ServiceRecord.objects.select_related(
        "performer_org", "orderer_org", "orderer_unit", "payer_org", "staff"
    ).filter(pk__in=[r.pk for r in records])
    return Status(
        201, _show(request, list(fresh.order_by("segment")), "API tjänsteköp: registrerad")
    )


def _record_or_404(request: HttpRequest, record_id: int) -> ServiceRecord:
    record = _records_base(request).filter(pk=record_id).first()
    if record is None:
        disclosure.deny_record(request, record_id, why="API tjänsteköp: insats")
        raise _not_found()
    return record


@router.get("/records/{int:record_id}", response={200: RecordDetail, **RESPONSES})
def get_record(request: HttpRequest, record_id: int) -> Any:
    record = _record_or_404(request, record_id)
    return _show(request, [record], "API tjänsteköp: insats")[0]


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
    # Streamed with the web form's limit (core.uploads): 413 `too_large` naming `file`.
    content = csv_import.read_upload(file)
    report = services.import_csv(request, content, mode=mode, filename=file.name or "")
    return report.as_dict()


# --------------------------------------------------------------------------- prices


@router.get("/prices", response={200: list[PriceListOut], **RESPONSES})
def list_prices(request: HttpRequest) -> Any:
    if profile_of(request.user) is None:
        raise _forbidden(request, "prislistor")
    return list(PriceList.objects.order_by("agreement"))


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
    return Status(201, price)


@router.post("/prices/{price_id}/retire", response={200: PriceOut, **RESPONSES})
def retire_price(request: HttpRequest, price_id: int) -> Any:
    if not access.can_edit_prices(request):
        raise _forbidden(request, "prislista")
    price = Price.objects.select_related("price_list").filter(pk=price_id).first()
    if price is None:
        raise _not_found()
    return services.retire_price(request, price)


@router.get("/rates", response={200: list[RateOut], **RESPONSES})
def list_rates(request: HttpRequest) -> Any:
    return sorted(rates.SCHABLONBELOPP.values(), key=lambda r: r.year)


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
    return list(runs.order_by("-month", "seller_id", "buyer_id", "sequence")[:MAX_PAGE])


def _run_parties(request: HttpRequest, buyer_code: str) -> tuple[Organisation, Organisation]:
    org = access.organisation_of_actor(request)
    if org is None or not access.can_run_invoices(request, org):
        access.require_run_invoices(request)  # logs and raises NotAllowed (403)
    assert org is not None
    buyer = Organisation.objects.filter(scb_code=buyer_code).first()
    if buyer is None:
        raise ApiError(422, "unknown_organisation", "Okänd SCB-kod.", "buyer")
    return org, buyer


@router.get("/runs/preview", response={200: RunPreviewOut, **RESPONSES})
def preview_run(request: HttpRequest, buyer: str, month: IsoMonth) -> Any:
    """What a run would include and leave out and why, before it locks (nothing written)."""
    org, buyer_org = _run_parties(request, buyer)
    first = _month(month)
    preview = services.preview_run(request, seller=org, buyer=buyer_org, month=first)
    return Merged(preview, seller=org.scb_code, buyer=buyer_org.scb_code, month=f"{first:%Y-%m}")


@router.post("/runs", response={200: RunOut, 201: RunOut, **RESPONSES})
def create_run(request: HttpRequest, payload: RunIn) -> Any:
    org, buyer = _run_parties(request, payload.buyer)
    month = _month(payload.month)
    if payload.fingerprint is not None:
        preview = services.preview_run(request, seller=org, buyer=buyer, month=month)
        if payload.fingerprint != preview.fingerprint:
            raise ApiError(
                409,
                "selection_changed",
                "Underlaget har ändrats sedan förhandsvisningen; hämta den på nytt.",
                "fingerprint",
            )
    # The issue date is today: the deadline check (e.g. Gävleborg's 25th) must not be
    # defeated by a chosen date.
    result = services.run_invoices(request, seller=org, buyer=buyer, month=month)
    body = Merged(result, seller=org.scb_code, buyer=buyer.scb_code, month=f"{month:%Y-%m}")
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
def list_invoices(request: HttpRequest, month: IsoMonth | None = None) -> Any:
    _org(request)
    invoices = access.invoices_visible_to(request).select_related("seller", "buyer", "credits")
    if month:
        invoices = invoices.filter(period_start=_month(month))
    return list(invoices.order_by("-period_start", "seller_id", "sequence_number")[:MAX_PAGE])


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetail, **RESPONSES})
def get_invoice(request: HttpRequest, invoice_id: int) -> Any:
    invoice = _invoice_or_404(request, invoice_id)
    why = f"API: faktura {invoice.number}"
    audit(request, Action.VIEW, Invoice, invoice.pk, why=why)
    _audit_invoice_persons(request, invoice, why, Action.VIEW)
    return invoice


def _audit_invoice_persons(request: HttpRequest, invoice: Invoice, why: str, action: Any) -> None:
    """Every person on the invoice (as a reference) is audited; the data is the seller's."""
    disclosure.audit_persons(
        request,
        set(InvoicePerson.objects.filter(invoice=invoice).values_list("person_id", flat=True)),
        why=why, process=disclosure.INVOICING, action=action, owner_id=invoice.seller_id,
        obj_type="purchases.invoice", obj_id=invoice.pk,
    )  # fmt: skip


@router.post("/invoices/{invoice_id}/credit", response={201: InvoiceSummary, **RESPONSES})
def credit_invoice(request: HttpRequest, invoice_id: int, payload: CreditIn) -> Any:
    invoice = _invoice_or_404(request, invoice_id)
    note = services.credit_invoice(request, invoice, reason=payload.reason)
    note = Invoice.objects.select_related("seller", "buyer", "credits").get(pk=note.pk)
    return Status(201, note)


@router.get(
    "/invoices/{invoice_id}/files/{kind}",
    response={200: None, **RESPONSES},
    openapi_extra=file_answer(
        *sorted(set(documents.CONTENT_TYPES.values())),
        description="Fakturans fil: Peppol-XML, PDF, bilaga som CSV eller PDF.",
    ),
)
def invoice_file(request: HttpRequest, invoice_id: int, kind: str) -> Any:
    invoice = _invoice_or_404(request, invoice_id)
    if kind not in InvoiceDocument.Kind.values:
        raise _not_found()
    content = services.document_bytes(invoice, kind)
    why = f"API: {InvoiceDocument.Kind(kind).label} för faktura {invoice.number}"
    audit(request, Action.EXPORT, Invoice, invoice.pk, why=why)
    _audit_invoice_persons(request, invoice, why, Action.EXPORT)
    response = HttpResponse(
        content, content_type=documents.CONTENT_TYPES[InvoiceDocument.Kind(kind)]
    )
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(invoice, kind)}"'
    return response


@router.get("/disputes/{dispute_ref}", response={200: InvoiceDisputeOut, **RESPONSES})
def dispute(request: HttpRequest, dispute_ref: str) -> Any:
    org = _org(request)
    balance = services.dispute_balance(dispute_ref)
    if not any(org.pk in (p.creditor_id, p.debtor_id) for p in balance.pairs):
        raise _not_found()
    return balance


# --------------------------------------------------------------------------- buyers


@router.get("/organisations", response={200: list[BuyerIdentifiersOut], **RESPONSES})
def organisation_identifiers(request: HttpRequest) -> Any:
    """Every party's invoice identifiers and what awaits an administrator's confirmation
    (public data; ekonom, MAS and administrators)."""
    if not access.can_view_invoices(request) and not access.can_edit_prices(request):
        raise _forbidden(request, "fakturamottagare")
    buyers = Organisation.objects.filter(kind__in=HUVUDMAN_KINDS).order_by("scb_code")
    return [BuyerIdentifiersOut.of(o) for o in buyers]


@router.post(
    "/organisations/{scb_code}/confirm-identifiers",
    response={200: BuyerIdentifiersOut, **RESPONSES},
)
def confirm_organisation_identifiers(request: HttpRequest, scb_code: str) -> Any:
    """An administrator confirms the organisation number and Peppol id as they stand (logged)."""
    if not access.can_edit_prices(request):
        raise _forbidden(request, "bekräfta identifierare")
    org = Organisation.objects.filter(scb_code=scb_code).first()
    if org is None:
        raise _not_found()
    return BuyerIdentifiersOut.of(buyers.confirm_identifiers(request, org))


def _buyer_or_404(request: HttpRequest, scb_code: str, what: str) -> Organisation:
    if not access.can_view_invoices(request) and not access.can_edit_prices(request):
        raise _forbidden(request, what)
    org = Organisation.objects.filter(scb_code=scb_code, kind__in=HUVUDMAN_KINDS).first()
    if org is None:
        raise _not_found()
    return org


def _unit_reference_out(unit: Unit, reference: str) -> UnitReferenceOut:
    return UnitReferenceOut(
        unit_id=unit.pk, unit=unit.name, hsa_id=unit.hsa_id, reference=reference
    )


@router.get(
    "/organisations/{scb_code}/unit-references",
    response={200: list[UnitReferenceOut], **RESPONSES},
)
def list_unit_references(request: HttpRequest, scb_code: str) -> Any:
    """The buyer's units, each with its "Er referens" ("" where the organisation's reference
    is used); public invoice data like the buyer page (ekonom, MAS and administrators)."""
    org = _buyer_or_404(request, scb_code, "referenser för beställande enheter")
    return [_unit_reference_out(u, ref) for u, ref in buyers.units_with_references(org)]


@router.put(
    "/organisations/{scb_code}/unit-references/{int:unit_id}",
    response={200: UnitReferenceOut, **RESPONSES},
)
def set_unit_reference(
    request: HttpRequest, scb_code: str, unit_id: int, payload: UnitReferenceIn
) -> Any:
    """Set (or, with "", remove) one unit's "Er referens": an administrator or the buyer's
    own ekonom; checked against the buyer's reference rule (422 ``reference``); logged."""
    org = _buyer_or_404(request, scb_code, "referenser för beställande enheter")
    unit = Unit.objects.filter(pk=unit_id, organisation=org).first()
    if unit is None:
        raise _not_found()
    saved = buyers.save_unit_reference(request, unit, payload.reference)
    return _unit_reference_out(unit, saved.reference if saved is not None else "")
