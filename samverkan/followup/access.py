"""Who may open the followup app, and what they see.

Decision (documented in the README section of this app and tested in
tests/followup/test_access.py):

- The yearly report and the revision simulation are the forum's tools. They show
  aggregated data only, with cells under 5 persons suppressed, and never a person. They are
  open to forum members and to the roles that prepare or follow up the forum's work for
  their organisation: MAS, chefsläkare and ekonom (finance officer).
- A user sees the agreements of their organisation's region, for the whole region (the
  forum follows up the agreement as a whole; aggregates of all parties are what it needs).
- Clinical and case-handling roles (nurse, physician, therapists, biståndshandläggare,
  SIP-samordnare) and administrators get 403: they have their own organisation's records in
  their own apps, and nothing here helps their daily work. The refusal is audited.
- Superusers (technical administrators) may see the aggregates of both regions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from samverkan.accounts.models import Role
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.rules import ALL_VERSIONS, REGIONS

FOLLOWUP_ROLES: frozenset[str] = frozenset(
    {Role.FORUM_MEMBER, Role.MAS, Role.CHIEF_PHYSICIAN, Role.FINANCE_OFFICER}
)


def can_use(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    profile = profile_of(user)
    return profile is not None and profile.role in FOLLOWUP_ROLES


def regions_of(user: Any) -> list[str]:
    """The regions whose agreements the user may follow up."""
    if getattr(user, "is_superuser", False):
        return list(REGIONS)
    profile = profile_of(user)
    return [profile.organisation.region] if profile is not None and can_use(user) else []


def agreements_of(user: Any) -> list[str]:
    regions = set(regions_of(user))
    seen: list[str] = []
    for v in ALL_VERSIONS:
        if v.region in regions and v.agreement not in seen:
            seen.append(v.agreement)
    return seen


def require(request: HttpRequest, what: str, obj_id: object = "") -> None:
    """403 (audited) unless the user may use the followup app."""
    if not can_use(request.user):
        record(request, Action.ACCESS_DENIED, what, obj_id, why="Uppföljning: saknar behörighet")
        raise PermissionDenied


def require_agreement(request: HttpRequest, agreement: str, obj_id: object = "") -> None:
    require(request, "followup.yearly_report", obj_id)
    if agreement not in agreements_of(request.user):
        record(
            request,
            Action.ACCESS_DENIED,
            "followup.yearly_report",
            obj_id,
            why="Uppföljning: avtal i annan region",
        )
        raise PermissionDenied


def require_region(request: HttpRequest, region: str, what: str, obj_id: object = "") -> None:
    require(request, what, obj_id)
    if region not in regions_of(request.user):
        record(request, Action.ACCESS_DENIED, what, obj_id, why="Uppföljning: annan region")
        raise PermissionDenied
