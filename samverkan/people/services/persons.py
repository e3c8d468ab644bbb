"""Persons: registration, identities, care relations, search."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit, Verksamhet
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record, record_many
from samverkan.people import access, population_register
from samverkan.people.access import can_change, record_change
from samverkan.people.identity import (
    IdSystem,
    InvalidIdentifier,
    PersonIdentifier,
    other_reading,
    parse_identifier,
)
from samverkan.people.identity import birth_date as identifier_birth_date
from samverkan.people.identity import sex as identifier_sex
from samverkan.people.models import CareRelation, Person, PersonIdentity, active_on
from samverkan.people.selectors import find_by_identifier, person_refs, resolve_identifier
from samverkan.people.services._common import (
    PeopleError,
    _check_municipality,
    _open_fact,
    _parse,
    _profile_or_refuse,
)

#: The audit log's process for registering a care relation (the own log control filters on it).
CARE_RELATION_PROCESS = "vårdrelation"
REASON_MAX_LENGTH = 500


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PeopleError(
            field,
            "required",
            "Ange anledningen till vårdrelationen, t.ex. inskrivning i hemsjukvården eller en "
            "ansökan om bistånd. Anledningen syns vid loggkontroll.",
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise PeopleError(
            field, "too_long", f"Anledningen får vara högst {REASON_MAX_LENGTH} tecken."
        )
    return reason


def _require_confirmation(confirmed: bool, field: str = "confirm_care_relation") -> None:
    if not confirmed:
        raise PeopleError(
            field,
            "confirmation_required",
            "Bekräfta att personen är patient eller brukare hos din verksamhet. En registrering "
            "skapar en vårdrelation till din organisation och verksamhet.",
        )


def _require_verksamhet(profile: Any) -> str:
    verksamhet = profile.verksamhet
    if verksamhet is None:
        raise PeopleError(
            None,
            "no_verksamhet",
            "Din roll hör varken till hälso- och sjukvården eller socialtjänsten och kan inte "
            "ha vårdrelationer.",
        )
    return str(verksamhet)


def other_holders(person: Person | None, own_organisation_id: int) -> list[int]:
    """The other vårdgivare with an active care relation to the person (their log control
    sees a registration attempt or a search on their patient's number)."""
    if person is None:
        return []
    return sorted(
        set(
            CareRelation.objects.filter(active_on(), person=person.survivor())
            .exclude(organisation_id=own_organisation_id)
            .values_list("organisation_id", flat=True)
        )
    )


def record_for_owners(
    actor: Any,
    action: Action | str,
    obj_type: Any,
    obj_id: Any = "",
    *,
    person_ref: str,
    why: str,
    owners: list[int],
    process: str = "",
) -> None:
    """One audit event for the user's own log control, and one per other vårdgivare whose
    patient the event concerned (`owner=`), so that theirs sees it too."""
    record(actor, action, obj_type, obj_id, person_ref=person_ref, why=why, process=process)
    for owner in owners:
        record(
            actor,
            action,
            obj_type,
            obj_id,
            person_ref=person_ref,
            why=why,
            owner=owner,
            process=process,
        )


def _own_relation(person: Person, profile: Any) -> CareRelation | None:
    return CareRelation.objects.filter(
        active_on(),
        person=person.survivor(),
        organisation_id=profile.organisation_id,
        verksamhet=profile.verksamhet,
    ).first()


def _visible_before(user: Any, person: Person, profile: Any) -> bool:
    """Could the user see the person before registering it (a SIP with consent)? A relation
    of the own organisation's *other* verksamhet does not count (OSL 8 kap. 2 §: secrecy
    between health care and social services), whatever `can_see` says: the answer is then
    the same as for an unknown person."""
    if not access.can_see(user, person):
        return False
    return not (
        CareRelation.objects.filter(
            active_on(), person=person.survivor(), organisation_id=profile.organisation_id
        )
        .exclude(verksamhet=profile.verksamhet)
        .exists()
    )


def add_care_relation(
    actor: Any,
    person: Person,
    *,
    reason: str,
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    since: dt.date | None = None,
    why: str = "Registrera vårdrelation",
) -> CareRelation:
    """Register that the person is a patient/client of the user's own vårdgivare (its
    organisation) and verksamhet (`profile.verksamhet`: health care or social services),
    with a stated `reason`. Only for the user's own organisation and verksamhet: one cannot
    give another organisation or verksamhet access. Audited with process "vårdrelation"
    (the own log control sees it); an existing active relation is returned as it is.
    """
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    access.require_write_role(actor, why)
    verksamhet = _require_verksamhet(profile)
    reason = _require_reason(reason)
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
    verksamhet = profile.verksamhet or Verksamhet.HEALTH_CARE  # the user's own verksamhet
    relation = CareRelation.objects.filter(
        active_on(), person=person, organisation=organisation, unit=unit, verksamhet=verksamhet
    ).first()
    if relation is None:
        relation = CareRelation.objects.create(
            person=person,
            organisation=organisation,
            unit=unit,
            verksamhet=verksamhet,
            reason=reason,
            since=since or timezone.localdate(),
            created_by=user if user and user.is_authenticated else None,
        )
        record(
            actor,
            Action.CREATE,
            "people.carerelation",
            relation.pk,
            person_ref=person.ref,
            why=why,
            unit=unit,
            process=CARE_RELATION_PROCESS,
        )
    return relation


AMBIGUOUS_CENTURY = "ambiguous_century"


def century_warning(actor: Any, identifier: str) -> str | None:
    """A ten-digit number without "+" whose "+" reading (a century earlier, a person over
    100) is a person the actor may see: the warning to give instead of taking the younger
    reading silently. None when the actor may not see that person (no oracle) or the number
    has no such reading. One function for every path that takes a number from a user:
    registration (web and API), adding an identity, merging, FHIR import."""
    other = other_reading(identifier, today=timezone.localdate())
    if other is None or resolve_identifier(actor, other) is None:
        return None
    born = identifier_birth_date(other)
    return (
        f"Det finns en person född {born} med samma tio siffror. Menar du henne eller honom: "
        "skriv ÅÅMMDD+NNNN eller alla tolv siffror. Menar du en person född för under 100 år "
        "sedan: skriv alla tolv siffror (ÅÅÅÅMMDD-NNNN)."
    )


def refuse_ambiguous_century(actor: Any, identifier: str, field: str = "identifier") -> None:
    """Raise `ambiguous_century` (422) with :func:`century_warning`'s text, if any."""
    if message := century_warning(actor, identifier):
        raise PeopleError(field, AMBIGUOUS_CENTURY, message)


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
    reason: str = "",
    why: str = "Registrera person",
) -> tuple[Person, bool]:
    """Register a person with one identifier and a care relation to the user's own vårdgivare
    and verksamhet. Every registration is a declaration: `confirm_care_relation` must be true
    and `reason` stated (`confirmation_required`, `required`), whether the number is new or not.

    Returns (person, created), `created` meaning *new to the user*. The answer never tells
    whether the number exists where the user cannot see it (no existence oracle):
    - unknown number: the person is created (created=True);
    - a person the user cannot see (another vårdgivare's, or the own organisation's other
      verksamhet's): a care relation is added to it, exactly the side effects of a new
      registration (the user's stated home kommun is recorded as her own fact), created=True;
      nothing of the other's records opens by it;
    - a person the user already sees through a SIP: a care relation is added, created=False;
    - a person with an active care relation in the user's own organisation and verksamhet:
      PeopleError `already_registered` (409, extra `person_id`).
    Every attempt is audited, refused ones too (`access_denied`), with `owner=` for each
    other vårdgivare holding the person. Birth date and sex are taken from a
    personnummer/samordningsnummer when not given.
    """
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    access.require_write_role(actor, why)
    refuse_ambiguous_century(actor, identifier)
    parsed = _parse(identifier, id_system, "identifier")
    existing = find_by_identifier(parsed)
    owners = other_holders(existing, profile.organisation_id)
    person_ref = existing.ref if existing is not None else parsed.value
    try:
        with transaction.atomic():
            person, created, relation = _register(
                actor,
                user,
                profile,
                parsed,
                existing,
                given_name=given_name,
                family_name=family_name,
                birth_date=birth_date,
                sex=sex,
                home_municipality=home_municipality,
                confirm_care_relation=confirm_care_relation,
                reason=reason,
                why=why,
            )
    except PeopleError:
        record_for_owners(
            actor,
            Action.ACCESS_DENIED,
            Person,
            person_ref=person_ref,
            why=f"{why}: inte registrerad",
            owners=owners,
            process=CARE_RELATION_PROCESS,
        )
        raise
    for owner in owners:  # their patient got a care relation at another vårdgivare
        record(
            actor,
            Action.CREATE,
            "people.carerelation",
            relation.pk,
            person_ref=person.ref,
            why=f"{why}: vårdrelation hos annan vårdgivare",
            owner=owner,
            process=CARE_RELATION_PROCESS,
        )
    return person, created


