"""Reads for the data owner's log control (HSLF-FS 2016:40 4 kap. 9 §), by person reference.

The audit log names a person by its reference (`Person.ref`: the primary identifier, else
``person:<id>``). Log control asks questions about the persons behind those references for
one vårdgivare (the data owner): which references are one person, which persons have a care
relation to it, which care relations it opened without a prior case, which persons a user
has a task, an intervention or (through ``sip.selectors``) a SIP for, which are protected.

NO access check: these serve `samverkan.logcontrol`, which allows only the owner's
administrators and answers only with events about the owner's data. Nothing here returns a
name or any other personal data beyond references the owner's log already holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from samverkan.people import access
from samverkan.people.identity import InvalidIdentifier, parse_identifier
from samverkan.people.models import (
    CareRelation,
    Intervention,
    Person,
    PersonIdentity,
    Task,
    person_refs,
)

__all__ = [
    "NewRelation",
    "is_protected",
    "new_relations_without_prior_case",
    "person_ids_by_ref",
    "person_refs_in_contact_with",
    "protected_refs",
    "refs_of",
    "refs_with_care_relation",
]


def _persons_of_refs(refs: Iterable[str]) -> dict[str, Any]:
    """Reference -> the surviving person's id (identities active or ended, ``person:<id>``)."""
    wanted = set(refs)
    by_ref: dict[str, Any] = {}
    ids = {r.removeprefix("person:") for r in wanted if r.startswith("person:")}
    for pk in Person.objects.filter(pk__in=[i for i in ids if access._as_uuid(i)]).values_list(
        "pk", flat=True
    ):
        by_ref[f"person:{pk}"] = pk
    for value, pk, ended in PersonIdentity.objects.filter(value__in=wanted).values_list(
        "value", "person_id", "ended_on"
    ):
        if value not in by_ref or ended is None:
            by_ref[value] = pk
    from samverkan.people.selectors import survivor_ids

    survivors = survivor_ids(by_ref.values())
    return {ref: survivors.get(pk, pk) for ref, pk in by_ref.items()}


def person_ids_by_ref(refs: Iterable[str]) -> dict[str, Any]:
    """Reference -> the surviving person's id, for the references that name a person."""
    return _persons_of_refs(refs)


def _all_refs(person_ids: Iterable[Any]) -> set[str]:
    """Every reference the log may name these persons by: each identity (also ended), the
    record id, and the same for every record merged into them."""
    ids = set(person_ids)
    merged = set(
        Person.objects.filter(
            Q(merged_into__in=ids) | Q(merged_into__merged_into__in=ids)
        ).values_list("pk", flat=True)
    )
    every = ids | merged
    refs = {f"person:{pk}" for pk in every}
    refs.update(PersonIdentity.objects.filter(person_id__in=every).values_list("value", flat=True))
    return refs


def refs_of(value: str) -> set[str] | None:
    """The references of the person a personnummer, samordningsnummer or reservnummer (or a
    log reference) names: every identity it has held and every record merged into it. An
    empty set when no person holds it (its own normalised value is then searched), None when
    the value is not an identifier at all."""
    value = value.strip()
    if value.startswith("person:"):
        found = _persons_of_refs([value])
        return _all_refs(found.values()) if found else {value}
    try:
        identifier = parse_identifier(value)
    except InvalidIdentifier:
        return None
    found = _persons_of_refs([identifier.value])
    if not found:
        return {identifier.value}
    return _all_refs(found.values())


def refs_with_care_relation(organisation_id: Any, *, on: dt.date | None = None) -> set[str]:
    """The references of the persons with a care relation to the organisation (any time, or
    active on ``on``)."""
    relations = CareRelation.objects.filter(organisation_id=organisation_id)
    if on is not None:
        relations = relations.filter(Q(since__lte=on) & (Q(until__isnull=True) | Q(until__gte=on)))
    ids = set(relations.values_list("person_id", flat=True))
    return _all_refs(ids)


@dataclass(frozen=True)
class NewRelation:
    relation_id: int
    person_ref: str
    created_at: dt.datetime
    created_by_id: int | None


def new_relations_without_prior_case(
    organisation_id: Any, relation_ids: Iterable[Any]
) -> dict[int, NewRelation]:
    """Of these care relations created at the organisation, those opened where it had no
    prior case for the person: no earlier care relation, no intervention it performed or
    ordered that started earlier, no task of its created earlier."""
    wanted = [int(r) for r in relation_ids if str(r).isdigit()]
    relations = list(
        CareRelation.objects.filter(pk__in=wanted, organisation_id=organisation_id).values_list(
            "pk", "person_id", "created_at", "created_by_id"
        )
    )
    refs = person_refs({person for _, person, _, _ in relations})
    found: dict[int, NewRelation] = {}
    for pk, person_id, created_at, created_by_id in relations:
        earlier = CareRelation.objects.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk),
            person_id=person_id,
            organisation_id=organisation_id,
        )
        interventions = Intervention.objects.filter(person_id=person_id).filter(
            Q(performing_organisation_id=organisation_id)
            | Q(ordering_organisation_id=organisation_id),
            created_at__lte=created_at,
        )
        tasks = Task.objects.filter(
            person_id=person_id, organisation_id=organisation_id, created_at__lte=created_at
        )
        if not (earlier.exists() or interventions.exists() or tasks.exists()):
            found[pk] = NewRelation(pk, refs[person_id], created_at, created_by_id)
    return found


def person_refs_in_contact_with(user: Any, refs: Iterable[str]) -> set[str]:
    """Of these references, those whose person the user has a task or intervention for: a
    task assigned to the user (or to the user's unit's queue, unassigned, or completed by the
    user), an intervention performed by the user's unit (the user's organisation when the
    user has no unit) or registered by the user. SIP participation is the SIP room's to say
    (``sip.selectors``)."""
    by_ref = _persons_of_refs(refs)
    if not by_ref:
        return set()
    from samverkan.accounts.services import profile_of

    profile = profile_of(user)
    ids = set(by_ref.values())
    task_q = Q(assignee=user) | Q(completed_by=user)
    work_q = Q(created_by=user)
    if profile is not None:
        if profile.unit_id is not None:
            task_q |= Q(assignee__isnull=True, unit_id=profile.unit_id)
            work_q |= Q(performing_unit_id=profile.unit_id)
        else:
            task_q |= Q(assignee__isnull=True, organisation_id=profile.organisation_id)
            work_q |= Q(performing_organisation_id=profile.organisation_id)
    contact = set(
        Task.objects.filter(task_q, person_id__in=ids).values_list("person_id", flat=True)
    )
    contact |= set(
        Intervention.objects.filter(work_q, person_id__in=ids).values_list("person_id", flat=True)
    )
    return {ref for ref, pk in by_ref.items() if pk in contact}


def is_protected(person: Any) -> bool:
    """Sekretessmarkering or skyddad folkbokföring (``people.access.is_protected``)."""
    return access.is_protected(person)


def protected_refs(refs: Iterable[str]) -> set[str]:
    """Of these references, those naming a protected person (one query for the marks)."""
    by_ref = _persons_of_refs(refs)
    if not by_ref:
        return set()
    marked = access.protected_person_ids(set(by_ref.values()))
    return {ref for ref, pk in by_ref.items() if pk in marked}
