"""API schemas of the sip room, read from the objects' attributes (django-ninja:
`Field(alias=...)` reads another attribute, `resolve_<name>` computes what no attribute
holds): a SIP and its consents and participants from the models, a plan from its version
and `plan.PlanData` (`plan_view`), a diff from `services.VersionDiff`. Responses are
unchanged from when `api.py` mapped them by hand."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from samverkan.accounts.models import Organisation
from samverkan.api.schemas import IsoDate, Merged
from samverkan.people.access import contact_text
from samverkan.sip import access, services
from samverkan.sip.models import Consent, Participant, Sip
from samverkan.sip.plan import plan_of

MAX_ID = 2**63 - 1  # the database's integer range: larger ids are refused, not overflowed
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]


def name_of(user: Any) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def plan_view(sip: Sip, number: int | None = None) -> Merged | None:
    """A plan version as `PlanOut` reads it: the plan's data, then the version's attributes
    (number, kind, author …); None when there is no such version."""
    version = (
        sip.versions.filter(number=number).first() if number is not None else sip.current_version()
    )
    if version is None:
        return None
    return Merged(plan_of(version), version)


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


class Ref(Schema):
    id: int
    name: str


class ActionIn(Schema):
    key: str = ""
    description: str = Field(..., min_length=1, max_length=2000)
    huvudman: Literal["region", "municipality"]
    organisation_id: DbId
    unit_id: DbId | None = None
    due: IsoDate | None = None
    status: Literal["planned", "in_progress", "done", "cancelled"] = "planned"


class ContactIn(Schema):
    key: str = ""
    name_or_role: str = Field(..., min_length=1, max_length=200)
    organisation_id: DbId
    unit_id: DbId | None = None
    is_physician: bool = False
    responsibility: str = Field("", max_length=300)
    phone: str = Field("", max_length=40)


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
    due: IsoDate | None = None


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
    follow_up_date: IsoDate | None = None
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


class CareContactOut(Schema):
    """A plan's care contact (named apart from deviations' ContactOut: one OpenAPI component
    per name)."""

    key: str
    name_or_role: str
    organisation: Ref
    unit: Ref | None
    is_physician: bool
    responsibility: str
    phone: str


class ChecklistOut(Schema):
    key: str
    text: str
    done: bool
    done_by: str | None
    done_at: dt.datetime | None

    @staticmethod
    def resolve_done_by(row: Any) -> str | None:
        return name_of(row.done_by) or None


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
    care_contacts: list[CareContactOut]
    checklist: list[ChecklistOut]
    risks: list[RiskOut]

    @staticmethod
    def resolve_author(plan: Any) -> str:
        return name_of(plan.author)


class ConsentOut(Schema):
    """`assessment_reason` (why the person cannot decide) is the initiator's record: the
    SIP's other readers get it empty (`SipOut.resolve_consents`)."""

    id: int
    given_by: str
    given_by_name: str
    is_consent: bool
    assessed_by_name: str
    assessment_reason: str
    provision: str
    given_at: dt.datetime
    scope: str
    organisations: list[Ref]
    active: bool = Field(alias="is_active")
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_organisations(consent: Consent) -> list[Organisation]:
        return list(consent.organisations.order_by("name"))


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

    @staticmethod
    def resolve_meeting_at(participant: Participant) -> dt.datetime | None:
        """The SIP's one meeting (every invitation is to it)."""
        return participant.sip.meeting_at

    @staticmethod
    def resolve_meeting_place(participant: Participant, context: Any) -> str:
        """The SIP's meeting place; withheld for a protected person unless the viewer is of
        the inviting organisation (`people.access.contact_text`)."""
        return _meeting_place(participant.sip, context)


def _meeting_place(sip: Sip, context: Any) -> str:
    request = context.get("request") if context else None
    return contact_text(
        sip.meeting_place,
        sip.person,
        viewer=getattr(request, "user", None),
        owner=sip.initiated_by_organisation_id,
    )


class MeetingOut(Schema):
    """The SIP's one meeting: time, place (withheld as above) and video link."""

    at: dt.datetime | None
    place: str
    link: str
    unanswered: int


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
    meeting: MeetingOut
    plan: PlanOut | None
    discharge_problems: list[dict[str, Any]]
    links: dict[str, str]

    @staticmethod
    def resolve_has_consent(sip: Sip) -> bool:
        return sip.active_consents().exists()

    @staticmethod
    def resolve_consents(sip: Sip, context: Any = None) -> list[Consent]:
        consents = list(sip.consents.all())
        request = (context or {}).get("request")
        if request is None or not access.is_initiator(request.user, sip):
            for consent in consents:  # not saved: the reason stays with the initiator
                consent.assessment_reason = ""
        return consents

    @staticmethod
    def resolve_participants(sip: Sip) -> list[Participant]:
        return list(sip.participants.select_related("organisation", "unit"))

    @staticmethod
    def resolve_meeting(sip: Sip, context: Any = None) -> dict[str, Any]:
        return {
            "at": sip.meeting_at,
            "place": _meeting_place(sip, context),
            "link": sip.meeting_link,
            "unanswered": len(services.unanswered(sip)),
        }

    @staticmethod
    def resolve_plan(sip: Sip) -> Merged | None:
        return plan_view(sip)

    @staticmethod
    def resolve_discharge_problems(sip: Sip) -> list[dict[str, Any]]:
        plan = plan_of(sip.current_version())
        problems = services.discharge_errors(sip) if plan.discharge_from_inpatient_care else []
        return [{"field": e.field, "code": e.code, "message": e.message} for e in problems]

    @staticmethod
    def resolve_links(sip: Sip) -> dict[str, str]:
        return {
            "web": f"/sip/{sip.pk}/",
            "pdf": f"/api/sips/{sip.pk}/pdf",
            "fhir": f"/api/sips/{sip.pk}/fhir",
        }


