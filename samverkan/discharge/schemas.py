"""API schemas of the discharge room, read from the objects (django-ninja `Field(alias=…)`,
`resolve_<name>`). The viewer-dependent parts (the person as she may see it, the planning
basis she may read) are resolved from the request in the context."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from samverkan.api.schemas import IsoDate
from samverkan.discharge import access
from samverkan.discharge.local_terms import TERM_KEYS

MAX_ID = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]

ReceiverCode = Literal["municipal_social_services", "municipal_health_care", "region_open_care"]
InterventionCode = Literal[
    "physician",
    "nursing",
    "rehabilitation",
    "medication_management",
    "lab_analysis",
    "aids_and_materials",
    "psychosocial_first_line",
    "psychiatric_specialist",
    "habilitation",
    "housing_support",
    "occupation",
    "relative_support",
]


def _user(context: Any) -> Any:
    request = context.get("request") if context else None
    return getattr(request, "user", None)


class StayCreateIn(Schema):
    person_id: uuid.UUID
    unit_id: DbId
    municipality_id: DbId
    care_type: Literal["somatic", "psychiatric"]
    admitted_at: dt.datetime | None = None
    needs_municipal_insatser: bool | None = None
    from_regional_care: bool = False
    source_id: str = Field("", max_length=200)


class AdmissionNoticeIn(Schema):
    receivers: list[ReceiverCode] = Field(..., min_length=1, max_length=3)
    sent_at: dt.datetime | None = None
    receiver_unit_id: DbId | None = None
    text: str = Field("", max_length=4000)


class AnswerIn(Schema):
    text: str = Field(..., min_length=1, max_length=4000)
    insatser: list[InterventionCode] = Field(default_factory=list, max_length=12)
    receiver: ReceiverCode | None = None
    sent_at: dt.datetime | None = None


class CareContactIn(Schema):
    unit_id: DbId
    name: str = Field(..., min_length=1, max_length=200)
    is_physician: bool = False


class NeedsIn(Schema):
    needs_municipal_insatser: bool


class PreliminaryDateIn(Schema):
    on: IsoDate


class DischargeConsentIn(Schema):
    given_by: Literal["person", "guardian", "assessment"]
    organisation_ids: list[DbId] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=2000)


class ConfirmIn(Schema):
    confirm: bool = False


class ReadyIn(Schema):
    ready_at: dt.datetime | None = None
    confirm: bool = False


class DischargeIn(Schema):
    discharged_at: dt.datetime | None = None
    confirm: bool = False


class DeathIn(Schema):
    died_at: dt.datetime | None = None
    confirm: bool = False


class PlanningIn(Schema):
    text: str = Field(..., min_length=1, max_length=8000)


class HomeWithoutContactIn(Schema):
    health_centre_id: DbId
    note: str = Field("", max_length=2000)


class DischargeNoticeOut(Schema):
    id: int
    kind: str
    sent_at: dt.datetime
    recorded_at: dt.datetime
    sender: str = Field(alias="sender.name")
    receiver: str
    receiver_organisation: str | None = Field(None, alias="receiver_organisation.name")
    text: str
    insatser: list[str]
    source: str
    source_id: str
    late: bool


class PlanningOut(Schema):
    id: int
    organisation: str = Field(alias="organisation.name")
    written_at: dt.datetime
    text: str


class DischargeConsentOut(Schema):
    id: int
    given_by: str
    all_receivers: bool
    organisation_ids: list[int]
    recorded_at: dt.datetime
    withdrawn_at: dt.datetime | None

    @staticmethod
    def resolve_organisation_ids(obj: Any) -> list[int]:
        return sorted(o.pk for o in obj.organisations.all())


class StaySummary(Schema):
    id: int
    person: str
    unit: str = Field(alias="unit.name")
    municipality: str = Field(alias="municipality.name")
    care_type: str
    status: str
    admitted_at: dt.datetime
    preliminary_discharge_on: dt.date | None
    ready_at: dt.datetime | None
    discharged_at: dt.datetime | None
    died_at: dt.datetime | None

    @staticmethod
    def resolve_person(obj: Any, context: Any) -> str:
        return access.person_label(_user(context), obj)


class StayOut(StaySummary):
    person_id: uuid.UUID
    needs_municipal_insatser: bool | None
    from_regional_care: bool
    care_contact_unit: str | None = Field(None, alias="care_contact_unit.name")
    care_contact_name: str
    care_contact_is_physician: bool
    decision_snapshot: list[dict[str, Any]]
    sip_id: int | None
    source: str
    source_id: str
    notices: list[DischargeNoticeOut]
    planning: list[PlanningOut]
    planning_shared: bool

    @staticmethod
    def resolve_notices(obj: Any) -> list[Any]:
        return list(obj.notices.select_related("sender", "receiver_organisation", "stay"))

    @staticmethod
    def resolve_planning(obj: Any, context: Any) -> list[Any]:
        return list(access.planning_visible_to(_user(context), obj).select_related("organisation"))

    @staticmethod
    def resolve_planning_shared(obj: Any, context: Any) -> bool:
        user = _user(context)
        organisation = access.discharge_organisation(user)
        return organisation is not None and access.consent_covers(obj, organisation.pk)


class BoardRowOut(Schema):
    id: int = Field(alias="stay.pk")
    person: str
    unit: str = Field(alias="stay.unit.name")
    municipality: str = Field(alias="stay.municipality.name")
    care_type: str = Field(alias="stay.care_type")
    status: str
    admitted_at: dt.datetime = Field(alias="stay.admitted_at")
    admission_notice_at: dt.datetime | None
    admission_late: bool
    preliminary_discharge_on: dt.date | None = Field(alias="stay.preliminary_discharge_on")
    ready_at: dt.datetime | None = Field(alias="stay.ready_at")
    discharged_at: dt.datetime | None = Field(alias="stay.discharged_at")
    days_admitted: int
    days_after_ready: int | None
    payment_days: int | None


class SipCalledOut(Schema):
    sip_id: int


class DischargeImportOut(Schema):
    stays_created: int
    stays_found: int
    notices_created: int
    notices_found: int


# --- local terms (the parties' discharge agreement) -----------------------------------------

CareTypeKey = Literal["somatic", "psychiatric"]


class LocalTermsIn(Schema):
    """A new version of the local terms from ``valid_from``; a term left out follows the law."""

    valid_from: IsoDate
    name: str = Field(..., min_length=1, max_length=200)
    municipality_id: DbId | None = None
    source: str = Field("", max_length=500)
    cutoff: str | None = Field(None, max_length=5)
    days_after_notice: int | dict[CareTypeKey, int] | None = None
    count_from_day_zero: bool | None = None
    count_discharge_day: bool | None = None
    average_days_per_month: Decimal | None = None
    amount_per_day: Decimal | dict[CareTypeKey, Decimal] | None = None

    def terms(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in TERM_KEYS if getattr(self, k) is not None}


class LocalTermsConfirmationOut(Schema):
    """One party's confirmation of a version (each kommun's own for a region-wide one)."""

    confirmed_by_organisation_id: int
    confirmed_at: dt.datetime


class LocalTermsOut(Schema):
    id: int
    region: str
    municipality_id: int | None
    valid_from: dt.date
    name: str
    source: str
    terms: dict[str, Any]
    entered_by_organisation_id: int
    entered_at: dt.datetime
    confirmed: bool
    confirmed_by_organisation_id: int | None
    confirmed_at: dt.datetime | None

    confirmations: list[LocalTermsConfirmationOut]
    unconfirmed_municipality_ids: list[int]

    # `confirmed` and its confirmation as the reader sees it (`local_terms.status_for`): a
    # kommun's user, for her kommun; the region's, for every kommun the version concerns.
    @staticmethod
    def resolve_confirmed(obj: Any, context: Any) -> bool:
        from samverkan.discharge.local_terms import status_for

        return status_for(context["request"], obj)[0]

    @staticmethod
    def resolve_confirmed_by_organisation_id(obj: Any, context: Any) -> int | None:
        from samverkan.discharge.local_terms import status_for

        found = status_for(context["request"], obj)[1]
        return found.confirmed_by_organisation_id if found else None

    @staticmethod
    def resolve_confirmed_at(obj: Any, context: Any) -> dt.datetime | None:
        from samverkan.discharge.local_terms import status_for

        found = status_for(context["request"], obj)[1]
        return found.confirmed_at if found else None

    @staticmethod
    def resolve_confirmations(obj: Any) -> list[Any]:
        from samverkan.discharge.local_terms import confirmations_of

        return confirmations_of(obj)

    @staticmethod
    def resolve_unconfirmed_municipality_ids(obj: Any) -> list[int]:
        from samverkan.discharge.local_terms import unconfirmed_municipalities

        return [m.pk for m in unconfirmed_municipalities(obj)]


# --- the payment view of a stay (betalningsansvar) and a dispute about its days -------------


class PaymentLineOut(Schema):
    """One line of the explanation: the text, the clause it rests on, where to read it."""

    text: str
    clause: str
    source: str | None


class PaymentDayOut(Schema):
    day: dt.date
    paid: bool
    text: str
    amount: Decimal | None = Field(
        None,
        description="Belopp per vårddygn (kr); null för obetalda dagar och genomsnittsmodellen",
    )
    clause: str
    source: str | None
    verified: bool


class PaymentMonthOut(Schema):
    month: dt.date
    days: int
    amount: Decimal
    state: Literal[
        "invoiced",
        "approved",
        "draft",
        "credited",
        "not_run",
        "disputed",
        "region_bears",
        "held",
        "none",
    ]
    text: str
    invoice_numbers: list[str]


class PaymentDisputeOut(Schema):
    id: int = Field(alias="pk")
    opened_at: dt.datetime
    question: str
    open: bool
    status: str = Field(alias="status_text")
    step: str
    decided_on: dt.date | None
    cost_bearer: str
    month: dt.date | None  # the month the dispute names (None: the whole stay)


class PaymentTermsOut(Schema):
    name: str
    valid_from: dt.date | None
    local: bool
    confirmed: bool


class StayPaymentOut(Schema):
    stay_id: int
    person: str = Field(
        description="Namn och maskerat nummer för personal som ser vårdtillfället; "
        "säljarens referens (P-0001) för ekonomen"
    )
    unit: str
    municipality: str
    care_type: str
    status: str
    until: dt.date
    days: int
    amount: Decimal
    first_day: dt.date | None
    missing: list[str]
    unverified: bool
    terms: PaymentTermsOut
    explanation: list[PaymentLineOut]
    day_rows: list[PaymentDayOut]
    months: list[PaymentMonthOut]
    disputes: list[PaymentDisputeOut]
    open_dispute: bool
    #: the first month an open dispute names (kept for older clients: read
    #: ``open_dispute_months``); null: the whole stay or none
    open_dispute_month: dt.date | None = None
    #: the months the open disputes name, in order (only their days are held); empty while
    #: ``open_dispute``: one dispute covers the whole stay
    open_dispute_months: list[dt.date] = []
    may_dispute: bool


class PaymentDisputeIn(Schema):
    reason: str = Field("", max_length=4000)
    acting_note: str = Field("", max_length=2000)
    confirm: bool = False
    #: the month the dispute is about, any day of it (``months[].month`` of the payment view):
    #: only that month's days are held; omitted: the whole stay's. Not one of the stay's months
    #: with paid days: 422 `invalid_month`.
    month: IsoDate | None = None


class PaymentDisputeCreatedOut(Schema):
    dispute_id: int
    stay_id: int
    status: str
