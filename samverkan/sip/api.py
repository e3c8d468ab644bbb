"""JSON API of the sip app, mounted at /api/sips by samverkan.api.main.

Access as on the pages (`sip.access`): a SIP that is not visible is 404, a visible SIP
where the user may not do the thing asked is 403. Saving a plan version names the version
it started from (`base_version` in the body, or an `If-Match: "3"` header; the SIP's
`ETag` is its version): a stale one gets 409 with the field-level changes since then.
Breaking an agreement rule gives 422 with the clause quoted in the message.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Body, Query, Router
from ninja.responses import Status

from samverkan.accounts.models import Organisation, Unit
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.api.schemas import Merged
from samverkan.audit.models import Action as AuditAction
from samverkan.people import emergency as people_emergency
from samverkan.people.access import get_person_for, require_write_role
from samverkan.people.services import PeopleError
from samverkan.sip import access, services
from samverkan.sip.emergency import emergency_sips
from samverkan.sip.fhir_io import import_patients
from samverkan.sip.models import Participant, Sip, SipStatus
from samverkan.sip.outputs import fhir_bundle_json
from samverkan.sip.plan import ActionRow, ChecklistRow, ContactRow, PlanData, RiskRow
from samverkan.sip.schemas import (
    MAX_ID,
    ActionOut,
    ActionPatchIn,
    ConflictOut,
    ConsentIn,
    ConsentOut,
    ConsentWithdrawIn,
    DiffOut,
    EmergencyAccessIn,
    EmergencyAccessOut,
    EmergencyPlansOut,
    EmergencyReviewIn,
    FollowUpIn,
    ImportedOut,
    InviteIn,
    MeetingIn,
    ParticipantOut,
    PlanIn,
    PlanOut,
    RespondIn,
    SipCreateIn,
    SipOut,
    SipStatusIn,
    SipSummary,
    VersionSummary,
    plan_view,
)

router = Router(tags=["SIP"])

RESPONSES: dict[int, Any] = {
    **ERROR_RESPONSES,
    400: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
}


# A 409 on a plan save is a version conflict (with the diff) or a refusal of the SIP's state
# (e.g. `not_active`: the one error shape without the diff).
ConflictOrRefusal = ConflictOut | ErrorResponse


def _fresh(sip: Sip) -> Sip:
    """The SIP as saved (`SipOut` reads it; the services may have changed it)."""
    sip.refresh_from_db()
    return sip


def _db_id(value: int) -> int:
    """A path id within the database's integer range (else 404)."""
    if not 0 < value <= MAX_ID:
        raise Http404
    return value


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise ApiError(422, "not_found", "Organisationen finns inte.", field)
    return org


def _unit(pk: int | None, field: str) -> Unit | None:
    if pk is None:
        return None
    unit = Unit.objects.select_related("organisation").filter(pk=pk).first()
    if unit is None:
        raise ApiError(422, "not_found", "Enheten finns inte.", field)
    return unit


def _plan_data(payload: PlanIn) -> PlanData:
    def org(pk: int, field: str) -> Organisation:
        found = _organisation(pk, field)
        assert found is not None
        return found

    return PlanData(
        goals=[g.strip() for g in payload.goals if g.strip()],
        needs=[n.strip() for n in payload.needs if n.strip()],
        overall_responsible_organisation=_organisation(
            payload.overall_responsible_organisation_id, "overall_responsible_organisation_id"
        ),
        overall_responsible_unit=_unit(
            payload.overall_responsible_unit_id, "overall_responsible_unit_id"
        ),
        overall_responsibility_note=payload.overall_responsibility_note.strip(),
        follow_up_date=payload.follow_up_date,
        end_of_life=payload.end_of_life,
        discharge_from_inpatient_care=payload.discharge_from_inpatient_care,
        extensive_home_care=payload.extensive_home_care,
        compulsory_care=payload.compulsory_care,
        chief_physician_name=payload.chief_physician_name.strip(),
        change_note=payload.change_note.strip(),
        actions=[
            ActionRow(
                description=a.description,
                huvudman=a.huvudman,
                organisation=org(a.organisation_id, f"actions.{n}.organisation_id"),
                unit=_unit(a.unit_id, f"actions.{n}.unit_id"),
                due=a.due,
                status=a.status,
                key=a.key,
            )
            for n, a in enumerate(payload.actions)
        ],
        care_contacts=[
            ContactRow(
                organisation=org(c.organisation_id, f"care_contacts.{n}.organisation_id"),
                name_or_role=c.name_or_role,
                unit=_unit(c.unit_id, f"care_contacts.{n}.unit_id"),
                is_physician=c.is_physician,
                responsibility=c.responsibility,
                key=c.key,
                phone=c.phone.strip(),
            )
            for n, c in enumerate(payload.care_contacts)
        ],
        checklist=[ChecklistRow(text=i.text, done=i.done, key=i.key) for i in payload.checklist],
        risks=[
            RiskRow(
                risk=r.risk,
                consequence=r.consequence,
                likelihood=r.likelihood,
                severity=r.severity,
                measures=r.measures,
                owner=r.owner,
                due=r.due,
                key=r.key,
            )
            for r in payload.risks
        ],
    )


