from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samverkan.accounts.models import Organisation
from samverkan.accounts.services import organisation_of
from samverkan.audit.forms import EventFilterForm
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import can_view_log, events_visible_to, record

PAGE_SIZE = 50


def event_list(request: HttpRequest) -> HttpResponse:
    """Log follow-up (logguppföljning) for administrators; every look is itself logged."""
    user = request.user
    if not can_view_log(user):
        record(request, Action.ACCESS_DENIED, AuditEvent, why="Granskningsloggen")
        raise PermissionDenied
    organisations = Organisation.objects.all()
    if not getattr(user, "is_superuser", False):
        own = organisation_of(user)
        organisations = organisations.filter(pk=own.pk) if own else organisations.none()
    form = EventFilterForm(request.GET or None, organisations=organisations)
    events = events_visible_to(user)
    person_ref = None
    why = "Logguppföljning"
    if form.is_bound:
        if form.is_valid():
            events = form.filter(events)
            person_ref = form.cleaned_data.get("person") or None
            why = form.describe()
        else:
            events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("sida"))
    # Read the rows before logging this look, so it does not list itself.
    page.object_list = list(page.object_list)
    action = Action.SEARCH if form.is_bound else Action.VIEW
    record(request, action, AuditEvent, person_ref=person_ref, why=why)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "audit/events.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
