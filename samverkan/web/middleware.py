from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessageMiddleware
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from samverkan.core import upload_handlers
from samverkan.core.upload_settings import largest_upload, limits_for
from samverkan.core.uploads import CHUNK, size_text
from samverkan.web.public import is_public

# The API answers 401 in JSON itself instead of redirecting (bearer tokens have no session).
API_PREFIX = "/api/"


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's LoginRequiredMiddleware plus the PUBLIC_PATHS list and the API exemption."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        path = request.path_info
        if path.startswith(API_PREFIX) or is_public(path):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Swedish unless the user picked another language (the set_language cookie).

    The browser's Accept-Language is ignored: our own strings are written in Swedish, and an
    English browser would otherwise get Django's built-in strings (form errors, password
    rules) in English in the middle of Swedish pages.
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else ""
        except LookupError:
            language = ""
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Django's answer headers without its language-prefix lookups: the URLconf has no
        i18n_patterns, so the language never comes from the path (checked, not assumed)."""
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        if is_language_prefix_patterns_used(urlconf)[0]:
            return super().process_response(request, response)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class MessageMiddleware(DjangoMessageMiddleware):
    """Django's flash messages, for the pages only: the API's JSON answers never show them,
    and building the cookie and session storage for every API call cost more than a decision.
    (Django's process_response already skips requests without a storage.)"""

    def process_request(self, request: HttpRequest) -> None:
        if not request.path_info.startswith(API_PREFIX):
            super().process_request(request)


class UploadSizeMiddleware:
    """Refuse a request body larger than the largest upload limit (plus a chunk for the form's
    other fields) by its Content-Length, before anything reads it: no worker spends minutes
    receiving or spooling a body every reader would refuse. The API answers 413 in its error
    shape (``too_large`` naming ``body``), a page answers 413 in Swedish. Each upload's own,
    smaller limit is checked by its reader (core.uploads); this is the ceiling of them all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        largest = largest_upload()
        if length <= largest + CHUNK:
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            message = f"Begäran är för stor (högst {size_text(largest)})."
            item = {"field": "body", "code": "too_large", "message": message}
            return JsonResponse({"detail": [item]}, status=413)
        message = f"Filen är för stor (högst {size_text(largest)})."
        return render(request, "413.html", {"message": message}, status=413)


# The views that take a multipart file, by view name, and the kind of upload each takes
# (core.uploads.DEFAULTS). tests/web/test_upload_streaming.py checks that each name resolves;
# tests/web/test_upload_views_complete.py derives the views that take files (URL resolver,
# request.FILES, UploadedFile parameters, forms with a FileField) and checks they are all here.
UPLOAD_VIEWS = {
    "purchases:import": "purchases_import",  # /tjanstekop/import/
    "api:import_csv": "purchases_import",  # POST /api/purchases/imports
    "discharge:import": "discharge_import",  # /utskrivning/import/
    "api:import_file": "discharge_import",  # POST /api/discharge/import
    "api:decide_batch": "decisions_batch",  # POST /api/decisions/batch (multipart)
}


class UploadLimitMiddleware:
    """A multipart file stops at its kind's byte limit while it is received, not after Django
    has spooled it whole (``core.upload_handlers.LimitedUploadHandler``, installed first for
    the views of :data:`UPLOAD_VIEWS`). Listed before CsrfViewMiddleware, whose process_view
    reads the form and with it the file."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> None:
        match = request.resolver_match
        kind = UPLOAD_VIEWS.get(match.view_name) if match is not None else None
        if kind is not None and request.content_type == "multipart/form-data":
            upload_handlers.install(request, limits_for(kind).max_bytes)
