"""The one door for personal data: who may see which person, and the audit of every look.

Every view, API endpoint and service that reads or changes a person goes through here.

Visibility: staff see the persons their own organisation has an active care relation with
(`CareRelation`, today within since–until). Other apps widen it without editing this file
by appending to `EXTRA_VISIBILITY` a callable `user -> Q` over `Person`, e.g. the SIP app:

    from samverkan.people.access import EXTRA_VISIBILITY
    EXTRA_VISIBILITY.append(lambda user: Q(sips__participants__organisation=…, …))

Roles: the care roles and finance officers may read persons (`READ_ROLES`); care roles may
change them (`WRITE_ROLES`); forum members and administrators see no personal data here
(administrators follow up the audit log instead). A user with no such role gets 403, a
person that is not visible (or does not exist) is a 404, so that a refusal does not tell
whether the person exists. Denials are logged (`access_denied`) with the person reference.

Superusers are technical administrators: they get no access to persons by that alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from samverkan.accounts.actors import ActorLike, role_of, user_of
from samverkan.accounts.models import Role
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people.models import (
    AccessBlock,
    AccessBlockKind,
    CareRelation,
    IdentityProtection,
    Person,
    active_on,
)
from samverkan.people.withholding import (
    PROTECTED_MARKER,
    WITHHELD_TEXT,
    contact_text,
    mark_protection,
    withhold_contact,
)

__all__ = [
    "EXTRA_VISIBILITY",
    "PROTECTED_MARKER",
    "WITHHELD_TEXT",
    "contact_text",
    "mark_protection",
    "withhold_contact",
    "READ_ROLES",
    "WRITE_ROLES",
    "can_change",
    "can_see",
    "get_person_for",
    "has_read_role",
    "has_write_role",
    "internally_blocked_units",
    "is_protected",
    "protected_person_ids",
    "shared_blocked",
    "own_persons",
    "persons_visible_to",
    "record_change",
    "record_view",
    "require_read_role",
    "require_write_role",
]

# Who may read persons at all (their own organisation's, and what EXTRA_VISIBILITY adds).
READ_ROLES: frozenset[str] = frozenset(
    {
        Role.NURSE,
        Role.PHYSICIAN,
        Role.OCCUPATIONAL_THERAPIST,
        Role.PHYSIOTHERAPIST,
        Role.NEEDS_ASSESSOR,
        Role.SIP_COORDINATOR,
        Role.MAS,
        Role.CHIEF_PHYSICIAN,
        Role.FINANCE_OFFICER,
    }
)
# Who may register persons, facts, interventions, decisions and tasks.
WRITE_ROLES: frozenset[str] = READ_ROLES - {Role.FINANCE_OFFICER}

VisibilityHook = Callable[[Any], Q]
# Extra visibility for other apps (SIP: participating organisation with consent). Each hook
# gets the user (with a staff profile and a read role) and returns a Q over Person.
EXTRA_VISIBILITY: list[VisibilityHook] = []

Actor = (
    ActorLike  # a request (which also gives the IP address to the audit log), a user or an Actor
)


def _user(actor: Actor) -> Any:
    return user_of(actor)


def _role(user: Any) -> str | None:
    return role_of(user)


def has_read_role(user: Any) -> bool:
    return _role(user) in READ_ROLES


def has_write_role(user: Any) -> bool:
    return _role(user) in WRITE_ROLES


def require_read_role(actor: Actor, why: str = "") -> None:
    """PermissionDenied (logged) unless the user's role may read persons at all."""
    if not has_read_role(_user(actor)):
        record(actor, Action.ACCESS_DENIED, Person, why=why or "Personer: roll saknar åtkomst")
        raise PermissionDenied


def require_write_role(actor: Actor, why: str = "") -> None:
    """PermissionDenied (logged) unless the user's role may change persons."""
    if not has_write_role(_user(actor)):
        record(actor, Action.ACCESS_DENIED, Person, why=why or "Personer: roll får inte ändra")
        raise PermissionDenied


def own_persons(user: Any) -> QuerySet[Person]:
    """Persons with an active care relation to the user's organisation (not merged)."""
    profile = profile_of(user)
    if profile is None or profile.role not in READ_ROLES:
        return Person.objects.none()
    related = CareRelation.objects.filter(active_on(), organisation_id=profile.organisation_id)
    return Person.objects.active().filter(pk__in=related.values("person_id"))


def persons_visible_to(user: Any) -> QuerySet[Person]:
    """Every (not merged) person the user may see: own organisation + EXTRA_VISIBILITY."""
    user = _user(user)
    profile = profile_of(user)
    if profile is None or profile.role not in READ_ROLES:
        return Person.objects.none()
    related = CareRelation.objects.filter(active_on(), organisation_id=profile.organisation_id)
    q = Q(pk__in=related.values("person_id"))
    for hook in EXTRA_VISIBILITY:
        q |= hook(user)
    # A subquery, so that hooks joining to-many relations cannot duplicate rows.
    matching = Person.objects.filter(q).values("pk")
    return Person.objects.active().filter(pk__in=matching)


