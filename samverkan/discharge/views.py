"""Discharge pages: the board (per unit and per kommun) and one stay with its notices and the
steps the viewer may take. Thin: access through `discharge.access`, changes through
`discharge.services`; a refusal is shown in Swedish on the page, never a traceback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.http import require_http_methods, require_POST

from samverkan.accounts.models import Organisation, OrganisationKind, Unit, UnitKind
from samverkan.audit.models import Action as AuditAction
from samverkan.core.errors import Problem
from samverkan.discharge import access, local_terms, payment_view, selectors, services
from samverkan.discharge.file_import import import_csv, read_upload
from samverkan.discharge.invoicing import month_name
from samverkan.discharge.models import (
    CareType,
    ConsentGiver,
    PlanningConsent,
    Receiver,
    Stay,
    StayStatus,
)
from samverkan.people.access import get_person_for
from samverkan.rules import INTERVENTIONS


def _role_or_403(request: HttpRequest, why: str) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    access.require_role(request, why)


def _region_sender(request: HttpRequest) -> Organisation:
    try:
        return services.require_region_sender(request).organisation
    except Problem:
        raise PermissionDenied from None


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def _when(value: str | None) -> dt.datetime | None:
    """A datetime-local field ("2026-12-02T08:30"); empty = now (the service's default)."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Problem("time", "invalid", "Ange datum och klockslag (ÅÅÅÅ-MM-DD TT:MM).")
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def board(request: HttpRequest) -> HttpResponse:
    if (
        request.user.is_authenticated
        and access.discharge_organisation(request.user) is None
        and local_terms.can_manage(request.user)
    ):
        # The forum and administrators see no stay; their part of the room is the terms.
        return redirect("discharge:terms")
    if request.user.is_authenticated and payment_view.is_finance(request.user):
        # The ekonom sees no stay either; her part of the room is the payment days.
        return redirect("discharge:payments")
    _role_or_403(request, "Utskrivningstavlan")
    profile = access.staff_profile(request)
    organisation = profile.organisation
    unit = municipality = None
    if organisation.kind == OrganisationKind.REGION:
        units = Unit.objects.filter(organisation=organisation, kind=UnitKind.SPECIALIST_CARE)
        chosen = _int(request.GET.get("enhet"))
        unit = units.filter(pk=chosen).first() if chosen else None
        municipalities = Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, region=organisation.region
        )
        chosen_m = _int(request.GET.get("kommun"))
        municipality = municipalities.filter(pk=chosen_m).first() if chosen_m else None
    else:
        units = Unit.objects.none()
        municipalities = Organisation.objects.none()
        # a private provider sees the stays it was sent notices about (stays_visible_to)
        municipality = organisation if organisation.kind == OrganisationKind.MUNICIPALITY else None
    status = request.GET.get("status") or None
    if status not in StayStatus.values:
        status = None
    rows = selectors.board_rows(request.user, unit=unit, municipality=municipality, status=status)
    for row in rows:
        access.audit(request, AuditAction.VIEW, row.stay, "Utskrivningstavlan")
    columns = [
        (value, label, [r for r in rows if r.status == value])
        for value, label in StayStatus.choices
    ]
    return render(
        request,
        "discharge/board.html",
        {
            "rows": rows,
            "columns": columns,
            "units": units,
            "unit": unit,
            "municipalities": municipalities,
            "municipality": municipality,
            "status": status,
            "statuses": StayStatus.choices,
            "is_region": organisation.kind == OrganisationKind.REGION,
            "tool": services.tool_of(organisation.region),
            "any_unverified": any(r.terms and r.terms.unverified for r in rows),
        },
    )