def _base_version(request: HttpRequest, body_value: int | None) -> int:
    """`base_version` from the body, else from If-Match ("3", W/"3" or 3)."""
    header = request.headers.get("If-Match", "").strip()
    from_header: int | None = None
    if header:
        try:
            from_header = int(header.removeprefix("W/").strip('"'))
        except ValueError:
            raise ApiError(
                400, "invalid_if_match", 'If-Match ska vara planens version, t.ex. "3".'
            ) from None
    if body_value is not None and from_header is not None and body_value != from_header:
        raise ApiError(400, "version_mismatch", "base_version och If-Match anger olika versioner.")
    value = body_value if body_value is not None else from_header
    if value is None:
        raise ApiError(
            428,
            "base_version_required",
            "Ange vilken version ändringen utgår från (base_version eller If-Match).",
            "base_version",
        )
    return value


# --- endpoints -------------------------------------------------------------------------


@router.get("", response={200: list[SipSummary], **RESPONSES}, summary="SIP:ar jag ser")
def list_sips(
    request: HttpRequest,
    person_id: uuid.UUID | None = None,
    status: Literal["draft", "invited", "active", "followed_up", "closed"] | None = None,
) -> list[Sip]:
    if access.sip_organisation(request.user) is None:
        raise PermissionDenied
    sips = access.sips_visible_to(request.user).select_related(
        "person", "initiated_by_organisation", "overall_responsible_organisation"
    )
    if person_id is not None:
        sips = sips.filter(person_id=person_id)
    if status is not None:
        sips = sips.filter(status=status)
    rows = access.visible_sips(request.user, sips.order_by("-created")[:500])
    for sip in rows:
        access.audit(request, AuditAction.VIEW, sip, "SIP-lista (API)")
    return rows


@router.post("", response={201: SipOut, **RESPONSES}, summary="Starta SIP")
def create_sip(request: HttpRequest, payload: SipCreateIn) -> Any:
    person = get_person_for(request, payload.person_id, why="Starta SIP (API)", change=True)
    if access.sip_organisation(request.user) is None:
        raise PermissionDenied
    circumstances = {
        name: value
        for name in (
            "end_of_life",
            "discharge_from_inpatient_care",
            "extensive_home_care",
            "compulsory_care",
        )
        if (value := getattr(payload, name)) is not None
    }
    sip = services.start_sip(
        request,
        person,
        agreement=payload.agreement,
        on_request_of_person=payload.initiated_on_request_of_person,
        circumstances=circumstances,
    )
    return Status(201, _fresh(sip))


# --- nödåtkomst (patientdatalagen 6 kap. 3 §) ---------------------------------------------


def _require_emergency_role(request: HttpRequest) -> None:
    if access.sip_organisation(request.user) is None or not people_emergency.may_open(request.user):
        raise PermissionDenied


def _emergency_view(request: HttpRequest, granted: Any) -> dict[str, Any]:
    return {
        "id": granted.pk,
        "owner": granted.owner,
        "opened_at": granted.opened_at,
        "expires_at": granted.expires_at,
        "reviewed_at": granted.reviewed_at,
        "sips": emergency_sips(request, granted),
    }


@router.post(
    "/emergency-access",
    response={201: list[EmergencyAccessOut], **RESPONSES},
    summary="Nödåtkomst till personens SIP-planer",
)
def open_emergency_access(request: HttpRequest, payload: EmergencyAccessIn) -> Any:
    """Licensed staff; one access per vårdgivare whose open plan it reaches, for
    `SAMVERKAN_EMERGENCY_ACCESS_HOURS` (default 4). The same 404 `nothing_to_open` for an
    unknown number, no open plan and a plan behind a spärr."""
    _require_emergency_role(request)
    opened = people_emergency.open_emergency_access(
        request,
        payload.identifier,
        reason=payload.reason,
        confirmed=payload.confirm,
        acute=payload.acute,
    )
    return Status(201, opened)


