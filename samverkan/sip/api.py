"""JSON API of the sip app, mounted at /api/sips by samverkan.api.main.

Access as on the pages (`sip.access`): a SIP that is not visible is 404, a visible SIP
where the user may not do the thing asked is 403. Saving a plan version names the version
it started from (`base_version` in the body, or an `If-Match: "3"` header; the SIP's
`ETag` is its version): a stale one gets 409 with the field-level changes since then.
Breaking an agreement rule gives 422 with the clause quoted in the message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Body, Field, Router, Schema
from ninja.responses import Status

from samverkan.accounts.models import Organisation, Unit
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.audit.models import Action as AuditAction
from samverkan.people.access import get_person_for
from samverkan.people.services import PeopleError
from samverkan.sip import access, services
from samverkan.sip.fhir_io import import_patients
from samverkan.sip.models import (
    Consent,
    Participant,
    Sip,
    SipStatus,
)
from samverkan.sip.outputs import fhir_bundle_json
from samverkan.sip.plan import (
    ActionRow,
    Change,
    ChecklistRow,
    ContactRow,
    PlanData,
    RiskRow,
    plan_of,
)

router = Router(tags=["SIP"])

MAX_ID = 2**63 - 1  # the database's integer range: larger ids are refused, not overflowed
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]

RESPONSES: dict[int, Any] = {
    **ERROR_RESPONSES,
    400: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
}


class ChangeOut(Schema):
    section: str
    label: str
    old: str
    new: str


class ConflictOut(Schema):
    detail: list[dict[str, Any]]
    base_version: int
    current_version: int
    changes: list[ChangeOut]


def _changes(changes: list[Change]) -> list[ChangeOut]:
    return [ChangeOut(section=c.section, label=c.label, old=c.old, new=c.new) for c in changes]


# --- schemas ---------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


def _ref(obj: Organisation | Unit | None) -> Ref | None:
    return Ref(id=obj.pk, name=obj.name) if obj is not None else None


class ActionIn(Schema):
    key: str = ""
    description: str = Field(..., min_length=1, max_length=2000)
    huvudman: Literal["region", "municipality"]
    organisation_id: DbId
    unit_id: DbId | None = None
    due: dt.date | None = None
    status: Literal["planned", "in_progress", "done", "cancelled"] = "planned"


class ContactIn(Schema):
    key: str = ""
    name_or_role: str = Field(..., min_length=1, max_length=200)
    organisation_id: DbId
    unit_id: DbId | None = None
    is_physician: bool = False
    responsibility: str = Field("", max_length=300)


class ChecklistIn(Schema):
    key: str = ""
    text: str = Field(..., min_length=1, max_length=300)
    done: bool = False


class RiskIn(Schema):
    key: str = ""
    risk: str = Field(..., min_length=1)
    consequence: str = Field(..., min_length=1)
    likelihood: int = Field(..., ge=1, le=4)
    severity: int = Field(..., ge=1, le=4)
    measures: str = ""
    owner: str = Field("", max_length=200)
    due: dt.date | None = None


ExtensiveHomeCare = Literal["", "respirator", "tracheostomy", "peritoneal_dialysis"]
CompulsoryCareIn = Literal["", "open_lpt", "open_lrv"]


class PlanIn(Schema):
    base_version: int | None = Field(
        None, description="The version the edit started from (or send If-Match)."
    )
    goals: list[str] = []
    needs: list[str] = []
    overall_responsible_organisation_id: DbId | None = None
    overall_responsible_unit_id: DbId | None = None
    overall_responsibility_note: str = Field("", max_length=300)
    follow_up_date: dt.date | None = None
    end_of_life: bool = False
    discharge_from_inpatient_care: bool = False
    extensive_home_care: ExtensiveHomeCare = ""
    compulsory_care: CompulsoryCareIn = ""
    chief_physician_name: str = Field("", max_length=200)
    change_note: str = Field("", max_length=300)
    actions: list[ActionIn] = []
    care_contacts: list[ContactIn] = []
    checklist: list[ChecklistIn] = []
    risks: list[RiskIn] = []


class ActionOut(Schema):
    key: str
    description: str
    huvudman: str
    organisation: Ref
    unit: Ref | None
    due: dt.date | None
    status: str


class ContactOut(Schema):
    key: str
    name_or_role: str
    organisation: Ref
    unit: Ref | None
    is_physician: bool
    responsibility: str


class ChecklistOut(Schema):
    key: str
    text: str
    done: bool
    done_by: str | None
    done_at: dt.datetime | None


class RiskOut(Schema):
    key: str
    risk: str
    consequence: str
    likelihood: int
    severity: int
    risk_value: int
    measures: str
    owner: str
    due: dt.date | None


class PlanOut(Schema):
    number: int
    kind: str
    based_on: int | None
    created_at: dt.datetime
    author: str
    goals: list[str]
    needs: list[str]
    overall_responsible_organisation: Ref | None
    overall_responsible_unit: Ref | None
    overall_responsibility_note: str
    follow_up_date: dt.date | None
    end_of_life: bool
    discharge_from_inpatient_care: bool
    extensive_home_care: str
    compulsory_care: str
    chief_physician_name: str
    follow_up_notes: str
    change_note: str
    actions: list[ActionOut]
    care_contacts: list[ContactOut]
    checklist: list[ChecklistOut]
    risks: list[RiskOut]


class ConsentOut(Schema):
    id: int
    given_by: str
    given_by_name: str
    given_at: dt.datetime
    scope: str
    organisations: list[Ref]
    active: bool
    withdrawn_at: dt.datetime | None


class ParticipantOut(Schema):
    id: int
    organisation: Ref
    unit: Ref | None
    invited_at: dt.datetime
    meeting_at: dt.datetime | None
    meeting_place: str
    response: str
    responded_at: dt.datetime | None
    response_note: str


class SipSummary(Schema):
    id: int
    person_id: uuid.UUID
    status: str
    agreement: str
    initiated_by_organisation: Ref
    overall_responsible_organisation: Ref | None
    follow_up_date: dt.date | None
    version: int
    created: dt.datetime
    updated: dt.datetime


class SipOut(SipSummary):
    initiated_by_unit: Ref | None
    initiated_on_request_of_person: bool
    discharge_approved_at: dt.datetime | None
    has_consent: bool
    consents: list[ConsentOut]
    participants: list[ParticipantOut]
    plan: PlanOut | None
    discharge_problems: list[dict[str, Any]]
    links: dict[str, str]


class VersionSummary(Schema):
    number: int
    kind: str
    based_on: int | None
    created_at: dt.datetime
    author: str
    change_note: str


class DiffOut(Schema):
    old: int
    new: int
    changes: list[ChangeOut]


def _name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _plan_out(sip: Sip, number: int | None = None) -> PlanOut | None:
    version = (
        sip.versions.filter(number=number).first() if number is not None else sip.current_version()
    )
    if version is None:
        return None
    plan = plan_of(version)
    return PlanOut(
        number=version.number,
        kind=version.kind,
        based_on=version.based_on,
        created_at=version.created_at,
        author=_name(version.author),
        goals=plan.goals,
        needs=plan.needs,
        overall_responsible_organisation=_ref(plan.overall_responsible_organisation),
        overall_responsible_unit=_ref(plan.overall_responsible_unit),
        overall_responsibility_note=plan.overall_responsibility_note,
        follow_up_date=plan.follow_up_date,
        end_of_life=plan.end_of_life,
        discharge_from_inpatient_care=plan.discharge_from_inpatient_care,
        extensive_home_care=plan.extensive_home_care,
        compulsory_care=plan.compulsory_care,
        chief_physician_name=plan.chief_physician_name,
        follow_up_notes=plan.follow_up_notes,
        change_note=plan.change_note,
        actions=[
            ActionOut(
                key=a.key,
                description=a.description,
                huvudman=a.huvudman,
                organisation=_ref(a.organisation),  # type: ignore[arg-type]
                unit=_ref(a.unit),
                due=a.due,
                status=a.status,
            )
            for a in plan.actions
        ],
        care_contacts=[
            ContactOut(
                key=c.key,
                name_or_role=c.name_or_role,
                organisation=_ref(c.organisation),  # type: ignore[arg-type]
                unit=_ref(c.unit),
                is_physician=c.is_physician,
                responsibility=c.responsibility,
            )
            for c in plan.care_contacts
        ],
        checklist=[
            ChecklistOut(
                key=i.key,
                text=i.text,
                done=i.done,
                done_by=_name(i.done_by) or None,
                done_at=i.done_at,
            )
            for i in plan.checklist
        ],
        risks=[
            RiskOut(
                key=r.key,
                risk=r.risk,
                consequence=r.consequence,
                likelihood=r.likelihood,
                severity=r.severity,
                risk_value=r.risk_value,
                measures=r.measures,
                owner=r.owner,
                due=r.due,
            )
            for r in plan.risks
        ],
    )


def _summary(sip: Sip) -> dict[str, Any]:
    return {
        "id": sip.pk,
        "person_id": sip.person_id,
        "status": sip.status,
        "agreement": sip.agreement,
        "initiated_by_organisation": _ref(sip.initiated_by_organisation),
        "overall_responsible_organisation": _ref(sip.overall_responsible_organisation),
        "follow_up_date": sip.follow_up_date,
        "version": sip.version,
        "created": sip.created,
        "updated": sip.updated,
    }


def _consent_out(consent: Consent) -> ConsentOut:
    return ConsentOut(
        id=consent.pk,
        given_by=consent.given_by,
        given_by_name=consent.given_by_name,
        given_at=consent.given_at,
        scope=consent.scope,
        organisations=[_ref(o) for o in consent.organisations.order_by("name")],  # type: ignore[misc]
        active=consent.is_active,
        withdrawn_at=consent.withdrawn_at,
    )


def _participant_out(p: Participant) -> ParticipantOut:
    return ParticipantOut(
        id=p.pk,
        organisation=_ref(p.organisation),  # type: ignore[arg-type]
        unit=_ref(p.unit),
        invited_at=p.invited_at,
        meeting_at=p.meeting_at,
        meeting_place=p.meeting_place,
        response=p.response,
        responded_at=p.responded_at,
        response_note=p.response_note,
    )


def _sip_out(sip: Sip) -> SipOut:
    sip.refresh_from_db()
    plan = plan_of(sip.current_version())
    problems = services.discharge_errors(sip) if plan.discharge_from_inpatient_care else []
    return SipOut(
        **_summary(sip),
        initiated_by_unit=_ref(sip.initiated_by_unit),
        initiated_on_request_of_person=sip.initiated_on_request_of_person,
        discharge_approved_at=sip.discharge_approved_at,
        has_consent=sip.active_consents().exists(),
        consents=[_consent_out(c) for c in sip.consents.all()],
        participants=[
            _participant_out(p) for p in sip.participants.select_related("organisation", "unit")
        ],
        plan=_plan_out(sip),
        discharge_problems=[
            {"field": e.field, "code": e.code, "message": e.message} for e in problems
        ],
        links={
            "web": f"/sip/{sip.pk}/",
            "pdf": f"/api/sips/{sip.pk}/pdf",
            "fhir": f"/api/sips/{sip.pk}/fhir",
        },
    )


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


class SipCreateIn(Schema):
    person_id: uuid.UUID
    agreement: Literal[
        "", "jh-hemsjukvard", "jh-primarvard-kommun", "jh-psykisk", "gvb-svart-sjuka"
    ] = ""
    initiated_on_request_of_person: bool = False
    end_of_life: bool | None = None
    discharge_from_inpatient_care: bool | None = None
    extensive_home_care: ExtensiveHomeCare | None = None
    compulsory_care: CompulsoryCareIn | None = None


@router.get("", response={200: list[SipSummary], **RESPONSES}, summary="SIP:ar jag ser")
def list_sips(
    request: HttpRequest,
    person_id: uuid.UUID | None = None,
    status: Literal["draft", "invited", "active", "followed_up", "closed"] | None = None,
) -> list[dict[str, Any]]:
    if access.sip_organisation(request.user) is None:
        raise PermissionDenied
    sips = access.sips_visible_to(request.user).select_related(
        "person", "initiated_by_organisation", "overall_responsible_organisation"
    )
    if person_id is not None:
        sips = sips.filter(person_id=person_id)
    if status is not None:
        sips = sips.filter(status=status)
    rows = list(sips.order_by("-created")[:500])
    for sip in rows:
        access.audit(request, AuditAction.VIEW, sip, "SIP-lista (API)")
    return [_summary(sip) for sip in rows]


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
    return Status(201, _sip_out(sip))


@router.get("/{sip_id}", response={200: SipOut, **RESPONSES}, summary="En SIP")
def get_sip(request: HttpRequest, sip_id: int, response: HttpResponse) -> SipOut:
    sip = access.get_sip_for(request, sip_id, why="Visa SIP (API)")
    response["ETag"] = f'"{sip.version}"'
    return _sip_out(sip)


class ConsentIn(Schema):
    given_by: Literal["person", "guardian", "legal_representative"]
    given_by_name: str = Field("", max_length=200)
    given_at: dt.datetime | None = None
    scope: Literal["all_invited", "listed"] = "all_invited"
    organisation_ids: list[DbId] = []
    note: str = ""


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
    )
    return Status(201, _consent_out(consent))


@router.post(
    "/{sip_id}/consents/{consent_id}/withdraw",
    response={200: ConsentOut, **RESPONSES},
    summary="Återkalla samtycke",
)
def withdraw_consent(request: HttpRequest, sip_id: int, consent_id: int) -> ConsentOut:
    sip = access.get_sip_for(request, sip_id, why="Återkalla samtycke (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Återkalla samtycke (API)")
    consent = sip.consents.filter(pk=_db_id(consent_id)).first()
    if consent is None:
        raise Http404
    return _consent_out(services.withdraw_consent(request, consent))


class InviteIn(Schema):
    organisation_id: DbId | None = None
    unit_id: DbId | None = None
    meeting_at: dt.datetime | None = None
    meeting_place: str = Field("", max_length=200)


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
    return Status(201, _participant_out(participant))


class RespondIn(Schema):
    accept: bool
    note: str = Field("", max_length=1000)


@router.post(
    "/{sip_id}/participants/{participant_id}/response",
    response={200: ParticipantOut, **RESPONSES},
    summary="Svara på kallelse",
)
def respond(
    request: HttpRequest, sip_id: int, participant_id: int, payload: RespondIn
) -> ParticipantOut:
    sip = access.get_sip_for(request, sip_id, why="Svara på kallelse (API)", audit_view=False)
    participant = sip.participants.filter(pk=_db_id(participant_id)).first()
    if participant is None:
        raise Http404
    access.require(
        request, access.can_respond(request.user, participant), sip, "Svara på kallelse (API)"
    )
    return _participant_out(
        services.respond(request, participant, accept=payload.accept, note=payload.note)
    )


@router.get(
    "/{sip_id}/versions",
    response={200: list[VersionSummary], **RESPONSES},
    summary="Planversioner",
)
def list_versions(request: HttpRequest, sip_id: int) -> list[VersionSummary]:
    sip = access.get_sip_for(request, sip_id, why="SIP: versioner (API)")
    return [
        VersionSummary(
            number=v.number,
            kind=v.kind,
            based_on=v.based_on,
            created_at=v.created_at,
            author=_name(v.author),
            change_note=v.change_note,
        )
        for v in sip.versions.select_related("author").order_by("number")
    ]


@router.post(
    "/{sip_id}/versions",
    response={**RESPONSES, 201: PlanOut, 409: ConflictOut, 428: ErrorResponse},
    summary="Spara ny planversion (revidering)",
)
def save_version(request: HttpRequest, sip_id: int, payload: PlanIn, response: HttpResponse) -> Any:
    sip = access.get_sip_for(request, sip_id, why="Redigera SIP-plan (API)", audit_view=False)
    access.require(request, access.can_edit_plan(request.user, sip), sip, "Redigera SIP-plan (API)")
    base = _base_version(request, payload.base_version)
    version = services.save_plan(request, sip, _plan_data(payload), base_version=base)
    response["ETag"] = f'"{version.number}"'
    return Status(201, _plan_out(sip, version.number))


@router.get(
    "/{sip_id}/versions/{number}",
    response={200: PlanOut, **RESPONSES},
    summary="En planversion",
)
def get_version(request: HttpRequest, sip_id: int, number: int) -> PlanOut:
    sip = access.get_sip_for(request, sip_id, why="SIP: visa version (API)")
    plan = _plan_out(sip, _db_id(number))
    if plan is None:
        raise Http404
    return plan


@router.get(
    "/{sip_id}/diff",
    response={200: DiffOut, **RESPONSES},
    summary="Skillnad mellan två versioner",
)
def version_diff(request: HttpRequest, sip_id: int, old: int, new: int) -> DiffOut:
    sip = access.get_sip_for(request, sip_id, why="SIP: jämför versioner (API)")
    numbers = set(sip.versions.values_list("number", flat=True))
    if old not in numbers or new not in numbers:
        raise Http404
    result = services.compare_versions(sip, old, new)
    return DiffOut(old=old, new=new, changes=_changes(result.changes))


class FollowUpIn(Schema):
    base_version: int | None = None
    notes: str = Field(..., min_length=1)
    next_follow_up: dt.date
    action_statuses: dict[str, Literal["planned", "in_progress", "done", "cancelled"]] = {}


@router.post(
    "/{sip_id}/follow-ups",
    response={**RESPONSES, 201: PlanOut, 409: ConflictOut, 428: ErrorResponse},
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
    return Status(201, _plan_out(sip, version.number))


@router.get("/{sip_id}/actions", response={200: list[ActionOut], **RESPONSES}, summary="Insatser")
def list_actions(request: HttpRequest, sip_id: int) -> list[ActionOut]:
    sip = access.get_sip_for(request, sip_id, why="SIP: insatser (API)")
    plan = _plan_out(sip)
    return plan.actions if plan else []


class ActionPatchIn(Schema):
    base_version: int | None = None
    status: Literal["planned", "in_progress", "done", "cancelled"] | None = None
    due: dt.date | None = None


@router.patch(
    "/{sip_id}/actions/{key}",
    response={**RESPONSES, 200: PlanOut, 409: ConflictOut, 428: ErrorResponse},
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
    return _plan_out(sip, version.number)


class StatusIn(Schema):
    status: Literal["active", "closed"]


@router.post("/{sip_id}/status", response={200: SipOut, **RESPONSES}, summary="Fastställ/avsluta")
def set_status(request: HttpRequest, sip_id: int, payload: StatusIn) -> SipOut:
    sip = access.get_sip_for(request, sip_id, why="Ändra SIP-status (API)", audit_view=False)
    access.require(request, access.can_manage(request.user, sip), sip, "Ändra SIP-status (API)")
    if payload.status == SipStatus.ACTIVE:
        services.activate(request, sip)
    else:
        services.close(request, sip)
    return _sip_out(sip)


@router.post(
    "/{sip_id}/discharge", response={200: SipOut, **RESPONSES}, summary="Klart för utskrivning"
)
def approve_discharge(request: HttpRequest, sip_id: int) -> SipOut:
    sip = access.get_sip_for(request, sip_id, why="Klart för utskrivning (API)", audit_view=False)
    access.require(
        request, access.can_manage(request.user, sip), sip, "Klart för utskrivning (API)"
    )
    services.approve_discharge(request, sip)
    return _sip_out(sip)


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
    body = fhir_bundle_json(sip, base_url=request.build_absolute_uri("/fhir"))
    return HttpResponse(body, content_type="application/fhir+json")


class ImportedOut(Schema):
    person_id: uuid.UUID
    created: bool


@router.post(
    "/fhir/patients",
    response={200: list[ImportedOut], **RESPONSES},
    summary="Importera FHIR Patient (eller Bundle med Patient)",
)
def import_fhir_patients(
    request: HttpRequest,
    payload: dict[str, Any] = Body(...),  # noqa: B008 (ninja declares the body so)
) -> list[ImportedOut]:
    """Creates (or finds) the persons and gives the user's organisation a care relation."""
    organisation = access.sip_organisation(request.user)
    if organisation is None:
        raise PermissionDenied
    try:
        imported = import_patients(request, payload, organisation=organisation)
    except ValueError as error:
        if isinstance(error, PeopleError):
            raise
        raise ApiError(422, "invalid_fhir", str(error)) from None
    return [ImportedOut(person_id=person.pk, created=created) for person, created in imported]