@require_http_methods(["GET", "POST"])
def admit(request: HttpRequest) -> HttpResponse:
    _role_or_403(request, "Ny inskrivning")
    organisation = _region_sender(request)
    units = Unit.objects.filter(organisation=organisation)
    municipalities = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY, region=organisation.region
    )
    errors: list[Any] = []
    if request.method == "POST":
        data = request.POST
        try:
            person = get_person_for(request, data.get("person_id"), why="Ny inskrivning")
            needs = {"ja": True, "nej": False}.get(data.get("needs_municipal_insatser", ""))
            stay = services.admit(
                request,
                person,
                unit=units.filter(pk=_int(data.get("unit")) or 0).first(),
                municipality=municipalities.filter(pk=_int(data.get("municipality")) or 0).first(),
                care_type=data.get("care_type", ""),
                admitted_at=_when(data.get("admitted_at")),
                needs_municipal_insatser=needs,
                from_regional_care=data.get("from_regional_care") == "on",
            )
        except Problem as problem:
            errors = problem.details
        except Http404:
            errors = [
                Problem(
                    "person_id", "person_unknown", "Personen finns inte bland era patienter."
                ).details[0]
            ]
        else:
            messages.success(request, "Inskrivningen är registrerad.")
            return redirect("discharge:detail", stay.pk)
    return render(
        request,
        "discharge/admit.html",
        {
            "units": units,
            "municipalities": municipalities,
            "care_types": CareType.choices,
            "errors": errors,
            "data": request.POST if request.method == "POST" else {},
            "person_id": request.GET.get("person", ""),
        },
    )


@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    _role_or_403(request, "Filimport av utskrivningsmeddelanden")
    _region_sender(request)
    errors: list[Any] = []
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [Problem("file", "required", "Välj en fil.").details[0]]
        else:
            try:
                result = import_csv(request, read_upload(upload))
            except Problem as problem:
                errors = problem.details
    return render(request, "discharge/import.html", {"errors": errors, "result": result})


def detail(request: HttpRequest, stay_id: int) -> HttpResponse:
    stay = access.get_stay_for(request, stay_id, why="Visa vårdtillfälle")
    user = request.user
    own = access.is_own(user, stay)
    facts = selectors.stay_facts(stay)
    notices = list(stay.notices.select_related("sender", "receiver_organisation", "receiver_unit"))
    region_units = Unit.objects.filter(organisation=stay.organisation)
    terms = selectors.terms_of(stay, facts)
    today = timezone.localdate()
    return render(
        request,
        "discharge/detail.html",
        {
            "stay": stay,
            "person": access.person_label(user, stay),
            "own": own,
            "notices": notices,
            "planning": access.planning_visible_to(user, stay).select_related("organisation"),
            "planning_shared": access.consent_covers(
                stay, access.staff_profile(user).organisation_id
            ),
            "consents": PlanningConsent.objects.filter(stay=stay) if own else [],
            "receivers": Receiver.choices,
            "receiver_kinds": access.receiver_kinds(user, stay),
            "interventions": sorted(INTERVENTIONS.items(), key=lambda i: i[1]),
            "open_care_units": [u for u in region_units if u.kind in services.OPEN_CARE_UNIT_KINDS],
            "health_centres": [u for u in region_units if u.kind == UnitKind.PRIMARY_CARE],
            "consent_givers": ConsentGiver.choices,
            "may_send": access.may_send(user, stay) and stay.is_open,
            "may_ready": access.may_mark_ready(user, stay)
            and stay.status in (StayStatus.ADMITTED, StayStatus.PLANNED),
            "may_answer": access.may_answer(user, stay) and stay.is_open,
            "may_report": access.may_report_home_without_contact(user, stay)
            and stay.care_contact_unit_id is None,
            "may_call_sip": access.may_call_sip(user, stay)
            and stay.sip_id is None
            and stay.status == StayStatus.DISCHARGED,
            "payment_days": selectors.preliminary_payment_days(facts, today, terms.local),
            "payment": selectors.payment(facts, today, terms.local),
            "terms": terms,
            "facts": facts,
        },
    )


def _send(request: HttpRequest, stay: Stay) -> Any:
    data = request.POST
    return services.send_admission_notice(
        request, stay, receivers=data.getlist("receivers"), sent_at=_when(data.get("sent_at"))
    )


