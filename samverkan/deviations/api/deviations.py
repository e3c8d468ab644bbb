"""Deviations and complaints (jh-hemsjukvard §8.1), mounted at /api/deviations:

GET  /api/deviations                          own organisation's (sent or received)
POST /api/deviations                          report one (201)
GET  /api/deviations/{id}                     one, with history and the answer
POST /api/deviations/{id}/status              {"status", "answer", "note"}
POST /api/deviations/contacts/{id}/done       chefsläkare/MAS: direct contact taken
GET  /api/deviations/followup                 the forum's aggregates (small cells hidden)
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from samverkan.accounts.models import Role
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.deviations import access, reports, services
from samverkan.deviations.api.common import RESPONSES, Merged, org, person
from samverkan.deviations.models import Status as DeviationStatus
from samverkan.deviations.schemas import (
    ContactOut,
    DeviationIn,
    DeviationOut,
    DeviationSummary,
    FollowupCell,
    FollowupOut,
    FollowupRow,
    FollowupTable,
    NoteIn,
    StatusIn,
)
from samverkan.rules import agreement_name

router = Router(tags=["Avvikelser"])


def _deviation_out(request: HttpRequest, pk: int) -> DeviationOut:
    view = services.view_deviation(request, pk)
    return DeviationOut.from_orm(Merged(view, view.deviation))


@router.get("", response={200: list[DeviationSummary], **RESPONSES}, summary="Avvikelser")
def list_deviations(
    request: HttpRequest,
    status: DeviationStatus | None = None,
    direction: Literal["sent", "received"] | None = None,
    serious: bool = False,
) -> Any:
    rows = services.list_deviations(
        request,
        status=status.value if status else None,
        direction=direction,
        serious_only=serious,
    )
    return list(rows[:500])


@router.post("", response={201: DeviationOut, **RESPONSES}, summary="Rapportera avvikelse")
def report(request: HttpRequest, payload: DeviationIn) -> Any:
    deviation = services.report_deviation(
        request,
        receiving_organisation=org(payload.receiving_organisation_id, "receiving_organisation_id"),
        kind=payload.kind,
        agreement=payload.agreement,
        category=payload.category,
        severity=payload.severity,
        occurred_on=payload.occurred_on,
        occurred_time=payload.occurred_time,
        location=payload.location,
        description=payload.description,
        person=person(request, payload.person, "Avvikelse: koppla person"),
        subject=payload.subject,
    )
    return Status(201, _deviation_out(request, deviation.pk))


def _cell(cell: reports.Cell) -> FollowupCell:
    return FollowupCell(value=None if cell.hidden else cell.value, hidden=cell.hidden)


@router.get("/followup", response={200: FollowupOut, **RESPONSES}, summary="Forumets uppföljning")
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
    record(
        request,
        Action.VIEW,
        "deviations.followup",
        why=f"API: uppföljning av {agreement_name(agreement)}",
    )
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
def get_deviation(request: HttpRequest, deviation_id: int) -> Any:
    return _deviation_out(request, deviation_id)


@router.post(
    "/{int:deviation_id}/status", response={200: DeviationOut, **RESPONSES}, summary="Ändra status"
)
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
def contact_done(request: HttpRequest, contact_id: int, payload: NoteIn) -> Any:
    return services.mark_contact_done(request, contact_id, note=payload.note)
