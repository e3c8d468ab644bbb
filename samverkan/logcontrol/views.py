"""The log-control pages (administrators of the data owner; every look is logged)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.core.forms import apply_errors
from samverkan.logcontrol import exports, selectors, services
from samverkan.logcontrol.access import require_owner
from samverkan.logcontrol.forms import (
    CloseForm,
    EventFilterForm,
    ExportForm,
    ReviewForm,
    SampleForm,
    SuspicionForm,
)
from samverkan.logcontrol.models import SpotCheck

PAGE_SIZE = 50


def _searched_ref(refs: set[str] | None) -> str | None:
    """The reference a search by person is logged with (one of the person's references)."""
    return sorted(refs)[0] if refs else None


def events(request: HttpRequest) -> HttpResponse:
    owner = require_owner(request, AuditEvent)
    form = EventFilterForm(request.GET or None)
    found = selectors.events_for_owner(owner)
    person_ref = None
    why = "Loggkontroll"
    flag = ""
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            found = selectors.filter_events(
                found,
                refs=data.get("person"),
                username=data.get("user") or "",
                organisation=data.get("organisation"),
                action=data.get("action") or "",
                date_from=data.get("date_from"),
                date_to=data.get("date_to"),
            )
            flag = data.get("flag") or ""
            person_ref = _searched_ref(data.get("person"))
            why = form.describe()
        else:
            found = found.none()
    flagged = selectors.flagged_events(owner, found, flag)
    page = Paginator(flagged.events, PAGE_SIZE).get_page(request.GET.get("sida"))
    # The rows were read before this look is logged, so it does not list itself.
    record(
        request,
        Action.SEARCH if form.is_bound else Action.VIEW,
        AuditEvent,
        person_ref=person_ref,
        why=why,
    )
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "logcontrol/events.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "owner": owner,
            "section": "events",
            "truncated": flagged.truncated,
            "scan": selectors.flag_scan(),
        },
    )


