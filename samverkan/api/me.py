"""GET /api/me: who the caller is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from samverkan.accounts.actors import actor_for
from samverkan.api.auth import auth_method
from samverkan.api.errors import ERROR_RESPONSES

router = Router(tags=["konto"])


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    scb_code: str
    region: str


class MeOut(Schema):
    username: str
    full_name: str
    organisation: OrganisationOut | None
    unit: str | None
    role: str | None
    role_label: str | None
    licensed: bool
    auth: str


@router.get("/me", response={200: MeOut, **ERROR_RESPONSES}, summary="Vem är jag?")
def me(request: HttpRequest) -> MeOut:
    user = request.auth  # type: ignore[attr-defined]
    actor = actor_for(user)
    profile = actor.profile if actor else None
    return MeOut(
        username=user.get_username(),
        full_name=user.get_full_name(),
        organisation=OrganisationOut.from_orm(profile.organisation) if profile else None,
        unit=profile.unit.name if profile and profile.unit else None,
        role=profile.role if profile else None,
        role_label=str(profile.get_role_display()) if profile else None,
        licensed=profile.is_licensed if profile else False,
        auth=auth_method(request),
    )
