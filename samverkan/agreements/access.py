"""Who may read and keep the agreements' records; every refusal is audited.

The lifecycle pages hold no personal data: any staff member of the region may read them;
`LIFECYCLE_ROLES` may record notices, local agreements, lists and reminder settings.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from samverkan.accounts.actors import ActorLike, actor_for
from samverkan.accounts.actors import user_of as user_of
from samverkan.accounts.models import Organisation, Role, StaffProfile
from samverkan.audit.models import Action
from samverkan.audit.services import record

Actor = ActorLike  # a request, a user or an accounts Actor

# Roles that may keep the agreements' records (notices, local agreements, lists, settings).
LIFECYCLE_ROLES = frozenset({Role.MAS, Role.CHIEF_PHYSICIAN, Role.ADMINISTRATOR, Role.FORUM_MEMBER})


def profile(actor: Actor) -> StaffProfile | None:
    found = actor_for(actor)
    return found.profile if found else None


def denied(actor: Actor, obj_type: Any, obj_id: Any, why: str, *, status: int) -> Exception:
    """Log the refusal; return the exception to raise (403 PermissionDenied or 404)."""
    record(actor, Action.ACCESS_DENIED, obj_type, obj_id, why=why)
    return PermissionDenied() if status == 403 else Http404()


def region_of(actor: Actor) -> str | None:
    found = profile(actor)
    return found.organisation.region if found else None


def may_keep_records(actor: Actor, region: str) -> bool:
    found = profile(actor)
    return (
        found is not None
        and found.role in LIFECYCLE_ROLES
        and found.organisation.region == region
        # the parties to the agreements keep them; a private provider is none (it acts for
        # its huvudman in care, not in the agreements' governance)
        and not found.organisation.is_private_provider
    )


def require_records_role(actor: Actor, region: str, what: Any, why: str) -> StaffProfile:
    if not may_keep_records(actor, region):
        raise denied(actor, what, "", why, status=403)
    found = profile(actor)
    assert found is not None
    return found


# Who may speak for a party (give, withdraw or correct a notice of termination): the party's
# own administrator, or a member of its staff explicitly granted "Får företräda sin
# organisation som avtalspart" (permission `agreements.speak_for_party`, set in the admin,
# e.g. for a kommundirektör or the forum member the board has delegated). A forum member as
# such does not: the forum handles notices (jh-hemsjukvard §10) but each party gives its own.
SPEAKS_FOR_PARTY_ROLES = frozenset({Role.ADMINISTRATOR})
SPEAK_FOR_PARTY_PERMISSION = "agreements.speak_for_party"


def may_speak_for(actor: Actor, organisation: Organisation) -> bool:
    found = profile(actor)
    if (
        found is None
        or found.organisation_id != organisation.pk
        or organisation.is_private_provider
    ):
        return False
    if found.role in SPEAKS_FOR_PARTY_ROLES:
        return True
    user = user_of(actor)
    return bool(user is not None and user.has_perm(SPEAK_FOR_PARTY_PERMISSION))


def parties_spoken_for(actor: Actor, region: str) -> QuerySet[Organisation]:
    """The parties in `region` this actor may give notice for (at most her own)."""
    found = profile(actor)
    if found is None or not may_speak_for(actor, found.organisation):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=found.organisation_id, region=region)


def require_speaks_for(actor: Actor, organisation: Organisation, what: Any, why: str) -> None:
    if not may_speak_for(actor, organisation):
        raise denied(actor, what, "", why, status=403)


def organisations_in(region: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(region=region)
