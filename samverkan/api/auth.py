"""API authentication: a bearer token (ApiToken) or the browser's session (CSRF-checked)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from ninja.security import SessionAuth
from ninja.security.http import HttpBearer

from samverkan.accounts.services import token_grant
from samverkan.api.errors import ApiError

_AUTHORIZATION = "HTTP_AUTHORIZATION"  # the WSGI name of HttpBearer.header


class BearerTokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Any | None:
        # Parsed here rather than in HttpBearer, which logs the whole header in DEBUG; read
        # from META, as request.headers would copy every header into a new dict per call.
        scheme, _, token = request.META.get(_AUTHORIZATION, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        grant = token_grant(token)
        if grant is None:
            return None
        if not grant.allows(request.method or ""):
            raise ApiError(403, "token_scope", "Token får bara läsa, inte ändra.")
        user_id = grant.user_id
        user = _TokenUser(lambda: get_user_model().objects.get(pk=user_id))
        request.user = user  # type: ignore[assignment]  # audit.record(request) reads it
        request.api_auth_method = "token"  # type: ignore[attr-defined]
        return user


class _TokenUser(SimpleLazyObject):
    """The token's user, loaded from the database only when a view asks who it is.

    Truthy without loading: the token query already found an active user, and ninja tests
    the authenticator's result for truth. A decision needs no user at all.
    """

    def __bool__(self) -> bool:
        return True


class CsrfSessionAuth(SessionAuth):
    """django-ninja's SessionAuth, except that anonymous requests skip the CSRF check.

    Without a logged-in session there is nothing to forge, and the client should learn that
    it is not authenticated (401), not that its CSRF token is missing (403).
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)


bearer_auth = BearerTokenAuth()
session_auth = CsrfSessionAuth()
# Bearer first: a token client sends no CSRF token, and must not be refused for that.
API_AUTH = [bearer_auth, session_auth]


def auth_method(request: HttpRequest) -> str:
    """ "token" or "session": how the current API request was authenticated."""
    return getattr(request, "api_auth_method", "session")
