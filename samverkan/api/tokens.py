"""The caller's own API tokens. Creating one needs a browser session, not a token:
a leaked token must not be able to mint more."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from samverkan.accounts.models import ApiToken, TokenScope
from samverkan.accounts.services import create_token
from samverkan.api.auth import session_auth
from samverkan.api.errors import ERROR_RESPONSES, ApiError, ErrorResponse

router = Router(tags=["konto"])


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="Vad token används till")
    scope: TokenScope = Field(TokenScope.WRITE, description="read: bara läsa; write: även ändra")
    days: int | None = Field(
        None, ge=1, le=366, description="Giltighet i dagar (standard SAMVERKAN_TOKEN_DAYS)"
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: datetime.datetime
    last_used: datetime.datetime | None
    expires: datetime.datetime
    scope: TokenScope


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Visas bara nu; spara den direkt.")


@router.post(
    "",
    auth=session_auth,
    response={201: TokenCreatedOut, **ERROR_RESPONSES},
    summary="Skapa API-token",
)
def create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    expires = None if payload.days is None else timezone.now() + datetime.timedelta(payload.days)
    token, plain = create_token(
        request.auth,  # type: ignore[attr-defined]
        payload.name.strip(),
        scope=payload.scope,
        expires=expires,
    )
    return Status(201, TokenCreatedOut(**TokenOut.from_orm(token).model_dump(), token=plain))


@router.get("", response={200: list[TokenOut], **ERROR_RESPONSES}, summary="Mina API-token")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=request.auth))  # type: ignore[attr-defined]


@router.delete(
    "/{token_id}",
    response={204: None, 404: ErrorResponse, **ERROR_RESPONSES},
    summary="Återkalla API-token",
)
def revoke(request: HttpRequest, token_id: int) -> Status[None]:
    deleted, _ = ApiToken.objects.filter(pk=token_id, user=request.auth).delete()  # type: ignore[attr-defined]
    if not deleted:
        raise ApiError(404, "not_found", "Ingen sådan token.")
    return Status(204, None)
