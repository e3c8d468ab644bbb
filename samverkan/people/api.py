"""JSON API of the people app, mounted at /api/persons by samverkan.api.main.

    GET  /api/persons?q=…                          search (identifier, or name in own org)
    POST /api/persons                              register a person (declared care relation)
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

from django.db import transaction
from django.http import HttpRequest
from ninja import Router
from ninja.responses import Status

from samverkan.accounts.models import Organisation, Unit
from samverkan.api.errors import ERROR_RESPONSES, ErrorResponse
from samverkan.api.schemas import IsoDate, Merged
from samverkan.people import access, services
from samverkan.people.models import (
    FactRecord,
    Intervention,
    Person,
    PersonIdentity,
    ResponsibilityDecision,
    SelfCareAssessment,
)
from samverkan.people.schemas import (
    AssessmentIn,
    AssessmentOut,
    DecideOut,
    DecisionOut,
    FactIn,
    FactRecordOut,
    FactsOut,
    IdentityIn,
    IdentityOut,
    InterventionIn,
    InterventionOut,
    InterventionPatch,
    MergeIn,
    PersonCreate,
    PersonOut,
    PersonSummary,
    RegisteredPersonOut,
    ReviewIn,
    TaskCompleteIn,
    TaskOut,
)
from samverkan.people.services import PeopleError

router = Router(tags=["Personer och insatser"])

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse, 409: ErrorResponse}


def _get(request: HttpRequest, person_id: uuid.UUID, why: str, *, change: bool = False) -> Person:
    """The person through the access layer; a merged record answers for its survivor."""
    person = access.get_person_for(request, person_id, why=why, change=change)
    return person.survivor()


def _intervention(
    request: HttpRequest, person: Person, intervention_id: int, why: str, *, change: bool = False
) -> Intervention:
    """The person's intervention in the user's reach (404 for another vårdgivare's: logged)."""
    return access.get_intervention_for(request, person, intervention_id, why=why, change=change)


# --- tasks (before /{person_id}, whose UUID converter would not match anyway) -------------


@router.get("/tasks", response={200: list[TaskOut], **RESPONSES}, summary="Mina uppgifter")
def my_tasks(request: HttpRequest) -> list[Merged]:
    access.require_read_role(request, "Mina uppgifter (API)")
    tasks = list(services.tasks_for_user(request.user).select_related("assignee"))
    visible = set(
        access.persons_visible_to(request.user)
        .filter(pk__in=[t.person_id for t in tasks])
        .values_list("pk", flat=True)
    )
    services.record_task_list(request, tasks, f"Mina uppgifter (API, {len(tasks)})")
    return [Merged(t, person_visible=t.person_id in visible) for t in tasks]


@router.post(
    "/tasks/{task_id}/complete", response={200: TaskOut, **RESPONSES}, summary="Klarmarkera"
)
def complete_task(request: HttpRequest, task_id: int, payload: TaskCompleteIn) -> Merged:
    access.require_read_role(request, "Klarmarkera uppgift (API)")
    task = services.task_for_user(request, task_id)
    task = services.complete_task(request, task, note=payload.note)
    return Merged(task, person_visible=access.can_see(request.user, task.person))


# --- persons --------------------------------------------------------------------------------


@router.get("", response={200: list[PersonSummary], **RESPONSES}, summary="Sök person")
def search(request: HttpRequest, q: str = "") -> list[Person]:
    return list(services.search_persons(request, q, why="Sök person (API)"))


@router.post(
    "",
    response={201: RegisteredPersonOut, 200: RegisteredPersonOut, **RESPONSES},
    summary="Registrera",
)
def create(request: HttpRequest, payload: PersonCreate) -> Status[Merged]:
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
        reason=payload.reason,
        why="Registrera person (API)",
    )
    # 201 also when the number belonged to a person the user could not see (no oracle);
    # 200 only for a person she already saw through a SIP.
    view = services.registered_view(
        person,
        identifier=payload.identifier,
        id_system=payload.id_system,
        given_name=payload.given_name,
        family_name=payload.family_name,
        birth_date=payload.birth_date,
        sex=payload.sex,
        home_municipality=payload.home_municipality,
    )
    return Status(201 if created else 200, Merged(person, **view))


