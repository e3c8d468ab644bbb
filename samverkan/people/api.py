"""JSON API of the people app, mounted at /api/persons by samverkan.api.main.

    GET  /api/persons?q=…                          search (identifier, or name in own org)
    POST /api/persons                              register a person
    GET  /api/persons/tasks                        my open tasks (due first)
    POST /api/persons/tasks/{task_id}/complete     mark a task done
    GET  /api/persons/{id}                         one person (identities, current facts)
    POST /api/persons/{id}/identities              add an identifier
    POST /api/persons/{id}/merge                   merge another record into this one
    GET  /api/persons/{id}/facts                   current facts and their history
    POST /api/persons/{id}/facts                   set one fact
    GET  /api/persons/{id}/interventions           interventions with latest decision
    POST /api/persons/{id}/interventions           register an intervention (optionally decide)
    GET  /api/persons/{id}/interventions/{iid}     one intervention
    PATCH /api/persons/{id}/interventions/{iid}    its own facts, end date, status
    POST /api/persons/{id}/interventions/{iid}/decide     decide (again): snapshot + diff
    POST /api/persons/{id}/interventions/{iid}/redecide   same as decide (kept for clarity)
    GET  /api/persons/{id}/interventions/{iid}/decisions  every snapshot, newest first
    GET  /api/persons/{id}/assessments             egenvård assessments
    POST /api/persons/{id}/assessments             new assessment (licensed roles only)
    POST /api/persons/{id}/assessments/{aid}/review      flag for review / new performer

Everything goes through samverkan.people.access (403 for roles without access to persons,
404 for persons not visible) and writes the audit log. Service refusals are 422 (409 when
the person or number already exists) with field, code and a Swedish message.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from samverkan.accounts.models import Organisation, Unit
from samverkan.api.errors import ERROR_RESPONSES, ErrorResponse
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access, services
from samverkan.people.models import (
    FactRecord,
    Intervention,
    Person,
    PersonIdentity,
    ResponsibilityDecision,
    SelfCareAssessment,
    Task,
)
from samverkan.people.services import PeopleError

router = Router(tags=["Personer och insatser"])

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse, 409: ErrorResponse}
# --- schemas -------------------------------------------------------------------------------


class IdentityOut(Schema):
    system: str
    value: str
    display: str
    primary: bool
    added_on: dt.date
    ended_on: dt.date | None


class PersonSummary(Schema):
    id: uuid.UUID
    given_name: str
    family_name: str
    birth_date: dt.date | None
    identity: IdentityOut | None


class PersonOut(PersonSummary):
    sex: str
    home_municipality: str
    merged_into: uuid.UUID | None
    identities: list[IdentityOut]
    facts: dict[str, Any]
    can_change: bool


class PersonCreate(Schema):
    identifier: str = Field(min_length=1, max_length=20)
    id_system: str | None = None
    given_name: str = Field(default="", max_length=200)
    family_name: str = Field(default="", max_length=200)
    birth_date: dt.date | None = None
    sex: str = ""
    home_municipality: str = ""
    confirm_care_relation: bool = False


class IdentityIn(Schema):
    identifier: str = Field(min_length=1, max_length=20)
    id_system: str | None = None


class MergeIn(Schema):
    source_id: uuid.UUID


class FactIn(Schema):
    name: str
    value: Any = None
    valid_from: dt.date | None = None
    reason: str = Field(default="", max_length=500)


class FactRecordOut(Schema):
    id: int
    name: str
    value: Any
    valid_from: dt.date
    valid_to: dt.date | None
    recorded_at: dt.datetime
    recorded_by: str | None
    reason: str


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
    supersedes: int | None
    facts_used: dict[str, Any]
    decision: dict[str, Any]


class DecideOut(Schema):
    decision: DecisionOut
    diff: dict[str, Any] | None


class InterventionIn(Schema):
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = "active"
    performing_unit_id: int | None = None
    ordering_organisation_id: int | None = None
    facts: dict[str, Any] = Field(default_factory=dict)
    decide: bool = False


class InterventionPatch(Schema):
    facts: dict[str, Any] = Field(default_factory=dict)
    end: dt.date | None = None
    status: str | None = None


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


class AssessmentIn(Schema):
    intervention_kind: str = ""
    intervention_id: int | None = None
    measure: str = Field(max_length=300)
    result: str
    review_date: dt.date | None = None
    performed_by_person_or_others: str = ""
    guardians: list[str] = Field(default_factory=list)
    notes: str = ""


class ReviewIn(Schema):
    reason: str = Field(default="", max_length=500)
    new_performer: str = Field(default="", max_length=300)


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
    replaces: int | None


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


class TaskCompleteIn(Schema):
    note: str = Field(default="", max_length=500)


# --- conversion ----------------------------------------------------------------------------


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _identity(identity: PersonIdentity | None) -> IdentityOut | None:
    if identity is None:
        return None
    return IdentityOut(
        system=identity.system,
        value=identity.value,
        display=identity.display,
        primary=identity.is_primary and identity.ended_on is None,
        added_on=identity.added_on,
        ended_on=identity.ended_on,
    )


def _summary(person: Person) -> PersonSummary:
    return PersonSummary(
        id=person.pk,
        given_name=person.given_name,
        family_name=person.family_name,
        birth_date=person.birth_date,
        identity=_identity(person.primary_identity()),
    )


def _person_out(request: HttpRequest, person: Person) -> PersonOut:
    return PersonOut(
        **_summary(person).model_dump(),
        sex=person.sex,
        home_municipality=person.home_municipality,
        merged_into=person.merged_into_id,
        identities=[out for i in person.identities.all() if (out := _identity(i))],
        facts=services.current_facts(person),
        can_change=access.can_change(request.user, person),
    )


def _fact_out(record_: FactRecord) -> FactRecordOut:
    return FactRecordOut(
        id=record_.pk,
        name=record_.name,
        value=record_.value,
        valid_from=record_.valid_from,
        valid_to=record_.valid_to,
        recorded_at=record_.recorded_at,
        recorded_by=_username(record_.recorded_by),
        reason=record_.reason,
    )


def _decision_out(decision: ResponsibilityDecision) -> DecisionOut:
    return DecisionOut(
        id=decision.pk,
        intervention_id=decision.intervention_id,
        decided_at=decision.decided_at,
        decided_by=_username(decision.decided_by),
        agreement_version=decision.agreement_version,
        in_force=decision.in_force,
        outcome=decision.outcome,
        actions=decision.actions,
        missing_facts=decision.missing_facts,
        supersedes=decision.supersedes_id,
        facts_used=decision.facts_used,
        decision=decision.decision,
    )


def _intervention_out(intervention: Intervention) -> InterventionOut:
    latest = intervention.latest_decision()
    return InterventionOut(
        id=intervention.pk,
        person_id=intervention.person_id,
        kind=intervention.kind,
        start=intervention.start,
        end=intervention.end,
        status=intervention.status,
        performing_organisation_id=intervention.performing_organisation_id,
        performing_unit_id=intervention.performing_unit_id,
        ordering_organisation_id=intervention.ordering_organisation_id,
        facts=intervention.facts or {},
        latest_decision=_decision_out(latest) if latest else None,
    )


def _assessment_out(a: SelfCareAssessment) -> AssessmentOut:
    return AssessmentOut(
        id=a.pk,
        person_id=a.person_id,
        intervention_id=a.intervention_id,
        intervention_kind=a.intervention_kind,
        measure=a.measure,
        result=a.result,
        assessed_by=a.assessed_by.get_username(),
        assessed_by_role=a.assessed_by_role,
        assessed_by_organisation_id=a.assessed_by_organisation_id,
        assessed_at=a.assessed_at,
        performed_by_person_or_others=a.performed_by_person_or_others,
        review_date=a.review_date,
        guardians=a.guardians or [],
        status=a.status,
        review_reason=a.review_reason,
        replaces=a.replaces_id,
    )


def _task_out(task: Task, visible: bool) -> TaskOut:
    return TaskOut(
        id=task.pk,
        kind=task.kind,
        kind_label=str(task.get_kind_display()),
        action=task.action,
        person_id=task.person_id if visible else None,
        person_visible=visible,
        organisation_id=task.organisation_id,
        unit_id=task.unit_id,
        assignee=_username(task.assignee),
        due=task.due,
        status=task.status,
        intervention_id=task.intervention_id if visible else None,
        source_decision_id=task.source_decision_id if visible else None,
        source_assessment_id=task.source_assessment_id if visible else None,
        note=task.note if visible else "",
    )


def _get(request: HttpRequest, person_id: uuid.UUID, why: str, *, change: bool = False) -> Person:
    """The person through the access layer; a merged record answers for its survivor."""
    person = access.get_person_for(request, person_id, why=why, change=change)
    return person.survivor()


def _intervention(person: Person, intervention_id: int) -> Intervention:
    intervention = person.interventions.filter(pk=intervention_id).first()
    if intervention is None:
        raise Http404
    return intervention


# --- tasks (before /{person_id}, whose UUID converter would not match anyway) -------------


@router.get("/tasks", response={200: list[TaskOut], **RESPONSES}, summary="Mina uppgifter")
def my_tasks(request: HttpRequest) -> list[TaskOut]:
    access.require_read_role(request, "Mina uppgifter (API)")
    tasks = list(services.tasks_for_user(request.user).select_related("assignee"))
    visible = set(
        access.persons_visible_to(request.user)
        .filter(pk__in=[t.person_id for t in tasks])
        .values_list("pk", flat=True)
    )
    record(request, Action.VIEW, Task, why=f"Mina uppgifter (API, {len(tasks)})")
    return [_task_out(t, t.person_id in visible) for t in tasks]


@router.post(
    "/tasks/{task_id}/complete", response={200: TaskOut, **RESPONSES}, summary="Klarmarkera"
)
def complete_task(request: HttpRequest, task_id: int, payload: TaskCompleteIn) -> TaskOut:
    access.require_read_role(request, "Klarmarkera uppgift (API)")
    task = services.task_for_user(request, task_id)
    task = services.complete_task(request, task, note=payload.note)
    return _task_out(task, access.can_see(request.user, task.person))


# --- persons --------------------------------------------------------------------------------


@router.get("", response={200: list[PersonSummary], **RESPONSES}, summary="Sök person")
def search(request: HttpRequest, q: str = "") -> list[PersonSummary]:
    return [_summary(p) for p in services.search_persons(request, q, why="Sök person (API)")]


@router.post("", response={201: PersonOut, 200: PersonOut, **RESPONSES}, summary="Registrera")
def create(request: HttpRequest, payload: PersonCreate) -> Status[PersonOut]:
    person, created = services.create_person(
        request,
        identifier=payload.identifier,
        id_system=payload.id_system,
        given_name=payload.given_name,
        family_name=payload.family_name,
        birth_date=payload.birth_date,
        sex=payload.sex,
        home_municipality=payload.home_municipality,
        confirm_care_relation=payload.confirm_care_relation,
        why="Registrera person (API)",
    )
    return Status(201 if created else 200, _person_out(request, person))


@router.get("/{uuid:person_id}", response={200: PersonOut, **RESPONSES}, summary="En person")
def get_person(request: HttpRequest, person_id: uuid.UUID) -> PersonOut:
    return _person_out(request, _get(request, person_id, "Visa person (API)"))


@router.post(
    "/{uuid:person_id}/identities",
    response={201: IdentityOut, **RESPONSES},
    summary="Lägg till identitet",
)
def add_identity(
    request: HttpRequest, person_id: uuid.UUID, payload: IdentityIn
) -> Status[IdentityOut | None]:
    person = _get(request, person_id, "Lägg till identitet (API)", change=True)
    identity = services.add_identity(
        request, person, payload.identifier, payload.id_system, why="Lägg till identitet (API)"
    )
    return Status(201, _identity(identity))


@router.post("/{uuid:person_id}/merge", response={200: PersonOut, **RESPONSES}, summary="Sammanför")
def merge(request: HttpRequest, person_id: uuid.UUID, payload: MergeIn) -> PersonOut:
    target = _get(request, person_id, "Sammanför personer (API)", change=True)
    source = access.get_person_for(
        request, payload.source_id, why="Sammanför personer (API)", change=True
    )
    person = services.merge_persons(request, source=source, target=target)
    return _person_out(request, person)


@router.get("/{uuid:person_id}/facts", response={200: FactsOut, **RESPONSES}, summary="Uppgifter")
def facts(request: HttpRequest, person_id: uuid.UUID) -> FactsOut:
    person = _get(request, person_id, "Visa uppgifter (API)")
    history = person.fact_records.select_related("recorded_by").order_by("name", "-valid_from")
    return FactsOut(current=services.current_facts(person), history=[_fact_out(r) for r in history])


@router.post(
    "/{uuid:person_id}/facts", response={201: FactRecordOut, **RESPONSES}, summary="Sätt uppgift"
)
def set_fact(request: HttpRequest, person_id: uuid.UUID, payload: FactIn) -> Status[FactRecordOut]:
    person = _get(request, person_id, "Ändra uppgift (API)", change=True)
    fact = services.set_fact(
        request,
        person,
        payload.name,
        payload.value,
        valid_from=payload.valid_from,
        reason=payload.reason,
        why="Ändra uppgift (API)",
    )
    return Status(201, _fact_out(fact))


# --- interventions and decisions -----------------------------------------------------------


@router.get(
    "/{uuid:person_id}/interventions",
    response={200: list[InterventionOut], **RESPONSES},
    summary="Insatser",
)
def interventions(request: HttpRequest, person_id: uuid.UUID) -> list[InterventionOut]:
    person = _get(request, person_id, "Visa insatser (API)")
    return [_intervention_out(i) for i in person.interventions.all()]


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise PeopleError(field, "not_found", "Organisationen finns inte.")
    return organisation


@router.post(
    "/{uuid:person_id}/interventions",
    response={201: InterventionOut, **RESPONSES},
    summary="Registrera insats",
)
def create_intervention(
    request: HttpRequest, person_id: uuid.UUID, payload: InterventionIn
) -> Status[InterventionOut]:
    person = _get(request, person_id, "Registrera insats (API)", change=True)
    unit = None
    if payload.performing_unit_id is not None:
        unit = Unit.objects.filter(pk=payload.performing_unit_id).first()
        if unit is None:
            raise PeopleError("performing_unit_id", "not_found", "Enheten finns inte.")
    intervention = services.create_intervention(
        request,
        person,
        kind=payload.kind,
        start=payload.start,
        end=payload.end,
        status=payload.status,
        performing_unit=unit,
        ordering_organisation=_organisation(
            payload.ordering_organisation_id, "ordering_organisation_id"
        ),
        facts=payload.facts,
        why="Registrera insats (API)",
    )
    if payload.decide:
        services.decide_intervention(request, intervention, why="Ansvarsbeslut (API)")
    return Status(201, _intervention_out(intervention))


@router.get(
    "/{uuid:person_id}/interventions/{intervention_id}",
    response={200: InterventionOut, **RESPONSES},
    summary="En insats",
)
def get_intervention(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int
) -> InterventionOut:
    person = _get(request, person_id, "Visa insats (API)")
    return _intervention_out(_intervention(person, intervention_id))


@router.patch(
    "/{uuid:person_id}/interventions/{intervention_id}",
    response={200: InterventionOut, **RESPONSES},
    summary="Ändra insats",
)
def patch_intervention(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, payload: InterventionPatch
) -> InterventionOut:
    person = _get(request, person_id, "Ändra insats (API)", change=True)
    intervention = services.update_intervention(
        request,
        _intervention(person, intervention_id),
        facts=payload.facts,
        end=payload.end,
        status=payload.status,
        why="Ändra insats (API)",
    )
    return _intervention_out(intervention)


def _decide(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, on: dt.date | None
) -> DecideOut:
    person = _get(request, person_id, "Besluta ansvar (API)", change=True)
    intervention = _intervention(person, intervention_id)
    decision, diff = services.redecide_intervention(
        request, intervention, on=on, why="Ansvarsbeslut (API)"
    )
    return DecideOut(
        decision=_decision_out(decision), diff=diff.as_dict() if diff is not None else None
    )


@router.post(
    "/{uuid:person_id}/interventions/{intervention_id}/decide",
    response={201: DecideOut, **RESPONSES},
    summary="Besluta ansvar",
)
def decide(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, on: dt.date | None = None
) -> Status[DecideOut]:
    """Decide (again). `on`: the date the question concerns (default: the intervention's
    start). With an earlier decision, the answer includes the diff against it."""
    return Status(201, _decide(request, person_id, intervention_id, on))


@router.post(
    "/{uuid:person_id}/interventions/{intervention_id}/redecide",
    response={201: DecideOut, **RESPONSES},
    summary="Ompröva ansvar (med skillnad)",
)
def redecide(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, on: dt.date | None = None
) -> Status[DecideOut]:
    """The same as decide; the answer's `diff` compares with the decision it supersedes."""
    return Status(201, _decide(request, person_id, intervention_id, on))


