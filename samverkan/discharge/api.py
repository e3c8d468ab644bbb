"""JSON API of the discharge room, mounted at /api/discharge by samverkan.api.main.

Access as on the pages (`discharge.access`): a stay that is not visible is 404, a visible
stay where the user may not do the thing asked is 403. Irreversible steps need
`"confirm": true` (else 422 `confirmation_required`). Notices are also accepted as FHIR R4
(`POST /api/discharge/fhir`: Encounter, Communication or a Bundle of them) and as the CSV
export of the region's own planning tool (`POST /api/discharge/import`), idempotent by the
source's identifier.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Body, File, Router
from ninja.files import UploadedFile
from ninja.responses import Status

from samverkan.accounts.models import Organisation, Unit
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.audit.models import Action as AuditAction
from samverkan.discharge import access, local_terms, payment_view, selectors, services
from samverkan.discharge.fhir_io import import_fhir
from samverkan.discharge.file_import import import_csv, read_upload
from samverkan.discharge.models import PlanningConsent, Source, Stay
from samverkan.discharge.schemas import (
    AdmissionNoticeIn,
    AnswerIn,
    BoardRowOut,
    CareContactIn,
    ConfirmIn,
    DeathIn,
    DischargeConsentIn,
    DischargeConsentOut,
    DischargeImportOut,
    DischargeIn,
    DischargeNoticeOut,
    HomeWithoutContactIn,
    LocalTermsIn,
    LocalTermsOut,
    NeedsIn,
    PaymentDisputeCreatedOut,
    PaymentDisputeIn,
    PlanningIn,
    PlanningOut,
    PreliminaryDateIn,
    ReadyIn,
    SipCalledOut,
    StayCreateIn,
    StayOut,
    StayPaymentOut,
)
from samverkan.people.access import get_person_for

router = Router(tags=["Utskrivning"])

RESPONSES: dict[int, Any] = {
    **ERROR_RESPONSES,
    400: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
    413: ErrorResponse,
}


def _in_range(pk: int) -> bool:
    return 0 < pk < 2**63  # beyond the database's integers: cannot exist


def _unit(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk).first() if _in_range(pk) else None
    if unit is None:
        raise ApiError(422, "not_found", "Enheten finns inte.", field)
    return unit


def _organisation(pk: int, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first() if _in_range(pk) else None
    if organisation is None:
        raise ApiError(422, "not_found", "Organisationen finns inte.", field)
    return organisation


def _stay(request: HttpRequest, stay_id: int, why: str) -> Stay:
    return access.get_stay_for(request, stay_id, why=why, audit_view=False)


def _fresh(stay: Stay) -> Stay:
    return Stay.objects.select_related(
        "person", "unit", "municipality", "organisation", "care_contact_unit"
    ).get(pk=stay.pk)


@router.get("/stays", response={200: list[BoardRowOut], **RESPONSES}, summary="Utskrivningstavlan")
def board(
    request: HttpRequest,
    unit_id: int | None = None,
    municipality_id: int | None = None,
    status: Literal["admitted", "planned", "ready", "discharged", "died"] | None = None,
) -> list[Any]:
    access.require_role(request, "Utskrivningstavlan (API)")
    # A filter naming a unit or kommun that does not exist selects nothing (a list, like
    # any filter), rather than refusing a well-formed question.
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id and _in_range(unit_id) else None
    municipality = (
        Organisation.objects.filter(pk=municipality_id).first()
        if municipality_id and _in_range(municipality_id)
        else None
    )
    if (unit_id and unit is None) or (municipality_id and municipality is None):
        return []
    rows = selectors.board_rows(request.user, unit=unit, municipality=municipality, status=status)
    for row in rows:
        access.audit(request, AuditAction.VIEW, row.stay, "Utskrivningstavlan (API)")
    return rows


@router.post("/stays", response={201: StayOut, **RESPONSES}, summary="Ny inskrivning")
def create_stay(request: HttpRequest, payload: StayCreateIn) -> Any:
    access.require_role(request, "Ny inskrivning (API)")
    person = get_person_for(request, payload.person_id, why="Ny inskrivning (API)")
    unit = _unit(payload.unit_id, "unit_id")
    stay = services.admit(
        request,
        person,
        unit=unit,
        municipality=_organisation(payload.municipality_id, "municipality_id"),
        care_type=payload.care_type,
        admitted_at=payload.admitted_at,
        needs_municipal_insatser=payload.needs_municipal_insatser,
        from_regional_care=payload.from_regional_care,
        source=Source.API,
        source_id=payload.source_id,
    )
    return Status(201, _fresh(stay))


@router.get("/stays/{stay_id}", response={200: StayOut, **RESPONSES}, summary="Ett vårdtillfälle")
def get_stay(request: HttpRequest, stay_id: int) -> Stay:
    return access.get_stay_for(request, stay_id, why="Visa vårdtillfälle (API)")


@router.post(
    "/stays/{stay_id}/admission-notices",
    response={201: list[DischargeNoticeOut], **RESPONSES},
    summary="Skicka inskrivningsmeddelande",
)
def admission_notice(request: HttpRequest, stay_id: int, payload: AdmissionNoticeIn) -> Any:
    stay = _stay(request, stay_id, "Inskrivningsmeddelande (API)")
    notices = services.send_admission_notice(
        request,
        stay,
        receivers=payload.receivers,
        sent_at=payload.sent_at,
        receiver_unit=_unit(payload.receiver_unit_id, "receiver_unit_id"),
        text=payload.text,
        source=Source.API,
    )
    return Status(201, notices)


@router.post(
    "/stays/{stay_id}/answers",
    response={201: DischargeNoticeOut, **RESPONSES},
    summary="Svara på meddelande",
)
def answer(request: HttpRequest, stay_id: int, payload: AnswerIn) -> Any:
    stay = _stay(request, stay_id, "Svar på inskrivningsmeddelande (API)")
    notice = services.answer_planning(
        request,
        stay,
        text=payload.text,
        insatser=payload.insatser,
        receiver=payload.receiver,
        sent_at=payload.sent_at,
        source=Source.API,
    )
    return Status(201, notice)


@router.post(
    "/stays/{stay_id}/care-contact",
    response={201: DischargeNoticeOut, **RESPONSES},
    summary="Utse fast vårdkontakt",
)
def care_contact(request: HttpRequest, stay_id: int, payload: CareContactIn) -> Any:
    stay = _stay(request, stay_id, "Fast vårdkontakt (API)")
    notice = services.appoint_care_contact(
        request,
        stay,
        unit=_unit(payload.unit_id, "unit_id"),
        name=payload.name,
        is_physician=payload.is_physician,
        source=Source.API,
    )
    return Status(201, notice)


@router.post(
    "/stays/{stay_id}/preliminary-date",
    response={201: DischargeNoticeOut, **RESPONSES},
    summary="Preliminärt utskrivningsdatum",
)
def preliminary_date(request: HttpRequest, stay_id: int, payload: PreliminaryDateIn) -> Any:
    stay = _stay(request, stay_id, "Preliminärt utskrivningsdatum (API)")
    return Status(
        201, services.set_preliminary_date(request, stay, on=payload.on, source=Source.API)
    )


@router.post(
    "/stays/{stay_id}/needs",
    response={200: StayOut, **RESPONSES},
    summary="Bedömning: behöver kommunens insatser efter utskrivning",
)
def needs(request: HttpRequest, stay_id: int, payload: NeedsIn) -> Stay:
    stay = _stay(request, stay_id, "Bedömning av behov (API)")
    services.assess_needs(request, stay, needs=payload.needs_municipal_insatser)
    return _fresh(stay)


@router.post(
    "/stays/{stay_id}/consents",
    response={201: DischargeConsentOut, **RESPONSES},
    summary="Samtycke",
)
def add_consent(request: HttpRequest, stay_id: int, payload: DischargeConsentIn) -> Any:
    stay = _stay(request, stay_id, "Samtycke (API)")
    organisations = list(Organisation.objects.filter(pk__in=payload.organisation_ids))
    if len(organisations) != len(set(payload.organisation_ids)):
        raise ApiError(
            422, "not_found", "Någon av organisationerna finns inte.", "organisation_ids"
        )
    consent = services.record_consent(
        request, stay, given_by=payload.given_by, organisations=organisations, note=payload.note
    )
    return Status(201, consent)


@router.post(
    "/stays/{stay_id}/consents/{consent_id}/withdraw",
    response={200: DischargeConsentOut, **RESPONSES},
    summary="Återkalla samtycke",
)
def withdraw_consent(
    request: HttpRequest, stay_id: int, consent_id: int, payload: ConfirmIn
) -> PlanningConsent:
    stay = _stay(request, stay_id, "Återkalla samtycke (API)")
    consent = (
        PlanningConsent.objects.filter(stay=stay, pk=consent_id).first()
        if _in_range(consent_id)
        else None
    )
    if consent is None:
        raise ApiError(404, "not_found", "Samtycket finns inte.", "consent_id")
    return services.withdraw_consent(request, consent, confirm=payload.confirm)


@router.post(
    "/stays/{stay_id}/planning",
    response={201: PlanningOut, **RESPONSES},
    summary="Planeringsunderlag",
)
def planning(request: HttpRequest, stay_id: int, payload: PlanningIn) -> Any:
    stay = _stay(request, stay_id, "Planeringsunderlag (API)")
    return Status(201, services.add_planning(request, stay, text=payload.text))


@router.post(
    "/stays/{stay_id}/ready",
    response={201: DischargeNoticeOut, **RESPONSES},
    summary="Utskrivningsklar",
)
def ready(request: HttpRequest, stay_id: int, payload: ReadyIn) -> Any:
    stay = _stay(request, stay_id, "Utskrivningsklar (API)")
    notice = services.mark_ready(
        request, stay, ready_at=payload.ready_at, confirm=payload.confirm, source=Source.API
    )
    return Status(201, notice)


@router.post(
    "/stays/{stay_id}/discharge",
    response={201: DischargeNoticeOut, **RESPONSES},
    summary="Utskrivning",
)
def discharge(request: HttpRequest, stay_id: int, payload: DischargeIn) -> Any:
    stay = _stay(request, stay_id, "Utskrivning (API)")
    notice = services.discharge(
        request,
        stay,
        discharged_at=payload.discharged_at,
        confirm=payload.confirm,
        source=Source.API,
    )
    return Status(201, notice)


@router.post(
    "/stays/{stay_id}/death", response={201: DischargeNoticeOut, **RESPONSES}, summary="Dödsfall"
)
def death(request: HttpRequest, stay_id: int, payload: DeathIn) -> Any:
    stay = _stay(request, stay_id, "Dödsfall (API)")
    notice = services.record_death(
        request, stay, died_at=payload.died_at, confirm=payload.confirm, source=Source.API
    )
    return Status(201, notice)


@router.post(
    "/stays/{stay_id}/home-without-care-contact",
    response={201: DischargeNoticeOut, **RESPONSES},
    summary="Hemkommen från regionsjukvård utan fast vårdkontakt (§7.6)",
)
def home_without_care_contact(
    request: HttpRequest, stay_id: int, payload: HomeWithoutContactIn
) -> Any:
    stay = _stay(request, stay_id, "Hemkommen utan fast vårdkontakt (API)")
    notice = services.report_home_without_care_contact(
        request,
        stay,
        health_centre=_unit(payload.health_centre_id, "health_centre_id"),
        note=payload.note,
    )
    return Status(201, notice)


@router.post(
    "/stays/{stay_id}/sip", response={201: SipCalledOut, **RESPONSES}, summary="Kalla till SIP"
)
def call_sip(request: HttpRequest, stay_id: int) -> Any:
    stay = _stay(request, stay_id, "Kalla till SIP (API)")
    sip = services.call_sip(request, stay)
    return Status(201, {"sip_id": sip.pk})


@router.post(
    "/fhir",
    response={200: DischargeImportOut, **RESPONSES},
    summary="Ta emot meddelanden som FHIR R4 (Encounter, Communication eller Bundle)",
)
def fhir(
    request: HttpRequest,
    payload: dict[str, Any] = Body(...),  # noqa: B008 (ninja declares the body so)
) -> Any:
    access.require_role(request, "FHIR-import av utskrivningsmeddelanden")
    return import_fhir(request, payload)


@router.post(
    "/import",
    response={200: DischargeImportOut, **RESPONSES},
    summary="Importera fil från regionens planeringsverktyg (CSV)",
)
def import_file(request: HttpRequest, file: File[UploadedFile]) -> Any:  # noqa: B008
    access.require_role(request, "Filimport av utskrivningsmeddelanden")
    return import_csv(request, read_upload(file))  # streamed: 413 `too_large` past the limit


__all__ = ["router", "uuid"]


# --- local terms (the parties' discharge agreement) -----------------------------------------


@router.get(
    "/local-terms",
    response={200: list[LocalTermsOut], **RESPONSES},
    summary="Lokala villkor för betalningsansvar",
)
def list_local_terms(request: HttpRequest) -> list[Any]:
    local_terms.require_reader(request)  # 403 `forbidden`, by the API's one error shape
    return list(local_terms.visible_versions(request))


@router.post(
    "/local-terms",
    response={201: LocalTermsOut, **RESPONSES},
    summary="Lägg in en version av de lokala villkoren",
)
def enter_local_terms(request: HttpRequest, payload: LocalTermsIn) -> Any:
    local_terms.require_party(request)  # before the kommun is looked up: 403, not 422
    municipality = None
    if payload.municipality_id is not None:
        municipality = _organisation(payload.municipality_id, "municipality_id")
    version = local_terms.enter_version(
        request,
        valid_from=payload.valid_from,
        name=payload.name,
        terms=payload.terms(),
        municipality=municipality,
        source=payload.source,
    )
    return Status(201, local_terms.get_version_for(request, version.pk))


@router.post(
    "/local-terms/{version_id}/confirm",
    response={200: LocalTermsOut, **RESPONSES},
    summary="Bekräfta en version av de lokala villkoren (den andra parten)",
)
def confirm_local_terms(request: HttpRequest, version_id: int, payload: ConfirmIn) -> Any:
    version = local_terms.get_version_for(request, version_id)
    local_terms.confirm_version(request, version, confirm=payload.confirm)
    return local_terms.get_version_for(request, version.pk)


# --- the payment view of a stay and a dispute about its days ---------------------------------


def _payment_out(view: Any) -> dict[str, Any]:
    stay = view.stay
    return {
        "stay_id": stay.pk,
        "person": view.person,
        "unit": stay.unit.name,
        "municipality": stay.municipality.name,
        "care_type": stay.care_type,
        "status": stay.status,
        "until": view.until,
        "days": view.days,
        "amount": view.amount,
        "first_day": view.first_day,
        "missing": list(view.missing),
        "unverified": view.unverified,
        "terms": {
            "name": view.terms_name,
            "valid_from": view.terms_from,
            "local": view.terms_local,
            "confirmed": view.terms_confirmed,
        },
        "explanation": [
            {"text": line.text, "clause": line.clause, "source": line.source}
            for line in view.explanation
        ],
        "day_rows": view.day_rows,
        "months": [{**vars(m), "invoice_numbers": list(m.invoice_numbers)} for m in view.months],
        "disputes": view.disputes,
        "open_dispute": view.open_dispute,
        "open_dispute_month": view.open_dispute_month,
        "open_dispute_months": [m for m in view.open_dispute_months if m is not None],
        "may_dispute": view.may_dispute,
    }


@router.get(
    "/stays/{stay_id}/payment",
    response={200: StayPaymentOut, **RESPONSES},
    summary="Betalningsansvar för ett vårdtillfälle (båda parter)",
    description="Dagarna efter utskrivningsklar med varje dags belopp, regel och källa, "
    "villkoren som gäller (bekräftade eller inte), varje månads läge i fakturakörningarna och "
    "tvisterna om dagarna. Personal som ser vårdtillfället och ekonomen hos regionen eller "
    "kommunen (med säljarens referens i stället för namn). 403 för roller som inte ser "
    "betalningsansvar, 404 för ett vårdtillfälle som inte finns eller inte är ens.",
)
def stay_payment(request: HttpRequest, stay_id: int) -> Any:
    stay = payment_view.get_stay_for_payment(request, stay_id, why="Betalningsansvar (API)")
    return _payment_out(payment_view.stay_payment(request, stay))


@router.post(
    "/stays/{stay_id}/payment-disputes",
    response={201: PaymentDisputeCreatedOut, **RESPONSES},
    summary="Bestrid ett vårdtillfälles betalningsdagar (kommunen)",
    description="Öppnar en tvist i tvisthanteringen om vårdtillfällets dagar; de dagar den "
    "gäller (den angivna månadens, annars hela vårdtillfällets) faktureras inte förrän den är "
    'avgjord. Kräver `"confirm": true` (annars 422 '
    "`confirmation_required`) och ett skäl (422 `missing`, fältet `reason`). 403 `forbidden` "
    "för andra än kommunens personal som ser vårdtillfället och kommunens ekonom, 404 för ett "
    "vårdtillfälle som inte finns eller inte är ens, 409 `dispute_open` när en pågående tvist "
    "redan gäller samma dagar (samma månad, eller hela vårdtillfället; en tvist om hela "
    "vårdtillfället bara när ingen pågår). `month` (valfri) anger månaden tvisten gäller: bara "
    "den månadens dagar hålls inne (422 `invalid_month` om vårdtillfället inte har "
    "betalningsdagar den månaden).",
)
def open_payment_dispute(request: HttpRequest, stay_id: int, payload: PaymentDisputeIn) -> Any:
    stay = payment_view.get_stay_for_payment(
        request, stay_id, why="Utskrivning: bestrida betalningsdagar (API)"
    )
    dispute = payment_view.open_payment_dispute(
        request,
        stay,
        reason=payload.reason,
        acting_note=payload.acting_note,
        confirm=payload.confirm,
        month=payload.month,
    )
    return Status(201, {"dispute_id": dispute.pk, "stay_id": stay.pk, "status": dispute.status})