def _register(
    actor: Any,
    user: Any,
    profile: Any,
    parsed: PersonIdentifier,
    existing: Person | None,
    *,
    given_name: str,
    family_name: str,
    birth_date: dt.date | None,
    sex: str,
    home_municipality: str,
    confirm_care_relation: bool,
    reason: str,
    why: str,
) -> tuple[Person, bool, CareRelation]:
    # Everything that can refuse is checked before the answer depends on `existing`.
    given_name, family_name = given_name.strip(), family_name.strip()
    if not (given_name or family_name):
        raise PeopleError("family_name", "required", "Ange förnamn eller efternamn.")
    home_municipality = _check_municipality(home_municipality)
    if sex and sex not in ("female", "male", "other", "unknown"):
        raise PeopleError("sex", "invalid_choice", "Ogiltigt kön: kvinna, man, annat eller okänt.")
    _require_confirmation(confirm_care_relation)
    reason = _require_reason(reason)
    _require_verksamhet(profile)
    account = user if user and user.is_authenticated else None

    if existing is not None:
        if _own_relation(existing, profile) is not None:
            raise PeopleError(
                "identifier",
                "already_registered",
                "Personen finns redan och din verksamhet har en vårdrelation till den.",
                person_id=str(existing.pk),
            )
        created = not _visible_before(user, existing, profile)
        relation = add_care_relation(actor, existing, reason=reason, why=f"{why}: vårdrelation")
        if (
            home_municipality
            and not existing.fact_records.filter(
                name="municipality", valid_to__isnull=True
            ).exists()
        ):  # one current value per fact and person
            _open_fact(existing, "municipality", home_municipality, account, "Vid registrering")
        return existing, created, relation

    stated_birth = identifier_birth_date(parsed)
    person = Person.objects.create(
        given_name=given_name,
        family_name=family_name,
        birth_date=birth_date or stated_birth,
        sex=sex or identifier_sex(parsed) or "",
        home_municipality=home_municipality,
        created_by=account,
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
    relation = add_care_relation(actor, person, reason=reason, why=f"{why}: vårdrelation")
    if home_municipality:
        _open_fact(person, "municipality", home_municipality, account, "Vid registrering")
    return person, True, relation


def registered_view(
    person: Person,
    *,
    identifier: str,
    id_system: Any = None,
    given_name: str = "",
    family_name: str = "",
    birth_date: dt.date | None = None,
    sex: str = "",
    home_municipality: str = "",
) -> dict[str, Any]:
    """The answer to a registration: the registration as the user made it (names, birth
    date and sex as she stated them or as the number gives them, her home kommun, the
    identity she registered), laid over the person's id. So a number held where she could not
    see it answers exactly as a new one: nothing of what another vårdgivare recorded (its
    spelling of the name, its facts, its other identities) is in the answer."""
    parsed = _parse(identifier, id_system, "identifier")
    municipality = (home_municipality or "").strip()
    identities = [
        i for i in person.identities.all() if i.value == parsed.value and i.ended_on is None
    ]
    return {
        "given_name": given_name.strip(),
        "family_name": family_name.strip(),
        "birth_date": birth_date or identifier_birth_date(parsed),
        "sex": sex or identifier_sex(parsed) or "",
        "home_municipality": municipality,
        "merged_into_id": None,
        "registered_facts": {"municipality": municipality} if municipality else {},
        "registered_identities": identities,
        "primary_identity": identities[0] if identities else None,
    }


_ENDED_BY = {
    IdSystem.personnummer: {IdSystem.samordningsnummer, IdSystem.reservnummer, IdSystem.lma},
    IdSystem.samordningsnummer: {IdSystem.reservnummer},
    IdSystem.lma: set(),
    IdSystem.reservnummer: set(),
}
_RANK = [IdSystem.personnummer, IdSystem.samordningsnummer, IdSystem.reservnummer, IdSystem.lma]


def _make_room(person: Person, system: IdSystem, *, keep: PersonIdentity | None = None) -> bool:
    """End the person's identities a number of `system` ends (a personnummer ends the
    samordningsnummer, LMA-nummer and reservnummer) and say whether it becomes primary."""
    today = timezone.localdate()
    ended = _ENDED_BY[system]
    active = [i for i in person.identities.filter(ended_on__isnull=True) if i != keep]
    best_active = min((_RANK.index(IdSystem(i.system)) for i in active), default=len(_RANK))
    becomes_primary = _RANK.index(system) < best_active or not any(
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
    return becomes_primary


def _attach_identity(
    person: Person, parsed: PersonIdentifier, user: Any, field: str = "identifier"
) -> PersonIdentity:
    becomes_primary = _make_room(person, parsed.system)
    return PersonIdentity.objects.create(
        person=person,
        system=parsed.system.value,
        value=parsed.value,
        is_primary=becomes_primary,
        added_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )


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
    history, `ended_on` today) and becomes primary. A number on another record the user
    sees is refused (`belongs_to_other`: merge the two instead); one on a record of another
    vårdgivare she cannot see answers as an unused number would, and the records are joined.
    """
    user = access._user(actor)
    if not can_change(user, person):
        raise PermissionDenied
    refuse_ambiguous_century(actor, identifier)
    parsed = _parse(identifier, id_system, "identifier")
    holder = find_by_identifier(parsed)
    if holder is not None:
        if holder.pk == person.pk:
            raise PeopleError(
                "identifier", "already_added", "Numret finns redan registrerat på personen."
            )
        if access.can_see(user, holder):
            # She sees the other record: nothing is revealed by saying so.
            record(
                actor,
                Action.ACCESS_DENIED,
                "people.personidentity",
                person_ref=holder.ref,
                why=f"{why}: numret finns på en annan post",
            )
            raise PeopleError(
                "identifier",
                "belongs_to_other",
                "Numret tillhör en annan person i Samverkan. Sammanför personerna i stället.",
            )
        # Another vårdgivare's record holds the number: the user's answer is the same as
        # for an unused number (no existence oracle, as on registration), and the two
        # records of one person become one. Nothing of the other record is copied into
        # what she sees (access stays per vårdgivare and verksamhet); its owners' log
        # control sees the join (`owner=`).
        return _join_held_number(actor, user, person, holder, parsed, why)
    with transaction.atomic():
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


def _join_held_number(
    actor: Any, user: Any, person: Person, holder: Person, parsed: PersonIdentifier, why: str
) -> PersonIdentity:
    from samverkan.people.services.merge import move_records  # merge imports this module

    profile = profile_of(user)
    owners = other_holders(holder, profile.organisation_id) if profile else []
    holder_ref = holder.ref
    with transaction.atomic():
        old_ref = person.ref
        move_records(holder, person, user, fill_person_fields=False, shown=False)
        identity = person.identities.get(system=parsed.system.value, value=parsed.value)
        identity.is_primary = _make_room(person, parsed.system, keep=identity)
        identity.ended_on = None
        # As the user added it now (the first addition stays in the audit log).
        identity.added_on = timezone.localdate()
        identity.added_by = user if getattr(user, "is_authenticated", False) else None
        identity.save(update_fields=["is_primary", "ended_on", "added_on", "added_by"])
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
        for owner in owners:  # their patient's record was joined with another's
            record(
                actor,
                Action.UPDATE,
                Person,
                holder.pk,
                person_ref=holder_ref,
                why=f"{why}: posten sammanfördes med en annan vårdgivares post för samma nummer",
                owner=owner,
                process=CARE_RELATION_PROCESS,
            )
    return identity


# Other apps move their own rows to the surviving person: hook(source, target, user).


def search_persons(actor: Any, query: str, *, why: str = "Sök person") -> list[Person]:
    """Persons matching `query`: an exact identifier among the persons the user may see
    (`selectors.resolve_identifier`: a number held where the user cannot see it answers as an
    unused one), otherwise a name within the own organisation.

    Audited: an identifier search with the number as person_ref (and, when it belongs to
    another vårdgivare's patient the user cannot see, once more with `owner=` for each of
    them); a name search with one event per person shown (none shown: one event without a
    person).
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
        found = resolve_identifier(user, parsed)
        holder = find_by_identifier(parsed) if found is None else None
        profile = profile_of(user)
        owners = (
            other_holders(holder, profile.organisation_id) if holder is not None and profile else []
        )
        record_for_owners(
            actor,
            Action.SEARCH,
            Person,
            person_ref=found.ref if found is not None else parsed.value,
            why=f"{why}: identitet ({1 if found else 0} träffar)",
            owners=owners,
        )
        return [found] if found is not None else []
    terms = query.split()
    persons = access.own_persons(user)
    for term in terms[:4]:
        persons = persons.filter(Q(given_name__icontains=term) | Q(family_name__icontains=term))
    result = list(persons.prefetch_related("identities")[:50])
    why = f"{why}: namn ({len(result)} träffar)"
    if result:
        refs = person_refs([p.pk for p in result])
        record_many(
            actor, Action.SEARCH, Person, "", person_refs=[refs[p.pk] for p in result], why=why
        )
    else:
        record(actor, Action.SEARCH, Person, why=why)
    return result