@router.get(
    "/emergency-access/{access_id}",
    response={200: EmergencyPlansOut, **RESPONSES},
    summary="Planerna en nödåtkomst öppnar",
)
def get_emergency_access(request: HttpRequest, access_id: int) -> Any:
    _require_emergency_role(request)
    return _emergency_view(request, people_emergency.get_access_for(request, _db_id(access_id)))


@router.post(
    "/emergency-access/{access_id}/review",
    response={200: EmergencyAccessOut, **RESPONSES},
    summary="Granska en nödåtkomst (uppgifternas ägare: MAS, chefsläkare)",
)
def review_emergency_access(
    request: HttpRequest, access_id: int, payload: EmergencyReviewIn
) -> Any:
    granted = people_emergency.get_access_to_review(request, _db_id(access_id))
    return people_emergency.review_emergency_access(request, granted, note=payload.note)


@router.get("/{sip_id}", response={200: SipOut, **RESPONSES}, summary="En SIP")
def get_sip(request: HttpRequest, sip_id: int, response: HttpResponse) -> Sip:
    sip = access.get_sip_for(request, sip_id, why="Visa SIP (API)")
    response["ETag"] = f'"{sip.version}"'
    return _fresh(sip)


@router.post(
    "/{sip_id}/consents", response={201: ConsentOut, **RESPONSES}, summary="Registrera samtycke"
)
def add_consent(request: HttpRequest, sip_id: int, payload: ConsentIn) -> Any:
    sip = access.get_sip_for(request, sip_id, why="Registrera samtycke (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Registrera samtycke (API)")
    organisations = list(Organisation.objects.filter(pk__in=payload.organisation_ids))
    if len(organisations) != len(set(payload.organisation_ids)):
        raise ApiError(
            422, "not_found", "Någon av organisationerna finns inte.", "organisation_ids"
        )
    consent = services.record_consent(
        request,
        sip,
        given_by=payload.given_by,
        given_by_name=payload.given_by_name,
        given_at=payload.given_at,
        scope=payload.scope,
        organisations=organisations,
        note=payload.note,
        assessed_by_name=payload.assessed_by_name,
        assessment_reason=payload.assessment_reason,
        provision=payload.provision,
    )
    return Status(201, consent)


@router.post(
    "/{sip_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **RESPONSES},
    summary="Återkalla samtycke",
)
def withdraw_consent(
    request: HttpRequest, sip_id: int, consent_id: int, payload: ConsentWithdrawIn
) -> Any:
    """Cannot be undone: asks for `{"confirm": true}`. Afterwards the invited organisations
    get 403 `consent_no_longer_covers` (with the date) on the SIP."""
    sip = access.get_sip_for(request, sip_id, why="Återkalla samtycke (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Återkalla samtycke (API)")
    consent = sip.consents.filter(pk=_db_id(consent_id)).first()
    if consent is None:
        raise Http404
    if not payload.confirm:
        raise ApiError(
            422,
            "confirmation_required",
            'Återkallandet går inte att ångra: bekräfta med "confirm": true.',
            "confirm",
        )
    return services.withdraw_consent(request, consent)


@router.post(
    "/{sip_id}/participants",
    response={201: ParticipantOut, **RESPONSES},
    summary="Kalla deltagare",
)
def invite(request: HttpRequest, sip_id: int, payload: InviteIn) -> Any:
    sip = access.get_sip_for(request, sip_id, why="Kalla till SIP (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Kalla till SIP (API)")
    unit = _unit(payload.unit_id, "unit_id")
    organisation = _organisation(payload.organisation_id, "organisation_id") or (
        unit.organisation if unit else None
    )
    if organisation is None:
        raise ApiError(422, "missing", "Ange organisation eller enhet.", "organisation_id")
    participant = services.invite(
        request,
        sip,
        organisation=organisation,
        unit=unit,
        meeting_at=payload.meeting_at,
        meeting_place=payload.meeting_place,
    )
    return Status(201, participant)


