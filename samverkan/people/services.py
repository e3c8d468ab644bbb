"""What views, the API and other apps may do with persons, interventions, decisions,
egenvård assessments and tasks. Every function checks access through
`samverkan.people.access` and writes the audit log; every change is atomic.

Errors are `PeopleError(field, code, message)`: a stable code for the API and a Swedish
message for people that never contains an identifier or a name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, Unit, UnitKind, is_licensed
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access
from samverkan.people.access import can_change, record_change
from samverkan.people.identity import (
    IdSystem,
    InvalidIdentifier,
    PersonIdentifier,
    parse_identifier,
)
from samverkan.people.identity import birth_date as identifier_birth_date
from samverkan.people.identity import sex as identifier_sex
from samverkan.people.models import (
    AssessmentStatus,
    CareRelation,
    FactRecord,
    Intervention,
    InterventionStatus,
    Person,
    PersonIdentity,
    ResponsibilityDecision,
    SelfCareAssessment,
    SelfCareResult,
    Task,
    TaskKind,
    TaskStatus,
    active_on,
)
from samverkan.rules import engine
from samverkan.rules.facts import FACTS, INTERVENTIONS, InvalidFacts, facts_to_json, validate_facts
from samverkan.rules.regions import REGIONS, region_of_municipality

__all__ = [
    "ACTION_TASKS",
    "INTERVENTION_FACTS",
    "MERGE_HOOKS",
    "PERSON_FACTS",
    "DecisionDiff",
    "PeopleError",
    "add_care_relation",
    "add_identity",
    "complete_task",
    "create_assessment",
    "create_intervention",
    "create_person",
    "current_facts",
    "decide_intervention",
    "diff_decisions",
    "facts_for_decision",
    "fact_history",
    "find_by_identifier",
    "flag_assessment_for_review",
    "import_patient",
    "merge_persons",
    "redecide_intervention",
    "report_performer_change",
    "search_persons",
    "set_fact",
    "tasks_for_user",
    "update_intervention",
]


class PeopleError(ValueError):
    """A refused request: `field` (form/API field), stable `code`, Swedish `message`."""

    def __init__(self, field: str | None, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.field = field
        self.code = code
        self.message = message
        self.extra = extra

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "message": self.message}

    def __repr__(self) -> str:
        return f"PeopleError(field={self.field!r}, code={self.code!r})"


def _identifier_error(exc: InvalidIdentifier, field: str) -> PeopleError:
    return PeopleError(field, exc.code, exc.message)


# --- facts: which belong to the person, which to one intervention --------------------------

# Given by the system, never recorded by hand.
DERIVED_FACTS = frozenset({"region", "date", "intervention", "self_care_assessment"})
# Facts of one intervention (or one question about it) rather than of the person.
INTERVENTION_FACTS = frozenset(
    {
        "time",
        "day_activity",
        "prescriber",
        "medication_risk_remains",
        "treatment_responsibility",
        "urgent",
        "service_purchase_requested",
        "asylum_entitlement",
        "habilitation_type",
        "parties_disagree",
        "question_of_principle",
        "serious_deviation",
    }
)
PERSON_FACTS: tuple[str, ...] = tuple(
    name for name in FACTS if name not in DERIVED_FACTS | INTERVENTION_FACTS
)


def _validate_fact(name: str, value: Any, allowed: Iterable[str], field: str) -> Any:
    """The fact value in its JSON form, or PeopleError naming the field and the rule."""
    if name not in allowed:
        raise PeopleError(field, "unknown_fact", f"Uppgiften '{name}' kan inte registreras här.")
    if value is None or value == "" or value == []:
        return None if value != [] else []
    try:
        typed = validate_facts({name: value})
    except InvalidFacts as exc:
        error = exc.errors[0]
        raise PeopleError(f"{field}.{name}" if field else name, error.code, error.message) from None
    return facts_to_json({name: typed[name]}).get(name, [] if FACTS[name].values else None)


# --- persons ------------------------------------------------------------------------------


def _profile_or_refuse(user: Any) -> Any:
    profile = profile_of(user)
    if profile is None:
        raise PeopleError(None, "no_profile", "Ditt konto saknar organisation och roll.")
    return profile


def _parse(text: str, system: str | IdSystem | None, field: str) -> PersonIdentifier:
    try:
        sys = IdSystem(system) if system else None
    except ValueError:
        raise PeopleError(
            "id_system",
            "invalid_choice",
            "Okänd identitetstyp: välj personnummer, "
            "samordningsnummer, LMA-nummer eller reservnummer.",
        ) from None
    try:
        return parse_identifier(text, sys, field=field)
    except InvalidIdentifier as exc:
        raise _identifier_error(exc, field) from None


def find_by_identifier(identifier: PersonIdentifier) -> Person | None:
    """The (surviving) person holding this identifier, active or as history; no access check:
    callers check `access.can_see` before showing anything."""
    identity = (
        PersonIdentity.objects.select_related("person")
        .filter(system=identifier.system.value, value=identifier.value)
        .first()
    )
    return identity.person.survivor() if identity else None


def _check_municipality(code: str, field: str = "home_municipality") -> str:
    code = (code or "").strip()
    if code and region_of_municipality(code) is None:
        raise PeopleError(
            field,
            "unknown_municipality",
            "Okänd kommunkod: ange SCB:s fyrsiffriga kod för en kommun i Jämtlands eller "
            "Gävleborgs län (t.ex. 2380 Östersund, 2180 Gävle).",
        )
    return code


def add_care_relation(
    actor: Any,
    person: Person,
    *,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    since: dt.date | None = None,
    why: str = "Registrera vårdrelation",
) -> CareRelation:
    """Register that the person is a patient/client of the organisation (default: the user's).

    Only for the user's own organisation: one cannot give another organisation access.
    """
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    access.require_write_role(actor, why)
    organisation = organisation or profile.organisation
    if organisation.pk != profile.organisation_id:
        raise PeopleError(
            "organisation",
            "other_organisation",
            "Du kan bara registrera vårdrelationer för din egen organisation.",
        )
    unit = unit if unit is not None else profile.unit
    if unit is not None and unit.organisation_id != organisation.pk:
        raise PeopleError("unit", "wrong_organisation", "Enheten hör inte till organisationen.")
    relation = CareRelation.objects.filter(
        active_on(), person=person, organisation=organisation, unit=unit
    ).first()
    if relation is None:
        relation = CareRelation.objects.create(
            person=person,
            organisation=organisation,
            unit=unit,
            since=since or timezone.localdate(),
            created_by=user if user and user.is_authenticated else None,
        )
        record_change(
            actor, person, "people.carerelation", why, obj_id=relation.pk, action=Action.CREATE
        )
    return relation


@transaction.atomic
def create_person(
    actor: Any,
    *,
    identifier: str,
    id_system: str | IdSystem | None = None,
    given_name: str = "",
    family_name: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    home_municipality: str = "",
    confirm_care_relation: bool = False,
    why: str = "Registrera person",
) -> tuple[Person, bool]:
    """Register a person with one identifier and a care relation to the user's organisation.

    Returns (person, created). When the identifier already belongs to a person:
    - visible to the user: PeopleError `already_registered` (extra `person_id`);
    - not visible: PeopleError `registered_elsewhere`, unless `confirm_care_relation` is
      true (the user confirms the person is their organisation's patient/client): then a
      care relation is added and the existing person returned with created=False.
    Birth date and sex are taken from a personnummer/samordningsnummer when not given.
    """
    user = access._user(actor)
    _profile_or_refuse(user)
    access.require_write_role(actor, why)
    parsed = _parse(identifier, id_system, "identifier")
    given_name, family_name = given_name.strip(), family_name.strip()
    if not (given_name or family_name):
        raise PeopleError("family_name", "required", "Ange förnamn eller efternamn.")
    home_municipality = _check_municipality(home_municipality)
    if sex and sex not in ("female", "male", "other", "unknown"):
        raise PeopleError("sex", "invalid_choice", "Ogiltigt kön: kvinna, man, annat eller okänt.")

    existing = find_by_identifier(parsed)
    if existing is not None:
        if access.can_see(user, existing):
            raise PeopleError(
                "identifier",
                "already_registered",
                "Personen finns redan och din organisation har åtkomst till den.",
                person_id=str(existing.pk),
            )
        if not confirm_care_relation:
            raise PeopleError(
                "identifier",
                "registered_elsewhere",
                "Personen finns redan i Samverkan hos en annan organisation. Bekräfta att "
                "personen är patient eller brukare hos er för att registrera en vårdrelation.",
            )
        add_care_relation(actor, existing, why=why + ": vårdrelation till befintlig person")
        return existing, False

    stated_birth = identifier_birth_date(parsed)
    person = Person.objects.create(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date or stated_birth,
        sex=sex or identifier_sex(parsed) or "",
        home_municipality=home_municipality,
        created_by=user if user and user.is_authenticated else None,
    )
    PersonIdentity.objects.create(
        person=person,
        system=parsed.system.value,
        value=parsed.value,
        is_primary=True,
        added_by=person.created_by,
    )
    record_change(actor, person, "people.person", why, action=Action.CREATE)
    add_care_relation(actor, person, why=f"{why}: vårdrelation")
    if home_municipality:
        _open_fact(person, "municipality", home_municipality, person.created_by, "Vid registrering")
    return person, True


def _open_fact(
    person: Person, name: str, value: Any, user: Any, reason: str, valid_from: dt.date | None = None
) -> FactRecord:
    return FactRecord.objects.create(
        person=person,
        name=name,
        value=value,
        valid_from=valid_from or timezone.localdate(),
        recorded_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
        reason=reason,
    )


# An identifier of a better kind ends these (kept as history): a reservnummer is temporary,
# a samordningsnummer and an LMA-nummer give way to a personnummer.
_ENDED_BY = {
    IdSystem.personnummer: {IdSystem.samordningsnummer, IdSystem.reservnummer, IdSystem.lma},
    IdSystem.samordningsnummer: {IdSystem.reservnummer},
    IdSystem.lma: set(),
    IdSystem.reservnummer: set(),
}
_RANK = [IdSystem.personnummer, IdSystem.samordningsnummer, IdSystem.reservnummer, IdSystem.lma]


def _attach_identity(
    person: Person, parsed: PersonIdentifier, user: Any, field: str = "identifier"
) -> PersonIdentity:
    today = timezone.localdate()
    ended = _ENDED_BY[parsed.system]
    active = list(person.identities.filter(ended_on__isnull=True))
    best_active = min((_RANK.index(IdSystem(i.system)) for i in active), default=len(_RANK))
    becomes_primary = _RANK.index(parsed.system) < best_active or not any(
        i.is_primary for i in active if i.system not in {s.value for s in ended}
    )
    for identity in active:
        if IdSystem(identity.system) in ended:
            identity.ended_on = today
            identity.is_primary = False
            identity.save(update_fields=["ended_on", "is_primary"])
        elif becomes_primary and identity.is_primary:
            identity.is_primary = False
            identity.save(update_fields=["is_primary"])
    return PersonIdentity.objects.create(
        person=person,
        system=parsed.system.value,
        value=parsed.value,
        is_primary=becomes_primary,
        added_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def add_identity(
    actor: Any,
    person: Person,
    identifier: str,
    id_system: str | IdSystem | None = None,
    *,
    why: str = "Lägg till identitet",
) -> PersonIdentity:
    """Add an identifier (e.g. the personnummer a reservnummer person later got).

    A personnummer ends the person's samordningsnummer, LMA-nummer and reservnummer (kept as
    history, `ended_on` today) and becomes primary. An identifier that belongs to another
    person is refused (`belongs_to_other`): merge the two records instead.
    """
    user = access._user(actor)
    if not can_change(user, person):
        raise PermissionDenied
    parsed = _parse(identifier, id_system, "identifier")
    holder = find_by_identifier(parsed)
    if holder is not None:
        if holder.pk == person.pk:
            raise PeopleError(
                "identifier", "already_added", "Numret finns redan registrerat på personen."
            )
        raise PeopleError(
            "identifier",
            "belongs_to_other",
            "Numret tillhör en annan person i Samverkan. Sammanför personerna i stället.",
        )
    old_ref = person.ref
    identity = _attach_identity(person, parsed, user)
    if person.birth_date is None:
        person.birth_date = identifier_birth_date(parsed)
    if not person.sex:
        person.sex = identifier_sex(parsed) or ""
    person.save()
    record_change(actor, person, "people.personidentity", why, obj_id=identity.pk)
    if old_ref != person.ref:
        record(
            actor,
            Action.UPDATE,
            "people.personidentity",
            identity.pk,
            person_ref=old_ref,
            why=why + ": ny primär identitet",
        )
    return identity


# Other apps move their own rows to the surviving person: hook(source, target, user).
MERGE_HOOKS: list[Callable[[Person, Person, Any], None]] = []


@transaction.atomic
def merge_persons(
    actor: Any, *, source: Person, target: Person, why: str = "Sammanför personer"
) -> Person:
    """Merge `source` (e.g. a reservnummer record) into `target` (who got a personnummer).

    Moves identities (source's become history unless target has none of the kind), facts
    (where both have a current value, the target's wins and the source's is closed today,
    kept as history), interventions with their decisions, assessments, tasks and care
    relations. `source.merged_into = target`; the audit log gets an entry under both
    persons' references. Both must be the user's organisation's persons.
    """
    user = access._user(actor)
    if source.pk == target.pk:
        raise PeopleError("source", "same_person", "En person kan inte sammanföras med sig själv.")
    if source.merged_into_id or target.merged_into_id:
        raise PeopleError("source", "already_merged", "Personen är redan sammanförd.")
    if not (can_change(user, source) and can_change(user, target)):
        raise PermissionDenied
    today = timezone.localdate()
    source_ref, target_ref = source.ref, target.ref

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

    target_open = set(
        target.fact_records.filter(valid_to__isnull=True).values_list("name", flat=True)
    )
    for fact in source.fact_records.all():
        if fact.valid_to is None and fact.name in target_open:
            fact.valid_to = max(today, fact.valid_from)
        fact.person = target
        fact.save()

    Intervention.objects.filter(person=source).update(person=target)
    SelfCareAssessment.objects.filter(person=source).update(person=target)
    Task.objects.filter(person=source).update(person=target)
    CareRelation.objects.filter(person=source).update(person=target)
    for hook in MERGE_HOOKS:
        hook(source, target, user)

    for name in ("given_name", "family_name", "birth_date", "sex", "home_municipality"):
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))
    target.save()
    source.merged_into = target
    source.merged_at = timezone.now()
    source.save(update_fields=["merged_into", "merged_at", "updated_at"])

    record(
        actor,
        Action.UPDATE,
        Person,
        source.pk,
        person_ref=source_ref,
        why=f"{why}: sammanförd in i person {target.pk}",
    )
    record(
        actor,
        Action.UPDATE,
        Person,
        target.pk,
        person_ref=target_ref,
        why=f"{why}: tog emot person {source.pk}",
    )
    return target


def search_persons(actor: Any, query: str, *, why: str = "Sök person") -> list[Person]:
    """Persons matching `query`: an exact identifier among the persons the user may see
    (own organisation and EXTRA_VISIBILITY), otherwise a name within the own organisation.

    The search itself is audited (with the identifier as person_ref when it was one).
    """
    access.require_read_role(actor, why)
    user = access._user(actor)
    query = (query or "").strip()
    if not query:
        return []
    parsed: PersonIdentifier | None = None
    for system in (None, IdSystem.lma, IdSystem.reservnummer):
        try:
            parsed = parse_identifier(query, system)
            break
        except InvalidIdentifier:
            continue
    if parsed is not None and not any(c.isalpha() for c in query.replace("-", "")[:8]):
        holder = find_by_identifier(parsed)
        found = [holder] if holder is not None and access.can_see(user, holder) else []
        record(actor, Action.SEARCH, Person, person_ref=parsed.value, why=why + ": identitet")
        return found
    terms = query.split()
    persons = access.own_persons(user)
    for term in terms[:4]:
        persons = persons.filter(Q(given_name__icontains=term) | Q(family_name__icontains=term))
    result = list(persons.prefetch_related("identities")[:50])
    record(actor, Action.SEARCH, Person, why=f"{why}: namn ({len(result)} träffar)")
    return result


# --- facts over time --------------------------------------------------------------------


def current_facts(person: Person) -> dict[str, Any]:
    """The person's current (open) facts, JSON values, unknown ones left out."""
    return {
        r.name: r.value
        for r in person.fact_records.filter(valid_to__isnull=True)
        if r.value is not None
    }


def fact_history(person: Person) -> dict[str, list[FactRecord]]:
    """Every record per fact name, newest first."""
    history: dict[str, list[FactRecord]] = {}
    for r in person.fact_records.select_related("recorded_by").order_by(
        "name", "-valid_from", "-recorded_at", "-pk"
    ):
        history.setdefault(r.name, []).append(r)
    return history


REVIEW_DUE_DAYS = 14


@transaction.atomic
def set_fact(
    actor: Any,
    person: Person,
    name: str,
    value: Any,
    *,
    valid_from: dt.date | None = None,
    reason: str = "",
    why: str = "Ändra uppgift",
) -> FactRecord:
    """Record a new value of a person fact: closes the current record (valid_to = the new
    valid_from) and opens a new one. `None` records "unknown".

    A changed value flags the person's active egenvård assessments `needs_review` (a change
    of circumstances) and puts a review task in the assessor's queue. Setting the same value
    again changes nothing and returns the current record.
    """
    user = access._user(actor)
    if not can_change(user, person):
        raise PermissionDenied
    json_value = _validate_fact(name, value, PERSON_FACTS, "")
    valid_from = valid_from or timezone.localdate()
    current = (
        FactRecord.objects.select_for_update()
        .filter(person=person, name=name, valid_to__isnull=True)
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
    if current is not None or json_value is not None:
        label = FACTS[name].label
        for assessment in person.self_care_assessments.filter(status=AssessmentStatus.ACTIVE):
            flag_assessment_for_review(
                actor,
                assessment,
                reason=f"Ändrade förhållanden: {label} ändrades {valid_from.isoformat()}.",
            )
    return new


# --- egenvård assessments -------------------------------------------------------------


def _review_task(assessment: SelfCareAssessment, from_org: Organisation | None) -> Task:
    existing = Task.objects.filter(
        kind=TaskKind.REVIEW_ASSESSMENT,
        source_assessment=assessment,
        status=TaskStatus.OPEN,
    ).first()
    if existing:
        return existing
    profile = profile_of(assessment.assessed_by)
    return Task.objects.create(
        kind=TaskKind.REVIEW_ASSESSMENT,
        person=assessment.person,
        organisation=assessment.assessed_by_organisation,
        unit=profile.unit
        if profile and profile.organisation_id == assessment.assessed_by_organisation_id
        else None,
        assignee=assessment.assessed_by,
        due=timezone.localdate() + dt.timedelta(days=REVIEW_DUE_DAYS),
        intervention=assessment.intervention,
        source_assessment=assessment,
        from_organisation=from_org,
    )


def flag_assessment_for_review(
    actor: Any, assessment: SelfCareAssessment, *, reason: str, why: str = "Ompröva egenvård"
) -> SelfCareAssessment:
    """Mark an active assessment `needs_review` with the reason; a review task follows."""
    user = access._user(actor)
    if assessment.status == AssessmentStatus.REPLACED:
        raise PeopleError("status", "replaced", "Bedömningen är redan ersatt av en ny.")
    assessment.status = AssessmentStatus.NEEDS_REVIEW
    assessment.review_reason = (
        f"{assessment.review_reason}\n{reason}".strip() if assessment.review_reason else reason
    )
    assessment.save(update_fields=["status", "review_reason"])
    profile = profile_of(user)
    _review_task(assessment, profile.organisation if profile else None)
    record_change(actor, assessment.person, "people.selfcareassessment", why, obj_id=assessment.pk)
    return assessment


GAVLEBORG_HANDOVER_REASON = (
    "Den praktiska vården lämnas över till en ny utförare. Att lämna över den praktiska "
    "vården innebär inte att ansvaret lämnas över: en ny egenvårdsbedömning krävs (Gävleborg)."
)


@transaction.atomic
def report_performer_change(
    actor: Any,
    assessment: SelfCareAssessment,
    new_performer: str,
    *,
    why: str = "Ny utförare av egenvård",
) -> SelfCareAssessment:
    """The practical care passes to someone else: the assessment must be made anew.

    The old assessment is not edited (it says who performed it then); it is flagged
    `needs_review` and the new performer goes into the review reason.
    """
    user = access._user(actor)
    if not can_change(user, assessment.person):
        raise PermissionDenied
    new_performer = new_performer.strip()
    if not new_performer:
        raise PeopleError("new_performer", "required", "Ange vem som ska utföra åtgärden.")
    return flag_assessment_for_review(
        actor,
        assessment,
        reason=f"{GAVLEBORG_HANDOVER_REASON} Ny utförare: {new_performer}.",
        why=why,
    )


def _age_on(person: Person, day: dt.date) -> int | None:
    born = person.birth_date
    if born is None or day < born:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def create_assessment(
    actor: Any,
    person: Person,
    *,
    intervention_kind: str,
    measure: str,
    result: str,
    review_date: dt.date | None,
    performed_by_person_or_others: str = "",
    guardians: list[Any] | None = None,
    intervention: Intervention | None = None,
    notes: str = "",
    why: str = "Egenvårdsbedömning",
) -> SelfCareAssessment:
    """Record an egenvård assessment; replaces earlier ones for the same intervention kind.

    Only licensed staff (legitimerad hälso- och sjukvårdspersonal) may assess. Children
    (under 18) need their guardians. Open egenvård tasks for the person and kind in the
    user's organisation are marked done.
    """
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    if not is_licensed(profile.role):
        # Logged outside the transaction below, so that the refusal stays in the log.
        record(actor, Action.ACCESS_DENIED, SelfCareAssessment, person_ref=person.ref, why=why)
        raise PeopleError(
            "assessed_by",
            "not_licensed",
            "Egenvårdsbedömningar får bara göras av legitimerad hälso- och sjukvårdspersonal "
            f"(din roll är {profile.get_role_display()}).",
        )
    if not can_change(user, person):
        raise PermissionDenied
    with transaction.atomic():
        return _create_assessment(
            actor, person, profile, intervention_kind=intervention_kind, measure=measure,
            result=result, review_date=review_date,
            performed_by_person_or_others=performed_by_person_or_others, guardians=guardians,
            intervention=intervention, notes=notes, why=why,
        )  # fmt: skip


def _create_assessment(
    actor: Any,
    person: Person,
    profile: Any,
    *,
    intervention_kind: str,
    measure: str,
    result: str,
    review_date: dt.date | None,
    performed_by_person_or_others: str,
    guardians: list[Any] | None,
    intervention: Intervention | None,
    notes: str,
    why: str,
) -> SelfCareAssessment:
    user = access._user(actor)
    if intervention is not None:
        if intervention.person_id != person.pk:
            raise PeopleError("intervention", "other_person", "Insatsen gäller en annan person.")
        intervention_kind = intervention_kind or intervention.kind
    if intervention_kind not in INTERVENTIONS:
        raise PeopleError("intervention_kind", "invalid_choice", "Välj en insats ur listan.")
    measure = measure.strip()
    if not measure:
        raise PeopleError("measure", "required", "Beskriv vilken åtgärd som bedömdes.")
    if result not in SelfCareResult.values:
        raise PeopleError(
            "result", "invalid_choice", "Resultatet ska vara egenvård eller hälso- och sjukvård."
        )
    today = timezone.localdate()
    if review_date is None:
        raise PeopleError("review_date", "required", "Ange när bedömningen senast ska omprövas.")
    if review_date < today:
        raise PeopleError(
            "review_date", "in_past", "Omprövningsdatumet kan inte ligga bakåt i tiden."
        )
    if result == SelfCareResult.SELF_CARE and not performed_by_person_or_others.strip():
        raise PeopleError(
            "performed_by_person_or_others",
            "required",
            "Vid egenvård: ange vad personen själv eller någon annan utför.",
        )
    guardians = [g for g in (guardians or []) if g]
    age = _age_on(person, today)
    if age is not None and age < 18 and not guardians:
        raise PeopleError(
            "guardians",
            "required_for_child",
            "Personen är under 18 år: ange vårdnadshavarna som bedömningen gjorts tillsammans med.",
        )
    previous = list(
        person.self_care_assessments.filter(
            intervention_kind=intervention_kind,
            status__in=[AssessmentStatus.ACTIVE, AssessmentStatus.NEEDS_REVIEW],
        ).order_by("-assessed_at")
    )
    assessment = SelfCareAssessment.objects.create(
        person=person,
        intervention=intervention,
        intervention_kind=intervention_kind,
        measure=measure,
        assessed_by=user,
        assessed_by_role=profile.role,
        assessed_by_organisation=profile.organisation,
        result=result,
        performed_by_person_or_others=performed_by_person_or_others.strip(),
        review_date=review_date,
        guardians=guardians,
        notes=notes.strip(),
        replaces=previous[0] if previous else None,
    )
    for old in previous:
        old.status = AssessmentStatus.REPLACED
        old.save(update_fields=["status"])
    now = timezone.now()
    open_tasks = Task.objects.filter(
        person=person,
        organisation=profile.organisation,
        status=TaskStatus.OPEN,
    ).filter(
        Q(kind=TaskKind.SELF_CARE_ASSESSMENT, intervention__kind=intervention_kind)
        | Q(kind=TaskKind.REVIEW_ASSESSMENT, source_assessment__in=previous)
    )
    for task in open_tasks:
        task.status = TaskStatus.DONE
        task.completed_at = now
        task.completed_by = user
        task.note = (task.note + "\n" if task.note else "") + "Klar genom ny egenvårdsbedömning."
        task.save(update_fields=["status", "completed_at", "completed_by", "note"])
    record_change(
        actor, person, "people.selfcareassessment", why, obj_id=assessment.pk, action=Action.CREATE
    )
    return assessment


# --- interventions and decisions ----------------------------------------------------------


@transaction.atomic
def create_intervention(
    actor: Any,
    person: Person,
    *,
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    performing_organisation: Organisation | None = None,
    performing_unit: Unit | None = None,
    ordering_organisation: Organisation | None = None,
    facts: Mapping[str, Any] | None = None,
    status: str = InterventionStatus.ACTIVE,
    why: str = "Registrera insats",
) -> Intervention:
    """An intervention; performing organisation and unit default to the user's."""
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    if not can_change(user, person):
        raise PermissionDenied
    if kind not in INTERVENTIONS:
        raise PeopleError("kind", "invalid_choice", "Välj en insats ur listan.")
    start = start or timezone.localdate()
    if end is not None and end < start:
        raise PeopleError("end", "before_start", "Slutdatumet ligger före startdatumet.")
    if status not in InterventionStatus.values:
        raise PeopleError("status", "invalid_choice", "Ogiltig status för insatsen.")
    performing_organisation = performing_organisation or profile.organisation
    if performing_unit is None and performing_organisation.pk == profile.organisation_id:
        performing_unit = profile.unit
    if (
        performing_unit is not None
        and performing_unit.organisation_id != performing_organisation.pk
    ):
        raise PeopleError(
            "performing_unit", "wrong_organisation", "Enheten hör inte till utförande organisation."
        )
    clean_facts: dict[str, Any] = {}
    for name, value in (facts or {}).items():
        json_value = _validate_fact(name, value, INTERVENTION_FACTS, "facts")
        if json_value is not None:
            clean_facts[name] = json_value
    intervention = Intervention.objects.create(
        person=person,
        kind=kind,
        start=start,
        end=end,
        performing_organisation=performing_organisation,
        performing_unit=performing_unit,
        ordering_organisation=ordering_organisation,
        status=status,
        facts=clean_facts,
        created_by=user,
    )
    record_change(
        actor, person, "people.intervention", why, obj_id=intervention.pk, action=Action.CREATE
    )
    return intervention


@transaction.atomic
def update_intervention(
    actor: Any,
    intervention: Intervention,
    *,
    facts: Mapping[str, Any] | None = None,
    end: dt.date | None = None,
    status: str | None = None,
    why: str = "Ändra insats",
) -> Intervention:
    """Change an intervention's own facts (a value None removes it), end date or status.
    Decisions already made are not touched: re-decide to apply the change."""
    user = access._user(actor)
    if not can_change(user, intervention.person):
        raise PermissionDenied
    new_facts = dict(intervention.facts or {})
    for name, value in (facts or {}).items():
        json_value = _validate_fact(name, value, INTERVENTION_FACTS, "facts")
        if json_value is None:
            new_facts.pop(name, None)
        else:
            new_facts[name] = json_value
    if end is not None and end < intervention.start:
        raise PeopleError("end", "before_start", "Slutdatumet ligger före startdatumet.")
    if status is not None and status not in InterventionStatus.values:
        raise PeopleError("status", "invalid_choice", "Ogiltig status för insatsen.")
    intervention.facts = new_facts
    if end is not None:
        intervention.end = end
    if status is not None:
        intervention.status = status
    intervention.save(update_fields=["facts", "end", "status"])
    record_change(actor, intervention.person, "people.intervention", why, obj_id=intervention.pk)
    return intervention


def facts_for_decision(intervention: Intervention, *, on: dt.date | None = None) -> dict[str, Any]:
    """The flat facts object for the engine (domain-model JSON), built from:

    the person's current facts; `age` from the birth date on the date; `municipality` from
    the home kommun (left out when it lies outside the performing organisation's region:
    the person is then registered elsewhere, which `residence` says); `self_care_assessment`
    from the person's active assessment for this intervention kind (one that needs review
    counts as not assessed); then the intervention's own facts; `intervention` = its kind,
    `date` = `on` or the intervention's start, `region` = the performing organisation's.
    """
    person = intervention.person
    day = on or intervention.start
    region = intervention.performing_organisation.region
    facts: dict[str, Any] = dict(current_facts(person))
    age = _age_on(person, day)
    if age is not None:
        facts["age"] = age
    municipality = facts.get("municipality") or person.home_municipality or None
    if municipality and municipality not in REGIONS[region].municipalities:
        municipality = None
    if municipality:
        facts["municipality"] = municipality
    else:
        facts.pop("municipality", None)
    assessment = (
        person.self_care_assessments.filter(
            intervention_kind=intervention.kind, status=AssessmentStatus.ACTIVE
        )
        .order_by("-assessed_at")
        .first()
    )
    facts["self_care_assessment"] = assessment.result if assessment else "not_assessed"
    facts.update(intervention.facts or {})
    facts.update({"intervention": intervention.kind, "date": day.isoformat(), "region": region})
    return {name: facts[name] for name in FACTS if facts.get(name) is not None}


# Which task an action of the engine puts in a work queue.
ACTION_TASKS: dict[str, str] = {
    "assess_self_care_first": TaskKind.SELF_CARE_ASSESSMENT,
    "offer_sip": TaskKind.SIP,
    "appoint_named_care_contact": TaskKind.NAMED_CARE_CONTACT,
    "named_care_contact_physician": TaskKind.NAMED_CARE_CONTACT,
    "bill_home_region": TaskKind.BILL_HOME_REGION,
    "risk_analysis": TaskKind.RISK_ANALYSIS,
    "discharge_checklist": TaskKind.DISCHARGE_CHECKLIST,
    "coordinated_care_plan_chief_physician": TaskKind.COORDINATED_CARE_PLAN,
    "escalate_to_manager": TaskKind.ESCALATE,
    "escalate_to_forum": TaskKind.ESCALATE,
    "contact_chief_physician_mas": TaskKind.CONTACT_CHIEF_PHYSICIAN_MAS,
}
TASK_DUE_DAYS: dict[str, int] = {
    TaskKind.SELF_CARE_ASSESSMENT: 7,
    TaskKind.SIP: 14,
    TaskKind.NAMED_CARE_CONTACT: 7,
    TaskKind.BILL_HOME_REGION: 30,
    TaskKind.RISK_ANALYSIS: 7,
    TaskKind.DISCHARGE_CHECKLIST: 3,
    TaskKind.COORDINATED_CARE_PLAN: 14,
    TaskKind.ESCALATE: 14,
    TaskKind.CONTACT_CHIEF_PHYSICIAN_MAS: 1,
}


def _unit_of_kind(organisation: Organisation, kind: str) -> Unit | None:
    return organisation.units.filter(kind=kind).order_by("name").first()


def _task_target(
    kind: str, intervention: Intervention, facts: Mapping[str, Any]
) -> tuple[Organisation, Unit | None]:
    """Whose queue a task goes to.

    Egenvård before a transfer: the kommun that would take over (the person's home kommun,
    its hemsjukvård). Bill to the home region: the performing region's ekonomi unit. The rest:
    the performing organisation and unit.
    """
    performing = intervention.performing_organisation
    if kind == TaskKind.SELF_CARE_ASSESSMENT:
        code = facts.get("municipality") or intervention.person.home_municipality
        if performing.kind == OrganisationKind.MUNICIPALITY and (
            not code or performing.scb_code == code
        ):
            kommun: Organisation | None = performing
        else:
            kommun = Organisation.objects.filter(
                kind=OrganisationKind.MUNICIPALITY, scb_code=code
            ).first()
        if kommun is not None:
            unit = _unit_of_kind(kommun, UnitKind.HOME_HEALTH_CARE)
            if kommun.pk == performing.pk and intervention.performing_unit is not None:
                unit = unit or intervention.performing_unit
            return kommun, unit
    if kind == TaskKind.BILL_HOME_REGION:
        region_org = (
            performing
            if performing.kind == OrganisationKind.REGION
            else Organisation.objects.filter(
                kind=OrganisationKind.REGION, region=performing.region
            ).first()
        )
        if region_org is not None:
            return region_org, _unit_of_kind(region_org, UnitKind.FINANCE)
    return performing, intervention.performing_unit


def _tasks_for_decision(
    decision: ResponsibilityDecision, intervention: Intervention, user: Any
) -> list[Task]:
    profile = profile_of(user)
    created: list[Task] = []
    start = max(timezone.localdate(), intervention.start)
    for action in decision.actions:
        kind = ACTION_TASKS.get(action)
        if kind is None:
            continue
        organisation, unit = _task_target(kind, intervention, decision.facts_used)
        duplicate = Task.objects.filter(
            kind=kind,
            intervention=intervention,
            organisation=organisation,
            status=TaskStatus.OPEN,
        ).first()
        if duplicate is not None:
            if action == "named_care_contact_physician" and "läkare" not in duplicate.note:
                duplicate.note = (
                    duplicate.note + "\n"
                ).lstrip() + "Fast vårdkontakt ska vara läkare."
                duplicate.save(update_fields=["note"])
            continue
        task = Task.objects.create(
            kind=kind,
            action=action,
            person=intervention.person,
            organisation=organisation,
            unit=unit,
            due=start + dt.timedelta(days=TASK_DUE_DAYS.get(kind, 14)),
            intervention=intervention,
            source_decision=decision,
            from_organisation=profile.organisation if profile else None,
            note="Fast vårdkontakt ska vara läkare."
            if action == "named_care_contact_physician"
            else "",
        )
        created.append(task)
    return created


def _agreement_version(snapshot: Mapping[str, Any]) -> str:
    return ", ".join(f"{a.get('id')} {a.get('version')}" for a in snapshot.get("agreements", []))


@transaction.atomic
def decide_intervention(
    actor: Any,
    intervention: Intervention,
    *,
    on: dt.date | None = None,
    why: str = "Ansvarsbeslut",
) -> ResponsibilityDecision:
    """Ask the engine, store the snapshot (superseding the latest one) and create the tasks
    its actions call for. The facts that cannot be read give a PeopleError naming them."""
    user = access._user(actor)
    profile = profile_of(user)
    if not can_change(user, intervention.person):
        raise PermissionDenied
    facts = facts_for_decision(intervention, on=on)
    try:
        decision = engine.decide(facts)
    except InvalidFacts as exc:
        error = exc.errors[0]
        raise PeopleError(f"facts.{error.field}", error.code, error.message) from None
    snapshot = decision.as_dict()
    previous = intervention.latest_decision()
    saved = ResponsibilityDecision.objects.create(
        intervention=intervention,
        decided_by=user,
        decided_by_organisation=profile.organisation if profile else None,
        facts_used=facts,
        decision=snapshot,
        agreement_version=_agreement_version(snapshot),
        outcome=snapshot["outcome"],
        actions=snapshot["actions"],
        missing_facts=snapshot["missing_facts"],
        status=snapshot.get("status", ""),
        in_force=snapshot["in_force"],
        supersedes=previous,
    )
    record_change(
        actor,
        intervention.person,
        "people.responsibilitydecision",
        why,
        obj_id=saved.pk,
        action=Action.CREATE,
    )
    _tasks_for_decision(saved, intervention, user)
    return saved


@dataclass
class DecisionDiff:
    """What changed between two decisions of one intervention."""

    previous_id: int
    current_id: int
    outcome: list[dict[str, str]]  # {"dimension", "before", "after"}
    actions_added: list[str]
    actions_removed: list[str]
    reasons_added: list[dict[str, Any]]
    reasons_removed: list[dict[str, Any]]
    agreement_before: str
    agreement_after: str
    facts: list[dict[str, Any]]  # {"fact", "before", "after"}
    missing_added: list[str]
    missing_removed: list[str]

    @property
    def agreement_changed(self) -> bool:
        return self.agreement_before != self.agreement_after

    @property
    def changed(self) -> bool:
        return bool(
            self.outcome
            or self.actions_added
            or self.actions_removed
            or self.reasons_added
            or self.reasons_removed
            or self.agreement_changed
            or self.missing_added
            or self.missing_removed
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous_id": self.previous_id,
            "current_id": self.current_id,
            "changed": self.changed,
            "outcome": self.outcome,
            "actions": {"added": self.actions_added, "removed": self.actions_removed},
            "reasons": {"added": self.reasons_added, "removed": self.reasons_removed},
            "agreement_version": {
                "before": self.agreement_before,
                "after": self.agreement_after,
                "changed": self.agreement_changed,
            },
            "facts": self.facts,
            "missing_facts": {"added": self.missing_added, "removed": self.missing_removed},
        }


def _reason_key(reason: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        reason.get("dimension"),
        reason.get("action"),
        reason.get("rule"),
        reason.get("clause"),
    )


def diff_decisions(
    previous: ResponsibilityDecision, current: ResponsibilityDecision
) -> DecisionDiff:
    before, after = previous.outcome or {}, current.outcome or {}
    outcome = [
        {"dimension": dim, "before": before.get(dim, ""), "after": after.get(dim, "")}
        for dim in dict.fromkeys([*before, *after])
        if before.get(dim) != after.get(dim)
    ]
    old_reasons = {_reason_key(r): r for r in previous.reasons}
    new_reasons = {_reason_key(r): r for r in current.reasons}
    old_facts, new_facts = previous.facts_used or {}, current.facts_used or {}
    facts = [
        {"fact": name, "before": old_facts.get(name), "after": new_facts.get(name)}
        for name in FACTS
        if old_facts.get(name) != new_facts.get(name)
    ]
    return DecisionDiff(
        previous_id=previous.pk,
        current_id=current.pk,
        outcome=outcome,
        actions_added=[a for a in current.actions if a not in previous.actions],
        actions_removed=[a for a in previous.actions if a not in current.actions],
        reasons_added=[r for k, r in new_reasons.items() if k not in old_reasons],
        reasons_removed=[r for k, r in old_reasons.items() if k not in new_reasons],
        agreement_before=previous.agreement_version,
        agreement_after=current.agreement_version,
        facts=facts,
        missing_added=[f for f in current.missing_facts if f not in previous.missing_facts],
        missing_removed=[f for f in previous.missing_facts if f not in current.missing_facts],
    )


def redecide_intervention(
    actor: Any,
    intervention: Intervention,
    *,
    on: dt.date | None = None,
    why: str = "Ompröva ansvarsbeslut",
) -> tuple[ResponsibilityDecision, DecisionDiff | None]:
    """A new decision superseding the latest, and its difference from it (None if first)."""
    previous = intervention.latest_decision()
    current = decide_intervention(actor, intervention, on=on, why=why)
    return current, (diff_decisions(previous, current) if previous else None)


# --- tasks ------------------------------------------------------------------------------


def tasks_for_user(user: Any, *, include_done: bool = False) -> QuerySet[Task]:
    """The user's tasks: assigned to them, or unassigned in their unit (or to the whole
    organisation when the task names no unit). Due first."""
    profile = profile_of(user)
    if profile is None:
        return Task.objects.none()
    own = Q(assignee=user) | (
        Q(assignee__isnull=True, organisation_id=profile.organisation_id)
        & (Q(unit__isnull=True) | Q(unit_id=profile.unit_id))
    )
    tasks = Task.objects.filter(own)
    if not include_done:
        tasks = tasks.filter(status=TaskStatus.OPEN)
    return tasks.select_related(
        "person", "intervention", "organisation", "unit", "from_organisation"
    ).order_by("due", "created_at")


def task_for_user(actor: Any, task_id: Any) -> Task:
    """A task of the user's organisation, or Http404 (logged)."""
    user = access._user(actor)
    profile = profile_of(user)
    task = (
        Task.objects.select_related("person", "intervention", "organisation", "unit")
        .filter(pk=task_id)
        .first()
        if str(task_id).isdigit()
        else None
    )
    if task is None or profile is None or task.organisation_id != profile.organisation_id:
        record(actor, Action.ACCESS_DENIED, Task, task_id, why="Uppgift")
        raise Http404
    return task


@transaction.atomic
def complete_task(actor: Any, task: Task, *, note: str = "", why: str = "Uppgift klar") -> Task:
    """Mark a task of the user's organisation done."""
    user = access._user(actor)
    profile = profile_of(user)
    if profile is None or task.organisation_id != profile.organisation_id:
        raise PermissionDenied
    if profile.role not in access.READ_ROLES:
        raise PermissionDenied
    if task.status == TaskStatus.DONE:
        raise PeopleError("status", "already_done", "Uppgiften är redan klarmarkerad.")
    task.status = TaskStatus.DONE
    task.completed_at = timezone.now()
    task.completed_by = user
    if note.strip():
        task.note = (task.note + "\n" if task.note else "") + note.strip()
    task.save(update_fields=["status", "completed_at", "completed_by", "note"])
    record_change(actor, task.person, "people.task", why, obj_id=task.pk)
    return task


# --- FHIR import ------------------------------------------------------------------------


@transaction.atomic
def import_patient(
    actor: Any,
    data: Any,
    *,
    organisation: Organisation,
    unit: Unit | None = None,
    why: str = "FHIR-import av Patient",
) -> tuple[Person, bool]:
    """Create (or find) the person of a FHIR Patient and give `organisation` a care relation.

    `actor` may be None (a command run by an operator). Identifiers are validated by
    identity.py; a Patient without a Swedish person identifier is refused. Returns
    (person, created).
    """
    from samverkan.people.fhir import patient_from_fhir

    try:
        data_person = patient_from_fhir(data)
    except InvalidIdentifier as exc:
        raise _identifier_error(exc, "identifier") from None
    if not data_person.identifiers:
        raise PeopleError(
            "identifier",
            "missing",
            "Patienten saknar personnummer, samordningsnummer, LMA-nummer eller reservnummer.",
        )
    user = access._user(actor) if actor is not None else None
    identifiers = sorted(data_person.identifiers, key=lambda i: _RANK.index(i.system))
    existing = next((p for i in identifiers if (p := find_by_identifier(i)) is not None), None)
    created = existing is None
    if existing is None:
        municipality = data_person.municipality_code or ""
        if municipality and region_of_municipality(municipality) is None:
            municipality = ""
        person = Person.objects.create(
            given_name=" ".join(data_person.given),
            family_name=data_person.family or "",
            birth_date=data_person.birth_date or identifier_birth_date(identifiers[0]),
            sex=data_person.sex or identifier_sex(identifiers[0]) or "",
            home_municipality=municipality,
        )
        PersonIdentity.objects.create(
            person=person,
            system=identifiers[0].system.value,
            value=identifiers[0].value,
            is_primary=True,
        )
        for extra in identifiers[1:]:
            if find_by_identifier(extra) is None:
                _attach_identity(person, extra, None)
        if municipality:
            _open_fact(person, "municipality", municipality, None, why)
        record(actor, Action.CREATE, Person, person.pk, person_ref=person.ref, why=why)
    else:
        person = existing
    if not CareRelation.objects.filter(
        active_on(), person=person, organisation=organisation
    ).exists():
        relation = CareRelation.objects.create(
            person=person, organisation=organisation, unit=unit, created_by=user
        )
        record(actor, Action.CREATE, CareRelation, relation.pk, person_ref=person.ref, why=why)
    return person, created
