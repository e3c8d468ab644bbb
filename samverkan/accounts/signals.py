"""Account events that end credentials, and the log line of a failed login.

A password change or a deactivation deletes the user's API tokens: a token must not outlive
the password or the employment it was issued under. Sessions already end on a password
change (Django's session hash); a deactivated user's sessions are refused by ModelBackend.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save, pre_save

from samverkan.accounts.models import ApiToken

logger = logging.getLogger("samverkan.security")


def _remember_credentials(sender: Any, instance: Any, **kw: Any) -> None:
    if instance.pk is None or kw.get("raw"):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    instance._credentials_before = before


def _end_tokens(sender: Any, instance: Any, created: bool, **kw: Any) -> None:
    before = getattr(instance, "_credentials_before", None)
    instance._credentials_before = None
    if created or before is None:
        return
    if before["password"] != instance.password or (before["is_active"] and not instance.is_active):
        for token in ApiToken.objects.filter(user_id=instance.pk):
            token.delete()  # one by one: each deletion is logged (audit.signals)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    # The username tried and nothing else (no password, no address): an administrator can see
    # which account is being guessed. Django has already masked the password in `credentials`.
    username = str(credentials.get("username", ""))[:150]
    logger.warning("Failed login for username %r", username)


def connect() -> None:
    user = get_user_model()
    pre_save.connect(_remember_credentials, sender=user, dispatch_uid="accounts_credentials")
    post_save.connect(_end_tokens, sender=user, dispatch_uid="accounts_end_tokens")
    user_login_failed.connect(_login_failed, dispatch_uid="accounts_login_failed")
    # The login's commission becomes the session's (samverkan.accounts.sso).
    from samverkan.accounts import sso

    user_logged_in.connect(sso.remember_in_session, dispatch_uid="accounts_session_commission")
