"""Tjänsteköp pages (Swedish, tablet first). Thin: rules in services, access in access.py.

Every page that shows persons records an audit event per person shown; pages work without
JavaScript (HTMX only swaps the recent-records list after a registration).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from samverkan.accounts.actors import actor_for
from samverkan.accounts.models import HUVUDMAN_KINDS, Organisation, StaffProfile, Unit
from samverkan.accounts.reference import ADDRESS_SOURCE_LABELS, SOURCE_LABELS, reference_for
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.core import words
from samverkan.core.money import format_sek, ore_to_kronor
from samverkan.core.uploads import UploadError
from samverkan.people.access import own_persons
from samverkan.people.selectors import PERSON_OBJECT_TYPE, resolve_identifier
from samverkan.purchases import (
    access,
    buyers,
    csv_import,
    disclosure,
    documents,
    rates,
    selectors,
    services,
)
from samverkan.purchases.bases import (
    AGREEMENT_NAMES,
    BASES,
    BILLING_TERMS,
    INVOICEABLE_MODES,
    PAYMENT_MODE_LABELS,
    delivery_deadline,
    month_end,
    month_start,
    next_month,
)
from samverkan.purchases.errors import NotAllowed, PurchasesError
from samverkan.purchases.forms import (
    BuyerRuleForm,
    CreditForm,
    ImportForm,
    MonthForm,
    PriceForm,
    RunForm,
    ServiceForm,
    UnitReferenceForm,
    WithdrawForm,
    apply_problems,
)
from samverkan.purchases.invoicing.preview import estimate_ore
from samverkan.purchases.models import (
    BuyerRule,
    DetailChannel,
    ImportBatch,
    Invoice,
    InvoiceDocument,
    InvoiceLine,
    InvoicePerson,
    InvoiceRun,
    Price,
    PriceList,
    RecordStatus,
    ServiceRecord,
)
from samverkan.purchases.pricing import Missing, PriceIndex, price_list_for, rate_for
from samverkan.purchases.registration import problem

if TYPE_CHECKING:
    from samverkan.people.models import Person

PAGE_SIZE = 100


def _profile(request: HttpRequest) -> StaffProfile:
    actor = actor_for(request)
    if actor is None:
        audit(request, Action.ACCESS_DENIED, "purchases", why="Tjänsteköp: ingen roll")
        raise PermissionDenied
    return actor.profile


def _person_choices(request: HttpRequest) -> list[tuple[str, str]] | None:
    """The persons the user may register services for (the own organisation's care
    relations), each listed one audited; None for the ekonom, who sees no names and enters
    the person's identifier instead."""
    if not disclosure.shows_names(request):
        return None
    persons = list(own_persons(request.user).order_by("family_name", "given_name")[:2000])
    disclosure.audit_persons(
        request,
        [p.pk for p in persons],
        why="Tjänsteköp: personväljare",
        process=disclosure.PURCHASES,
        action=Action.SEARCH,
        obj_type=PERSON_OBJECT_TYPE,
    )
    return disclosure.labels(persons)


def _chosen_person(request: HttpRequest, value: str) -> Person | None:
    """The person of the form: a picked id, or (the ekonom) an identifier, among the own
    organisation's persons only. A look-up by identifier is audited as a search."""
    own = own_persons(request.user)
    if disclosure.shows_names(request):
        return own.filter(pk=value).first() if _is_uuid(value) else None
    person = resolve_identifier(request, value)
    if person is None or not own.filter(pk=person.pk).exists():
        audit(
            request, Action.ACCESS_DENIED, PERSON_OBJECT_TYPE, why="Tjänsteköp: sök på identitet",
            process=disclosure.PURCHASES,
        )  # fmt: skip
        return None
    disclosure.audit_persons(
        request, [person.pk], why="Tjänsteköp: sök på identitet", process=disclosure.PURCHASES,
        action=Action.SEARCH, obj_type=PERSON_OBJECT_TYPE,
    )  # fmt: skip
    return person


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _recent(request: HttpRequest) -> list[ServiceRecord]:
    since = timezone.now() - dt.timedelta(days=2)
    return list(
        ServiceRecord.objects.filter(created_by_id=request.user.pk, created_at__gte=since)
        .select_related("payer_org")
        .order_by("-created_at", "segment")[:30]
    )


# --------------------------------------------------------------------------- registration


