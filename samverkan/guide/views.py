"""Ansvarsguiden's pages. Public: only facts about a situation, never about who the person is.

Public twice over: the "/guide/" prefix is registered in apps.py, and each view is marked
login_not_required so it stays public whatever happens to the shared PUBLIC_PATHS list.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django_htmx.http import push_url

from samverkan.guide import pdf as guide_pdf
from samverkan.guide import services
from samverkan.guide.state import GuideState, parse
from samverkan.rules import InvalidFacts


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    state = parse(request.GET, services.today())
    try:
        guide = services.build(state)
    except InvalidFacts as invalid:
        return _invalid(request, state, invalid)
    context = {"guide": guide, "share_url": _share_url(request, guide.share_query)}
    response = _render(request, context)
    if getattr(request, "htmx", False):
        # The address bar shows the canonical link (same order and spelling as "Kopiera länk").
        response = push_url(response, f"{reverse('guide:index')}?{guide.page_query}")
    return response


@login_not_required
def pdf(request: HttpRequest) -> HttpResponse:
    state = parse(request.GET, services.today())
    try:
        guide = services.build(state)
    except InvalidFacts as invalid:
        return _invalid(request, state, invalid)
    share_url = _share_url(request, guide.share_query)
    response = HttpResponse(guide_pdf.render(guide, share_url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ansvarsguiden-{guide.date}.pdf"'
    return response


def _invalid(request: HttpRequest, state: GuideState, invalid: InvalidFacts) -> HttpResponse:
    context = {
        "errors": services.field_errors(invalid),
        "repaired_query": services.without_invalid(state, invalid),
    }
    return _render(request, context, status=400)


def _render(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    # HTMX swaps only the guide; a full page for everything else (also htmx history restore).
    htmx = getattr(request, "htmx", None)
    partial = htmx is not None and bool(htmx) and not htmx.history_restore_request
    template = "guide/_guide.html" if partial else "guide/index.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _share_url(request: HttpRequest, query: str) -> str:
    return request.build_absolute_uri(f"{reverse('guide:index')}?{query}")
