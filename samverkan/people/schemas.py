"""API schemas of the people room (persons, identities, facts, interventions, decisions,
egenvård assessments, tasks), read from the models' attributes (django-ninja:
`Field(alias=…)` reads another attribute, `resolve_<name>` computes what no attribute holds;
the request is in the resolver's `context`). Responses are unchanged from before the split."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Field, Schema

from samverkan.api.schemas import IsoDate
from samverkan.people import access, services


def _withheld(person: Any, context: dict[str, Any] | None) -> bool:
    """A protected person's kommun only for the own vårdgivare's staff (people.withholding)."""
    request = (context or {}).get("request")
    return access.withhold_home_municipality(person, getattr(request, "user", None))


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


# --- in ------------------------------------------------------------------------------------


class PersonCreate(Schema):
    identifier: str = Field(min_length=1, max_length=20)
    id_system: str | None = None
    given_name: str = Field(default="", max_length=200)
    family_name: str = Field(default="", max_length=200)
    birth_date: IsoDate | None = None
    sex: str = ""
    home_municipality: str = ""
    confirm_care_relation: bool = False
    reason: str = Field(default="", max_length=500)


class IdentityIn(Schema):
    identifier: str = Field(min_length=1, max_length=20)
    id_system: str | None = None


class MergeIn(Schema):
    source_id: uuid.UUID


class FactIn(Schema):
    name: str
    value: Any = None
    valid_from: IsoDate | None = None
    reason: str = Field(default="", max_length=500)


class InterventionIn(Schema):
    kind: str
    start: IsoDate | None = None
    end: IsoDate | None = None
    status: str = "active"
    performing_unit_id: int | None = None
    ordering_organisation_id: int | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    decide: bool = False


class InterventionPatch(Schema):
    facts: dict[str, Any] = Field(default_factory=dict)
    end: IsoDate | None = None
    status: str | None = None


class AssessmentIn(Schema):
    intervention_kind: str = ""
    intervention_id: int | None = None
    measure: str = Field(max_length=300)
    result: str
    review_date: IsoDate | None = None
    performed_by_person_or_others: str = ""
    guardians: list[str] = Field(default_factory=list)
    notes: str = ""


class ReviewIn(Schema):
    reason: str = Field(default="", max_length=500)
    new_performer: str = Field(default="", max_length=300)


class TaskCompleteIn(Schema):
    note: str = Field(default="", max_length=500)


# --- out -----------------------------------------------------------------------------------


class IdentityOut(Schema):
    system: str
    value: str
    display: str
    primary: bool
    added_on: dt.date
    ended_on: dt.date | None

    @staticmethod
    def resolve_primary(identity: Any) -> bool:
        return bool(identity.is_primary and identity.ended_on is None)


class PersonSummary(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    birth_date: dt.date | None
    identity: IdentityOut | None = Field(alias="primary_identity")


class PersonOut(PersonSummary):
    sex: str
    home_municipality: str
    merged_into: uuid.UUID | None = Field(alias="merged_into_id")
    identities: list[IdentityOut]
    facts: dict[str, Any]
    can_change: bool
    protected: bool  # sekretessmarkering or skyddad folkbokföring: take care

    @staticmethod
    def resolve_facts(person: Any, context: dict[str, Any]) -> dict[str, Any]:
        # Only the records in the user's reach (her vårdgivare × verksamhet's).
        facts = services.current_facts(person, access.reach_of(context["request"]))
        if _withheld(person, context):
            facts.pop("municipality", None)  # where a protected person lives
        return facts

    @staticmethod
    def resolve_home_municipality(person: Any, context: dict[str, Any]) -> str:
        if person.home_municipality and _withheld(person, context):
            return access.WITHHELD_TEXT
        return str(person.home_municipality)

    @staticmethod
    def resolve_protected(person: Any) -> bool:
        return access.is_protected(person)

    @staticmethod
    def resolve_can_change(person: Any, context: dict[str, Any]) -> bool:
        return access.can_change(context["request"].user, person)


class RegisteredPersonOut(PersonOut):
    """The answer to a registration: the registration as the user made it
    (`services.registered_view` laid over the person), the same for a number held where she
    could not see it as for a new one."""

    @staticmethod
    def resolve_facts(person: Any, context: dict[str, Any]) -> dict[str, Any]:
        return dict(person.registered_facts)

    @staticmethod
    def resolve_identities(person: Any) -> list[Any]:
        return list(person.registered_identities)


class FactRecordOut(Schema):
    id: int
    name: str
    value: Any
    valid_from: dt.date
    valid_to: dt.date | None
    recorded_at: dt.datetime
    recorded_by: str | None
    reason: str

    @staticmethod
    def resolve_recorded_by(record: Any) -> str | None:
        return _username(record.recorded_by)


class FactsOut(Schema):
    current: dict[str, Any]
    history: list[FactRecordOut]


class DecisionOut(Schema):
    id: int
    intervention_id: int
    decided_at: dt.datetime
    decided_by: str | None
    agreement_version: str
    in_force: bool
    outcome: dict[str, str]
    actions: list[str]
    missing_facts: list[str]
    supersedes: int | None = Field(alias="supersedes_id")
    facts_used: dict[str, Any]
    decision: dict[str, Any]

    @staticmethod
    def resolve_decided_by(decision: Any) -> str | None:
        return _username(decision.decided_by)


class DecideOut(Schema):
    decision: DecisionOut
    diff: dict[str, Any] | None


class InterventionOut(Schema):
    id: int
    person_id: uuid.UUID
    kind: str
    start: dt.date
    end: dt.date | None
    status: str
    performing_organisation_id: int
    performing_unit_id: int | None
    ordering_organisation_id: int | None
    facts: dict[str, Any]
    latest_decision: DecisionOut | None

    @staticmethod
    def resolve_facts(intervention: Any) -> dict[str, Any]:
        return intervention.facts or {}


class AssessmentOut(Schema):
    id: int
    person_id: uuid.UUID
    intervention_id: int | None
    intervention_kind: str
    measure: str
    result: str
    assessed_by: str
    assessed_by_role: str
    assessed_by_organisation_id: int
    assessed_at: dt.datetime
    performed_by_person_or_others: str
    review_date: dt.date | None
    guardians: list[Any]
    status: str
    review_reason: str
    replaces: int | None = Field(alias="replaces_id")

    @staticmethod
    def resolve_assessed_by(assessment: Any) -> str:
        return str(assessment.assessed_by.get_username())

    @staticmethod
    def resolve_guardians(assessment: Any) -> list[Any]:
        return assessment.guardians or []


# Reads a task merged with `person_visible` (`Merged(task, person_visible=…)`): what points
# at the person is left out when the user may not see the person.
class TaskOut(Schema):
    id: int
    kind: str
    kind_label: str
    action: str
    person_id: uuid.UUID | None
    person_visible: bool
    organisation_id: int
    unit_id: int | None
    assignee: str | None
    due: dt.date | None
    status: str
    intervention_id: int | None
    source_decision_id: int | None
    source_assessment_id: int | None
    note: str

    @staticmethod
    def resolve_kind_label(task: Any) -> str:
        return str(task.get_kind_display())

    @staticmethod
    def resolve_person_id(task: Any) -> uuid.UUID | None:
        return task.person_id if task.person_visible else None

    @staticmethod
    def resolve_assignee(task: Any) -> str | None:
        return _username(task.assignee)

    @staticmethod
    def resolve_intervention_id(task: Any) -> int | None:
        return task.intervention_id if task.person_visible else None

    @staticmethod
    def resolve_source_decision_id(task: Any) -> int | None:
        return task.source_decision_id if task.person_visible else None

    @staticmethod
    def resolve_source_assessment_id(task: Any) -> int | None:
        return task.source_assessment_id if task.person_visible else None

    @staticmethod
    def resolve_note(task: Any) -> str:
        return str(task.note) if task.person_visible else ""