@router.get("/{uuid:person_id}", response={200: PersonOut, **RESPONSES}, summary="En person")
def get_person(request: HttpRequest, person_id: uuid.UUID) -> Person:
    return _get(request, person_id, "Visa person (API)")


@router.post(
    "/{uuid:person_id}/identities",
    response={201: IdentityOut, **RESPONSES},
    summary="Lägg till identitet",
)
def add_identity(
    request: HttpRequest, person_id: uuid.UUID, payload: IdentityIn
) -> Status[PersonIdentity]:
    person = _get(request, person_id, "Lägg till identitet (API)", change=True)
    identity = services.add_identity(
        request, person, payload.identifier, payload.id_system, why="Lägg till identitet (API)"
    )
    return Status(201, identity)


@router.post("/{uuid:person_id}/merge", response={200: PersonOut, **RESPONSES}, summary="Sammanför")
def merge(request: HttpRequest, person_id: uuid.UUID, payload: MergeIn) -> Person:
    target = _get(request, person_id, "Sammanför personer (API)", change=True)
    source = access.get_person_for(
        request, payload.source_id, why="Sammanför personer (API)", change=True
    )
    return services.merge_persons(request, source=source, target=target)


@router.get(
    "/{uuid:person_id}/facts", response={200: FactsOut, **RESPONSES}, summary="Fakta om personen"
)
def facts(request: HttpRequest, person_id: uuid.UUID) -> dict[str, Any]:
    person = _get(request, person_id, "Visa uppgifter (API)")
    reach = access.reach_of(request)
    history = (
        reach.facts(person).select_related("recorded_by").order_by("name", "-valid_from", "-pk")
    )
    return {"current": services.current_facts(person, reach), "history": history}


@router.post(
    "/{uuid:person_id}/facts", response={201: FactRecordOut, **RESPONSES}, summary="Sätt uppgift"
)
def set_fact(request: HttpRequest, person_id: uuid.UUID, payload: FactIn) -> Status[FactRecord]:
    person = _get(request, person_id, "Ändra fakta (API)", change=True)
    fact = services.set_fact(
        request,
        person,
        payload.name,
        payload.value,
        valid_from=payload.valid_from,
        reason=payload.reason,
        why="Ändra fakta (API)",
    )
    return Status(201, fact)


# --- interventions and decisions -----------------------------------------------------------


@router.get(
    "/{uuid:person_id}/interventions",
    response={200: list[InterventionOut], **RESPONSES},
    summary="Insatser",
)
def interventions(request: HttpRequest, person_id: uuid.UUID) -> list[Intervention]:
    person = _get(request, person_id, "Visa insatser (API)")
    return list(access.reach_of(request).interventions(person))


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
) -> Status[Intervention]:
    person = _get(request, person_id, "Registrera insats (API)", change=True)
    unit = None
    if payload.performing_unit_id is not None:
        unit = Unit.objects.filter(pk=payload.performing_unit_id).first()
        if unit is None:
            raise PeopleError("performing_unit_id", "not_found", "Enheten finns inte.")
    # One transaction: a decision that fails (422) leaves no intervention behind, so a retry
    # does not register it twice.
    with transaction.atomic():
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
    return Status(201, intervention)


@router.get(
    "/{uuid:person_id}/interventions/{intervention_id}",
    response={200: InterventionOut, **RESPONSES},
    summary="En insats",
)
def get_intervention(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int
) -> Intervention:
    person = _get(request, person_id, "Visa insats (API)")
    return _intervention(request, person, intervention_id, "Visa insats (API)")