@router.put(
    "/{sip_id}/meeting",
    response={200: SipOut, **RESPONSES},
    summary="Tid, plats och videolänk för SIP-mötet",
)
def set_meeting(request: HttpRequest, sip_id: int, payload: MeetingIn) -> Sip:
    sip = access.get_sip_for(request, sip_id, why="SIP-möte (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "SIP-möte (API)")
    services.set_meeting(request, sip, at=payload.at, place=payload.place, link=payload.link)
    return _fresh(sip)


@router.post(
    "/{sip_id}/participants/{participant_id}/response",
    response={200: ParticipantOut, **RESPONSES},
    summary="Svara på kallelse",
)
def respond(
    request: HttpRequest, sip_id: int, participant_id: int, payload: RespondIn
) -> Participant:
    sip = access.get_sip_for(request, sip_id, why="Svara på kallelse (API)", audit_view=False)
    participant = sip.participants.filter(pk=_db_id(participant_id)).first()
    if participant is None:
        raise Http404
    access.require(
        request, access.can_respond(request.user, participant), sip, "Svara på kallelse (API)"
    )
    return services.respond(request, participant, accept=payload.accept, note=payload.note)


@router.get(
    "/{sip_id}/versions",
    response={200: list[VersionSummary], **RESPONSES},
    summary="Planversioner",
)
def list_versions(request: HttpRequest, sip_id: int) -> Any:
    sip = access.get_sip_for(request, sip_id, why="SIP: versioner (API)")
    return list(sip.versions.select_related("author").order_by("number"))


@router.post(
    "/{sip_id}/versions",
    response={**RESPONSES, 201: PlanOut, 409: ConflictOrRefusal, 428: ErrorResponse},
    summary="Spara ny planversion (revidering)",
)
def save_version(request: HttpRequest, sip_id: int, payload: PlanIn, response: HttpResponse) -> Any:
    sip = access.get_sip_for(request, sip_id, why="Redigera SIP-plan (API)", audit_view=False)
    access.require(request, access.can_edit_plan(request.user, sip), sip, "Redigera SIP-plan (API)")
    base = _base_version(request, payload.base_version)
    version = services.save_plan(request, sip, _plan_data(payload), base_version=base)
    response["ETag"] = f'"{version.number}"'
    return Status(201, plan_view(sip, version.number))


@router.get(
    "/{sip_id}/versions/{number}",
    response={200: PlanOut, **RESPONSES},
    summary="En planversion",
)
def get_version(request: HttpRequest, sip_id: int, number: int) -> Merged:
    sip = access.get_sip_for(request, sip_id, why="SIP: visa version (API)")
    plan = plan_view(sip, _db_id(number))
    if plan is None:
        raise Http404
    return plan


@router.get(
    "/{sip_id}/diff",
    response={200: DiffOut, **RESPONSES},
    summary="Skillnad mellan två versioner",
)
def version_diff(request: HttpRequest, sip_id: int, old: int, new: int) -> Any:
    sip = access.get_sip_for(request, sip_id, why="SIP: jämför versioner (API)")
    numbers = set(sip.versions.values_list("number", flat=True))
    if old not in numbers or new not in numbers:
        raise Http404
    return services.compare_versions(sip, old, new)


@router.post(
    "/{sip_id}/follow-ups",
    response={**RESPONSES, 201: PlanOut, 409: ConflictOrRefusal, 428: ErrorResponse},
    summary="Följ upp planen",
)
def add_follow_up(request: HttpRequest, sip_id: int, payload: FollowUpIn) -> Any:
    sip = access.get_sip_for(request, sip_id, why="Följa upp SIP (API)", audit_view=False)
    access.require(request, access.can_edit_plan(request.user, sip), sip, "Följa upp SIP (API)")
    version = services.follow_up(
        request,
        sip,
        base_version=_base_version(request, payload.base_version),
        notes=payload.notes,
        next_follow_up=payload.next_follow_up,
        action_statuses=dict(payload.action_statuses),
    )
    return Status(201, plan_view(sip, version.number))


@router.get("/{sip_id}/actions", response={200: list[ActionOut], **RESPONSES}, summary="Insatser")
def list_actions(request: HttpRequest, sip_id: int) -> Any:
    sip = access.get_sip_for(request, sip_id, why="SIP: insatser (API)")
    plan = plan_view(sip)
    return plan.actions if plan else []


@router.patch(
    "/{sip_id}/actions/{key}",
    response={**RESPONSES, 200: PlanOut, 409: ConflictOrRefusal, 428: ErrorResponse},
    summary="Ändra status eller datum för en insats (ny version)",
)
def patch_action(request: HttpRequest, sip_id: int, key: str, payload: ActionPatchIn) -> Any:
    sip = access.get_sip_for(request, sip_id, why="SIP: ändra insats (API)", audit_view=False)
    access.require(request, access.can_edit_plan(request.user, sip), sip, "SIP: ändra insats (API)")
    version = services.update_action(
        request,
        sip,
        key,
        base_version=_base_version(request, payload.base_version),
        status=payload.status,
        due=payload.due,
        set_due="due" in payload.model_fields_set,
    )
    return plan_view(sip, version.number)


@router.post("/{sip_id}/status", response={200: SipOut, **RESPONSES}, summary="Fastställ/avsluta")
def set_status(request: HttpRequest, sip_id: int, payload: SipStatusIn) -> Sip:
    sip = access.get_sip_for(request, sip_id, why="Ändra SIP-status (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Ändra SIP-status (API)")
    if payload.status == SipStatus.ACTIVE:
        services.activate(request, sip, confirm_unanswered=payload.confirm_unanswered)
    else:
        services.close(request, sip)
    return _fresh(sip)


@router.post(
    "/{sip_id}/discharge", response={200: SipOut, **RESPONSES}, summary="Klart för utskrivning"
)
def approve_discharge(request: HttpRequest, sip_id: int) -> Sip:
    sip = access.get_sip_for(request, sip_id, why="Klart för utskrivning (API)", audit_view=False)
    access.require(
        request, access.can_manage(request.user, sip), sip, "Klart för utskrivning (API)"
    )
    services.approve_discharge(request, sip)
    return _fresh(sip)


@router.get(
    "/{sip_id}/pdf",
    response={200: None, **RESPONSES},
    summary="SIP som PDF",
    openapi_extra={
        "responses": {
            200: {
                "description": "Planen som PDF på svenska, för personen.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def pdf(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="SIP som PDF (API)", audit_view=False)
    access.audit(request, AuditAction.PRINT, sip, "SIP som PDF till personen (API)")
    from samverkan.sip.pdf import sip_pdf  # fpdf2 is slow to import: only when asked

    response = HttpResponse(sip_pdf(sip), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sip-{sip.pk}.pdf"'
    return response


@router.get(
    "/{sip_id}/fhir",
    response={200: None, **RESPONSES},
    summary="SIP som FHIR R4 Bundle",
    openapi_extra={
        "responses": {
            200: {
                "description": "Bundle (collection): Patient, Organization, CarePlan, CareTeam.",
                "content": {"application/fhir+json": {"schema": {"type": "object"}}},
            }
        }
    },
)
def fhir(request: HttpRequest, sip_id: int) -> HttpResponse:
    sip = access.get_sip_for(request, sip_id, why="SIP som FHIR (API)", audit_view=False)
    access.audit(request, AuditAction.EXPORT, sip, "SIP som FHIR-bundle (API)")
    body = fhir_bundle_json(sip)
    return HttpResponse(body, content_type="application/fhir+json")


@router.post(
    "/fhir/patients",
    response={200: list[ImportedOut], **RESPONSES},
    summary="Importera FHIR Patient (eller Bundle med Patient)",
)
def import_fhir_patients(
    request: HttpRequest,
    payload: dict[str, Any] = Body(...),  # noqa: B008 (ninja declares the body so)
    confirm_care_relation: bool = False,
    reason: str = Query("", max_length=500),  # noqa: B008
) -> list[dict[str, Any]]:
    """Creates (or finds) the persons by the rules of a registration (`POST /api/persons`):
    a role that may register persons, `confirm_care_relation=true` and a `reason`; the care
    relation is the user's own vårdgivare's and verksamhet's. `created` is true also for a
    Patient held where the user cannot see it (the answer does not tell that it exists)."""
    require_write_role(request, "FHIR-import av Patient")
    try:
        imported = import_patients(
            request, payload, confirm_care_relation=confirm_care_relation, reason=reason
        )
    except ValueError as error:
        if isinstance(error, PeopleError):
            raise
        raise ApiError(422, "invalid_fhir", str(error)) from None
    return [{"person_id": person.pk, "created": created} for person, created in imported]
