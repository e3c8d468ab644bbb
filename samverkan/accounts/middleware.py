"""`Cache-Control: no-store` on every response to an authenticated request; the session's
commission over the user's profile.

No-store:

Pages, PDFs, CSV exports, FHIR and API answers for a logged-in user may carry personal data;
neither the browser (a shared tablet's back button or disk cache) nor a proxy may keep them.
One mechanism for every room, rather than a decorator per view. Static files are served by
whitenoise before this middleware runs, and keep their long cache lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import SimpleLazyObject

from samverkan.accounts import sso


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if _authenticated(request):
            # no-cache, no-store, must-revalidate, private, max-age=0 (replaces any other).
            if "Cache-Control" in response:
                del response["Cache-Control"]
            add_never_cache_headers(response)
        return response


def _authenticated(request: HttpRequest) -> bool:
    if getattr(request, "api_auth_method", None) == "token":
        return True  # a token request: its user is known without loading it
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SessionCommissionMiddleware:
    """The commission (medarbetaruppdrag) this session logged in under, laid over the user's
    staff profile for the request (samverkan.accounts.sso): two sessions of one person under
    two commissions each act, and are logged, for their own unit and purpose. Placed right
    after Django's AuthenticationMiddleware; the user is still loaded lazily."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(sso.SESSION_KEY):
            request.user = SimpleLazyObject(  # type: ignore[assignment]
                lambda: sso.apply_session_commission(request, auth.get_user(request))
            )
        return self.get_response(request)
