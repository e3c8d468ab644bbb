"""Avtalsbiblioteket: agreements on a date, clause lists, the clause viewer, search.

Public (public agreement texts, no personal data): "/avtal/" is registered in apps.py and
each view is marked login_not_required as well, as in the guide.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samverkan.accounts.services import organisation_of
from samverkan.library import services
from samverkan.rules import AGREEMENTS, UnknownClause


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else dt.date.today()
    except ValueError:
        error = _("Datum (date): ”%(value)s” är inte ett datum. Skriv det som ÅÅÅÅ-MM-DD.") % {
            "value": raw
        }
        context = {"error": error, "day": dt.date.today(), "raw_date": raw}
        return render(request, "library/index.html", context, status=400)
    own = organisation_of(request.user)  # staff see their own county's agreements first
    rows = services.agreements_on(day, own.region if own else None)
    context = {"day": day, "raw_date": day.isoformat(), "rows": rows}
    return render(request, "library/index.html", context)


@login_not_required
def agreement(request: HttpRequest, agreement_id: str) -> HttpResponse:
    try:
        versions = services.versions_of(agreement_id)
        rows = services.clauses_of(agreement_id)
    except services.UnknownAgreement:
        raise Http404(_("Avtalet finns inte i biblioteket.")) from None
    context = {
        "agreement_id": agreement_id,
        "title": services.agreement_title(agreement_id),
        "versions": versions,
        "rows": [(c, row, services.clause_url(c.id)) for c, row in rows],
    }
    return render(request, "library/agreement.html", context)


@login_not_required
def whole_agreement(request: HttpRequest, agreement_id: str) -> HttpResponse:
    """The agreement as one literate page: each clause's words beside the rules that
    implement it, the parameters it defines and the scenarios that test it."""
    try:
        versions = services.versions_of(agreement_id)
        sections = services.literate(agreement_id)
    except services.UnknownAgreement:
        raise Http404(_("Avtalet finns inte i biblioteket.")) from None
    context = {
        "agreement_id": agreement_id,
        "title": services.agreement_title(agreement_id),
        "versions": versions,
        "sections": sections,
        "scenario_count": sum(len(s.scenarios) for s in sections),
        "failing": sum(1 for s in sections for sc in s.scenarios if not sc.holds),
    }
    return render(request, "library/whole.html", context)


@login_not_required
def clause_lookup(request: HttpRequest) -> HttpResponse:
    """``/avtal/klausul/?id=jh-hemsjukvard §7.3``: any spelling, redirected to the viewer."""
    return _to_clause(request, request.GET.get("id", ""))


@login_not_required
def clause(request: HttpRequest, key: str) -> HttpResponse:
    try:
        found = services.find_clause(key)
    except UnknownClause as unknown:
        return _unknown_clause(request, str(unknown))
    if services.clause_slug(found.id) != key:
        return redirect("library:clause", services.clause_slug(found.id))
    previous, following = services.neighbours(found)
    context = {
        "clause": found,
        "title": services.agreement_title(found.agreement),
        "classification": services.classification(found),
        "rules": services.citing_rules(found),
        "previous": previous and (previous, services.clause_url(previous.id)),
        "following": following and (following, services.clause_url(following.id)),
    }
    return render(request, "library/clause.html", context)


def _to_clause(request: HttpRequest, key: str) -> HttpResponse:
    if not key.strip():
        return _unknown_clause(request, _("Ange en klausul, till exempel jh-hemsjukvard §7.3."))
    try:
        found = services.find_clause(key)
    except UnknownClause as unknown:
        return _unknown_clause(request, str(unknown))
    return redirect("library:clause", services.clause_slug(found.id))


def _unknown_clause(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "library/unknown_clause.html", {"message": message}, status=404)


@login_not_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    agreement_id = request.GET.get("avtal", "").strip() or None
    if agreement_id is not None and agreement_id not in AGREEMENTS:
        agreement_id = None  # an old or mistyped filter: search everything instead of failing
    results = services.search_clauses(query, agreement_id) if query else []
    context = {
        "query": query,
        "agreement_id": agreement_id,
        "agreements": [(a, services.agreement_title(a)) for a in AGREEMENTS],
        "results": results,
    }
    return render(request, "library/search.html", context)
