from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from samverkan.accounts.services import profile_of
from samverkan.audit.services import can_view_log
from samverkan.web.nav import nav_links


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "nav_links": nav_links(request),
        "staff_profile": profile_of(user),
        "can_view_log": can_view_log(user),
    }