def index(request: HttpRequest) -> HttpResponse:
    """Register a performed service (the nurse's page) and see today's registrations."""
    profile = _profile(request)
    can_register = access.can_register(request)
    if not can_register and not (
        access.can_view_invoices(request) or access.can_edit_prices(request)
    ):
        audit(request, Action.ACCESS_DENIED, ServiceRecord, why="Tjänsteköp")
        raise PermissionDenied
    form = None
    if can_register:
        persons = _person_choices(request)
        initial: dict[str, Any] = {"date": timezone.localdate(), "intervention": "nursing"}
        # After a save, keep the day: a nurse often enters several services of one day.
        with contextlib.suppress(ValueError):
            initial["date"] = dt.date.fromisoformat(request.GET.get("datum", ""))
        staff = None
        if access.can_approve(request):
            staff = [
                (str(p.user_id), p.user.get_full_name() or p.user.username)
                for p in StaffProfile.objects.filter(
                    organisation=profile.organisation, role__in=sorted(access.PERFORMER_ROLES)
                )
                .select_related("user")
                .order_by("user__last_name", "user__first_name")
            ]
        data = request.POST or None
        if request.method == "POST" and "visa_enheter" in request.POST:
            # "Visa enheter" (without JavaScript): the form again, as filled in, with the
            # chosen orderer's units; nothing is checked or saved yet
            initial.update(
                (k, v)
                for k, v in request.POST.dict().items()
                if k in ServiceForm.base_fields or k == "staff"
            )
            data = None
        elif request.method == "GET" and request.GET.get("enheter"):
            initial["orderer"] = request.GET.get("orderer", "")
        form = ServiceForm(
            data,
            persons=persons,
            organisation=profile.organisation,
            staff=staff,
            initial=initial,
        )
        if request.GET.get("enheter") and request.method == "GET":
            # the orderer was changed (htmx): only the unit list, without the page
            return render(request, "purchases/_orderer_unit.html", {"form": form})
        if data is not None and form.is_valid():
            start, end = form.times()
            person = _chosen_person(request, form.cleaned_data["person"])
            unknown = []
            if person is None and persons is None:
                unknown = [
                    problem(
                        "person",
                        "person_unknown",
                        "ingen person med den identiteten finns bland din organisations personer",
                    )
                ]
            try:
                records = services.register_service(
                    request,
                    services.ServiceInput(
                        person=person,
                        start=start,
                        end=end,
                        intervention=form.cleaned_data["intervention"],
                        basis=form.cleaned_data["basis"],
                        orderer=form.cleaned_data["orderer"],
                        orderer_unit=form.cleaned_data["orderer_unit"],
                        dispute_ref=form.cleaned_data["dispute_ref"],
                        staff=_staff_user(form.cleaned_data.get("staff")),
                        problems=unknown,
                    ),
                )
            except PurchasesError as exc:
                apply_problems(form, exc)
            else:
                parts = ", ".join(
                    f"{r.get_band_display()} {r.minutes} min: {r.get_payment_display()}"
                    for r in records
                )
                messages.success(request, f"Insatsen är registrerad ({parts}).")
                day = form.cleaned_data["date"]
                return redirect(f"{reverse('purchases:index')}?datum={day:%Y-%m-%d}")
    elif request.method == "POST":
        raise PermissionDenied
    recent = _recent(request) if can_register else []
    shown = disclosure.show_records(request, recent, why="Tjänsteköp: mina registreringar")
    return render(
        request,
        "purchases/index.html",
        {
            "form": form,
            "recent": [(r, shown[r.pk]) for r in recent],
            "withdraw_form": WithdrawForm(),
            "can_review": access.can_approve(request) or access.can_view_invoices(request),
            "can_invoice": access.can_run_invoices(request),
            "can_edit_prices": access.can_edit_prices(request),
        },
    )


def _staff_user(user_id: str | None) -> Any:
    if not user_id:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None


@require_POST
def withdraw(request: HttpRequest, record_id: int) -> HttpResponse:
    record = access.records_visible_to(request).filter(pk=record_id).first()
    if record is None:
        disclosure.deny_record(request, record_id, why="Tjänsteköp: makulera insats")
        raise Http404
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange varför insatsen makuleras.")
    else:
        try:
            count = services.withdraw_record(request, record, reason=form.cleaned_data["reason"])
        except NotAllowed as exc:
            raise PermissionDenied(exc.messages[0]) from None
        except PurchasesError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Insatsen är makulerad ({words.count(count, 'del', 'delar')})."
            )
    return redirect(request.POST.get("next") or "purchases:index")


