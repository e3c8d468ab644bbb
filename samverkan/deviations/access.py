"""Who may see and do what in the deviations app; every refusal and look is audited.

- Deviations and complaints: staff see those their own organisation reported or received.
  Forum members and administrators see none one by one (forum members get the aggregated
  follow-up). Persons linked to a deviation are shown only through `samverkan.people.access`
  (the same rules as the person pages): a receiver who may not see the person sees that a
  person is linked, not who.
- Disputes: staff of the two parties; forum members of the agreement's region once the
  dispute has reached a forum step (never the person).

The agreements' lifecycle has its own policy: `samverkan.agreements.access`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from samverkan.accounts.actors import ActorLike, actor_for, user_of
from samverkan.accounts.models import Role, StaffProfile
from samverkan.agreements.selectors import forum_levels
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.deviations.models import (
    CONTACT_ROLES,
    ChiefContact,
    Deviation,
    Dispute,
    DisputeStatus,
)
from samverkan.people.access import can_see, contact_text

Actor = ActorLike  # a request, a user or an accounts Actor

# Roles that never see single deviations (forum: aggregates only; admin: the audit log).
NO_CASE_ROLES = frozenset({Role.FORUM_MEMBER, Role.ADMINISTRATOR})
# Roles that see the forum follow-up: forum members (region-wide, small cells suppressed);
# chefsläkare, MAS and administrators (their own organisation's deviations).
FOLLOWUP_ROLES = frozenset({Role.FORUM_MEMBER, Role.CHIEF_PHYSICIAN, Role.MAS, Role.ADMINISTRATOR})


def profile(actor: Actor) -> StaffProfile | None:
    found = actor_for(actor)
    return found.profile if found else None


def require_profile(actor: Actor, why: str) -> StaffProfile:
    found = profile(actor)
    if found is None:
        record(actor, Action.ACCESS_DENIED, Deviation, why=why)
        raise PermissionDenied
    return found


def denied(actor: Actor, obj_type: Any, obj_id: Any, why: str, *, status: int) -> Exception:
    """Log the refusal; return the exception to raise (403 PermissionDenied or 404)."""
    record(actor, Action.ACCESS_DENIED, obj_type, obj_id, why=why)
    return PermissionDenied() if status == 403 else Http404()


# --- deviations ----------------------------------------------------------------------------


def may_see_cases(actor: Actor) -> bool:
    found = profile(actor)
    return found is not None and found.role not in NO_CASE_ROLES


def deviations_visible_to(actor: Actor) -> QuerySet[Deviation]:
    found = profile(actor)
    if found is None or found.role in NO_CASE_ROLES:
        return Deviation.objects.none()
    org = found.organisation_id
    return Deviation.objects.filter(
        Q(reporting_organisation_id=org) | Q(receiving_organisation_id=org)
    )


def get_deviation_for(actor: Actor, pk: Any, *, why: str) -> Deviation:
    """The deviation if the user may see it: 403 for roles without cases, 404 otherwise."""
    if not may_see_cases(actor):
        raise denied(actor, Deviation, pk, why, status=403)
    deviation = (
        deviations_visible_to(actor)
        .select_related(
            "reporting_organisation",
            "receiving_organisation",
            "reporting_unit",
            "receiving_unit",
            "reported_by",
            "answered_by",
        )
        .filter(pk=pk)
        .first()
    )
    if deviation is None:
        raise denied(actor, Deviation, pk, why, status=404)
    return deviation


def is_receiver(actor: Actor, deviation: Deviation) -> bool:
    """The user is the deviation's receiver: its unit and/or role at the receiving organisation."""
    found = profile(actor)
    if found is None or found.organisation_id != deviation.receiving_organisation_id:
        return False
    unit_ok = deviation.receiving_unit_id is None or found.unit_id == deviation.receiving_unit_id
    role_ok = not deviation.receiving_role or found.role == deviation.receiving_role
    return unit_ok and role_ok


def handles_for_receiver(actor: Actor, deviation: Deviation) -> bool:
    """May investigate and answer: the receiver, or the receiving side's chefsläkare/MAS."""
    found = profile(actor)
    if found is None or found.organisation_id != deviation.receiving_organisation_id:
        return False
    return is_receiver(actor, deviation) or found.role in CONTACT_ROLES


