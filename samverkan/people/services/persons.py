"""Persons: registration, identities, care relations, search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access, population_register
from samverkan.people.access import can_change, record_change
from samverkan.people.identity import (
    IdSystem,
    InvalidIdentifier,
    PersonIdentifier,
    parse_identifier,
)
from samverkan.people.identity import birth_date as identifier_birth_date
from samverkan.people.identity import sex as identifier_sex
from samverkan.people.models import CareRelation, Person, PersonIdentity, active_on
from samverkan.people.selectors import find_by_identifier
from samverkan.people.services._common import (
    PeopleError,
    _check_municipality,
    _open_fact,
    _parse,
    _profile_or_refuse,
)


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
    population_register.sync_person(person)  # protected identity from the register
    add_care_relation(actor, person, why=f"{why}: vårdrelation")
    if home_municipality:
        _open_fact(person, "municipality", home_municipality, person.created_by, "Vid registrering")
    return person, True


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