# --------------------------------------------------------------------------- month review


REVIEW_FILTERS = ("unit", "staff", "basis")


def _amounts(records: Any) -> tuple[dict[tuple[str, str], int], PriceIndex]:
    """Estimated amounts (öre) per (status, payment) of ``records``: what the run would bill
    at today's prices; records without ersättning count zero."""
    index = PriceIndex()
    totals: dict[tuple[str, str], int] = {}
    rows = (
        records.values_list(
            "status", "payment", "agreement", "intervention", "band", "service_date"
        )
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .order_by()
    )
    for status, payment, agreement, intervention, band, day, n, minutes in rows:
        amount = 0
        if payment in INVOICEABLE_MODES:
            rate = rate_for(
                index, payment=payment, agreement=agreement, intervention=intervention, band=band,
                day=day,
            )  # fmt: skip
            if not isinstance(rate, Missing):
                amount = estimate_ore(rate, minutes or 0, n)
        totals[(status, payment)] = totals.get((status, payment), 0) + amount
    return totals, index


def _row_amount(index: PriceIndex, r: ServiceRecord) -> str:
    if r.payment not in INVOICEABLE_MODES:
        return "0,00 kr"
    rate = rate_for(
        index, payment=r.payment, agreement=r.agreement, intervention=r.intervention,
        band=r.band, day=r.service_date,
    )  # fmt: skip
    if isinstance(rate, Missing):
        return "pris saknas"
    return format_sek(ore_to_kronor(estimate_ore(rate, r.minutes, 1)))


