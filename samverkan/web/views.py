from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from samverkan.web.nav import nav_links
from samverkan.web.work_queue import QueueFilter, filter_queue, tasks_for


def _person_search_url(request: HttpRequest) -> str:
    """The people room's search, when the user's menu has it (the room decides who may)."""
    try:
        url = reverse("people:index")
    except NoReverseMatch:
        return ""
    return url if any(link.url == url for link in nav_links(request)) else ""


def _queue_filter(request: HttpRequest) -> QueueFilter:
    return QueueFilter(
        kind=request.GET.get("typ", "")[:100],
        overdue=request.GET.get("forsenade") == "1",
        unit=request.GET.get("enhet", "")[:200],
    )


def start(request: HttpRequest) -> HttpResponse:
    """The start page: who you are, and the one "Mina uppgifter" (filled by other apps),
    filterable by type, overdue and unit."""
    queue = tasks_for(request.user)
    query = _queue_filter(request)
    kinds = sorted({i.type_label for i in queue.items})
    units = sorted({i.unit for i in queue.items if i.unit})
    shown = filter_queue(queue, query)
    return render(
        request,
        "web/start.html",
        {
            "queue": shown,
            "total": len(queue.items),
            "overdue_count": sum(1 for i in queue.items if i.overdue),
            "query": query,
            "kinds": kinds,
            "units": units,
            "has_unitless": any(not i.unit for i in queue.items),
            "person_search_url": _person_search_url(request),
        },
    )


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    """Tillgänglighetsredogörelse: lagen (2018:1937) om tillgänglighet till digital offentlig
    service, 12 §, asks every public body for one; the structure follows DIGG's model
    (MDFFS 2019:2). Public, like the guide: no personal data."""
    return render(
        request,
        "web/accessibility.html",
        {
            "contact": settings.SAMVERKAN_ACCESSIBILITY_CONTACT,
            "reviewed": settings.SAMVERKAN_ACCESSIBILITY_REVIEWED,
        },
    )
