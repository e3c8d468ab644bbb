"""Login, logout and failed logins go into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from samverkan.audit.models import Action
from samverkan.audit.services import record


def _actor(request: Any, user: Any) -> Any:
    # A request built by hand (Client.force_login) has no .user; then log the user alone.
    return request if getattr(request, "user", None) is not None else user


def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(_actor(request, user), Action.LOGIN)


def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Sent before request.user is reset, so the request still names who leaves.
    if user is not None:
        record(_actor(request, user), Action.LOGOUT)


def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    # The attempted username is not logged: it may be a mistyped password.
    record(request, Action.LOGIN_FAILED)


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
