"""The person overview of the start page: who is involved from each huvudman, the fasta
vårdkontakter, current decisions, open SIPs and tasks, only what the viewer may see.

The person is read through the people door (`access.get_person_for`: access checked, the read
logged); the person's records through the user's Reach; rooms above (SIP) add their parts via
`samverkan.web.overview` and log their own reads."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from samverkan.people import access
from samverkan.people.models import TaskStatus
from samverkan.people.presentation import decision_view
from samverkan.people.queue import task_title
from samverkan.web.overview import Involved, overview_parts


def overview(request: HttpRequest, person_id: Any) -> HttpResponse:
    person = access.get_person_for(request, person_id, why="Personöversikt")
    if person.merged_into_id is not None:
        return redirect("people:overview", person_id=person.survivor().pk)
    reach = access.reach_of(request)
    today = timezone.localdate()
    # Only the own vårdgivare's care relations: another's says the person is its patient.
    involved: list[Involved] = [
        Involved(str(r.organisation), "vårdrelation", r.unit.name if r.unit else "")
        for r in person.care_relations.filter(organisation_id=reach.organisation_id)
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .select_related("organisation", "unit")
    ]
    decisions = []
    for intervention in reach.interventions(person).select_related(
        "performing_organisation", "performing_unit", "ordering_organisation"
    ):
        kind = intervention.get_kind_display().lower()
        involved.append(
            Involved(
                str(intervention.performing_organisation),
                f"utför {kind}",
                intervention.performing_unit.name if intervention.performing_unit else "",
            )
        )
        if (
            intervention.ordering_organisation_id
            and intervention.ordering_organisation_id != intervention.performing_organisation_id
        ):
            involved.append(Involved(str(intervention.ordering_organisation), f"beställer {kind}"))
        latest = intervention.latest_decision()
        decisions.append(
            {"intervention": intervention, "view": decision_view(latest) if latest else None}
        )
    parts, failed = overview_parts(request.user, person)
    care_contacts = [c for part in parts for c in part.care_contacts]
    open_sips = [s for part in parts for s in part.open_sips]
    for part in parts:
        involved.extend(part.involved)
    by_organisation: dict[str, list[Involved]] = defaultdict(list)
    for item in involved:
        if item not in by_organisation[item.organisation]:
            by_organisation[item.organisation].append(item)
    tasks = [
        {"task": t, "title": task_title(t), "overdue": t.due is not None and t.due < today}
        for t in reach.tasks(person)
        .filter(status=TaskStatus.OPEN)
        .select_related("intervention", "unit", "organisation")
        .order_by("due", "pk")
    ]
    return render(
        request,
        "people/overview.html",
        {
            "person": person,
            "involved": sorted(by_organisation.items()),
            "care_contacts": care_contacts,
            "decisions": decisions,
            "open_sips": open_sips,
            "tasks": tasks,
            "failed": failed,
        },
    )
