"""Import of FHIR Patient resources."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from samverkan.accounts.models import Organisation, Unit
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access, population_register
from samverkan.people.identity import (
    InvalidIdentifier,
)
from samverkan.people.identity import birth_date as identifier_birth_date
from samverkan.people.identity import sex as identifier_sex
from samverkan.people.models import (
    CareRelation,
    Person,
    PersonIdentity,
    active_on,
)
from samverkan.people.selectors import find_by_identifier
from samverkan.people.services._common import (
    PeopleError,
    _identifier_error,
    _open_fact,
)
from samverkan.people.services.persons import _RANK, _attach_identity
from samverkan.rules import region_of_municipality

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
        population_register.sync_person(person)  # protected identity from the register
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
