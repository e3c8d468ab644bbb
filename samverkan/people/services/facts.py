"""Person facts over time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from samverkan.people import access
from samverkan.people.access import can_change, record_change
from samverkan.people.models import (
    AssessmentStatus,
    FactRecord,
    Person,
)
from samverkan.people.selectors import ASSESSMENT_FACT
from samverkan.people.services._common import (
    PERSON_FACTS,
    PeopleError,
    _open_fact,
    _validate_fact,
)
from samverkan.people.services.assessments import flag_assessment_for_review
from samverkan.people.services.interventions import redecide_reading
from samverkan.rules import FACTS

# --- facts over time --------------------------------------------------------------------


def fact_history(person: Person, actor: Any = None) -> dict[str, list[FactRecord]]:
    """Every record per fact name, newest first; with ``actor`` only the records in the
    actor's reach (her vårdgivare × verksamhet's, `access.Reach.facts`)."""
    history: dict[str, list[FactRecord]] = {}
    records = (
        access.reach_of(actor).facts(person) if actor is not None else person.fact_records.all()
    )
    for r in records.select_related("recorded_by").order_by(
        "name", "-valid_from", "-recorded_at", "-pk"
    ):
        history.setdefault(r.name, []).append(r)
    return history


@transaction.atomic
def set_fact(
    actor: Any,
    person: Person,
    name: str,
    value: Any,
    *,
    valid_from: dt.date | None = None,
    reason: str = "",
    why: str = "Ändra fakta",
) -> FactRecord:
    """Record a new value of a person fact: closes the current record (valid_to = the new
    valid_from) and opens a new one. `None` records "unknown".

    The record is the user's own: her vårdgivare, verksamhet and unit (provenance), on her
    vårdgivare × verksamhet's timeline of the fact; another vårdgivare's records are never
    closed or changed. A changed value flags the active egenvård assessments her vårdgivare
    made `needs_review` (a change of circumstances) and puts a review task in the assessor's
    queue. Setting the same value again changes nothing and returns the current record.
    """
    user = access._user(actor)
    if not can_change(user, person):
        raise PermissionDenied
    reach = access.reach_of(actor)
    json_value = _validate_fact(name, value, PERSON_FACTS, "")
    valid_from = valid_from or timezone.localdate()
    current = (
        FactRecord.objects.select_for_update()
        .filter(
            person=person,
            name=name,
            valid_to__isnull=True,
            organisation_id=reach.organisation_id,
            verksamhet=reach.verksamhet or "",
        )
        .first()
    )
    if current is not None:
        if current.value == json_value:
            return current
        if valid_from < current.valid_from:
            raise PeopleError(
                "valid_from",
                "before_current",
                "Datumet ligger före det nuvarande värdets startdatum. Ange ett senare datum.",
            )
        current.valid_to = valid_from
        current.save(update_fields=["valid_to"])
    new = _open_fact(person, name, json_value, user, reason.strip(), valid_from)
    if name == "municipality":
        person.home_municipality = json_value or ""
        person.save(update_fields=["home_municipality", "updated_at"])
    record_change(actor, person, "people.factrecord", f"{why}: {FACTS[name].label}", obj_id=new.pk)
    changed = {name}
    if current is not None or json_value is not None:
        label = FACTS[name].label
        for assessment in reach.assessments(person).filter(
            status=AssessmentStatus.ACTIVE, assessed_by_organisation_id=reach.organisation_id
        ):
            flag_assessment_for_review(
                actor,
                assessment,
                reason=f"Ändrade förhållanden: {label} ändrades {valid_from.isoformat()}.",
                redecide=False,
            )
            changed.add(ASSESSMENT_FACT)
    # Decisions that read the fact (or an assessment now under review) stay current.
    redecide_reading(actor, person, changed, why=f"Ny uppgift: {FACTS[name].label}")
    return new