def _answer(request: HttpRequest, stay: Stay) -> Any:
    data = request.POST
    return services.answer_planning(
        request,
        stay,
        text=data.get("text", ""),
        insatser=data.getlist("insatser"),
        receiver=data.get("receiver") or None,
    )


def _contact(request: HttpRequest, stay: Stay) -> Any:
    data = request.POST
    unit = Unit.objects.filter(pk=_int(data.get("unit")) or 0).first()
    return services.appoint_care_contact(
        request,
        stay,
        unit=unit,
        name=data.get("name", ""),
        is_physician=data.get("is_physician") == "on",
    )


def _needs(request: HttpRequest, stay: Stay) -> Any:
    value = {"ja": True, "nej": False}.get(request.POST.get("needs", ""))
    if value is None:
        raise Problem("needs", "required", "Svara ja eller nej.")
    return services.assess_needs(request, stay, needs=value)


def _date(request: HttpRequest, stay: Stay) -> Any:
    try:
        on = parse_date(request.POST.get("on", ""))
    except ValueError:
        on = None
    if on is None:
        raise Problem("on", "invalid", "Ange ett datum (ÅÅÅÅ-MM-DD).")
    return services.set_preliminary_date(request, stay, on=on)


def _consent(request: HttpRequest, stay: Stay) -> Any:
    data = request.POST
    return services.record_consent(
        request, stay, given_by=data.get("given_by", ""), note=data.get("note", "")
    )


def _withdraw(request: HttpRequest, stay: Stay) -> Any:
    consent = PlanningConsent.objects.filter(
        stay=stay, pk=_int(request.POST.get("consent")) or 0
    ).first()
    if consent is None:
        raise Problem("consent", "not_found", "Samtycket finns inte.")
    return services.withdraw_consent(request, consent, confirm=request.POST.get("confirm") == "on")


def _planning(request: HttpRequest, stay: Stay) -> Any:
    return services.add_planning(request, stay, text=request.POST.get("text", ""))


def _ready(request: HttpRequest, stay: Stay) -> Any:
    return services.mark_ready(
        request,
        stay,
        ready_at=_when(request.POST.get("at")),
        confirm=request.POST.get("confirm") == "on",
    )


def _discharge(request: HttpRequest, stay: Stay) -> Any:
    return services.discharge(
        request,
        stay,
        discharged_at=_when(request.POST.get("at")),
        confirm=request.POST.get("confirm") == "on",
    )


def _death(request: HttpRequest, stay: Stay) -> Any:
    return services.record_death(
        request,
        stay,
        died_at=_when(request.POST.get("at")),
        confirm=request.POST.get("confirm") == "on",
    )


def _report(request: HttpRequest, stay: Stay) -> Any:
    unit = Unit.objects.filter(pk=_int(request.POST.get("health_centre")) or 0).first()
    return services.report_home_without_care_contact(
        request,
        stay,
        health_centre=unit,
        note=request.POST.get("note", ""),
    )


def _sip(request: HttpRequest, stay: Stay) -> Any:
    return services.call_sip(request, stay)


def _may_write_planning(user: Any, stay: Stay) -> bool:
    return access.is_own(user, stay) or access.may_answer(user, stay)


