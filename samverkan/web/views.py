from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samverkan.web.work_queue import tasks_for


def start(request: HttpRequest) -> HttpResponse:
    """The start page: who you are, and your work queue (filled by other apps)."""
    return render(request, "web/start.html", {"queue": tasks_for(request.user)})


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
