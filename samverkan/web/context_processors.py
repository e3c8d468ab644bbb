from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samverkan.accounts.services import profile_of
from samverkan.web.nav import nav_links, shows


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_links": nav_links(request),
        "staff_profile": profile_of(user),
        # The log control's own visibility (its administrators), not a second rule here.
        "can_view_log": shows(request, "logcontrol"),
    }
