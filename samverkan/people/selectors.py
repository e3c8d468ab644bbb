"""Reads of personal data other rooms use: the one door, so that every room gets one truth.

- `facts_on` / `facts_for_decision` / `facts_from_rows`: the facts of a person on a day, the
  ONE assembler every room that decides reads (interventions, service records, SIP,
  disputes, follow-up). It gives the person's facts valid that day, the age from the birth
  date and, for an intervention kind, the person's egenvård assessment of it.
- `resolve_identifier` / `resolve_identifiers`: identifiers to persons, answering only with
  persons the actor may see. A number another organisation holds answers exactly as an
  unused number (None), so no probe reveals that a person exists elsewhere.
- `survivor_id` / `survivor_ids` / `person_ids_seen_as`: history that keeps its reference to a
  merged-away person (issued invoices, decision snapshots, the audit log) resolves to the
  surviving person when read.
- `persons_in`, `person_refs`, `PERSON_OBJECT_TYPE`: persons by id for a room that has
  already checked which ones the user may see, their audit references, and the object type
  the audit log names a person by.
- `open_tasks_of` (with `TaskKind`): the people room's open tasks another room fulfils.
- `interventions_active_on`, `decisions_made_between`, `assessments_made_between`: the bulk
  reads of the follow-up (simulation and yearly report; aggregates, audited there).

Functions marked "NO access check" serve callers that never checked access per person
(they did not before they came here either); everything that answers a user about a person
checks through `samverkan.people.access`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from samverkan.people import access
from samverkan.people.identity import InvalidIdentifier, PersonIdentifier, parse_identifier
from samverkan.people.models import (
    AssessmentStatus,
    FactRecord,
    Intervention,
    InterventionStatus,
    Person,
    PersonIdentity,
    ResponsibilityDecision,
    SelfCareAssessment,
    Task,
    TaskKind,
    TaskStatus,
)
from samverkan.people.models import person_refs as _person_refs
from samverkan.rules import FACTS, MAX_AGE, REGIONS

__all__ = [
    "ASSESSMENT_FACT",
    "PERSON_OBJECT_TYPE",
    "FactRow",
    "TaskKind",
    "age_on",
    "assessments_made_between",
    "assessments_of",
    "current_facts",
    "fact_rows_of",
    "facts_for_decision",
    "facts_from_rows",
    "facts_on",
    "decisions_made_between",
    "find_by_identifier",
    "interventions_active_on",
    "open_tasks_of",
    "parties_of",
    "reach_facts",
    "person_ids_seen_as",
    "person_refs",
    "persons_in",
    "resolve_identifier",
    "resolve_identifiers",
    "survivor_id",
    "survivor_ids",
    "visible_person_ids",
]

#: (name, JSON value, valid_from, valid_to, recorded_at): one FactRecord, as rooms that
#: decide in bulk preload them.
FactRow = tuple[str, Any, dt.date, dt.date | None, Any]
#: The fact the egenvård assessment gives the engine.
ASSESSMENT_FACT = "self_care_assessment"
NOT_ASSESSED = "not_assessed"


# --- facts of a person on a day -----------------------------------------------------------


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    """Whole years on ``day``; None when unknown or impossible (before birth, past MAX_AGE)."""
    if birth_date is None or day < birth_date:
        return None
    years = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
    return years if 0 <= years <= MAX_AGE else None


def facts_from_rows(
    fact_rows: Iterable[FactRow],
    birth_date: dt.date | None,
    day: dt.date,
    *,
    assessments: Mapping[str, str] | None = None,
    intervention: str | None = None,
    current: bool = False,
) -> dict[str, Any]:
    """The person's facts valid on ``day`` from preloaded rows (no database access).

    With ``current`` the open rows (what is known now: an intervention is decided on what is
    known of the person today, whatever its date); otherwise per fact the row with the latest ``valid_from`` not after ``day`` whose ``valid_to`` is
    empty or not before ``day`` (either convention for closing a fact gives the new value from
    its first day); ``age`` from the birth date when not recorded; with ``intervention``, the
    ``self_care_assessment`` from ``assessments`` (intervention kind -> result of the active
    assessment, see `assessments_of`), ``not_assessed`` when there is none.
    """
    best: dict[str, tuple[dt.date, Any, Any]] = {}
    for name, value, valid_from, valid_to, recorded_at in fact_rows:
        if current:
            if valid_to is not None:
                continue
        elif valid_from > day or (valid_to is not None and valid_to < day):
            continue
        found = best.get(name)
        if found is None or (valid_from, recorded_at) > (found[0], found[2]):
            best[name] = (valid_from, value, recorded_at)
    facts = {name: v[1] for name, v in best.items() if v[1] is not None}
    if "age" not in facts:
        age = age_on(birth_date, day)
        if age is not None:
            facts["age"] = age
    if intervention is not None:
        facts[ASSESSMENT_FACT] = (assessments or {}).get(intervention, NOT_ASSESSED)
    return facts


def _party_ids(parties: Iterable[Any] | None) -> list[Any] | None:
    if parties is None:
        return None
    return [getattr(p, "pk", p) for p in parties if p is not None]


def fact_rows_of(
    person_ids: Iterable[Any], *, parties: Iterable[Any] | None = None
) -> dict[Any, list[FactRow]]:
    """Every FactRecord row of these persons, per person id (ids without facts included).
    With ``parties`` (organisations or their ids) only the rows those vårdgivare recorded
    (rows without provenance belong to no vårdgivare and are left out)."""
    ids = list(dict.fromkeys(person_ids))
    party_ids = _party_ids(parties)
    rows: dict[Any, list[FactRow]] = {pk: [] for pk in ids}
    records = FactRecord.objects.all()
    if party_ids is not None:
        records = records.filter(organisation_id__in=party_ids)
    for start in range(0, len(ids), 5000):
        for pk, *row in records.filter(person_id__in=ids[start : start + 5000]).values_list(
            "person_id", "name", "value", "valid_from", "valid_to", "recorded_at"
        ):
            rows.setdefault(pk, []).append(tuple(row))  # type: ignore[arg-type]
    return rows


def assessments_of(
    person_ids: Iterable[Any], *, parties: Iterable[Any] | None = None
) -> dict[Any, dict[str, str]]:
    """Per person id: intervention kind -> result of the newest active egenvård assessment.
    One that needs review counts as not assessed. With ``parties``, only assessments those
    vårdgivare made."""
    ids = list(dict.fromkeys(person_ids))
    party_ids = _party_ids(parties)
    found: dict[Any, dict[str, str]] = {pk: {} for pk in ids}
    assessments = SelfCareAssessment.objects.all()
    if party_ids is not None:
        assessments = assessments.filter(assessed_by_organisation_id__in=party_ids)
    for start in range(0, len(ids), 5000):
        rows = (
            assessments.filter(
                person_id__in=ids[start : start + 5000], status=AssessmentStatus.ACTIVE
            )
            .order_by("assessed_at", "pk")
            .values_list("person_id", "intervention_kind", "result")
        )
        for pk, kind, result in rows:
            found.setdefault(pk, {})[kind] = result  # the newest wins
    return found


def facts_on(
    person: Person,
    day: dt.date,
    *,
    intervention: str | None = None,
    current: bool = False,
    parties: Iterable[Any] | None = None,
) -> dict[str, Any]:
    """The facts of one person on ``day`` (see `facts_from_rows`), read from the database.

    ``parties`` (organisations or ids): only the facts and egenvård assessments those
    vårdgivare recorded, e.g. an intervention's performing and ordering organisation, a
    service record's seller and buyer. ``None`` reads every vårdgivare's records: only for
    callers that have not been narrowed yet (see the README, "Access")."""
    parties = None if parties is None else list(parties)
    rows = fact_rows_of([person.pk], parties=parties)[person.pk]
    assessments = assessments_of([person.pk], parties=parties)[person.pk] if intervention else None
    return facts_from_rows(
        rows,
        person.birth_date,
        day,
        assessments=assessments,
        intervention=intervention,
        current=current,
    )


def current_facts(person: Person, reach: access.Reach | None = None) -> dict[str, Any]:
    """The person's current (open) facts, JSON values, unknown ones left out; with ``reach``
    only the records in it (what the person page and the API show)."""
    records = reach.facts(person) if reach is not None else person.fact_records.all()
    current: dict[str, tuple[Any, Any]] = {}
    for r in records.filter(valid_to__isnull=True).order_by("valid_from", "recorded_at", "pk"):
        current[r.name] = (r.value, r.pk)  # the newest open record wins
    return {name: value for name, (value, _pk) in current.items() if value is not None}


def parties_of(intervention: Intervention) -> list[Any]:
    """The vårdgivare whose records an intervention is decided on: the performing and the
    ordering organisation (the parties of a tjänsteköp share them)."""
    return [
        pk
        for pk in (intervention.performing_organisation_id, intervention.ordering_organisation_id)
        if pk is not None
    ]


def reach_facts(actor: Any, person: Person, day: dt.date) -> dict[str, Any]:
    """The person's facts on ``day`` as the user's reach has them (the person page's
    answers): the facts and assessments her vårdgivare × verksamhet recorded."""
    reach = access.reach_of(actor)
    if not reach.has_relation(person) or reach.organisation_id is None:
        return facts_from_rows([], person.birth_date, day)
    rows = [
        tuple(row)
        for row in reach.facts(person).values_list(
            "name", "value", "valid_from", "valid_to", "recorded_at"
        )
    ]
    return facts_from_rows(rows, person.birth_date, day)  # type: ignore[arg-type]


def facts_for_decision(intervention: Intervention, *, on: dt.date | None = None) -> dict[str, Any]:
    """The flat facts object for the engine (domain-model JSON) about one intervention:

    the person's current facts (what is known now) as its parties recorded them (performing
    and ordering organisation, `parties_of`), `age` on the date, the egenvård assessment of this intervention kind; `municipality` from the home
    kommun (left out when it lies outside the performing organisation's region: the person is
    then registered elsewhere, which `residence` says); then the intervention's own facts;
    `intervention` = its kind, `date` = `on` or the intervention's start, `region` = the
    performing organisation's.
    """
    person = intervention.person
    day = on or intervention.start
    region = intervention.performing_organisation.region
    facts = facts_on(
        person, day, intervention=intervention.kind, current=True, parties=parties_of(intervention)
    )
    municipality = facts.get("municipality") or person.home_municipality or None
    if municipality and municipality not in REGIONS[region].municipalities:
        municipality = None
    if municipality:
        facts["municipality"] = municipality
    else:
        facts.pop("municipality", None)
    facts.update(intervention.facts or {})
    facts.update({"intervention": intervention.kind, "date": day.isoformat(), "region": region})
    return {name: facts[name] for name in FACTS if facts.get(name) is not None}


# --- identifiers --------------------------------------------------------------------------


def find_by_identifier(identifier: PersonIdentifier) -> Person | None:
    """The (surviving) person holding this identifier, active or as history; NO access
    check: for the people room's own writes only (a merge, a duplicate check). Everything
    that answers a user goes through `resolve_identifier`."""
    identity = (
        PersonIdentity.objects.select_related("person")
        .filter(system=identifier.system.value, value=identifier.value)
        .first()
    )
    return identity.person.survivor() if identity else None


def visible_person_ids(actor: Any, ids: Iterable[Any]) -> set[Any]:
    """The ids among ``ids`` of (not merged) persons the actor may see; one query per 5,000."""
    user = access._user(actor)
    wanted = list(dict.fromkeys(ids))
    visible: set[Any] = set()
    for start in range(0, len(wanted), 5000):
        visible.update(
            access.persons_visible_to(user)
            .filter(pk__in=wanted[start : start + 5000])
            .values_list("pk", flat=True)
        )
    return visible


def resolve_identifiers(actor: Any, values: Iterable[str]) -> dict[str, Person]:
    """Normalised identifier values -> the surviving person holding each, ONLY where the
    actor may see that person. A value held by a person the actor may not see is left out,
    exactly like an unused one. One query per 5,000 values (for imports)."""
    user = access._user(actor)
    wanted = sorted(set(values))
    holder: dict[str, Any] = {}
    for start in range(0, len(wanted), 5000):
        for value, owner, ended in PersonIdentity.objects.filter(
            value__in=wanted[start : start + 5000]
        ).values_list("value", "person_id", "ended_on"):
            if value not in holder or ended is None:
                holder[value] = owner
    survivors = survivor_ids(holder.values())
    by_id = {v: survivors.get(pk, pk) for v, pk in holder.items()}
    visible = visible_person_ids(user, by_id.values())
    persons: dict[Any, Person] = {}
    wanted_ids = sorted(visible, key=str)
    for start in range(0, len(wanted_ids), 5000):
        for found in Person.objects.filter(pk__in=wanted_ids[start : start + 5000]):
            persons[found.pk] = found
    return {v: persons[pk] for v, pk in by_id.items() if pk in persons}


def resolve_identifier(actor: Any, identifier: PersonIdentifier | str) -> Person | None:
    """The (surviving) person holding the identifier if the actor may see it, else None:
    a number another organisation holds answers exactly as an unused one."""
    if isinstance(identifier, str):
        try:
            identifier = parse_identifier(identifier)
        except InvalidIdentifier:
            return None
    person = find_by_identifier(identifier)
    if person is None or not access.can_see(access._user(actor), person):
        return None
    return person


# --- merged persons: history resolves to the survivor ----------------------------------------


def survivor_ids(person_ids: Iterable[Any]) -> dict[Any, Any]:
    """Person id -> the id of the surviving person (itself when never merged)."""
    result: dict[Any, Any] = {}
    pending = {pk: access._as_uuid(pk) or pk for pk in person_ids}
    for _ in range(16):  # merge chains are flattened on merge; older ones are short
        if not pending:
            break
        current_ids = sorted(set(pending.values()), key=str)
        merged: dict[Any, Any] = {}
        for start in range(0, len(current_ids), 5000):
            merged.update(
                Person.objects.filter(
                    pk__in=current_ids[start : start + 5000], merged_into__isnull=False
                ).values_list("pk", "merged_into_id")
            )
        next_pending = {}
        for original, current in pending.items():
            if current in merged:
                next_pending[original] = merged[current]
            else:
                result[original] = current
        pending = next_pending
    result.update(pending)
    return result


def survivor_id(person_id: Any) -> Any:
    return survivor_ids([person_id])[person_id]


def person_ids_seen_as(persons: QuerySet[Person]) -> QuerySet[Person, Any]:
    """The ids of these persons and of every record merged into one of them: filter history
    by it (``records.filter(person__in=person_ids_seen_as(persons_visible_to(user)))``)."""
    ids = persons.values("pk")
    return Person.objects.filter(
        Q(pk__in=ids) | Q(merged_into__in=ids) | Q(merged_into__merged_into__in=ids)
    ).values("pk")


# --- persons by id, audit references ---------------------------------------------------------

#: The object type the audit log names a person by (``people.person``).
PERSON_OBJECT_TYPE: str = Person._meta.label_lower


def persons_in(person_ids: Iterable[Any]) -> QuerySet[Person]:
    """The persons with these ids (not narrowed to the survivors). NO access check: for
    callers that have already narrowed the ids to persons the user may see
    (`visible_person_ids`, `access.persons_visible_to`), or that only read the audit
    reference of persons whose records the user's organisation acts on (approving service
    records), as they did before this selector existed."""
    return Person.objects.filter(pk__in=list(person_ids))


def person_refs(person_ids: Iterable[Any]) -> dict[Any, str]:
    """``Person.ref`` (the audit log's person reference) for many persons at once, from the
    identities alone. NO access check: it feeds the audit log, never a user."""
    return _person_refs(person_ids)


# --- tasks other rooms fulfil ------------------------------------------------------------------


def open_tasks_of(person: Any, organisation: Any, kinds: Iterable[str]) -> QuerySet[Task]:
    """The open tasks of ``organisation`` about ``person`` of these kinds. NO access check:
    for a room that acts on the person already (a SIP marking the tasks it fulfils done
    through `services.complete_task`)."""
    return Task.objects.filter(
        person=person,
        organisation=organisation,
        status=TaskStatus.OPEN,
        kind__in=list(kinds),
    )


# --- the follow-up's bulk reads ----------------------------------------------------------------


def interventions_active_on(region: str, day: dt.date) -> QuerySet[Intervention]:
    """The interventions performed in ``region``, active on ``day`` and not cancelled, with
    person and performing organisation, in id order. NO access check: for the follow-up's
    simulation over a region's recorded interventions, which audits the bulk read itself."""
    return (
        Intervention.objects.filter(performing_organisation__region=region, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .exclude(status=InterventionStatus.CANCELLED)
        .select_related("person", "performing_organisation")
        .order_by("pk")
    )


def decisions_made_between(
    start: dt.datetime, end: dt.datetime
) -> QuerySet[ResponsibilityDecision, tuple[Any, Any, Any, Any]]:
    """(person id, facts used, outcome, decision) of every responsibility decision made in
    [start, end). NO access check: for the yearly report, which shows only aggregates with
    small cells suppressed."""
    return ResponsibilityDecision.objects.filter(
        decided_at__gte=start, decided_at__lt=end
    ).values_list("intervention__person_id", "facts_used", "outcome", "decision")


def assessments_made_between(
    start: dt.datetime, end: dt.datetime, region: str
) -> QuerySet[SelfCareAssessment, tuple[Any, str, str]]:
    """(person id, assessing huvudman's name, result) of every egenvård assessment made
    in [start, end) by an organisation in ``region`` (a private provider's counts for its
    huvudman, Organisation.huvudman). NO access check: for the yearly report, which shows
    only aggregates with small cells suppressed."""
    return SelfCareAssessment.objects.filter(
        assessed_at__gte=start,
        assessed_at__lt=end,
        assessed_by_organisation__region=region,
    ).values_list(
        "person_id",
        Coalesce("assessed_by_organisation__contracted_by__name", "assessed_by_organisation__name"),
        "result",
    )


def latest_decisions_since(
    region: str, since: dt.date
) -> list[tuple[Any, dict[str, Any], dict[str, Any], str, list[str]]]:
    """(intervention id, facts used, outcome, agreement version, actions) of the latest
    decision of every intervention performed in ``region`` (not cancelled) whose care date is
    on or after ``since``. NO access check: for the revision room's retroactive check, which
    shows intervention ids and outcomes only, never a person (issue 14)."""
    out: list[tuple[Any, dict[str, Any], dict[str, Any], str, list[str]]] = []
    interventions = (
        Intervention.objects.filter(performing_organisation__region=region)
        .filter(Q(end__isnull=True) | Q(end__gte=since))
        .exclude(status=InterventionStatus.CANCELLED)
        .order_by("pk")
    )
    for intervention in interventions:
        latest = intervention.latest_decision()
        if latest is None:
            continue
        day = (latest.facts_used or {}).get("date")
        if day and dt.date.fromisoformat(str(day)) >= since:
            out.append((intervention.pk, dict(latest.facts_used), dict(latest.outcome),
                        latest.agreement_version, list(latest.actions or [])))  # fmt: skip
    return out
