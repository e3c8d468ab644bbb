"""Remembers the request being served, so model signals can say who changed what.

Changes to users, roles and organisations are logged by model signals
(`samverkan.audit.signals`), which Django calls without the request; the signal handlers take
the actor (and IP address) from here. Outside a request (shell, management commands,
migrations) there is none and the event names no user.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class CurrentRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
