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
        found is not None and found.role in LIFECYCLE_ROLES and found.organisation.region == region
    )


def require_records_role(actor: Actor, region: str, what: Any, why: str) -> StaffProfile:
    if not may_keep_records(actor, region):
        raise denied(actor, what, "", why, status=403)
    found = profile(actor)
    assert found is not None
    return found


def organisations_in(region: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(region=region)
