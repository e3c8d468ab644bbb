"""Disputes (tvister: jh-hemsjukvard §6, §7.7, §8, §11; jh-psykisk §11), mounted at
/api/deviations/disputes:

    GET/POST /api/deviations/disputes, GET /api/deviations/disputes/{id}
    POST /api/deviations/disputes/{id}/escalate | /costs | /decision
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from samverkan.accounts.models import Role
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.deviations import access, disputes, services
from samverkan.deviations.api.common import RESPONSES, Merged, org, person
from samverkan.deviations.models import Dispute
from samverkan.deviations.schemas import (
    CostIn,
    DecisionIn,
    DisputeIn,
    DisputeOut,
    DisputeSummary,
    EscalateIn,
)

router = Router(tags=["Tvister"])


def _with_step(d: Dispute) -> Merged:
    """A dispute and its current step (the one summary field no attribute holds)."""
    return Merged(d, step=disputes.current_step(d))


def _dispute_out(request: HttpRequest, pk: int) -> DisputeOut:
    why = "API: tvist"
    d = access.get_dispute_for(request, pk, why=why)
    shown = (
        d.person if access.is_party(request, d) and access.person_shown(request, d.person) else None
    )
    record(request, Action.VIEW, Dispute, d.pk, person_ref=shown.ref if shown else None, why=why)
    ledger = disputes.ledger(d)
    recorded = disputes.recorded_facts(d)
    return DisputeOut.from_orm(
        Merged(
            d,
            person=shown,  # never the dispute's person unless people.access allows
            # which facts came from the person's record; their values only with the person
            facts_from_record=[
                {"name": f.name, "label": f.label, "value": f.value if shown else None}
                for f in recorded
            ],
            step=disputes.current_step(d),
            path=disputes.escalation_path(d.agreement),
            next_step=disputes.next_step(d) if access.is_open(d) else None,
            total=ledger.total,
            settled=ledger.settled,
            parties=ledger.parties,  # the ledger's balances, not Dispute.parties
            costs=ledger.costs,
            history=list(d.steps.select_related("organisation")),
        )
    )


@router.get("", response={200: list[DisputeSummary], **RESPONSES}, summary="Tvister")
def list_disputes(request: HttpRequest) -> Any:
    profile = access.profile(request)
    if profile is None or profile.role == Role.ADMINISTRATOR:
        raise access.denied(request, Dispute, "", "API: tvister", status=403)
    record(request, Action.SEARCH, Dispute, why="API: tvister")
    rows = access.disputes_visible_to(request).select_related("region_party", "municipality_party")
    return [_with_step(d) for d in rows[:500]]


@router.post("", response={201: DisputeOut, **RESPONSES}, summary="Öppna tvist")
def open_dispute(request: HttpRequest, payload: DisputeIn) -> Any:
    """With `facts` and `person`, the question is completed with the person's recorded facts
    on its date (the entered facts win) before the engine decides; a question the completed
    facts settle is refused (`determined_by_record`, the engine's answer quoted)."""
    found = person(request, payload.person, "Tvist: koppla person")  # the person first
    dispute = services.open_dispute(
        request,
        counterparty=org(payload.counterparty_id, "counterparty_id"),
        question=payload.question,
        acting_organisation=org(payload.acting_organisation_id, "acting_organisation_id"),
        acting_note=payload.acting_note,
        agreement=payload.agreement,
        facts=payload.facts,
        person=found,
        of_principle=payload.of_principle,
    )
    return Status(201, _dispute_out(request, dispute.pk))


@router.get("/{int:dispute_id}", response={200: DisputeOut, **RESPONSES}, summary="En tvist")
def get_dispute(request: HttpRequest, dispute_id: int) -> Any:
    return _dispute_out(request, dispute_id)


@router.post(
    "/{int:dispute_id}/escalate",
    response={200: DisputeOut, **RESPONSES},
    summary="Lyft tvist",
)
def escalate(request: HttpRequest, dispute_id: int, payload: EscalateIn) -> Any:
    services.escalate_dispute(
        request, dispute_id, note=payload.note, of_principle=payload.of_principle
    )
    return _dispute_out(request, dispute_id)


@router.post(
    "/{int:dispute_id}/costs",
    response={200: DisputeOut, **RESPONSES},
    summary="Bokför kostnad",
)
def add_cost(request: HttpRequest, dispute_id: int, payload: CostIn) -> Any:
    services.add_cost(
        request,
        dispute_id,
        description=payload.description,
        amount=payload.amount,
        incurred_on=payload.incurred_on,
        paid_by=org(payload.paid_by_id, "paid_by_id"),
    )
    return _dispute_out(request, dispute_id)


@router.post(
    "/{int:dispute_id}/decision", response={200: DisputeOut, **RESPONSES}, summary="Beslut"
)
def decide(request: HttpRequest, dispute_id: int, payload: DecisionIn) -> Any:
    services.record_dispute_decision(
        request,
        dispute_id,
        decided_on=payload.decided_on,
        reasoning=payload.reasoning,
        cost_bearer=payload.cost_bearer,
        decided_by=payload.decided_by,
    )
    return _dispute_out(request, dispute_id)
