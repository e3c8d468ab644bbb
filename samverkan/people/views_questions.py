""" "Besvara frågorna": the facts a decision still needs, asked the guide's way on the person.

From an intervention whose decision lacks facts, the user answers one question at a time,
the one that settles most first (`rules.next_question`), with "Gäller från" today unless
she says otherwise and the home kommun already chosen. Each answer is recorded as any fact
is (the person's by `services.set_fact`, which keeps the decisions that read it current;
the intervention's by `services.update_intervention` and a re-decision of it). When nothing
is left to ask, the decision at the start is shown beside the current one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from samverkan.people import access, selectors, services
from samverkan.people.forms import QuestionForm, apply_error
from samverkan.people.models import Intervention, Person, ResponsibilityDecision
from samverkan.people.presentation import decision_view, diff_view
from samverkan.people.services import (
    DERIVED_FACTS,
    INTERVENTION_FACTS,
    PERSON_FACTS,
    PeopleError,
)
from samverkan.people.views import _intervention, _person, _redirect_if_merged
from samverkan.rules import FACTS, InvalidFacts, decide, next_question

WHY = "Besvara frågor till ansvarsbeslut"
ASKABLE = (set(PERSON_FACTS) | set(INTERVENTION_FACTS)) - set(DERIVED_FACTS)


def _state(request: HttpRequest) -> tuple[str, list[str]]:
    source = request.POST if request.method == "POST" else request.GET
    start = source.get("fran", "")
    skipped = [name for name in source.getlist("hoppa") if name in FACTS]
    return (start if start.isdigit() else ""), skipped


def _url(person: Person, intervention: Intervention, start: str, skipped: list[str]) -> str:
    query = urlencode([("fran", start), *(("hoppa", name) for name in skipped)])
    return reverse("people:questions", args=[person.pk, intervention.pk]) + f"?{query}"


def _facts(intervention: Intervention) -> dict[str, Any]:
    latest = intervention.latest_decision()
    day = (latest.facts_used or {}).get("date") if latest else None
    return selectors.facts_for_decision(
        intervention, on=dt.date.fromisoformat(day) if day else None
    )


def questions(request: HttpRequest, person_id: Any, intervention_id: int) -> HttpResponse:
    person = _person(request, person_id, WHY, change=True)
    if response := _redirect_if_merged(person):
        return response
    intervention = _intervention(request, person, intervention_id, WHY, change=True)
    start, skipped = _state(request)
    if not start:
        latest = intervention.latest_decision()
        start = str(latest.pk) if latest else "0"
    facts = _facts(intervention)
    try:
        decision = decide(facts)
    except InvalidFacts as exc:  # a recorded value the engine no longer takes
        error = exc.errors[0]
        messages.error(request, f"{FACTS[error.field].label}: {error.message}")
        return redirect("people:intervention", person_id=person.pk, intervention_id=intervention.pk)
    not_here = [f for f in decision.missing_facts if f not in ASKABLE]
    fact = next_question(facts, decision.missing_facts, [*skipped, *not_here])
    if fact is None:
        return _finished(request, person, intervention, start, skipped, not_here)

    person_fact = fact in PERSON_FACTS
    initial: dict[str, Any] = {}
    if fact == "municipality" and person.home_municipality:
        initial["value"] = person.home_municipality
    form = QuestionForm(
        request.POST if request.method == "POST" and "svara" in request.POST else None,
        fact_name=fact,
        person_fact=person_fact,
        initial=initial,
    )
    if request.method == "POST" and "hoppa_over" in request.POST:
        return redirect(_url(person, intervention, start, [*skipped, fact]))
    if request.method == "POST" and "svara" in request.POST and form.is_valid():
        try:
            if person_fact:
                services.set_fact(
                    request,
                    person,
                    fact,
                    form.value(),
                    valid_from=form.cleaned_data["valid_from"],
                    reason=form.cleaned_data.get("reason", ""),
                    why=WHY,
                )
            else:
                services.update_intervention(
                    request, intervention, facts={fact: form.value()}, why=WHY
                )
                if intervention.latest_decision() is not None:
                    services.redecide_intervention(request, intervention, why=WHY)
        except PeopleError as error:
            apply_error(form, error)
        else:
            messages.success(request, f"{FACTS[fact].label} är sparad.")
            return redirect(_url(person, intervention, start, skipped))
    asked = [f for f in decision.missing_facts if f in ASKABLE and f not in skipped]
    return render(
        request,
        "people/questions.html",
        {
            "person": person,
            "intervention": intervention,
            "form": form,
            "spec": FACTS[fact],
            "fact": fact,
            "start": start,
            "skipped": skipped,
            "left": len(asked),
        },
    )


def _finished(
    request: HttpRequest,
    person: Person,
    intervention: Intervention,
    start: str,
    skipped: list[str],
    not_here: list[str],
) -> HttpResponse:
    """Nothing left to ask: decide if the answers did not already (a first decision), and
    show the decision at the start beside the current one."""
    before = (
        access.reach_of(request).decisions(intervention).filter(pk=int(start)).first()
        if start != "0"
        else None
    )
    latest = intervention.latest_decision()
    if latest is None or (before is not None and latest.pk == before.pk and _stale(latest)):
        try:
            latest, _diff = services.redecide_intervention(request, intervention, why=WHY)
        except PeopleError as error:
            messages.error(request, error.message)
            return redirect(
                "people:intervention", person_id=person.pk, intervention_id=intervention.pk
            )
    return render(
        request,
        "people/questions_done.html",
        {
            "person": person,
            "intervention": intervention,
            "current": decision_view(latest),
            "previous": decision_view(before) if before and before.pk != latest.pk else None,
            "diff": diff_view(services.diff_decisions(before, latest))
            if before and before.pk != latest.pk
            else None,
            "skipped": [FACTS[f].label for f in skipped],
            "not_here": [FACTS[f].label for f in not_here],
            "can_change": True,
        },
    )


def _stale(decision: ResponsibilityDecision) -> bool:
    """The decision was made on other facts than those recorded now."""
    return dict(decision.facts_used or {}) != _facts(decision.intervention)
