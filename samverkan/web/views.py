from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samverkan.web.work_queue import tasks_for


def start(request: HttpRequest) -> HttpResponse:
    """The start page: who you are, and your work queue (filled by other apps)."""
    return render(request, "web/start.html", {"queue": tasks_for(request.user)})
