"""JSON API for protected identities and spärr, mounted at /api/persons by samverkan.api.main.

    GET  /api/persons/{id}/protection                     marker, protections, own spärrar
    POST /api/persons/{id}/protections                    mark a protected identity
    POST /api/persons/{id}/protections/{pid}/end          end it (confirm, reason)
    POST /api/persons/{id}/blocks                         record a spärr at the person's request
    POST /api/persons/{id}/blocks/{bid}/lift              lift it (the person's request, confirm)

Reading needs a read role and a person the user may see; the spärrar listed are the user's
own vårdgivare's only, and only to roles that may change the person (an ekonom has no need
of them). Changing needs a write role and the own vårdgivare's care relation (else 404).
Services: `samverkan.people.services.protection`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse
from samverkan.people import access, services
from samverkan.people.models import AccessBlock, IdentityProtection, Person
from samverkan.people.withholding import PROTECTED_MARKER

router = Router(tags=["Skyddad identitet och spärr"])

RESPONSES: dict[int, Any] = {**ERROR_RESPONSES, 404: ErrorResponse, 409: ErrorResponse}


class ProtectionIn(Schema):
    kind: str = Field(description="confidentiality_marking eller protected_registration")
    note: str = Field(default="", max_length=2000)


class EndIn(Schema):
    reason: str = Field(max_length=2000)
    confirm: bool = False


class BlockIn(Schema):
    kind: str = Field(description="internal (PDL 4 kap. 4 §) eller shared (PDL 6 kap. 2 §)")
    unit_id: int | None = None
    requested_by_person: bool = False
    reason: str = Field(max_length=2000)


class LiftIn(Schema):
    requested_by_person: bool = False
    reason: str = Field(max_length=2000)
    confirm: bool = False


class ProtectionOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    since: dt.datetime
    ended_at: dt.datetime | None
    own: bool  # marked by the user's vårdgivare (then it may end it)

    @staticmethod
    def resolve_kind_label(obj: IdentityProtection) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_own(obj: IdentityProtection, context: Any) -> bool:
        profile = getattr(context["request"].user, "staff_profile", None)
        return profile is not None and obj.organisation_id == profile.organisation_id


class BlockOut(Schema):
    id: int
    kind: str
    kind_label: str
    unit_id: int | None
    unit_name: str | None
    reason: str
    since: dt.datetime
    lifted_at: dt.datetime | None
    lift_reason: str

    @staticmethod
    def resolve_kind_label(obj: AccessBlock) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_unit_name(obj: AccessBlock) -> str | None:
        return obj.unit.name if obj.unit else None


class ProtectionStateOut(Schema):
    protected: bool
    marker: str | None
    protections: list[ProtectionOut]
    blocks: list[BlockOut]


def _person(request: HttpRequest, person_id: uuid.UUID, why: str, *, change: bool) -> Person:
    """Reads are audited here; a change is audited by the service (one event, not two)."""
    person = access.get_person_for(request, person_id, why=why, change=change, audit=not change)
    return person.survivor()


def _confirm(confirmed: bool) -> None:
    if not confirmed:
        raise ApiError(
            422,
            "confirmation_required",
            "Bekräfta åtgärden (confirm: true); den kan inte ångras.",
            "confirm",
        )


@router.get(
    "/{uuid:person_id}/protection",
    response={200: ProtectionStateOut, **RESPONSES},
    summary="Skyddad identitet och spärrar",
)
def protection_state(request: HttpRequest, person_id: uuid.UUID) -> dict[str, Any]:
    person = _person(request, person_id, "Visa skyddad identitet och spärrar", change=False)
    protections = services.protections_for(person)
    own_staff = access.can_change(request.user, person)
    return {
        "protected": bool(protections),
        "marker": PROTECTED_MARKER if protections else None,
        "protections": protections,
        "blocks": services.blocks_for(request, person) if own_staff else [],
    }


@router.post(
    "/{uuid:person_id}/protections",
    response={201: ProtectionOut, **RESPONSES},
    summary="Markera skyddad identitet",
)
def mark(request: HttpRequest, person_id: uuid.UUID, payload: ProtectionIn) -> Any:
    person = _person(request, person_id, "Markera skyddad identitet (API)", change=True)
    protection = services.mark_protected(request, person, kind=payload.kind, note=payload.note)
    return Status(201, protection)


@router.post(
    "/{uuid:person_id}/protections/{protection_id}/end",
    response={200: ProtectionOut, **RESPONSES},
    summary="Avsluta skyddad identitet",
)
def end(
    request: HttpRequest, person_id: uuid.UUID, protection_id: int, payload: EndIn
) -> IdentityProtection:
    person = _person(request, person_id, "Avsluta skyddad identitet (API)", change=True)
    _confirm(payload.confirm)
    return services.end_protection(request, person, protection_id, reason=payload.reason)


@router.post(
    "/{uuid:person_id}/blocks",
    response={201: BlockOut, **RESPONSES},
    summary="Registrera spärr",
)
def block(request: HttpRequest, person_id: uuid.UUID, payload: BlockIn) -> Any:
    person = _person(request, person_id, "Registrera spärr (API)", change=True)
    created = services.record_block(
        request,
        person,
        kind=payload.kind,
        unit=payload.unit_id,
        requested_by_person=payload.requested_by_person,
        reason=payload.reason,
    )
    return Status(201, created)


@router.post(
    "/{uuid:person_id}/blocks/{block_id}/lift",
    response={200: BlockOut, **RESPONSES},
    summary="Häva spärr",
)
def lift(request: HttpRequest, person_id: uuid.UUID, block_id: int, payload: LiftIn) -> AccessBlock:
    person = _person(request, person_id, "Häva spärr (API)", change=True)
    _confirm(payload.confirm)
    return services.lift_block(
        request,
        person,
        block_id,
        requested_by_person=payload.requested_by_person,
        reason=payload.reason,
    )