STEPS: dict[
    str, tuple[Callable[[HttpRequest, Stay], Any], str, str, Callable[[Any, Stay], bool]]
] = {
    "meddelande": (
        _send,
        "Inskrivningsmeddelandet är skickat.",
        "Inskrivningsmeddelande",
        access.may_send,
    ),
    "svar": (_answer, "Svaret är skickat.", "Svar på inskrivningsmeddelande", access.may_answer),
    "vardkontakt": (
        _contact,
        "Den fasta vårdkontakten är utsedd.",
        "Fast vårdkontakt",
        access.may_send,
    ),
    "behov": (_needs, "Bedömningen är sparad.", "Bedömning av behov", access.may_send),
    "datum": (
        _date,
        "Det preliminära utskrivningsdatumet är meddelat.",
        "Preliminärt datum",
        access.may_send,
    ),
    "samtycke": (_consent, "Samtycket är registrerat.", "Samtycke", access.may_send),
    "aterkalla": (_withdraw, "Samtycket är återkallat.", "Återkalla samtycke", access.may_send),
    "underlag": (
        _planning,
        "Planeringsunderlaget är sparat.",
        "Planeringsunderlag",
        _may_write_planning,
    ),
    "utskrivningsklar": (
        _ready,
        "Utskrivningsklar är meddelat.",
        "Utskrivningsklar",
        access.may_mark_ready,
    ),
    "utskrivning": (_discharge, "Utskrivningen är meddelad.", "Utskrivning", access.may_send),
    "dodsfall": (_death, "Dödsfallet är registrerat.", "Dödsfall", access.may_send),
    "utan-vardkontakt": (
        _report,
        "Hälsocentralen har fått en uppgift att utse fast vårdkontakt.",
        "Hemkommen utan fast vårdkontakt",
        access.may_report_home_without_contact,
    ),
    "sip": (_sip, "En SIP är startad.", "Kalla till SIP", access.may_call_sip),
}


