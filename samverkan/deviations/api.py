"""JSON API of the deviations app, mounted at /api/deviations by samverkan.api.main.

Deviations and complaints
    GET  /api/deviations                          own organisation's (sent or received)
    POST /api/deviations                          report one (201)
    GET  /api/deviations/{id}                     one, with history and the answer
    POST /api/deviations/{id}/status              {"status", "answer", "note"}
    POST /api/deviations/contacts/{id}/done       chefsläkare/MAS: direct contact taken
    GET  /api/deviations/followup                 the forum's aggregates (small cells hidden)
Disputes
    GET/POST /api/deviations/disputes, GET /api/deviations/disputes/{id}
    POST /api/deviations/disputes/{id}/escalate | /costs | /decision
Agreement lifecycle
    GET  /api/deviations/agreements[/{agreement}]
    POST /api/deviations/agreements/{agreement}/notices
    PUT  /api/deviations/agreements/{agreement}/settings
    GET  /api/deviations/local-points             the points jh-hemsjukvard §8.3 allows
    GET/POST /api/deviations/local-agreements     (422 `not_allowed_by_8_3` quoting §8.3)
    GET  /api/deviations/routines                 the routines matrix
    GET/POST /api/deviations/lists, GET /api/deviations/lists/{id}
    POST /api/deviations/lists/{id}/members | /sign | /fix | /variations, PUT .../items

Errors use the project's shape (samverkan.api.errors); a refusal is 403, something not
visible 404, a rule or validation error 422 with the field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from samverkan.accounts.models import Organisation, Role, Unit
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.deviations import access, disputes, lifecycle, reports, services
from samverkan.deviations.local_points import LOCAL_POINTS
from samverkan.deviations.models import (
    Bilaga2List,
    ChiefContact,
    Deviation,
    DeviationEvent,
    Dispute,
    LocalAgreement,
)
from samverkan.rules import engine
from samverkan.rules.facts import InvalidFacts

router = Router(tags=["Avvikelser, tvister och avtalsförvaltning"])

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse}


def _items(exc: ValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": None if name == "__all__" else name, "code": "invalid", "message": message}
            for name, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [{"field": None, "code": "invalid", "message": m} for m in exc.messages]


def handled(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Services' refusals in the API's error shape: 422 ValidationError, 403, 404."""

    @functools.wraps(fn)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(request, *args, **kwargs)
        except lifecycle.LocalAgreementRefused as exc:
            message = f"{exc.clause}: »{exc.reason}«"
            return Status(
                422,
                {"detail": [{"field": "point", "code": "not_allowed_by_8_3", "message": message}]},
            )
        except ValidationError as exc:
            return Status(422, {"detail": _items(exc)})
        except InvalidFacts as exc:
            return Status(
                422,
                {
                    "detail": [
                        {"field": f"facts.{e.field}", "code": e.code, "message": e.message}
                        for e in exc.errors
                    ]
                },
            )
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", "Du har inte behörighet till detta.") from exc

    return wrapper


def _org(pk: int, field: str) -> Organisation:
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: "Okänd organisation."})
    return found


def _person(request: HttpRequest, text: str | None, why: str) -> Any:
    if not text:
        return None
    try:
        return services.find_person(request, text, why=why)
    except Http404 as exc:
        raise ValidationError(
            {"person": "Personen finns inte eller är inte synlig för dig."}
        ) from exc


# --- schemas ------------------------------------------------------------------------------


