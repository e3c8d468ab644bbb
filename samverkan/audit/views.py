"""The audit log's page moved to log control (`samverkan.logcontrol`): `/audit/` keeps
working as a redirect to `/loggkontroll/`, with its query string (bookmarks, old links)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


def event_list(request: HttpRequest) -> HttpResponseRedirect:
    target = reverse("logcontrol:events")
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{target}?{query}" if query else target)