def month_review(request: HttpRequest) -> HttpResponse:
    """The organisation's records of a month (performed or paid for), with amounts, filters
    (unit, staff, basis) and approval or rejection per row or all at once."""
    profile = _profile(request)
    if profile.role not in access.RECORD_ROLES:
        audit(request, Action.ACCESS_DENIED, ServiceRecord, why="Tjänsteköp: månadsgranskning")
        raise PermissionDenied
    filter_form = MonthForm(
        request.GET or None, initial={"month": month_start(timezone.localdate())}
    )
    month = filter_form.month_or_default()
    month_records = access.records_visible_to(request).filter(
        service_date__gte=month, service_date__lte=month_end(month)
    )
    records = month_records
    status = request.GET.get("status", "")
    if status in RecordStatus.values:
        records = records.filter(status=status)
    chosen = {key: request.GET.get(key, "") for key in REVIEW_FILTERS}
    if chosen["unit"].isdigit():
        records = records.filter(performer_unit_id=int(chosen["unit"]))
    if chosen["staff"].isdigit():
        records = records.filter(staff_id=int(chosen["staff"]))
    if chosen["basis"]:
        records = records.filter(basis=chosen["basis"])
    status_labels = dict(RecordStatus.choices)
    amounts, index = _amounts(records)
    summary = [
        {
            **row,
            "status_label": status_labels.get(row["status"], row["status"]),
            "mode_label": PAYMENT_MODE_LABELS.get(row["payment"], row["payment"]),
            "amount": format_sek(ore_to_kronor(amounts.get((row["status"], row["payment"]), 0))),
        }
        for row in records.values("status", "payment")
        .annotate(n=Count("id"), minutes=Sum("minutes"))
        .order_by("status", "payment")
    ]
    page = Paginator(
        records.select_related("payer_org", "performer_org", "staff", "orderer_unit").order_by(
            "start_at", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("sida"))
    rows = list(page.object_list)
    shown = disclosure.show_records(
        request, rows, why=f"Tjänsteköp: månadsgranskning {month:%Y-%m}"
    )
    locked = set(services.locked_buyers(profile.organisation_id, month))
    own_drafts = records.filter(status=RecordStatus.DRAFT, performer_org=profile.organisation)
    drafts = own_drafts.exclude(payer_org_id__in=locked).count()
    locked_drafts = [
        {"buyer": name, "n": n}
        for name, n in own_drafts.filter(payer_org_id__in=locked)
        .values_list("payer_org__name")
        .annotate(n=Count("id"))
        .order_by("payer_org__name")
    ]
    can_approve = access.can_approve(request)
    own_month = month_records.filter(performer_org=profile.organisation)
    units = dict(
        Unit.objects.filter(
            pk__in=own_month.exclude(performer_unit_id=None).values("performer_unit_id")
        ).values_list("pk", "name")
    )
    staff = {
        r.staff_id: r.staff.get_full_name() or r.staff.username
        for r in own_month.select_related("staff").distinct().order_by("staff_id")[:500]
    }
    bases = sorted({b for b in month_records.values_list("basis", flat=True)})
    query = urlencode({"month": f"{month:%Y-%m}", "status": status, **chosen})
    return render(
        request,
        "purchases/month.html",
        {
            "month": month,
            "prev_month": month_start(month - dt.timedelta(days=1)),
            "next_month": next_month(month),
            "filter_form": filter_form,
            "status": status,
            "statuses": RecordStatus.choices,
            "chosen": chosen,
            "units": sorted(units.items(), key=lambda u: u[1]),
            "staff": sorted(staff.items(), key=lambda s_: s_[1]),
            "bases": [(b, BASES[b].label if b in BASES else b) for b in bases],
            "query": query,
            "page": page,
            "rows": [
                (
                    r,
                    shown[r.pk],
                    _row_amount(index, r),
                    can_approve
                    and r.status == RecordStatus.DRAFT
                    and r.performer_org_id == profile.organisation_id
                    and r.payer_org_id not in locked,
                )
                for r in rows
            ],
            "summary": summary,
            "drafts": drafts,
            "locked_drafts": locked_drafts,
            "can_approve": can_approve,
            "withdraw_form": WithdrawForm(),
        },
    )


@require_POST
def approve(request: HttpRequest) -> HttpResponse:
    """Approve all drafts of the month (within the review's filters) or one row."""
    form = MonthForm(request.POST)
    month = form.month_or_default()
    record = request.POST.get("record", "")
    filters: dict[str, Any] = {}
    for key, column in (("unit", "performer_unit_id"), ("staff", "staff_id")):
        if request.POST.get(key, "").isdigit():
            filters[column] = int(request.POST[key])
    if request.POST.get("basis"):
        filters["basis"] = request.POST["basis"]
    try:
        count = services.approve_records(
            request,
            month=month,
            record_ids=[int(record)] if record.isdigit() else None,
            filters=filters,
        )
    except NotAllowed:
        raise PermissionDenied from None
    if record.isdigit() and not count:
        messages.error(
            request, "Insatsen kunde inte godkännas: den är inte ett utkast i en öppen månad."
        )
    else:
        messages.success(
            request,
            f"{words.count(count, 'insats', 'insatser')} godkända för fakturering ({month:%Y-%m}).",
        )
    return redirect(f"{reverse('purchases:month')}?month={month:%Y-%m}")


@require_POST
def reject(request: HttpRequest, record_id: int) -> HttpResponse:
    """Reject one draft at the month review (ekonom or MAS of the performer, with a reason)."""
    record = access.records_visible_to(request).filter(pk=record_id).first()
    if record is None:
        disclosure.deny_record(request, record_id, why="Tjänsteköp: avvisa insats")
        raise Http404
    month = month_start(record.service_date)
    if not access.can_approve(request, record.performer_org):
        audit(request, Action.ACCESS_DENIED, ServiceRecord, record.pk, why="Tjänsteköp: avvisa")
        raise PermissionDenied
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, "Skäl: ange varför insatsen avvisas.")
    else:
        try:
            count = services.reject_record(request, record, reason=reason[:250])
        except NotAllowed as exc:
            raise PermissionDenied(exc.messages[0]) from None
        except PurchasesError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"Insatsen är avvisad ({words.count(count, 'del', 'delar')}): {reason[:250]}",
            )
    return redirect(f"{reverse('purchases:month')}?month={month:%Y-%m}")


# --------------------------------------------------------------------------- CSV import


def import_view(request: HttpRequest) -> HttpResponse:
    _profile(request)
    if not access.can_register(request):
        audit(request, Action.ACCESS_DENIED, ImportBatch, why="Tjänsteköp: import")
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            content = csv_import.read_upload(upload)  # streamed, refused past the limit
        except UploadError as exc:
            form.add_error("file", exc.message)
        else:
            try:
                report = services.import_csv(
                    request,
                    content,
                    mode=form.cleaned_data["mode"],
                    filename=upload.name or "",
                )
            except PurchasesError as exc:
                apply_problems(form, exc)
    return render(
        request,
        "purchases/import.html",
        {
            "form": form,
            "report": report,
            "errors_shown": report.errors[:500] if report else [],
            "batches": ImportBatch.objects.filter(created_by_id=request.user.pk)[:10],
        },
    )