@require_POST
def step(request: HttpRequest, stay_id: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404
    handler, done, why, door = STEPS[step]
    stay = access.get_stay_for(request, stay_id, why=why, audit_view=False)
    # The door before the content: a step the viewer may not take is a 403, whatever it holds.
    access.require(request, door(request.user, stay), stay, why)
    try:
        result = handler(request, stay)
    except Problem as problem:
        for detail in problem.details:
            messages.error(request, detail.message)
        return redirect(reverse("discharge:detail", args=[stay.pk]) + "#atgarder")
    messages.success(request, done)
    if step == "sip":
        return redirect("sip:detail", result.pk)
    return redirect("discharge:detail", stay.pk)


# --- local terms (the parties' discharge agreement) -----------------------------------------

CARE_FIELDS = (("somatic", "somatisk vård"), ("psychiatric", "psykiatrisk vård"))


def _terms_reader(request: HttpRequest) -> Organisation:
    if not request.user.is_authenticated:
        raise PermissionDenied
    reader = local_terms.reader_of(request.user)
    if reader is None:
        raise PermissionDenied
    return reader


def _form_number(
    data: Any, field: str, label: str, *, whole: bool, errors: list[Any]
) -> int | str | None:
    raw = (data.get(field) or "").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    raw = raw.replace(",", ".")
    try:
        if whole:
            return int(raw)
        number = Decimal(raw)
        if number.is_finite():
            return str(number)
    except (ValueError, ArithmeticError):
        pass
    rule = "ange ett heltal" if whole else "ange ett tal, till exempel 8500 eller 8500,50"
    errors.append(Problem(field, "invalid_number", f"{label}: {rule}.").details[0])
    return None


def _per_care_type(
    data: Any, key: str, label: str, *, whole: bool, errors: list[Any]
) -> dict[str, Any]:
    out = {}
    for care, care_label in CARE_FIELDS:
        value = _form_number(
            data, f"{key}_{care}", f"{label}, {care_label}", whole=whole, errors=errors
        )
        if value is not None:
            out[care] = value
    return out


def _terms_from_form(data: Any) -> tuple[dict[str, Any], list[Any]]:
    """The terms the form sets (a blank field: the law's default), or the fields' errors."""
    errors: list[Any] = []
    terms: dict[str, Any] = {}
    days = _per_care_type(
        data, "days_after_notice", "Dagar efter meddelandet", whole=True, errors=errors
    )
    if days:
        terms["days_after_notice"] = days
    cutoff = (data.get("cutoff") or "").strip()
    if cutoff:
        terms["cutoff"] = cutoff
    for flag in ("count_from_day_zero", "count_discharge_day"):
        choice = data.get(flag, "")
        if choice in ("ja", "nej"):
            terms[flag] = choice == "ja"
    average = _form_number(
        data,
        "average_days_per_month",
        local_terms.TERM_LABELS["average_days_per_month"],
        whole=False,
        errors=errors,
    )
    if average is not None:
        terms["average_days_per_month"] = average
    amounts = _per_care_type(
        data, "amount_per_day", "Belopp per vårddygn", whole=False, errors=errors
    )
    if amounts:
        terms["amount_per_day"] = amounts
    return terms, errors


@require_http_methods(["GET", "POST"])
def terms(request: HttpRequest) -> HttpResponse:
    """The region's local terms: the law's defaults, every version (date, who entered it,
    confirmed or not) and the form for a new version."""
    reader = _terms_reader(request)
    party = local_terms.party_of(request.user)
    if request.method == "POST" and party is None:
        raise PermissionDenied
    municipalities = Organisation.objects.filter(
        kind=OrganisationKind.MUNICIPALITY, region=reader.region
    ).order_by("name")
    errors: list[Any] = []
    if request.method == "POST":
        data = request.POST
        found, errors = _terms_from_form(data)
        try:
            valid_from = parse_date(data.get("valid_from", "").strip())
        except ValueError:
            valid_from = None
        if valid_from is None:
            errors.insert(
                0,
                Problem(
                    "valid_from", "invalid_date", "Gäller från: ange ett datum (ÅÅÅÅ-MM-DD)."
                ).details[0],
            )
        chosen = _int(data.get("municipality"))
        municipality = municipalities.filter(pk=chosen).first() if chosen else None
        if chosen and municipality is None:
            errors.append(
                Problem(
                    "municipality", "invalid_choice", "Kommun: välj en kommun i regionen."
                ).details[0]
            )
        if not errors:
            try:
                local_terms.enter_version(
                    request,
                    valid_from=valid_from,
                    name=data.get("name", ""),
                    terms=found,
                    municipality=municipality,
                    source=data.get("source", ""),
                )
            except Problem as problem:
                errors = problem.details
            else:
                messages.success(
                    request,
                    "Versionen är inlagd. Den räknas från sitt datum men är inte bekräftad "
                    "förrän den andra parten har bekräftat den.",
                )
                return redirect("discharge:terms")
    today = timezone.localdate()
    rows = []
    for v in local_terms.visible_versions(request.user):
        confirmed, confirmation = local_terms.status_for(request.user, v)
        per_kommun = v.municipality_id is None and reader.kind == OrganisationKind.REGION
        rows.append(
            {
                "version": v,
                "lines": local_terms.describe(v.terms),
                "confirmed": confirmed,
                "confirmation": confirmation,
                # the region reads a region-wide version's confirmations kommun by kommun
                "confirmations": local_terms.confirmations_of(v) if per_kommun else [],
                "unconfirmed": local_terms.unconfirmed_municipalities(v) if per_kommun else [],
                "may_confirm": local_terms.can_confirm(request.user, v),
            }
        )
    return render(
        request,
        "discharge/terms.html",
        {
            "party": party,
            "reader": reader,
            "is_region": reader.kind == OrganisationKind.REGION,
            "rows": rows,
            "law": local_terms.law_defaults(today),
            "today": today,
            "municipalities": municipalities,
            "care_fields": CARE_FIELDS,
            "errors": errors,
            "data": request.POST if request.method == "POST" else {},
        },
        status=200,
    )


@require_http_methods(["GET", "POST"])
def confirm_terms(request: HttpRequest, version_id: int) -> HttpResponse:
    """The other party's confirmation step: the version in full and a checkbox; confirming is
    irreversible."""
    _terms_reader(request)
    try:
        version = local_terms.get_version_for(request.user, version_id)
    except Problem as problem:
        if problem.status == 404:
            raise Http404 from None
        raise PermissionDenied from None
    if not local_terms.can_confirm(request.user, version):
        party = local_terms.party_of(request.user)
        if party is not None and local_terms.confirmed_by_party(version, party):
            messages.info(request, "Versionen är redan bekräftad.")
            return redirect("discharge:terms")
        raise PermissionDenied
    errors: list[Any] = []
    if request.method == "POST":
        try:
            local_terms.confirm_version(
                request, version, confirm=request.POST.get("confirm") == "on"
            )
        except Problem as problem:
            errors = problem.details
        else:
            messages.success(request, "Versionen är bekräftad.")
            return redirect("discharge:terms")
    return render(
        request,
        "discharge/terms_confirm.html",
        {"version": version, "lines": local_terms.describe(version.terms), "errors": errors},
    )


# --- the payment view of a stay, and a dispute about its days -------------------------------


def payment(request: HttpRequest, stay_id: int) -> HttpResponse:
    """Both parties' view of a stay's days of betalningsansvar (`discharge.payment_view`)."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    stay = payment_view.get_stay_for_payment(request, stay_id, why="Betalningsansvar (sida)")
    view = payment_view.stay_payment(request, stay)
    return render(
        request,
        "discharge/payment.html",
        {"stay": view.stay, "view": view},
    )


@require_http_methods(["GET", "POST"])
def payment_dispute(request: HttpRequest, stay_id: int) -> HttpResponse:
    """The kommun bestrider a stay's days: the reason and a confirmation step."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    why = "Utskrivning: bestrida betalningsdagar"
    stay = payment_view.get_stay_for_payment(request, stay_id, why=why)
    view = payment_view.stay_payment(request, stay)
    if not payment_view.may_dispute(request, stay):
        access.audit(request, AuditAction.ACCESS_DENIED, stay, why)
        raise PermissionDenied
    if not view.may_dispute:
        messages.info(
            request,
            "Alla betalningsdagar för vårdtillfället är redan bestridda i en pågående tvist.",
        )
        return redirect("discharge:payment", stay.pk)
    errors: list[Any] = []
    months = payment_view.dispute_months(view)
    data: Any = {
        "acting_note": payment_view.default_acting_note(stay),
        "month": request.GET.get("manad", ""),  # from a month's row of the payment page
    }
    if request.method == "POST":
        data = request.POST
        chosen = (data.get("month") or "").strip()
        month = (_month_param(chosen) or dt.date.min) if chosen else None
        try:
            payment_view.open_payment_dispute(
                request,
                stay,
                reason=data.get("reason", ""),
                acting_note=data.get("acting_note", ""),
                confirm=data.get("confirm") == "on",
                # a value that is no month of the stay is refused by the service, named
                month=month,
            )
        except Problem as problem:
            errors = problem.details
        else:
            which = f"Dagarna i {month_name(month)}" if month else "Betalningsdagarna"
            messages.success(
                request, f"{which} är bestridda. De faktureras inte förrän tvisten är avgjord."
            )
            return redirect("discharge:payment", stay.pk)
    return render(
        request,
        "discharge/payment_dispute.html",
        {"stay": view.stay, "view": view, "errors": errors, "data": data, "months": months},
        status=200,
    )


def _month_param(value: str | None) -> dt.date | None:
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None


def payments(request: HttpRequest) -> HttpResponse:
    """A month's days of betalningsansvar per stay, for both parties' staff and ekonom."""
    if not request.user.is_authenticated or not payment_view.may_view_payments(request):
        if request.user.is_authenticated:
            access.require_role(request, "Betalningsansvar per månad")
        raise PermissionDenied
    today = timezone.localdate()
    month = _month_param(request.GET.get("manad")) or today.replace(day=1)
    if not dt.date(2018, 1, 1) <= month <= today:
        month = today.replace(day=1)
    rows = payment_view.month_rows(request, month)
    previous = (month - dt.timedelta(days=1)).replace(day=1)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "discharge/payments.html",
        {
            "month": month,
            "rows": rows,
            "days": sum(r.days for r in rows),
            "amount": sum((r.amount for r in rows), Decimal(0)),
            "previous": previous if previous >= dt.date(2018, 1, 1) else None,
            "following": following if following <= today else None,
            "finance": payment_view.is_finance(request),
            "any_unverified": any(r.unverified and r.days for r in rows),
        },
    )