def can_see(user: Any, person: Person) -> bool:
    """True if the user may see this person (a merged record: if they may see the survivor)."""
    survivor = person.survivor()
    return persons_visible_to(user).filter(pk=survivor.pk).exists()


def can_change(user: Any, person: Person) -> bool:
    """May change: a write role, and the person is one of the own organisation's.

    Visibility through EXTRA_VISIBILITY (a SIP) is for reading only.
    """
    user = _user(user)
    if not has_write_role(user):
        return False
    return own_persons(user).filter(pk=person.survivor().pk).exists()


def _as_uuid(person_id: Any) -> uuid.UUID | None:
    if isinstance(person_id, uuid.UUID):
        return person_id
    try:
        return uuid.UUID(str(person_id))
    except (TypeError, ValueError, AttributeError):
        return None


def get_person_for(
    actor: Actor, person_id: Any, *, why: str, change: bool = False, audit: bool = True
) -> Person:
    """The person, if the user may see it (or change it, with `change=True`).

    Records an audit `view` (person_ref = the person's reference, `why` the purpose) unless
    `audit=False` (the caller records a more precise event itself). A merged record is
    returned as is; callers show or redirect to `person.survivor()`.
    Raises PermissionDenied when the user's role gives no access to persons (403), Http404
    when the person does not exist or is not visible (both logged as `access_denied`).
    """
    user = _user(actor)
    if change:
        require_write_role(actor, why)
    else:
        require_read_role(actor, why)
    pk = _as_uuid(person_id)
    person = Person.objects.filter(pk=pk).first() if pk else None
    if person is None:
        record(actor, Action.ACCESS_DENIED, Person, pk or "", why=why)
        raise Http404
    allowed = can_change(user, person) if change else can_see(user, person)
    if not allowed:
        record(actor, Action.ACCESS_DENIED, Person, person.pk, person_ref=person.ref, why=why)
        raise Http404
    if audit:
        record(actor, Action.VIEW, Person, person.pk, person_ref=person.ref, why=why)
    return person


def record_view(actor: Actor, person: Person, what: str, why: str, obj_id: Any = "") -> None:
    """Audit a read of personal data about `person` (e.g. an API list of its decisions)."""
    record(actor, Action.VIEW, what, obj_id or person.pk, person_ref=person.ref, why=why)


def record_change(
    actor: Actor,
    person: Person,
    what: str,
    why: str,
    *,
    obj_id: Any = "",
    action: Action | str = Action.UPDATE,
) -> None:
    """Audit a change of personal data about `person`. `what` is the object type (e.g.
    "people.factrecord"), `why` the purpose; never put identifiers or names in `why`."""
    record(actor, action, what, obj_id or person.pk, person_ref=person.ref, why=why)


# --- Spärr (PDL 4 kap. 4 §, 6 kap. 2 §) and protected identities -------------------------


def _active_blocks(person: Person) -> QuerySet[AccessBlock]:
    from django.utils import timezone

    return AccessBlock.objects.filter(
        person=person.survivor(), lifted_at__isnull=True, since__lte=timezone.now()
    )


def shared_blocked(person: Person, owner: Any) -> bool:
    """True if the person has blocked `owner`'s (an Organisation or its pk) data from other
    vårdgivare (PDL 6 kap. 2 §): nothing of it reaches another vårdgivare through a SIP,
    discharge planning or emergency access, whatever the consent says about the rest."""
    owner_id = getattr(owner, "pk", owner)
    return (
        _active_blocks(person)
        .filter(kind=AccessBlockKind.SHARED, organisation_id=owner_id)
        .exists()
    )


def internally_blocked_units(person: Person, organisation: Any) -> set[int]:
    """The units of `organisation` whose data the person has blocked from the vårdgivare's
    other units and processes (inre spärr, PDL 4 kap. 4 §)."""
    organisation_id = getattr(organisation, "pk", organisation)
    return set(
        _active_blocks(person)
        .filter(kind=AccessBlockKind.INTERNAL, organisation_id=organisation_id, unit__isnull=False)
        .values_list("unit_id", flat=True)
    )


def is_protected(person: Person) -> bool:
    """True if the person has sekretessmarkering or skyddad folkbokföring (recorded by staff
    or read from the population register): address, phone and meeting place are withheld from
    everything others receive."""
    return IdentityProtection.objects.filter(
        person=person.survivor(), ended_at__isnull=True
    ).exists()


def protected_person_ids(person_ids: Any) -> set[Any]:
    """Of these person ids, the ones with an active protected identity (one query)."""
    return set(
        IdentityProtection.objects.filter(
            person_id__in=list(person_ids), ended_at__isnull=True
        ).values_list("person_id", flat=True)
    )