def import_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = ImportBatch.objects.filter(pk=batch_id, created_by_id=request.user.pk).first()
    if batch is None:
        raise Http404
    from samverkan.purchases.csv_import import ImportReport, RowError

    report = ImportReport(mode=batch.mode, errors=[RowError(**e) for e in batch.errors])
    response = HttpResponse(report.errors_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-fel.csv"'
    return response


# --------------------------------------------------------------------------- invoicing


def invoicing(request: HttpRequest) -> HttpResponse:
    """Run invoices (ekonom of the seller) and see runs and invoices (both parties)."""
    profile = _profile(request)
    if not access.can_view_invoices(request):
        audit(request, Action.ACCESS_DENIED, InvoiceRun, why="Tjänsteköp: fakturering")
        raise PermissionDenied
    org = profile.organisation
    can_run = access.can_run_invoices(request)
    default_month = month_start(month_start(timezone.localdate()) - dt.timedelta(days=1))
    form = RunForm(request.POST or None, seller=org, initial={"month": default_month})
    result = None
    preview = None
    changed = False
    refused: list[str] = []
    if request.method == "POST":
        if not can_run:
            try:
                access.require_run_invoices(request, org)  # logs the refusal
            except NotAllowed:
                raise PermissionDenied from None
        if form.is_valid():
            buyer, month = form.cleaned_data["buyer"], form.cleaned_data["month"]
            try:
                # First the preview (what is included, excluded and why); the run locks the
                # month only when confirmed against the same, unchanged selection.
                preview = services.preview_run(request, seller=org, buyer=buyer, month=month)
                confirmed = request.POST.get("confirm") == "1"
                if confirmed and request.POST.get("fingerprint") != preview.fingerprint:
                    changed = True
                elif confirmed and not preview.locked:
                    result = services.run_invoices(request, seller=org, buyer=buyer, month=month)
                    preview = None
            except NotAllowed:
                raise PermissionDenied from None
            except PurchasesError as exc:
                refused = exc.messages
                preview = None
    runs = (
        InvoiceRun.objects.filter(Q(seller=org) | Q(buyer=org))
        .select_related("seller", "buyer")
        .order_by("-month", "seller__name", "buyer__name", "sequence")[:60]
    )
    invoices = (
        access.invoices_visible_to(request)
        .select_related("seller", "buyer", "credits")
        .order_by("-period_start", "-sequence_number")[:100]
    )
    return render(
        request,
        "purchases/invoicing.html",
        {
            "form": form,
            "can_run": can_run,
            "result": result,
            "preview": preview,
            "changed": changed,
            "refused": refused,
            "runs": runs,
            "invoices": invoices,
            "deadlines": _deadlines(org),
        },
    )


def _deadlines(org: Organisation) -> list[dict[str, Any]]:
    """Agreements with a delivery deadline where ``org`` sells: last month's due dates."""
    today = timezone.localdate()
    last_month = month_start(month_start(today) - dt.timedelta(days=1))
    out = []
    for agreement, terms in BILLING_TERMS.items():
        if terms.deadline_day is None:
            continue
        if not any(b.agreement == agreement and b.region == org.region for b in BASES.values()):
            continue
        deadline = delivery_deadline(agreement, last_month)
        out.append(
            {
                "agreement": AGREEMENT_NAMES[agreement],
                "month": last_month,
                "deadline": deadline,
                "reference": terms.buyer_reference,
                "passed": deadline is not None and today > deadline,
            }
        )
    return out


def _invoice_or_404(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = (
        access.invoices_visible_to(request)
        .select_related("seller", "buyer", "credits", "run")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        audit(request, Action.ACCESS_DENIED, Invoice, invoice_id, why="Tjänsteköp: faktura")
        raise Http404
    return invoice


def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _profile(request)
    invoice = _invoice_or_404(request, invoice_id)
    lines = Paginator(
        InvoiceLine.objects.filter(invoice=invoice)
        .select_related("orderer_unit")
        .order_by("position"),
        PAGE_SIZE,
    ).get_page(request.GET.get("sida"))
    audit(request, Action.VIEW, Invoice, invoice.pk, why=f"Faktura {invoice.number}")
    _audit_invoice_persons(
        request,
        invoice,
        {line.person_id for line in lines.object_list if line.person_id},
        why=f"Faktura {invoice.number}: rader",
    )
    credited_by = Invoice.objects.filter(credits=invoice).first()
    return render(
        request,
        "purchases/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "ordering_units": selectors.invoice_ordering_units(invoice),
            "credited_by": credited_by,
            "can_credit": access.can_run_invoices(request, invoice.seller)
            and not invoice.is_credit_note
            and invoice.status == "issued",
            "can_see_persons": access.can_see_person_map(
                request, invoice.seller_id, invoice.buyer_id
            ),
            "credit_form": CreditForm(),
            "files": [
                (kind, label, documents.filename(invoice, kind))
                for kind, label in InvoiceDocument.Kind.choices
            ],
        },
    )


def invoice_file(request: HttpRequest, invoice_id: int, kind: str) -> HttpResponse:
    _profile(request)
    invoice = _invoice_or_404(request, invoice_id)
    if kind not in InvoiceDocument.Kind.values:
        raise Http404
    content = services.document_bytes(invoice, kind)
    why = f"Hämtat {InvoiceDocument.Kind(kind).label} för faktura {invoice.number}"
    audit(request, Action.EXPORT, Invoice, invoice.pk, why=why)
    _audit_invoice_persons(
        request,
        invoice,
        set(InvoicePerson.objects.filter(invoice=invoice).values_list("person_id", flat=True)),
        why=why,
        action=Action.EXPORT,
    )
    response = HttpResponse(
        content, content_type=documents.CONTENT_TYPES[InvoiceDocument.Kind(kind)]
    )
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(invoice, kind)}"'
    return response


@require_POST
def credit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _profile(request)
    invoice = _invoice_or_404(request, invoice_id)
    form = CreditForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ange skäl till krediteringen.")
        return redirect("purchases:invoice", invoice_id=invoice.pk)
    try:
        note = services.credit_invoice(request, invoice, reason=form.cleaned_data["reason"])
    except NotAllowed:
        raise PermissionDenied from None
    except PurchasesError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("purchases:invoice", invoice_id=invoice.pk)
    messages.success(
        request,
        f"Kreditfaktura {note.number} är utställd. Insatserna ligger som utkast: rätta, "
        "godkänn och kör faktureringen för månaden igen.",
    )
    return redirect("purchases:invoice", invoice_id=note.pk)


def _audit_invoice_persons(
    request: HttpRequest,
    invoice: Invoice,
    person_ids: set[Any],
    *,
    why: str,
    action: Action = Action.VIEW,
) -> None:
    """The persons an invoice page or file shows (as references) are audited one by one; the
    data reached is the seller's (its care), so the buyer's reads name the seller as owner."""
    disclosure.audit_persons(
        request, person_ids, why=why, process=disclosure.INVOICING, action=action,
        owner_id=invoice.seller_id, obj_type="purchases.invoice", obj_id=invoice.pk,
    )  # fmt: skip


def invoice_persons(request: HttpRequest, invoice_id: int) -> HttpResponse:
    _profile(request)
    invoice = _invoice_or_404(request, invoice_id)
    try:
        mapping = services.person_map(request, invoice)
    except NotAllowed:
        raise PermissionDenied from None
    return render(
        request,
        "purchases/invoice_persons.html",
        {
            "invoice": invoice,
            "rows": [
                (ref, person, disclosure.labels([person])[0][1] if person else None)
                for ref, person in mapping
            ],
        },
    )


# --------------------------------------------------------------------------- prices


def prices(request: HttpRequest) -> HttpResponse:
    """Price lists with history (administrators edit) and Försäkringskassan's rates."""
    profile = _profile(request)
    if not (access.can_edit_prices(request) or access.can_view_invoices(request)):
        audit(request, Action.ACCESS_DENIED, Price, why="Tjänsteköp: prislistor")
        raise PermissionDenied
    can_edit = access.can_edit_prices(request)
    initial: dict[str, Any] = {}
    replacing = request.GET.get("ersatt", "")
    if replacing.isdigit():
        old = Price.objects.select_related("price_list").filter(pk=int(replacing)).first()
        if old is not None:
            initial = {
                "agreement": old.price_list.agreement,
                "intervention": old.intervention,
                "band": old.band,
                "unit": old.unit,
                "amount": old.amount,
                "valid_from": old.valid_from,
                "valid_to": old.valid_to,
                "replaces": old.pk,
            }
    form = PriceForm(request.POST or None, initial=initial) if can_edit else None
    if request.method == "POST":
        if not can_edit or form is None:
            raise PermissionDenied
        retire = request.POST.get("retire", "")
        if retire:
            price = Price.objects.filter(pk=int(retire) if retire.isdigit() else 0).first()
            if price is None:
                raise Http404
            try:
                services.retire_price(request, price)
            except PurchasesError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, "Priset är borttaget (finns kvar i historiken).")
            return redirect("purchases:prices")
        if form.is_valid():
            data = form.cleaned_data
            replaces_id = data.get("replaces")
            replaces = Price.objects.filter(pk=replaces_id).first() if replaces_id else None
            try:
                services.set_price(
                    request,
                    agreement=data["agreement"],
                    intervention=data["intervention"],
                    band=data["band"],
                    unit=data["unit"],
                    amount=data["amount"],
                    valid_from=data["valid_from"],
                    valid_to=data["valid_to"],
                    source=data["source"],
                    replaces=replaces,
                )
            except PurchasesError as exc:
                apply_problems(form, exc)
            else:
                messages.success(request, "Priset är sparat som en ny version.")
                return redirect("purchases:prices")
    lists = []
    for agreement in AGREEMENT_NAMES:
        if not any(b.agreement == agreement for b in BASES.values()):
            continue
        price_list = PriceList.objects.filter(agreement=agreement).first() or (
            price_list_for(agreement) if can_edit else None
        )
        history = (
            list(
                price_list.prices.select_related("created_by").order_by(
                    "intervention", "band", "valid_from", "version"
                )
            )
            if price_list
            else []
        )
        lists.append({"agreement": agreement, "list": price_list, "prices": history})
    return render(
        request,
        "purchases/prices.html",
        {
            "lists": lists,
            "form": form,
            "can_edit": can_edit,
            "rates": sorted(rates.SCHABLONBELOPP.values(), key=lambda r: r.year),
            "organisation": profile.organisation,
        },
    )


