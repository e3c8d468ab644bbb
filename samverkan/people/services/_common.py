"""What every service module shares: the error type, fact lists and validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from samverkan.accounts.actors import require_actor
from samverkan.accounts.models import health_centres
from samverkan.accounts.services import profile_of
from samverkan.core.errors import Problem
from samverkan.people.identity import (
    IdSystem,
    InvalidIdentifier,
    PersonIdentifier,
    parse_identifier,
)
from samverkan.people.models import (
    FactRecord,
    Person,
)
from samverkan.rules import (
    FACTS,
    InvalidFacts,
    facts_to_json,
    region_of_municipality,
    validate_facts,
)


class PeopleError(Problem, ValueError):
    """A refused request: `field` (form/API field), stable `code`, Swedish `message`.

    HTTP 409 for the codes that say the person or identifier is already there, else 422.
    `extra` is for the views (e.g. the existing person's id), never sent by the API.
    """

    CONFLICT_CODES = frozenset(
        {"already_registered", "belongs_to_other", "already_added", "patient_mismatch"}
    )

    def __init__(self, field: str | None, code: str, message: str, **extra: Any) -> None:
        super().__init__(field, code, message, status=409 if code in self.CONFLICT_CODES else 422)
        self.extra = extra


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
        "psychiatric_care_area",
        "specialist_care_needed",
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
    if name == "listed_health_centre" and value not in dict(health_centres()):
        raise PeopleError(
            f"{field}.{name}" if field else name,
            "unknown_health_centre",
            "Listad på hälsocentral: välj en av regionernas hälsocentraler.",
        )
    return facts_to_json({name: typed[name]}).get(name, [] if FACTS[name].values else None)


def _profile_or_refuse(user: Any) -> Any:
    actor = require_actor(
        user, lambda: PeopleError(None, "no_profile", "Ditt konto saknar organisation och roll.")
    )
    return actor.profile


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


def _open_fact(
    person: Person, name: str, value: Any, user: Any, reason: str, valid_from: dt.date | None = None
) -> FactRecord:
    account = user if user is not None and getattr(user, "is_authenticated", False) else None
    profile = profile_of(account)
    return FactRecord.objects.create(
        person=person,
        name=name,
        value=value,
        valid_from=valid_from or timezone.localdate(),
        recorded_by=account,
        reason=reason,
        organisation_id=profile.organisation_id if profile else None,
        unit_id=profile.unit_id if profile else None,
        verksamhet=(profile.verksamhet or "") if profile else "",
    )


# An identifier of a better kind ends these (kept as history): a reservnummer is temporary,
# a samordningsnummer and an LMA-nummer give way to a personnummer.


def _age_on(person: Person, day: dt.date) -> int | None:
    born = person.birth_date
    if born is None or day < born:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