@router.patch(
    "/{uuid:person_id}/interventions/{intervention_id}",
    response={200: InterventionOut, **RESPONSES},
    summary="Ändra insats",
)
def patch_intervention(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, payload: InterventionPatch
) -> Intervention:
    person = _get(request, person_id, "Ändra insats (API)", change=True)
    return services.update_intervention(
        request,
        _intervention(request, person, intervention_id, "Ändra insats (API)", change=True),
        facts=payload.facts,
        end=payload.end,
        status=payload.status,
        why="Ändra insats (API)",
    )


def _decide(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, on: dt.date | None
) -> dict[str, Any]:
    person = _get(request, person_id, "Besluta ansvar (API)", change=True)
    intervention = _intervention(
        request, person, intervention_id, "Besluta ansvar (API)", change=True
    )
    decision, diff = services.redecide_intervention(
        request, intervention, on=on, why="Ansvarsbeslut (API)"
    )
    return {"decision": decision, "diff": diff.as_dict() if diff is not None else None}


@router.post(
    "/{uuid:person_id}/interventions/{intervention_id}/decide",
    response={201: DecideOut, **RESPONSES},
    summary="Besluta ansvar",
)
def decide(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, on: IsoDate | None = None
) -> Status[dict[str, Any]]:
    """Decide (again). `on`: the date the question concerns (default: the intervention's
    start). With an earlier decision, the answer includes the diff against it."""
    return Status(201, _decide(request, person_id, intervention_id, on))


@router.post(
    "/{uuid:person_id}/interventions/{intervention_id}/redecide",
    response={201: DecideOut, **RESPONSES},
    summary="Ompröva ansvar (med skillnad)",
)
def redecide(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int, on: IsoDate | None = None
) -> Status[dict[str, Any]]:
    """The same as decide; the answer's `diff` compares with the decision it supersedes."""
    return Status(201, _decide(request, person_id, intervention_id, on))


@router.get(
    "/{uuid:person_id}/interventions/{intervention_id}/decisions",
    response={200: list[DecisionOut], **RESPONSES},
    summary="Alla ansvarsbeslut för insatsen",
)
def decisions(
    request: HttpRequest, person_id: uuid.UUID, intervention_id: int
) -> list[ResponsibilityDecision]:
    person = _get(request, person_id, "Visa ansvarsbeslut (API)")
    intervention = _intervention(request, person, intervention_id, "Visa ansvarsbeslut (API)")
    return list(access.reach_of(request).decisions(intervention).select_related("decided_by"))


# --- egenvård --------------------------------------------------------------------------------


@router.get(
    "/{uuid:person_id}/assessments",
    response={200: list[AssessmentOut], **RESPONSES},
    summary="Egenvårdsbedömningar",
)
def assessments(request: HttpRequest, person_id: uuid.UUID) -> list[SelfCareAssessment]:
    person = _get(request, person_id, "Visa egenvårdsbedömningar (API)")
    return list(access.reach_of(request).assessments(person).select_related("assessed_by"))


@router.post(
    "/{uuid:person_id}/assessments",
    response={201: AssessmentOut, **RESPONSES},
    summary="Ny egenvårdsbedömning",
)
def create_assessment(
    request: HttpRequest, person_id: uuid.UUID, payload: AssessmentIn
) -> Status[SelfCareAssessment]:
    person = _get(request, person_id, "Egenvårdsbedömning (API)", change=True)
    intervention = None
    if payload.intervention_id is not None:
        intervention = _intervention(
            request, person, payload.intervention_id, "Egenvårdsbedömning (API)", change=True
        )
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
    return Status(201, assessment)


@router.post(
    "/{uuid:person_id}/assessments/{assessment_id}/review",
    response={200: AssessmentOut, **RESPONSES},
    summary="Ompröva egenvårdsbedömning / ny utförare",
)
def review_assessment(
    request: HttpRequest, person_id: uuid.UUID, assessment_id: int, payload: ReviewIn
) -> SelfCareAssessment:
    person = _get(request, person_id, "Ompröva egenvård (API)", change=True)
    assessment = access.get_assessment_for(
        request, person, assessment_id, why="Ompröva egenvård (API)", change=True
    )
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
    return assessment