def handles_for_reporter(actor: Actor, deviation: Deviation) -> bool:
    """The reporter, or the reporting side's chefsläkare/MAS."""
    user = user_of(actor)
    found = profile(actor)
    if found is None or found.organisation_id != deviation.reporting_organisation_id:
        return False
    return deviation.reported_by_id == user.pk or found.role in CONTACT_ROLES


def may_do_contact(actor: Actor, contact: ChiefContact) -> bool:
    found = profile(actor)
    return (
        found is not None
        and found.organisation_id == contact.organisation_id
        and found.role == contact.role
    )


def person_shown(actor: Actor, person: Any) -> bool:
    """Whether the user may see this person (people.access rules), without auditing."""
    if person is None:
        return False
    return bool(can_see(user_of(actor), person))


def location_shown(actor: Actor, deviation: Deviation) -> str:
    """Where it happened, as this user may read it: the place is free text that may hold a
    protected person's address, so only the reporting organisation's staff read it then
    (people.withholding; offentlighets- och sekretesslagen 22 kap. 1 §)."""
    return contact_text(
        deviation.location,
        deviation.person,
        viewer=user_of(actor),
        owner=deviation.reporting_organisation_id,
    )


# --- disputes ------------------------------------------------------------------------------


def disputes_visible_to(actor: Actor) -> QuerySet[Dispute]:
    found = profile(actor)
    if found is None:
        return Dispute.objects.none()
    if found.role == Role.FORUM_MEMBER:
        region = found.organisation.region
        q = Q(pk__in=[])
        for agreement, levels in forum_levels().items():
            q |= Q(agreement=agreement, level__in=levels)
        return Dispute.objects.filter(q, region_party__region=region)
    if found.role == Role.ADMINISTRATOR:
        return Dispute.objects.none()
    org = found.organisation_id
    # a private provider's dispute is its huvudman's; the provider follows the cases it opened
    return Dispute.objects.filter(
        Q(region_party_id=org) | Q(municipality_party_id=org) | Q(opened_by_organisation_id=org)
    )


def get_dispute_for(actor: Actor, pk: Any, *, why: str) -> Dispute:
    found = profile(actor)
    if found is None or found.role == Role.ADMINISTRATOR:
        raise denied(actor, Dispute, pk, why, status=403)
    dispute = (
        disputes_visible_to(actor)
        .select_related(
            "region_party", "municipality_party", "acting_organisation", "opened_by_organisation"
        )
        .filter(pk=pk)
        .first()
    )
    if dispute is None:
        raise denied(actor, Dispute, pk, why, status=404)
    return dispute


def is_party(actor: Actor, dispute: Dispute) -> bool:
    """Staff of one of the two huvudmän, or of the private provider that opened the case
    for its huvudman (it takes part; the huvudman decides)."""
    found = profile(actor)
    return found is not None and found.organisation_id in (
        dispute.region_party_id,
        dispute.municipality_party_id,
        dispute.opened_by_organisation_id,
    )


def is_huvudman_party(actor: Actor, dispute: Dispute) -> bool:
    found = profile(actor)
    return found is not None and found.organisation_id in (
        dispute.region_party_id,
        dispute.municipality_party_id,
    )


# Who records a decision taken by the parties (the managers' agreement at a managers' step,
# or a court's judgment): the party's medical leads (MAS, chefsläkare), who answer for the
# huvudman's health care, or a manager granted `deviations.decide_dispute` in the admin
# (e.g. the närmaste chef of jh-hemsjukvard §8). A nurse, a physician or a SIP coordinator
# takes part in the dispute but does not take the decision.
PARTY_DECIDER_ROLES = frozenset({Role.MAS, Role.CHIEF_PHYSICIAN})
DECIDE_PERMISSION = "deviations.decide_dispute"


def may_decide_for_party(actor: Actor, dispute: Dispute) -> bool:
    found = profile(actor)
    if found is None or not is_huvudman_party(actor, dispute):
        return False
    if found.role in PARTY_DECIDER_ROLES:
        return True
    user = user_of(actor)
    return bool(user is not None and may_see_cases(actor) and user.has_perm(DECIDE_PERMISSION))


def is_forum_member_for(actor: Actor, dispute: Dispute) -> bool:
    found = profile(actor)
    return (
        found is not None
        and found.role == Role.FORUM_MEMBER
        and found.organisation.region == dispute.region_party.region
    )


def is_open(dispute: Dispute) -> bool:
    return dispute.status == DisputeStatus.OPEN