class OrgOut(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: str
    name: str


class DeviationIn(Schema):
    receiving_organisation_id: int
    kind: str = "deviation"
    agreement: str | None = None
    category: str
    severity: str = "minor"
    occurred_on: dt.date
    occurred_time: dt.time | None = None
    location: str
    description: str
    person: str | None = None  # person id (UUID) or identifier


class DeviationSummary(Schema):
    id: int
    kind: str
    category: str
    severity: str
    status: str
    direct_contact: bool
    reporting_organisation: OrgOut
    receiving_organisation: OrgOut
    received_at: dt.datetime
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None


class EventOut(Schema):
    at: dt.datetime
    what: str
    status: str
    organisation: str
    note: str


class ContactOut(Schema):
    id: int
    organisation: OrgOut
    role: str
    action: str
    done_at: dt.datetime | None


class DeviationOut(DeviationSummary):
    agreement: str
    occurred_on: dt.date
    occurred_time: dt.time | None
    location: str
    description: str
    receiving_unit: str | None
    receiving_role: str
    investigating_at: dt.datetime | None
    answer: str
    answer_due: dt.date
    overdue: bool
    person: PersonRef | None
    person_hidden: bool
    actions: list[str]
    transitions: list[str]
    contacts: list[ContactOut]
    events: list[EventOut]
    citations: list[dict[str, str]]


class StatusIn(Schema):
    status: str
    answer: str = ""
    note: str = ""


class NoteIn(Schema):
    note: str = ""


def _org_out(org: Organisation) -> OrgOut:
    return OrgOut(id=org.pk, name=org.name)


def _summary(d: Deviation) -> dict[str, Any]:
    return {
        "id": d.pk,
        "kind": d.kind,
        "category": d.category,
        "severity": d.severity,
        "status": d.status,
        "direct_contact": d.direct_contact,
        "reporting_organisation": _org_out(d.reporting_organisation),
        "receiving_organisation": _org_out(d.receiving_organisation),
        "received_at": d.received_at,
        "answered_at": d.answered_at,
        "closed_at": d.closed_at,
    }


def _contact(c: ChiefContact) -> ContactOut:
    return ContactOut(
        id=c.pk,
        organisation=_org_out(c.organisation),
        role=c.role,
        action=c.ACTION,
        done_at=c.done_at,
    )


def _event(e: DeviationEvent) -> EventOut:
    return EventOut(
        at=e.at, what=e.what, status=e.status, organisation=e.organisation.name, note=e.note
    )


def _deviation_out(request: HttpRequest, pk: int) -> DeviationOut:
    view = services.view_deviation(request, pk)
    d = view.deviation
    return DeviationOut(
        **_summary(d),
        agreement=d.agreement,
        occurred_on=d.occurred_on,
        occurred_time=d.occurred_time,
        location=d.location,
        description=d.description,
        receiving_unit=d.receiving_unit.name if d.receiving_unit else None,
        receiving_role=d.receiving_role,
        investigating_at=d.investigating_at,
        answer=d.answer,
        answer_due=view.answer_due,
        overdue=view.overdue,
        person=PersonRef(id=str(view.person.pk), name=view.person.name) if view.person else None,
        person_hidden=view.person_hidden,
        actions=view.actions,
        transitions=view.transitions,
        contacts=[_contact(c) for c in view.contacts],
        events=[_event(e) for e in view.events],
        citations=[c.as_dict() for c in view.citations],
    )


# --- deviations ---------------------------------------------------------------------------


@router.get("", response={200: list[DeviationSummary], **RESPONSES}, summary="Avvikelser")
@handled
def list_deviations(
    request: HttpRequest,
    status: str | None = None,
    direction: str | None = None,
    serious: bool = False,
) -> Any:
    rows = services.list_deviations(
        request, status=status, direction=direction, serious_only=serious
    )
    return [_summary(d) for d in rows[:500]]


@router.post("", response={201: DeviationOut, **RESPONSES}, summary="Rapportera avvikelse")
@handled
def report(request: HttpRequest, payload: DeviationIn) -> Any:
    deviation = services.report_deviation(
        request,
        receiving_organisation=_org(payload.receiving_organisation_id, "receiving_organisation_id"),
        kind=payload.kind,
        agreement=payload.agreement,
        category=payload.category,
        severity=payload.severity,
        occurred_on=payload.occurred_on,
        occurred_time=payload.occurred_time,
        location=payload.location,
        description=payload.description,
        person=_person(request, payload.person, "Avvikelse: koppla person"),
    )
    return Status(201, _deviation_out(request, deviation.pk))


class FollowupCell(Schema):
    value: float | None
    hidden: bool


class FollowupRow(Schema):
    label: str
    cells: list[FollowupCell]


class FollowupTable(Schema):
    caption: str
    columns: list[str]
    rows: list[FollowupRow]


class FollowupOut(Schema):
    agreement: str
    year: int
    answer_days: int
    suppressed: bool
    scope: str
    total: FollowupCell
    serious: FollowupCell
    complaints: FollowupCell
    tables: list[FollowupTable]


def _cell(cell: reports.Cell) -> FollowupCell:
    return FollowupCell(value=None if cell.hidden else cell.value, hidden=cell.hidden)


@router.get("/followup", response={200: FollowupOut, **RESPONSES}, summary="Forumets uppföljning")
@handled
def followup(
    request: HttpRequest,
    agreement: str | None = None,
    year: int | None = None,
    days: int | None = None,
) -> Any:
    profile = access.profile(request)
    if profile is None or profile.role not in access.FOLLOWUP_ROLES:
        raise access.denied(request, "deviations.followup", "", "API: uppföljning", status=403)
    region = profile.organisation.region
    agreement = agreement or services.DEFAULT_AGREEMENT.get(region, "")
    if agreement not in dict(services.agreements_for_region(region)):
        raise ValidationError({"agreement": "Avtalet gäller inte i din region."})
    forum = profile.role == Role.FORUM_MEMBER
    result = reports.forum_followup(
        agreement,
        year or timezone.localdate().year,
        region=region if forum else None,
        organisation=None if forum else profile.organisation,
        days=days,
        suppress=profile.role not in (Role.CHIEF_PHYSICIAN, Role.MAS),
    )
    record(request, Action.VIEW, "deviations.followup", why=f"API: uppföljning {agreement}")
    tables = [
        result.by_category,
        result.by_receiving,
        result.by_reporting,
        result.times,
        result.overdue,
    ]
    return FollowupOut(
        agreement=result.agreement,
        year=result.year,
        answer_days=result.answer_days,
        suppressed=result.suppressed,
        scope=result.scope,
        total=_cell(result.total),
        serious=_cell(result.serious),
        complaints=_cell(result.complaints),
        tables=[
            FollowupTable(
                caption=t.caption,
                columns=t.columns,
                rows=[
                    FollowupRow(label=label, cells=[_cell(c) for c in cells])
                    for label, cells in t.rows
                ],
            )
            for t in tables
        ],
    )


@router.get(
    "/{int:deviation_id}", response={200: DeviationOut, **RESPONSES}, summary="En avvikelse"
)
@handled
def get_deviation(request: HttpRequest, deviation_id: int) -> Any:
    return _deviation_out(request, deviation_id)


@router.post(
    "/{int:deviation_id}/status", response={200: DeviationOut, **RESPONSES}, summary="Ändra status"
)
@handled
def change_status(request: HttpRequest, deviation_id: int, payload: StatusIn) -> Any:
    services.change_status(
        request, deviation_id, payload.status, answer=payload.answer, note=payload.note
    )
    return _deviation_out(request, deviation_id)


@router.post(
    "/contacts/{int:contact_id}/done",
    response={200: ContactOut, **RESPONSES},
    summary="Direktkontakt tagen",
)
@handled
def contact_done(request: HttpRequest, contact_id: int, payload: NoteIn) -> Any:
    return _contact(services.mark_contact_done(request, contact_id, note=payload.note))


# --- disputes -----------------------------------------------------------------------------


class DisputeIn(Schema):
    counterparty_id: int
    question: str
    acting_organisation_id: int
    acting_note: str
    agreement: str | None = None
    facts: dict[str, Any] | None = None  # an engine question: the decision opens the case
    person: str | None = None
    of_principle: bool = False


class StepOut(Schema):
    level: int
    kind: str
    title: str


class HistoryOut(Schema):
    at: dt.datetime
    what: str
    level: int
    step: str
    organisation: str
    note: str


class PartyOut(Schema):
    organisation: OrgOut
    paid: Decimal
    interim_share: Decimal
    interim_transfer: Decimal
    final_share: Decimal | None
    settlement: Decimal | None


class CostOut(Schema):
    id: int
    description: str
    amount: Decimal
    incurred_on: dt.date
    paid_by: OrgOut
    ledger_ref: str


class DisputeSummary(Schema):
    id: int
    agreement: str
    basis: str
    trigger: str
    status: str
    level: int
    step: StepOut
    region_party: OrgOut
    municipality_party: OrgOut
    opened_at: dt.datetime


class DisputeOut(DisputeSummary):
    question: str
    acting_organisation: OrgOut
    acting_note: str
    of_principle: bool
    person: PersonRef | None
    path: list[StepOut]
    next_step: StepOut | None
    decided_on: dt.date | None
    decided_by: str
    reasoning: str
    cost_bearer: str
    total: Decimal
    settled: bool
    parties: list[PartyOut]
    costs: list[CostOut]
    history: list[HistoryOut]


class EscalateIn(Schema):
    note: str
    of_principle: bool = False


class CostIn(Schema):
    description: str
    amount: Decimal
    incurred_on: dt.date
    paid_by_id: int


class DecisionIn(Schema):
    decided_on: dt.date
    reasoning: str
    cost_bearer: str
    decided_by: str = ""


def _step_out(step: disputes.EscalationStep) -> StepOut:
    return StepOut(level=step.level, kind=step.kind, title=step.title)


def _dispute_summary(d: Dispute) -> dict[str, Any]:
    return {
        "id": d.pk,
        "agreement": d.agreement,
        "basis": d.basis,
        "trigger": d.trigger,
        "status": d.status,
        "level": d.level,
        "step": _step_out(disputes.current_step(d)),
        "region_party": _org_out(d.region_party),
        "municipality_party": _org_out(d.municipality_party),
        "opened_at": d.opened_at,
    }


def _dispute_out(request: HttpRequest, pk: int) -> DisputeOut:
    why = "API: tvist"
    d = access.get_dispute_for(request, pk, why=why)
    person = (
        d.person if access.is_party(request, d) and access.person_shown(request, d.person) else None
    )
    record(request, Action.VIEW, Dispute, d.pk, person_ref=person.ref if person else None, why=why)
    ledger = disputes.ledger(d)
    following = disputes.next_step(d) if access.is_open(d) else None
    return DisputeOut(
        **_dispute_summary(d),
        question=d.question,
        acting_organisation=_org_out(d.acting_organisation),
        acting_note=d.acting_note,
        of_principle=d.of_principle,
        person=PersonRef(id=str(person.pk), name=person.name) if person else None,
        path=[_step_out(s) for s in disputes.escalation_path(d.agreement)],
        next_step=_step_out(following) if following else None,
        decided_on=d.decided_on,
        decided_by=d.decided_by,
        reasoning=d.reasoning,
        cost_bearer=d.cost_bearer,
        total=ledger.total,
        settled=ledger.settled,
        parties=[
            PartyOut(
                organisation=_org_out(p.organisation),
                paid=p.paid,
                interim_share=p.interim_share,
                interim_transfer=p.interim_transfer,
                final_share=p.final_share,
                settlement=p.settlement,
            )
            for p in ledger.parties
        ],
        costs=[
            CostOut(
                id=c.pk,
                description=c.description,
                amount=c.amount,
                incurred_on=c.incurred_on,
                paid_by=_org_out(c.paid_by),
                ledger_ref=c.ledger_ref,
            )
            for c in ledger.costs
        ],
        history=[
            HistoryOut(
                at=s.at,
                what=s.what,
                level=s.level,
                step=s.step,
                organisation=s.organisation.name,
                note=s.note,
            )
            for s in d.steps.select_related("organisation")
        ],
    )


@router.get("/disputes", response={200: list[DisputeSummary], **RESPONSES}, summary="Tvister")
@handled
def list_disputes(request: HttpRequest) -> Any:
    profile = access.profile(request)
    if profile is None or profile.role == Role.ADMINISTRATOR:
        raise access.denied(request, Dispute, "", "API: tvister", status=403)
    record(request, Action.SEARCH, Dispute, why="API: tvister")
    rows = access.disputes_visible_to(request).select_related("region_party", "municipality_party")
    return [_dispute_summary(d) for d in rows[:500]]


@router.post("/disputes", response={201: DisputeOut, **RESPONSES}, summary="Öppna tvist")
@handled
def open_dispute(request: HttpRequest, payload: DisputeIn) -> Any:
    decision = engine.decide(payload.facts) if payload.facts is not None else None
    dispute = services.open_dispute(
        request,
        counterparty=_org(payload.counterparty_id, "counterparty_id"),
        question=payload.question,
        acting_organisation=_org(payload.acting_organisation_id, "acting_organisation_id"),
        acting_note=payload.acting_note,
        agreement=payload.agreement,
        decision=decision,
        person=_person(request, payload.person, "Tvist: koppla person"),
        of_principle=payload.of_principle,
    )
    return Status(201, _dispute_out(request, dispute.pk))


@router.get(
    "/disputes/{int:dispute_id}", response={200: DisputeOut, **RESPONSES}, summary="En tvist"
)
@handled
def get_dispute(request: HttpRequest, dispute_id: int) -> Any:
    return _dispute_out(request, dispute_id)


@router.post(
    "/disputes/{int:dispute_id}/escalate",
    response={200: DisputeOut, **RESPONSES},
    summary="Lyft tvist",
)
@handled
def escalate(request: HttpRequest, dispute_id: int, payload: EscalateIn) -> Any:
    services.escalate_dispute(
        request, dispute_id, note=payload.note, of_principle=payload.of_principle
    )
    return _dispute_out(request, dispute_id)


@router.post(
    "/disputes/{int:dispute_id}/costs",
    response={200: DisputeOut, **RESPONSES},
    summary="Bokför kostnad",
)
@handled
def add_cost(request: HttpRequest, dispute_id: int, payload: CostIn) -> Any:
    services.add_cost(
        request,
        dispute_id,
        description=payload.description,
        amount=payload.amount,
        incurred_on=payload.incurred_on,
        paid_by=_org(payload.paid_by_id, "paid_by_id"),
    )
    return _dispute_out(request, dispute_id)


@router.post(
    "/disputes/{int:dispute_id}/decision", response={200: DisputeOut, **RESPONSES}, summary="Beslut"
)
@handled
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


# --- agreements ---------------------------------------------------------------------------


class ReminderOut(Schema):
    kind: str
    due: dt.date
    shows_from: dt.date
    title: str
    role: str


class NoticeOut(Schema):
    id: int
    given_by: OrgOut
    given_on: dt.date
    document_ref: str


class AgreementOut(Schema):
    id: str
    version: str
    title: str
    region: str
    parties: list[OrgOut]
    valid_from: dt.date
    first_term_end: dt.date
    renewal: str
    in_force: bool
    ended: bool
    term_start: dt.date | None
    term_end: dt.date | None
    final_end: dt.date | None
    next_notice_deadline: dt.date | None
    who_must_act: str
    forum: str
    followup_dues: list[dt.date]
    reminder_lead_days: int
    responsible_role: str
    reminders: list[ReminderOut]
    notices: list[NoticeOut]
    dispute_path: list[StepOut]


def _agreement_out(o: lifecycle.AgreementOverview) -> AgreementOut:
    return AgreementOut(
        id=o.agreement,
        version=o.version.version,
        title=o.version.title,
        region=o.version.region,
        parties=[_org_out(p) for p in o.parties],
        valid_from=o.version.starts,
        first_term_end=o.version.term.first_end,
        renewal=o.renewal,
        in_force=o.status.in_force,
        ended=o.status.ended,
        term_start=o.status.term_start,
        term_end=o.status.term_end,
        final_end=o.final_end,
        next_notice_deadline=o.next_notice_deadline,
        who_must_act=o.who_must_act,
        forum=o.forum,
        followup_dues=o.followup_dues,
        reminder_lead_days=o.settings.reminder_lead_days,
        responsible_role=o.settings.responsible_role,
        reminders=[
            ReminderOut(kind=r.kind, due=r.due, shows_from=r.shows_from, title=r.title, role=r.role)
            for r in o.reminders
        ],
        notices=[
            NoticeOut(
                id=n.pk,
                given_by=_org_out(n.given_by),
                given_on=n.given_on,
                document_ref=n.document_ref,
            )
            for n in o.notices
        ],
        dispute_path=[_step_out(s) for s in o.dispute_path],
    )


def _own_agreement(request: HttpRequest, agreement: str) -> str:
    region = access.region_of(request)
    version = lifecycle.VERSIONS.get(agreement)
    if region is None:
        raise PermissionDenied
    if version is None or version.region != region:
        raise Http404
    return agreement


@router.get(
    "/agreements",
    response={200: list[AgreementOut], **RESPONSES},
    summary="Avtalen och deras frister",
)
@handled
def agreements(request: HttpRequest, on: dt.date | None = None) -> Any:
    region = access.region_of(request)
    if region is None:
        raise PermissionDenied
    return [_agreement_out(o) for o in lifecycle.agreements_overview(on, region=region)]


@router.get(
    "/agreements/{agreement}", response={200: AgreementOut, **RESPONSES}, summary="Ett avtal"
)
@handled
def agreement(request: HttpRequest, agreement: str, on: dt.date | None = None) -> Any:
    return _agreement_out(lifecycle.agreement_overview(_own_agreement(request, agreement), on))


class NoticeIn(Schema):
    given_by_id: int
    given_on: dt.date
    document_ref: str


@router.post(
    "/agreements/{agreement}/notices",
    response={201: AgreementOut, **RESPONSES},
    summary="Registrera uppsägning",
)
@handled
def add_notice(request: HttpRequest, agreement: str, payload: NoticeIn) -> Any:
    agreement = _own_agreement(request, agreement)
    lifecycle.record_notice(
        request,
        agreement,
        given_by=_org(payload.given_by_id, "given_by_id"),
        given_on=payload.given_on,
        document_ref=payload.document_ref,
    )
    return Status(201, _agreement_out(lifecycle.agreement_overview(agreement)))


class SettingsIn(Schema):
    reminder_lead_days: int = 90
    responsible_role: str = Role.FORUM_MEMBER.value
    followup_month: int = 12
    followup_day: int = 31


@router.put(
    "/agreements/{agreement}/settings",
    response={200: AgreementOut, **RESPONSES},
    summary="Påminnelser",
)
@handled
def put_settings(request: HttpRequest, agreement: str, payload: SettingsIn) -> Any:
    agreement = _own_agreement(request, agreement)
    lifecycle.update_settings(request, agreement, **payload.dict())
    return _agreement_out(lifecycle.agreement_overview(agreement))


# --- local agreements and routines --------------------------------------------------------


class PointOut(Schema):
    key: str
    label: str
    annex: str
    clause: str
    required_routine: bool


class LocalAgreementIn(Schema):
    point: str
    municipality_id: int
    health_centre_id: int | None = None
    title: str
    agreed_on: dt.date
    valid_to: dt.date | None = None
    document_ref: str = ""


class LocalAgreementOut(Schema):
    id: int
    point: str
    municipality: OrgOut
    health_centre: str | None
    title: str
    agreed_on: dt.date
    valid_to: dt.date | None
    document_ref: str


def _local_out(r: LocalAgreement) -> LocalAgreementOut:
    return LocalAgreementOut(
        id=r.pk,
        point=r.point,
        municipality=_org_out(r.municipality),
        health_centre=r.health_centre.name if r.health_centre else None,
        title=r.title,
        agreed_on=r.agreed_on,
        valid_to=r.valid_to,
        document_ref=r.document_ref,
    )


@router.get(
    "/local-points", response={200: list[PointOut], **RESPONSES}, summary="Punkter enligt §8.3"
)
def local_points(request: HttpRequest) -> Any:
    from samverkan.deviations.local_points import REQUIRED_ROUTINES

    return [
        PointOut(
            key=p.key,
            label=p.label,
            annex=p.annex,
            clause=p.clause,
            required_routine=p in REQUIRED_ROUTINES,
        )
        for p in LOCAL_POINTS
    ]


@router.get(
    "/local-agreements",
    response={200: list[LocalAgreementOut], **RESPONSES},
    summary="Lokala överenskommelser",
)
@handled
def list_local(request: HttpRequest) -> Any:
    region = access.region_of(request)
    if region is None:
        raise PermissionDenied
    rows = LocalAgreement.objects.filter(municipality__region=region).select_related(
        "municipality", "health_centre"
    )
    return [_local_out(r) for r in rows]


@router.post(
    "/local-agreements",
    response={201: LocalAgreementOut, **RESPONSES},
    summary="Registrera lokal överenskommelse",
)
@handled
def add_local(request: HttpRequest, payload: LocalAgreementIn) -> Any:
    centre = (
        Unit.objects.filter(pk=payload.health_centre_id).first()
        if payload.health_centre_id
        else None
    )
    if payload.health_centre_id and centre is None:
        raise ValidationError({"health_centre_id": "Okänd hälsocentral."})
    local = lifecycle.register_local_agreement(
        request,
        point=payload.point,
        municipality=_org(payload.municipality_id, "municipality_id"),
        health_centre=centre,
        title=payload.title,
        agreed_on=payload.agreed_on,
        valid_to=payload.valid_to,
        document_ref=payload.document_ref,
    )
    return Status(201, _local_out(local))


class RoutineCellOut(Schema):
    point: str
    present: bool
    local_agreement_id: int | None


class RoutineRowOut(Schema):
    health_centre: str
    municipality: OrgOut
    cells: list[RoutineCellOut]


class RoutinesOut(Schema):
    region: str
    on: dt.date
    points: list[str]
    rows: list[RoutineRowOut]


@router.get(
    "/routines",
    response={200: RoutinesOut, **RESPONSES},
    summary="Rutiner per hälsocentral och kommun",
)
@handled
def routines(request: HttpRequest, on: dt.date | None = None) -> Any:
    region = access.region_of(request)
    if region is None:
        raise PermissionDenied
    matrix = lifecycle.routines_matrix(region, on)
    return RoutinesOut(
        region=region,
        on=matrix.on,
        points=[p.key for p in matrix.points],
        rows=[
            RoutineRowOut(
                health_centre=row.health_centre.name,
                municipality=_org_out(row.municipality),
                cells=[
                    RoutineCellOut(
                        point=c.point.key,
                        present=c.present,
                        local_agreement_id=c.routine.pk if c.routine else None,
                    )
                    for c in row.cells
                ],
            )
            for row in matrix.rows
        ],
    )


# --- Bilaga 2 lists -----------------------------------------------------------------------


class MemberOut(Schema):
    user_id: int
    name: str
    organisation: OrgOut
    signed_at: dt.datetime | None


class VariationOut(Schema):
    municipality: OrgOut
    description: str
    agreed_on: dt.date


class ListOut(Schema):
    id: int
    kind: str
    year: int
    items: list[str]
    fixed_at: dt.datetime | None
    members: list[MemberOut]
    variations: list[VariationOut]


class ListIn(Schema):
    kind: str
    year: int
    items: str = ""


class ItemsIn(Schema):
    items: str


class MemberIn(Schema):
    user_id: int


class VariationIn(Schema):
    municipality_id: int
    description: str
    agreed_on: dt.date


def _list_out(lst: Bilaga2List) -> ListOut:
    return ListOut(
        id=lst.pk,
        kind=lst.kind,
        year=lst.year,
        items=lst.item_lines,
        fixed_at=lst.fixed_at,
        members=[
            MemberOut(
                user_id=m.user_id,
                name=m.user.get_full_name() or m.user.get_username(),
                organisation=_org_out(m.organisation),
                signed_at=m.signed_at,
            )
            for m in lst.members.select_related("user", "organisation")
        ],
        variations=[
            VariationOut(
                municipality=_org_out(v.municipality),
                description=v.description,
                agreed_on=v.agreed_on,
            )
            for v in lst.variations.select_related("municipality")
        ],
    )


def _list(request: HttpRequest, pk: int) -> Bilaga2List:
    region = access.region_of(request)
    if region is None:
        raise PermissionDenied
    return get_object_or_404(Bilaga2List, pk=pk, region=region)


@router.get(
    "/lists", response={200: list[ListOut], **RESPONSES}, summary="Förteckningar (bilaga 2)"
)
@handled
def list_lists(request: HttpRequest) -> Any:
    region = access.region_of(request)
    if region is None:
        raise PermissionDenied
    return [_list_out(lst) for lst in lifecycle.lists_for(region)]


@router.post("/lists", response={201: ListOut, **RESPONSES}, summary="Ny årsversion")
@handled
def create_list(request: HttpRequest, payload: ListIn) -> Any:
    return Status(
        201,
        _list_out(
            lifecycle.create_list(
                request, kind=payload.kind, year=payload.year, items=payload.items
            )
        ),
    )


@router.get("/lists/{int:list_id}", response={200: ListOut, **RESPONSES}, summary="En förteckning")
@handled
def get_list(request: HttpRequest, list_id: int) -> Any:
    return _list_out(_list(request, list_id))


@router.put(
    "/lists/{int:list_id}/items", response={200: ListOut, **RESPONSES}, summary="Ändra innehåll"
)
@handled
def put_items(request: HttpRequest, list_id: int, payload: ItemsIn) -> Any:
    return _list_out(lifecycle.update_list_items(request, _list(request, list_id), payload.items))


@router.post(
    "/lists/{int:list_id}/members",
    response={200: ListOut, **RESPONSES},
    summary="Lägg till ledamot",
)
@handled
def add_member(request: HttpRequest, list_id: int, payload: MemberIn) -> Any:
    lst = _list(request, list_id)
    user = get_user_model().objects.filter(pk=payload.user_id).first()
    if user is None:
        raise ValidationError({"user_id": "Okänd användare."})
    lifecycle.add_list_member(request, lst, user)
    return _list_out(lst)


@router.post(
    "/lists/{int:list_id}/sign", response={200: ListOut, **RESPONSES}, summary="Underteckna"
)
@handled
def sign(request: HttpRequest, list_id: int) -> Any:
    lst = _list(request, list_id)
    lifecycle.sign_list(request, lst)
    return _list_out(lst)


@router.post("/lists/{int:list_id}/fix", response={200: ListOut, **RESPONSES}, summary="Fastställ")
@handled
def fix(request: HttpRequest, list_id: int) -> Any:
    return _list_out(lifecycle.fix_list(request, _list(request, list_id)))


@router.post(
    "/lists/{int:list_id}/variations",
    response={200: ListOut, **RESPONSES},
    summary="Lokal variation",
)
@handled
def add_variation(request: HttpRequest, list_id: int, payload: VariationIn) -> Any:
    lst = _list(request, list_id)
    lifecycle.add_local_variation(
        request,
        lst,
        municipality=_org(payload.municipality_id, "municipality_id"),
        description=payload.description,
        agreed_on=payload.agreed_on,
    )
    return _list_out(lst)