class VersionSummary(Schema):
    number: int
    kind: str
    based_on: int | None
    created_at: dt.datetime
    author: str
    change_note: str

    @staticmethod
    def resolve_author(version: Any) -> str:
        return name_of(version.author)


class DiffOut(Schema):
    old: int
    new: int
    changes: list[ChangeOut]


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


class ConsentIn(Schema):
    """The basis of the sharing: "person" (own consent), "guardian" (vårdnadshavare, for a
    child) or "assessment" (an adult who cannot decide: who assessed, why, the provision;
    never recorded as consent). "legal_representative" is refused (a god man or förvaltare
    cannot consent in the person's place)."""

    given_by: Literal["person", "guardian", "assessment", "legal_representative"]
    given_by_name: str = Field("", max_length=200)
    assessed_by_name: str = Field("", max_length=200)
    assessment_reason: str = Field("", max_length=4000)
    provision: Literal["", "pdl-6-2a-3a", "osl-25-1-26-1"] = ""
    given_at: dt.datetime | None = None
    scope: Literal["all_invited", "listed"] = "all_invited"
    organisation_ids: list[DbId] = []
    note: str = ""


class InviteIn(Schema):
    organisation_id: DbId | None = None
    unit_id: DbId | None = None
    meeting_at: dt.datetime | None = None
    meeting_place: str = Field("", max_length=200)


class RespondIn(Schema):
    accept: bool
    note: str = Field("", max_length=1000)


class FollowUpIn(Schema):
    base_version: int | None = None
    notes: str = Field(..., min_length=1)
    next_follow_up: IsoDate
    action_statuses: dict[str, Literal["planned", "in_progress", "done", "cancelled"]] = {}


class ActionPatchIn(Schema):
    base_version: int | None = None
    status: Literal["planned", "in_progress", "done", "cancelled"] | None = None
    due: IsoDate | None = None


class SipStatusIn(Schema):
    status: Literal["active", "closed"]
    # Fastställ while invitations are unanswered: the explicit yes (the refusal names them).
    confirm_unanswered: bool = False


class MeetingIn(Schema):
    """The SIP's one meeting: time, place and/or video link (https)."""

    at: dt.datetime | None = None
    place: str = Field("", max_length=200)
    link: str = Field("", max_length=500)


class ImportedOut(Schema):
    person_id: uuid.UUID
    created: bool


# --- nödåtkomst ---------------------------------------------------------------------------


class EmergencyAccessIn(Schema):
    """Nödåtkomst (patientdatalagen 6 kap. 3 §): licensed staff only; `confirm` must be true
    (the person needs care now and consent cannot be obtained); `acute` unless the own
    organisation is invited to the person's SIP."""

    identifier: str = Field(..., max_length=40)
    reason: str = Field(..., max_length=2000)
    acute: bool = False
    confirm: bool = False


class EmergencyAccessOut(Schema):
    id: int
    owner: Ref
    opened_at: dt.datetime
    expires_at: dt.datetime
    reviewed_at: dt.datetime | None


class ParticipantContactOut(Schema):
    organisation: Ref
    unit: Ref | None
    response: str


class EmergencySipOut(Schema):
    """What emergency access shows of one SIP: the plan (with its fasta vårdkontakter) and
    who takes part."""

    id: int
    status: str
    initiated_by_organisation: Ref
    initiated_by_unit: Ref | None
    plan: PlanOut | None
    participants: list[ParticipantContactOut]

    @staticmethod
    def resolve_plan(sip: Sip) -> Merged | None:
        return plan_view(sip)

    @staticmethod
    def resolve_participants(sip: Sip) -> list[Participant]:
        return list(sip.participants.select_related("organisation", "unit"))


class EmergencyPlansOut(EmergencyAccessOut):
    sips: list[EmergencySipOut]


class EmergencyReviewIn(Schema):
    note: str = Field(..., max_length=4000)


class ConsentWithdrawIn(Schema):
    """Withdrawing cannot be undone: `confirm` must be true."""

    confirm: bool = False
