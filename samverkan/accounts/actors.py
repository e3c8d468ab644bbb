"""Who acts: one `Actor` type and one role lookup for every app.

    actor = actor_for(request)        # a request, a user or an Actor; None without a profile
    actor = require_actor(request)    # the same, or PermissionDenied (or the error you pass)
    if actor.role in WRITE_ROLES and actor.organisation == record.organisation: ...

An `Actor` is the staff member as the system sees them now: the user, their organisation,
unit and role (from their StaffProfile). Services take "an actor" as a request, a user or an
`Actor` (`ActorLike`); `user_of` gives the user of any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from samverkan.accounts.models import Organisation, Role, StaffProfile, Unit, is_licensed
from samverkan.accounts.services import profile_of

__all__ = [
    "Actor",
    "ActorLike",
    "actor_for",
    "organisation_of",
    "require_actor",
    "role_of",
    "user_of",
]

# A request (its user acts), a user, an Actor, or None (nobody).
ActorLike = Any


@dataclass(frozen=True, eq=False)
class Actor:
    """User, organisation, unit and role. Organisation and unit are read from the profile
    when first asked for (a role check needs no query of its own)."""

    user: Any  # the Django user (samverkan has no user model of its own)
    role: Role
    profile: StaffProfile

    @property
    def organisation(self) -> Organisation:
        return self.profile.organisation

    @property
    def unit(self) -> Unit | None:
        return self.profile.unit

    @property
    def licensed(self) -> bool:
        """Legitimerad hälso- och sjukvårdspersonal."""
        return is_licensed(self.role)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def user_of(actor: ActorLike) -> Any:
    """The user behind a request, an Actor or a user (None stays None)."""
    if isinstance(actor, HttpRequest):
        return getattr(actor, "user", None)  # requests built by hand may have no user
    if isinstance(actor, Actor):
        return actor.user
    return actor


def actor_for(who: ActorLike) -> Actor | None:
    """The Actor of a request, a user or an Actor; None when not logged in or no profile."""
    if isinstance(who, Actor):
        return who
    user = user_of(who)
    profile = profile_of(user)
    if profile is None:
        return None
    return Actor(user=user, role=Role(profile.role), profile=profile)


def require_actor(who: ActorLike, refuse: Callable[[], Exception] | None = None) -> Actor:
    """The Actor, or raise ``refuse()`` (default PermissionDenied) for someone without one."""
    actor = actor_for(who)
    if actor is None:
        raise refuse() if refuse is not None else PermissionDenied
    return actor


def role_of(who: ActorLike) -> Role | None:
    actor = actor_for(who)
    return actor.role if actor else None


def organisation_of(who: ActorLike) -> Organisation | None:
    actor = actor_for(who)
    return actor.organisation if actor else None