@router.get(
    "/{uuid:person_id}/interventions/{intervention_id}/decisions",
    response={200: list[DecisionOut], **RESPONSES},
    summary="Alla ansvarsbeslut för insatsen",
)
def decisions(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int
) -> list[DecisionOut]:
    person = _get(request, person_id, "Visa ansvarsbeslut (API)")
    intervention = _intervention(person, intervention_id)
    return [_decision_out(d) for d in intervention.decisions.select_related("decided_by")]


# --- egenvård --------------------------------------------------------------------------------


@router.get(
    "/{uuid:person_id}/assessments",
    response={200: list[AssessmentOut], **RESPONSES},
    summary="Egenvårdsbedömningar",
)
def assessments(request: HttpRequest, person_id: uuid.UUID) -> list[AssessmentOut]:
    person = _get(request, person_id, "Visa egenvårdsbedömningar (API)")
    return [_assessment_out(a) for a in person.self_care_assessments.select_related("assessed_by")]


@router.post(
    "/{uuid:person_id}/assessments",
    response={201: AssessmentOut, **RESPONSES},
    summary="Ny egenvårdsbedömning",
)
def create_assessment(
    request: HttpRequest, person_id: uuid.UUID, payload: AssessmentIn
) -> Status[AssessmentOut]:
    person = _get(request, person_id, "Egenvårdsbedömning (API)", change=True)
    intervention = None
    if payload.intervention_id is not None:
        intervention = _intervention(person, payload.intervention_id)
    assessment = services.create_assessment(
        request,
        person,
        intervention=intervention,
        intervention_kind=payload.intervention_kind,
        measure=payload.measure,
        result=payload.result,
        review_date=payload.review_date,
        performed_by_person_or_others=payload.performed_by_person_or_others,
        guardians=payload.guardians,
        notes=payload.notes,
        why="Egenvårdsbedömning (API)",
    )
    return Status(201, _assessment_out(assessment))


@router.post(
    "/{uuid:person_id}/assessments/{assessment_id}/review",
    response={200: AssessmentOut, **RESPONSES},
    summary="Ompröva egenvårdsbedömning / ny utförare",
)
def review_assessment(
    request: HttpRequest, person_id: uuid.UUID, assessment_id: int, payload: ReviewIn
) -> AssessmentOut:
    person = _get(request, person_id, "Ompröva egenvård (API)", change=True)
    assessment = person.self_care_assessments.filter(pk=assessment_id).first()
    if assessment is None:
        raise Http404
    if payload.new_performer.strip():
        assessment = services.report_performer_change(
            request, assessment, payload.new_performer, why="Ny utförare av egenvård (API)"
        )
    elif payload.reason.strip():
        assessment = services.flag_assessment_for_review(
            request, assessment, reason=payload.reason.strip(), why="Ompröva egenvård (API)"
        )
    else:
        raise PeopleError("reason", "required", "Ange skäl till omprövning eller ny utförare.")
    return _assessment_out(assessment)
