"""Protected identities: the one rule for whether a person's address, phone and meeting place
may appear in an output, and what to write instead.

A person has a protected identity when an active `IdentityProtection` says so:
sekretessmarkering (offentlighets- och sekretesslagen 2009:400, 22 kap. 1 §) or skyddad
folkbokföring (folkbokföringslagen 1991:481, 16 §), marked by staff or read from the
population register (`people.population_register`). Every output that shows where a person
lives or can be met, or how they can be reached, asks this module first:

    from samverkan.people.access import withhold_contact, contact_text, WITHHELD_TEXT

    if withhold_contact(person):              # a file that leaves the system
        ...
    contact_text(place, person, viewer=request.user, owner=sip.initiated_by_organisation)

The rule:

- An output that leaves Samverkan (PDF, FHIR export, calendar file, mail, invoice attachment):
  `viewer=None`. For a protected person the value never appears there; it is replaced by
  `WITHHELD_TEXT` ("Lämnas inte ut – skyddad identitet") or, in a structured format, left out
  with a marker of its own (FHIR: the data-absent-reason extension, code `masked`).
- A page or API answer inside Samverkan: `viewer` is the user and `owner` the vårdgivare that
  recorded the value (e.g. the organisation that chose the SIP meeting place). Staff of that
  vårdgivare see it; everyone else (participants of a SIP, other vårdgivare) gets
  `WITHHELD_TEXT` and has to ask the owner, who judges what may be disclosed (OSL 22 kap. 1 §).
- Both kinds of protection withhold the same things. Skyddad folkbokföring hides where the
  person lives by law; a sekretessmarkering tells every authority that a disclosure needs a
  secrecy assessment first, which no automatic output can make, so nothing is disclosed
  automatically either way.

Calendar files (.ics) and mail (kallelser, reminders) do not exist yet (issue 13): when they
are added they must take the meeting place through `contact_text(..., viewer=None)`, and must
not put the person's name or address in a subject line either.

Pages also show `PROTECTED_MARKER` ("Skyddad identitet") next to a protected person's name
(the `{% protection_marker person %}` tag in `people/templatetags/protection.py`), so that
staff take care in what they say and send.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from samverkan.accounts.services import profile_of
from samverkan.people.models import IdentityProtection, Person

__all__ = [
    "PROTECTED_MARKER",
    "WITHHELD_TEXT",
    "contact_text",
    "is_protected_person",
    "mark_protection",
    "protected_ids",
    "viewer_is_owner",
    "withhold_contact",
]

WITHHELD_TEXT = "Lämnas inte ut – skyddad identitet"
PROTECTED_MARKER = "Skyddad identitet"

_CACHE_ATTR = "_samverkan_is_protected"


def _is_protected(person: Person) -> bool:
    """One query, unless a list page set the flag on the instance (`mark_protection`)."""
    cached = getattr(person, _CACHE_ATTR, None)
    if cached is not None:
        return bool(cached)
    return IdentityProtection.objects.filter(
        person=person.survivor(), ended_at__isnull=True
    ).exists()


def is_protected_person(person: Person | None) -> bool:
    """True if the person has an active protected identity (the marker on pages)."""
    return person is not None and _is_protected(person)


def protected_ids(person_ids: Iterable[Any]) -> set[Any]:
    """Of these person ids, those with an active protected identity (one query), for lists."""
    ids = list(person_ids)
    if not ids:
        return set()
    return set(
        IdentityProtection.objects.filter(person_id__in=ids, ended_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )


def mark_protection(persons: Iterable[Person]) -> None:
    """Set the cached flag on many persons at once (a list page), so that the template tag
    and `withhold_contact` ask no query per person."""
    persons = list(persons)
    found = protected_ids(p.pk for p in persons)
    for person in persons:
        setattr(person, _CACHE_ATTR, person.pk in found)


def viewer_is_owner(viewer: Any, owner: Any) -> bool:
    """True if `viewer` (a user) is staff of `owner` (an Organisation or its pk)."""
    if viewer is None or owner is None:
        return False
    profile = profile_of(viewer)
    return profile is not None and profile.organisation_id == getattr(owner, "pk", owner)


def withhold_contact(person: Person | None, *, viewer: Any = None, owner: Any = None) -> bool:
    """True if the person's address, phone and meeting place must not appear in this output.

    `viewer=None`: an output that leaves the system (withheld for every protected person).
    `viewer`, `owner`: a page or API answer; shown to staff of `owner` only.
    """
    if person is None or not _is_protected(person):
        return False
    return not viewer_is_owner(viewer, owner)


def withhold_home_municipality(person: Person, viewer: Any) -> bool:
    """True if the viewer must not see a protected person's home kommun (where the person
    lives): only staff of the vårdgivare that registered the person see it. Another
    vårdgivare's care relation, SIP or emergency access does not open it."""
    registrar = profile_of(person.created_by) if person.created_by_id else None
    return withhold_contact(
        person, viewer=viewer, owner=registrar.organisation_id if registrar else None
    )


def contact_text(
    value: str | None, person: Person | None, *, viewer: Any = None, owner: Any = None
) -> str:
    """The value as it may appear: itself, or `WITHHELD_TEXT` for a protected person. An empty
    value stays empty (nothing to withhold, and no hint that there was something)."""
    if not value:
        return ""
    if withhold_contact(person, viewer=viewer, owner=owner):
        return WITHHELD_TEXT
    return value
