"""Merging two records of one person; what moves is declared in `samverkan.people.merge`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access
from samverkan.people.access import can_change
from samverkan.people.identity import (
    IdSystem,
)
from samverkan.people.merge import MERGE_HOOKS, move_live_references
from samverkan.people.models import (
    Person,
)
from samverkan.people.services._common import (
    PeopleError,
)
from samverkan.people.services.persons import _ENDED_BY


@transaction.atomic
def merge_persons(
    actor: Any, *, source: Person, target: Person, why: str = "Sammanför personer"
) -> Person:
    """Merge `source` (e.g. a reservnummer record) into `target` (who got a personnummer).

    Moves identities (source's become history unless target has none of the kind), facts
    (where both have a current value, the target's wins and the source's is closed today,
    kept as history), and every other room's live records as `samverkan.people.merge`
    declares them (interventions with their decisions, assessments, tasks, care relations,
    open service records, deviations, disputes; SIP by its hook); history (issued invoices)
    keeps its reference and resolves to `target` when read. `source.merged_into = target`; the audit log gets an entry under both
    persons' references. Both must be the user's organisation's persons.
    """
    user = access._user(actor)
    if source.pk == target.pk:
        raise PeopleError("source", "same_person", "En person kan inte sammanföras med sig själv.")
    if source.merged_into_id or target.merged_into_id:
        raise PeopleError("source", "already_merged", "Personen är redan sammanförd.")
    if not (can_change(user, source) and can_change(user, target)):
        raise PermissionDenied
    source_ref, target_ref = source.ref, target.ref
    move_records(source, target, user, fill_person_fields=True)

    record(
        actor,
        Action.UPDATE,
        Person,
        source.pk,
        person_ref=source_ref,
        why=f"{why}: sammanförd in i en annan post för samma person",
    )
    record(
        actor,
        Action.UPDATE,
        Person,
        target.pk,
        person_ref=target_ref,
        why=f"{why}: tog emot en sammanförd post för samma person",
    )
    return target


def move_records(
    source: Person, target: Person, user: Any, *, fill_person_fields: bool, shown: bool = True
) -> None:
    """Move everything of `source` to `target` and mark `source` merged into it (no access
    check, no audit entry: the callers decide both). With `fill_person_fields`, the target's
    empty names, birth date, sex and kommun are taken from the source; without, nothing of
    the source's person fields is copied (a join the user must not learn of)."""
    today = timezone.localdate()
    target_systems = {i.system for i in target.identities.filter(ended_on__isnull=True)}
    for identity in source.identities.all():
        identity.person = target
        identity.is_primary = False
        if identity.ended_on is None and (
            identity.system in target_systems
            or any(IdSystem(identity.system) in _ENDED_BY[IdSystem(s)] for s in target_systems)
        ):
            identity.ended_on = today
        identity.save()

    # One open record per fact and owner (vårdgivare × verksamhet): only the same owner's
    # older timeline is closed.
    target_open = set(
        target.fact_records.filter(valid_to__isnull=True).values_list(
            "name", "organisation_id", "verksamhet"
        )
    )
    for fact in source.fact_records.all():
        key = (fact.name, fact.organisation_id, fact.verksamhet)
        if fact.valid_to is None and key in target_open:
            fact.valid_to = max(today, fact.valid_from)
        fact.person = target
        fact.save()

    # Every other room's live records, as declared in samverkan.people.merge.
    move_live_references(source, target)
    for hook in MERGE_HOOKS:
        hook(source, target, user)

    if fill_person_fields:
        for name in ("given_name", "family_name", "birth_date", "sex", "home_municipality"):
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
    target.save()
    source.merged_into = target
    source.merged_at = timezone.now()
    source.merge_shown = shown
    source.save(update_fields=["merged_into", "merged_at", "merge_shown", "updated_at"])
