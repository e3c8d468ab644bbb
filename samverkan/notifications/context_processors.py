from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samverkan.notifications.services import unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread count beside "Notiser" in the header (logged-in users only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_count": unread_count(user)}
