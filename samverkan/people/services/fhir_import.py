"""Import of FHIR Patient resources: exactly the rules of a registration."""

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
    Person,
    PersonIdentity,
)
from samverkan.people.selectors import find_by_identifier
from samverkan.people.services._common import (
    PeopleError,
    _identifier_error,
    _open_fact,
    _profile_or_refuse,
)
from samverkan.people.services.persons import (
    _RANK,
    CARE_RELATION_PROCESS,
    _attach_identity,
    _own_relation,
    _require_confirmation,
    _require_reason,
    _require_verksamhet,
    _visible_before,
    add_care_relation,
    other_holders,
    record_for_owners,
    refuse_ambiguous_century,
)
from samverkan.rules import region_of_municipality

# --- FHIR import ------------------------------------------------------------------------

_SEX_LABELS = {"female": "kvinna", "male": "man", "other": "annat", "unknown": "okänt"}


def record_refusals(error: PeopleError) -> None:
    """Write the audit events of a refused import again after the transaction that held
    them was rolled back (a Bundle is all or nothing): a refused attempt stays logged."""
    for args, kwargs in error.extra.pop("audit", []):
        record_for_owners(*args, **kwargs)


def import_patient(
    actor: Any,
    data: Any,
    *,
    confirm_care_relation: bool = False,
    reason: str = "",
    organisation: Organisation | None = None,
    unit: Unit | None = None,
    why: str = "FHIR-import av Patient",
) -> tuple[Person, bool]:
    """Create (or find) the person of a FHIR Patient and give the user's own vårdgivare and
    verksamhet a care relation: the registration's rules (`persons.create_person`): a role
    that may register persons, `confirm_care_relation` and a `reason`, `organisation` (if
    given) the user's own.

    Returns (person, created), `created` meaning *new to the user*: a Patient whose
    identifier belongs to a person the user cannot see answers exactly as an unknown one
    (created=True, only a care relation of her own is added; nothing of the other's opens).
    A Patient that contradicts its own identifier (birth date, sex) is refused whatever
    exists (`patient_inconsistent`); one that matches a person the user sees but disagrees
    with the recorded birth date or sex is reported (`patient_mismatch`, 409), not matched.
    Identifiers are validated by identity.py; a Patient without a Swedish person identifier
    is refused. Every attempt is audited, refused ones too (see `record_refusals`).
    """
    from samverkan.people.fhir import Patient, _load, patient_from_fhir

    user = access._user(actor)
    profile = _profile_or_refuse(user)
    access.require_write_role(actor, why)
    for given in _load(Patient, data).get("identifier", []):  # a ten-digit value, as typed
        refuse_ambiguous_century(actor, str(given.get("value") or ""))
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
    identifiers = sorted(data_person.identifiers, key=lambda i: _RANK.index(i.system))
    existing = next((p for i in identifiers if (p := find_by_identifier(i)) is not None), None)
    owners = other_holders(existing, profile.organisation_id)
    person_ref = existing.ref if existing is not None else identifiers[0].value
    try:
        with transaction.atomic():
            person, created, relation = _import(
                actor,
                user,
                profile,
                data_person,
                identifiers,
                existing,
                confirm_care_relation=confirm_care_relation,
                reason=reason,
                organisation=organisation,
                unit=unit,
                why=why,
            )
    except PeopleError as error:
        event = (
            (actor, Action.ACCESS_DENIED, Person),
            {
                "person_ref": person_ref,
                "why": f"{why}: inte importerad",
                "owners": owners,
                "process": CARE_RELATION_PROCESS,
            },
        )
        record_for_owners(*event[0], **event[1])  # type: ignore[arg-type]
        error.extra.setdefault("audit", []).append(event)
        raise
    if relation is not None:
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


def _check_consistent(data_person: Any, identifiers: list[Any]) -> None:
    """The Patient's birth date and sex against what its own identifiers say (no lookup)."""
    for identifier in identifiers:
        born = identifier_birth_date(identifier)
        if data_person.birth_date and born and data_person.birth_date != born:
            raise PeopleError(
                "birthDate",
                "patient_inconsistent",
                "Patientens födelsedatum stämmer inte med identitetsnumret.",
            )
        sex = identifier_sex(identifier)
        if data_person.sex in ("female", "male") and sex and data_person.sex != sex:
            raise PeopleError(
                "gender",
                "patient_inconsistent",
                "Patientens kön stämmer inte med identitetsnumret.",
            )


def _check_matches(data_person: Any, person: Person) -> None:
    """A Patient that matches a person the user sees must agree with what is recorded."""
    differences = []
    if data_person.birth_date and person.birth_date and data_person.birth_date != person.birth_date:
        differences.append("födelsedatum")
    known = ("female", "male")
    if data_person.sex in known and person.sex in known and data_person.sex != person.sex:
        differences.append("kön")
    if differences:
        raise PeopleError(
            "patient",
            "patient_mismatch",
            "Patienten har samma identitetsnummer som en person ni redan har, men "
            + " och ".join(differences)
            + " skiljer sig från det registrerade. Kontrollera uppgifterna; inget importerades.",
        )


def _import(
    actor: Any,
    user: Any,
    profile: Any,
    data_person: Any,
    identifiers: list[Any],
    existing: Person | None,
    *,
    confirm_care_relation: bool,
    reason: str,
    organisation: Organisation | None,
    unit: Unit | None,
    why: str,
) -> tuple[Person, bool, Any]:
    # Everything that can refuse without telling what exists comes first.
    _require_confirmation(confirm_care_relation)
    reason = _require_reason(reason)
    _require_verksamhet(profile)
    _check_consistent(data_person, identifiers)
    municipality = data_person.municipality_code or ""
    if municipality and region_of_municipality(municipality) is None:
        municipality = ""
    account = user if user is not None and user.is_authenticated else None

    def relate(person: Person) -> Any:
        return add_care_relation(
            actor,
            person,
            reason=reason,
            organisation=organisation,
            unit=unit,
            why=f"{why}: vårdrelation",
        )

    if existing is not None:
        own = _own_relation(existing, profile)
        visible = own is not None or _visible_before(user, existing, profile)
        if visible:
            _check_matches(data_person, existing)
        if own is not None:  # already hers: nothing changes, the look-up is logged
            record(
                actor,
                Action.SEARCH,
                Person,
                existing.pk,
                person_ref=existing.ref,
                why=f"{why}: fanns redan",
                process=CARE_RELATION_PROCESS,
            )
            return existing, False, None
        relation = relate(existing)
        if (
            municipality
            and not existing.fact_records.filter(
                name="municipality", valid_to__isnull=True
            ).exists()
        ):  # one current value per fact and person
            _open_fact(existing, "municipality", municipality, account, why)
        return existing, not visible, relation

    person = Person.objects.create(
        given_name=" ".join(data_person.given),
        family_name=data_person.family or "",
        birth_date=data_person.birth_date or identifier_birth_date(identifiers[0]),
        sex=data_person.sex or identifier_sex(identifiers[0]) or "",
        home_municipality=municipality,
        created_by=account,
    )
    PersonIdentity.objects.create(
        person=person,
        system=identifiers[0].system.value,
        value=identifiers[0].value,
        is_primary=True,
        added_by=account,
    )
    for extra in identifiers[1:]:
        if find_by_identifier(extra) is None:
            _attach_identity(person, extra, account)
    record(actor, Action.CREATE, Person, person.pk, person_ref=person.ref, why=why)
    population_register.sync_person(person)  # protected identity from the register
    relation = relate(person)
    if municipality:
        _open_fact(person, "municipality", municipality, account, why)
    return person, True, relation