# --------------------------------------------------------------------------- buyers


def _buyer_reader(request: HttpRequest) -> None:
    """The parties' invoice data is public; ekonom, MAS and administrators read it."""
    _profile(request)
    if not (access.can_view_invoices(request) or access.can_edit_prices(request)):
        audit(request, Action.ACCESS_DENIED, "purchases.buyerrule", why="Tjänsteköp: mottagare")
        raise PermissionDenied


def _rule_summary(org: Organisation) -> dict[str, Any]:
    rule = buyers.rule_for(org)
    reference = buyers.REFERENCE_FORMATS.get(rule.reference_format, ("Valfri text",))[0]
    return {
        "reference": "Källorna är oeniga" if rule.disagreement else reference,
        "disagreement": rule.disagreement,
        "uncertain": rule.uncertain,
        "address_doubt": buyers.address_doubt(org),
        "attachments": buyers.type_words(rule.attachment_types) or "Alla typer",
        "channel": DetailChannel(rule.detail_channel).label,
        "source": rule.source,
        "edited": BuyerRule.objects.filter(organisation=org).select_related("updated_by").first(),
    }


def _address(org: Organisation) -> str:
    """The postal address the invoices carry, as one line."""
    code = org.postal_code.replace(" ", "")
    postal = f"{code[:3]} {code[3:]}" if len(code) == 5 else code
    return ", ".join(p for p in (org.street_address, f"{postal} {org.city}".strip()) if p)