def export(request: HttpRequest) -> HttpResponse:
    """The person's extract: who reached the person's data at the owner, as PDF or CSV."""
    owner = require_owner(request, "logcontrol.export")
    form = ExportForm(request.GET or None)
    if form.is_bound and form.is_valid():
        refs = form.cleaned_data["person"]
        accesses = list(selectors.person_accesses(owner, refs))
        ref = _searched_ref(refs) or ""
        kind = form.cleaned_data["format"]
        record(
            request,
            Action.EXPORT,
            "logcontrol.export",
            kind,
            person_ref=ref,
            why="Loggutdrag till den enskilde",
        )
        stamp = timezone.localdate().isoformat()
        if kind == "csv":
            response = HttpResponse(
                exports.to_csv(accesses), content_type="text/csv; charset=utf-8"
            )
        else:
            body = exports.to_pdf(accesses, owner=str(owner), person_ref=ref)
            response = HttpResponse(body, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="loggutdrag-{stamp}.{kind}"'
        return response
    context = {"form": form, "owner": owner, "section": "export"}
    return render(request, "logcontrol/export.html", context, status=422 if form.errors else 200)


def checks(request: HttpRequest) -> HttpResponse:
    owner = require_owner(request, SpotCheck)
    return _checks_page(request, owner, SampleForm(), SuspicionForm())


def _checks_page(
    request: HttpRequest,
    owner: Any,
    sample: SampleForm,
    suspicion: SuspicionForm,
    status: int = 200,
) -> HttpResponse:
    record(request, Action.VIEW, SpotCheck, why="Loggkontroll: kontroller")
    due = services.next_due(owner)
    return render(
        request,
        "logcontrol/checks.html",
        {
            "owner": owner,
            "section": "checks",
            "checks": selectors.spot_checks(owner),
            "next_due": due,
            "overdue": due < timezone.localdate(),
            "interval": services.interval_days(),
            "sample_form": sample,
            "suspicion_form": suspicion,
        },
        status=status,
    )


@require_POST
def open_sample(request: HttpRequest) -> HttpResponse:
    owner = require_owner(request, SpotCheck)
    form = SampleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check = services.open_sample(
                request,
                owner,
                subject=data["subject"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                size=data["sample_size"],
                seed=data.get("seed"),
            )
        except services.LogControlError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Stickprovet är draget.")
            return redirect("logcontrol:check", check_id=check.pk)
    return _checks_page(request, owner, form, SuspicionForm(), status=422)


@require_POST
def open_suspicion(request: HttpRequest) -> HttpResponse:
    owner = require_owner(request, SpotCheck)
    form = SuspicionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            check = services.open_suspicion(
                request,
                owner,
                reason=data["reason"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                username=data.get("username") or "",
                person=data.get("person") or "",
            )
        except services.LogControlError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Kontrollen är öppnad.")
            return redirect("logcontrol:check", check_id=check.pk)
    return _checks_page(request, owner, SampleForm(), form, status=422)


def check(request: HttpRequest, check_id: int) -> HttpResponse:
    owner = require_owner(request, SpotCheck, check_id)
    return _check_page(request, owner, check_id)


def _check_page(
    request: HttpRequest,
    owner: Any,
    check_id: int,
    *,
    review: tuple[int, ReviewForm] | None = None,
    close: CloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    spot = selectors.spot_check(owner, check_id)
    if spot is None:
        record(request, Action.ACCESS_DENIED, SpotCheck, check_id, why="Loggkontroll: okänd")
        raise Http404
    items = []
    for item in spot.items.all():
        flagged = selectors.flagged_events(owner, selectors.item_events(owner, spot, item))
        form = (
            review[1]
            if review and review[0] == item.pk
            else ReviewForm(
                initial={"conclusion": item.conclusion or "no_remark", "note": item.note}
            )
        )
        items.append(
            {
                "item": item,
                "events": flagged.events,
                "truncated": flagged.truncated,
                "form": form,
                "caption_id": f"punkt-{item.pk}-tabell",
            }
        )
    record(request, Action.VIEW, SpotCheck, spot.pk, why="Loggkontroll: kontroll granskas")
    return render(
        request,
        "logcontrol/check.html",
        {
            "owner": owner,
            "section": "checks",
            "check": spot,
            "items": items,
            "close_form": close or CloseForm(),
            "all_reviewed": all(i["item"].is_reviewed for i in items),
        },
        status=status,
    )


@require_POST
def review_item(request: HttpRequest, check_id: int, item_id: int) -> HttpResponse:
    owner = require_owner(request, SpotCheck, check_id)
    form = ReviewForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            services.review_item(
                request,
                owner,
                check_id,
                item_id,
                conclusion=form.cleaned_data["conclusion"],
                note=form.cleaned_data["note"],
            )
        except services.LogControlError as exc:
            if exc.status == 404:
                raise Http404 from None
            status = exc.status
            apply_errors(form, exc)
        else:
            messages.success(request, "Kontrollpunkten är granskad.")
            return redirect("logcontrol:check", check_id=check_id)
    return _check_page(request, owner, check_id, review=(item_id, form), status=status)


@require_POST
def close_check(request: HttpRequest, check_id: int) -> HttpResponse:
    owner = require_owner(request, SpotCheck, check_id)
    form = CloseForm(request.POST)
    status = 422
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.close_check(
                request,
                owner,
                check_id,
                conclusion=data["conclusion"],
                text=data["conclusion_text"],
                confirm=data["confirm"],
            )
        except services.LogControlError as exc:
            if exc.status == 404:
                raise Http404 from None
            status = exc.status
            apply_errors(form, exc)
        else:
            messages.success(request, "Kontrollen är avslutad.")
            return redirect("logcontrol:check", check_id=check_id)
    return _check_page(request, owner, check_id, close=form, status=status)
