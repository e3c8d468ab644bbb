"""JSON API of log control (mounted at /api/logcontrol): the same reads and spot-check
writes as the pages, for the data owner's administrators only (403 `forbidden` otherwise,
the refusal logged); every look logged as on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.api.openapi import file_answer
from samverkan.api.schemas import IsoDate
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.logcontrol import exports, selectors, services
from samverkan.logcontrol.access import require_owner
from samverkan.logcontrol.models import SpotCheck
from samverkan.logcontrol.schemas import (
    AccessOut,
    CheckDetail,
    CheckList,
    CheckOut,
    CloseIn,
    EventPage,
    ItemOut,
    SampleIn,
    SpotCheckReviewIn,
    SuspicionIn,
)
from samverkan.people import owners

router = Router(tags=["Loggkontroll"])
RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse, 409: ErrorResponse}
MAX_LIMIT = 500


def _no_nul(**values: str) -> None:
    for field, value in values.items():
        if "\x00" in value:
            raise ApiError(422, "null_character", "Texten innehåller ett otillåtet tecken.", field)


def _refs(person: str) -> set[str]:
    _no_nul(person=person)
    refs = owners.refs_of(person)
    if refs is None:
        raise ApiError(
            422,
            "invalid_identifier",
            "Ange ett giltigt personnummer, samordningsnummer eller reservnummer.",
            "person",
        )
    return refs


def _one_of(value: str, allowed: list[str], field: str) -> str:
    if value and value not in allowed:
        raise ApiError(422, "invalid", f"Ogiltigt värde; tillåtna: {', '.join(allowed)}.", field)
    return value


@router.get("/events", response={200: EventPage, **RESPONSES})
def events(
    request: HttpRequest,
    person: str = "",
    user: str = "",
    action: str = "",
    flag: str = "",
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """Every access to the organisation's data (owner view), newest first, with flags."""
    owner = require_owner(request, AuditEvent)
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(422, "out_of_range", f"Ska vara mellan 1 och {MAX_LIMIT}.", "limit")
    if offset < 0:
        raise ApiError(422, "out_of_range", "Ska vara minst 0.", "offset")
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, "before_start", "Slutdatum är före startdatum.", "date_to")
    _no_nul(user=user)
    _one_of(action, list(Action.values), "action")
    _one_of(flag, list(selectors.FLAGS), "flag")
    refs = _refs(person) if person.strip() else None
    found = selectors.filter_events(
        selectors.events_for_owner(owner),
        refs=refs,
        username=user,
        action=action,
        date_from=date_from,
        date_to=date_to,
    )
    flagged = selectors.flagged_events(owner, found, flag)
    record(
        request,
        Action.SEARCH,
        AuditEvent,
        person_ref=sorted(refs)[0] if refs else None,
        why="Loggkontroll (API)",
    )
    return {
        "count": len(flagged.events),
        "truncated": flagged.truncated,
        "items": flagged.events[offset : offset + limit],
    }


@router.get(
    "/accesses",
    response={200: list[AccessOut], **RESPONSES},
    openapi_extra=file_answer(
        "text/csv", "application/pdf", description="Loggutdraget (JSON, eller CSV/PDF med format)."
    ),
)
def accesses(request: HttpRequest, person: str, format: str = "json") -> Any:
    """One person's extract (PDL 8 kap. 5 §): when, from which organisation, unit and role
    the person's data at this organisation was reached; ``format=csv`` or ``pdf`` for a file."""
    owner = require_owner(request, "logcontrol.export")
    _one_of(format, ["json", "csv", "pdf"], "format")
    refs = _refs(person)
    found = list(selectors.person_accesses(owner, refs))
    ref = sorted(refs)[0]
    record(
        request,
        Action.EXPORT if format != "json" else Action.VIEW,
        "logcontrol.export",
        format,
        person_ref=ref,
        why="Loggutdrag till den enskilde (API)",
    )
    if format == "json":
        return found
    stamp = dt.date.today().isoformat()
    if format == "csv":
        response = HttpResponse(exports.to_csv(found), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            exports.to_pdf(found, owner=str(owner), person_ref=ref), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="loggutdrag-{stamp}.{format}"'
    return response


@router.get("/spot-checks", response={200: CheckList, **RESPONSES})
def spot_checks(request: HttpRequest) -> dict[str, Any]:
    owner = require_owner(request, SpotCheck)
    record(request, Action.VIEW, SpotCheck, why="Loggkontroll (API): kontroller")
    return {
        "next_due": services.next_due(owner),
        "interval_days": services.interval_days(),
        "items": list(selectors.spot_checks(owner)),
    }


@router.post("/spot-checks/sample", response={201: CheckOut, **RESPONSES})
def open_sample(request: HttpRequest, payload: SampleIn) -> Status:
    owner = require_owner(request, SpotCheck)
    check = services.open_sample(
        request,
        owner,
        subject=payload.subject,
        period_start=payload.period_start,
        period_end=payload.period_end,
        size=payload.sample_size,
        seed=payload.seed,
    )
    return Status(201, check)


@router.post("/spot-checks/suspicion", response={201: CheckOut, **RESPONSES})
def open_suspicion(request: HttpRequest, payload: SuspicionIn) -> Status:
    owner = require_owner(request, SpotCheck)
    check = services.open_suspicion(
        request,
        owner,
        reason=payload.reason,
        period_start=payload.period_start,
        period_end=payload.period_end,
        username=payload.username,
        person=payload.person,
    )
    return Status(201, check)


def _check(request: HttpRequest, owner: Any, check_id: int) -> Any:
    check = selectors.spot_check(owner, check_id)
    if check is None:
        record(request, Action.ACCESS_DENIED, SpotCheck, check_id, why="Loggkontroll (API): okänd")
        raise ApiError(404, "not_found", "Kontrollen finns inte.")
    return check


@router.get("/spot-checks/{check_id}", response={200: CheckDetail, **RESPONSES})
def spot_check(request: HttpRequest, check_id: int) -> Any:
    owner = require_owner(request, SpotCheck, check_id)
    check = _check(request, owner, check_id)
    record(request, Action.VIEW, SpotCheck, check.pk, why="Loggkontroll (API): kontroll")
    return check


@router.post("/spot-checks/{check_id}/items/{item_id}/review", response={200: ItemOut, **RESPONSES})
def review_item(
    request: HttpRequest, check_id: int, item_id: int, payload: SpotCheckReviewIn
) -> Any:
    owner = require_owner(request, SpotCheck, check_id)
    return services.review_item(
        request, owner, check_id, item_id, conclusion=payload.conclusion, note=payload.note
    )


@router.post("/spot-checks/{check_id}/close", response={200: CheckOut, **RESPONSES})
def close_check(request: HttpRequest, check_id: int, payload: CloseIn) -> Any:
    owner = require_owner(request, SpotCheck, check_id)
    return services.close_check(
        request,
        owner,
        check_id,
        conclusion=payload.conclusion,
        text=payload.conclusion_text,
        confirm=payload.confirm,
    )