def _address_source(org: Organisation) -> str:
    ref = reference_for(org.scb_code)
    return ADDRESS_SOURCE_LABELS[ref.address_status] if ref else ""


def buyer_list(request: HttpRequest) -> HttpResponse:
    """Fakturamottagare: every party's identifiers, their sources and confirmation, and its
    rule for incoming invoices."""
    _buyer_reader(request)
    rows = [
        {"org": org, "unverified": org.unverified_identifiers(), **_rule_summary(org)}
        for org in Organisation.objects.select_related("identifiers_confirmed_by")
        .filter(kind__in=HUVUDMAN_KINDS)  # a private provider is invoiced through its huvudman
        .order_by("region", "kind", "name")
    ]
    return render(request, "purchases/buyers.html", {"rows": rows})


def buyer_detail(request: HttpRequest, scb_code: str) -> HttpResponse:
    """One buyer: identifiers with source and confirmation (administrators confirm, after a
    confirmation step) and the editable rule (administrators and the buyer's own ekonom)."""
    _buyer_reader(request)
    org = (
        Organisation.objects.select_related("identifiers_confirmed_by")
        .filter(scb_code=scb_code)
        .first()
    )
    if org is None:
        raise Http404
    can_confirm = access.can_edit_prices(request)
    can_edit = buyers.can_edit_rule(request, org)
    rule = buyers.rule_for(org)
    initial = {
        "reference_format": rule.reference_format,
        "invoice_reference": org.invoice_reference,
        "attachment_types": buyers.type_words(rule.attachment_types),
        "detail_channel": rule.detail_channel,
        "source": rule.source,
    }
    form = BuyerRuleForm(initial=initial) if can_edit else None
    unit_form = UnitReferenceForm(buyer=org) if can_edit else None
    asking = False
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "confirm":
            if not can_confirm:
                audit(
                    request,
                    Action.ACCESS_DENIED,
                    "purchases.identifiers",
                    why="Tjänsteköp: bekräfta identifierare",
                )
                raise PermissionDenied
            if request.POST.get("sure") != "ja":
                asking = True  # the confirmation step: show what is confirmed, ask again
            else:
                try:
                    buyers.confirm_identifiers(request, org)
                except PurchasesError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(
                        request, f"Organisationsnummer och Peppol-id för {org.name} är bekräftade."
                    )
                return redirect("purchases:buyer", scb_code=org.scb_code)
        elif action == "rules":
            if not can_edit:
                audit(
                    request,
                    Action.ACCESS_DENIED,
                    "purchases.buyerrule",
                    why="Tjänsteköp: regler för fakturamottagare",
                )
                raise PermissionDenied
            form = BuyerRuleForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    buyers.save_rule(
                        request,
                        org,
                        reference_format=data["reference_format"],
                        attachment_types=data["attachment_types"],
                        detail_channel=data["detail_channel"],
                        invoice_reference=data["invoice_reference"],
                        source=data["source"],
                    )
                except PurchasesError as exc:
                    apply_problems(form, exc)
                else:
                    messages.success(request, f"Reglerna för fakturor till {org.name} är sparade.")
                    return redirect("purchases:buyer", scb_code=org.scb_code)
        elif action == "unit_reference":
            if not can_edit:
                audit(
                    request,
                    Action.ACCESS_DENIED,
                    "purchases.orderingunitreference",
                    why="Tjänsteköp: referenser för beställande enheter",
                )
                raise PermissionDenied
            unit_form = UnitReferenceForm(request.POST, buyer=org)
            if unit_form.is_valid():
                unit = unit_form.cleaned_data["unit"]
                try:
                    saved = buyers.save_unit_reference(
                        request, unit, unit_form.cleaned_data["reference"]
                    )
                except PurchasesError as exc:
                    apply_problems(unit_form, exc)
                else:
                    messages.success(
                        request,
                        f"Er referens för {unit.name} är {saved.reference}."
                        if saved
                        else f"{unit.name} har ingen egen referens; fakturorna får "
                        "organisationens fakturareferens.",
                    )
                    return redirect("purchases:buyer", scb_code=org.scb_code)
        else:
            raise Http404
    return render(
        request,
        "purchases/buyer.html",
        {
            "org": org,
            "unverified": org.unverified_identifiers(),
            "number_source": SOURCE_LABELS.get(org.org_number_source, org.org_number_source),
            "peppol_source": SOURCE_LABELS.get(org.peppol_id_source, org.peppol_id_source),
            "can_confirm": can_confirm,
            "asking": asking,
            "form": form,
            "unit_form": unit_form,
            "unit_references": buyers.units_with_references(org),
            "summary": _rule_summary(org),
            "address": _address(org),
            "address_source": _address_source(org),
        },
        status=422
        if (form is not None and form.errors) or (unit_form is not None and unit_form.errors)
        else 200,
    )
