"""Who may see and change a SIP, and the audit of every look and change.

- The initiating organisation always sees its SIPs.
- Another organisation sees a SIP only while it is an invited participant (that has not
  declined) AND an active consent covers it: scope "all invited participants", or its name
  in the consent's list. Before any consent, or after the consent is withdrawn, only the
  initiating organisation sees the plan.
- Roles: the care roles of `samverkan.people.access.WRITE_ROLES` (not finance officers,
  forum members or administrators: a SIP is care documentation, need to know).
- Everyone who sees an open SIP may revise and follow up the plan; consent, invitations,
  status and discharge are the initiating organisation's; an invitation is answered by the
  invited organisation.

A SIP that is not visible (or does not exist) is a 404, a visible SIP where the user may
not do the thing asked is a 403; both are logged as `access_denied`.

`participating_persons` is registered in `people.access.EXTRA_VISIBILITY` (see apps.py):
staff of a participating organisation covered by consent may open the person page of an
open SIP's person (read only: `people.access.can_change` stays with the own organisation).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from samverkan.accounts.actors import ActorLike, user_of
from samverkan.accounts.models import Organisation
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.audit.services import record
from samverkan.people.access import WRITE_ROLES
from samverkan.sip.models import (
    Consent,
    ConsentScope,
    Participant,
    ParticipantResponse,
    Sip,
    SipStatus,
)

SIP_ROLES: frozenset[str] = WRITE_ROLES

Actor = ActorLike  # a user, an HttpRequest or an accounts Actor


def sip_organisation(user: Any) -> Organisation | None:
    """The user's organisation if the user's role may work with SIPs, else None."""
    profile = profile_of(user_of(user))
    if profile is None or profile.role not in SIP_ROLES:
        return None
    return profile.organisation


def participating_with_consent(organisation_id: Any) -> Q:
    """Q over Sip: the organisation is an invited (not declined) participant and an active
    consent covers it."""
    participating = Participant.objects.filter(
        sip=OuterRef("pk"), organisation_id=organisation_id
    ).exclude(response=ParticipantResponse.DECLINED)
    active = Consent.objects.filter(sip=OuterRef("pk"), withdrawn_at__isnull=True)
    covered = Exists(active.filter(scope=ConsentScope.ALL_INVITED)) | Exists(
        active.filter(scope=ConsentScope.LISTED, organisations=organisation_id)
    )
    return Q(Exists(participating)) & covered


def sips_visible_to(user: Any) -> QuerySet[Sip]:
    organisation = sip_organisation(user)
    if organisation is None:
        return Sip.objects.none()
    return Sip.objects.filter(
        Q(initiated_by_organisation=organisation) | participating_with_consent(organisation.pk)
    )


def is_initiator(user: Any, sip: Sip) -> bool:
    organisation = sip_organisation(user)
    return organisation is not None and sip.initiated_by_organisation_id == organisation.pk


def can_see(user: Any, sip: Sip) -> bool:
    return sips_visible_to(user).filter(pk=sip.pk).exists()


def can_edit_plan(user: Any, sip: Sip) -> bool:
    return sip.is_open and can_see(user, sip)


def can_manage(user: Any, sip: Sip) -> bool:
    """Consent, invitations, status, discharge: the initiating organisation."""
    return is_initiator(user, sip)


def can_respond(user: Any, participant: Participant) -> bool:
    organisation = sip_organisation(user)
    return (
        organisation is not None
        and participant.organisation_id == organisation.pk
        and participant.sip.is_open
        and can_see(user, participant.sip)
    )


def participating_persons(user: Any) -> Q:
    """EXTRA_VISIBILITY hook: Q over Person for the persons of open SIPs the user's
    organisation participates in with consent."""
    organisation = sip_organisation(user)
    if organisation is None:
        return Q(pk__in=[])
    sips = Sip.objects.filter(participating_with_consent(organisation.pk)).exclude(
        status=SipStatus.CLOSED
    )
    return Q(pk__in=sips.values("person_id"))


# --- audit ------------------------------------------------------------------------------


def audit(actor: Actor, action: AuditAction | str, sip: Sip, why: str, obj: Any = None) -> None:
    """One audit event about a SIP (person_ref = the SIP's person). `why` never holds names
    or identifiers."""
    if obj is None:
        obj_type, obj_id = "sip.sip", sip.pk
    else:
        obj_type, obj_id = obj._meta.label_lower, obj.pk
    record(actor, action, obj_type, obj_id, person_ref=sip.person.ref, why=why)


def get_sip_for(actor: Actor, sip_id: Any, *, why: str, audit_view: bool = True) -> Sip:
    """The SIP if the user may see it; records a `view` unless `audit_view=False`.

    403 (PermissionDenied) for a role without SIP access, 404 for a SIP that does not exist
    or is not visible; both logged.
    """
    user = user_of(actor)
    if sip_organisation(user) is None:
        record(actor, AuditAction.ACCESS_DENIED, "sip.sip", sip_id, why=why)
        raise PermissionDenied
    try:
        pk = int(sip_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:  # beyond the database's integers: cannot exist
        raise Http404
    sip = Sip.objects.select_related("person", "initiated_by_organisation").filter(pk=pk).first()
    if sip is None:
        record(actor, AuditAction.ACCESS_DENIED, "sip.sip", pk, why=why)
        raise Http404
    if not can_see(user, sip):
        audit(actor, AuditAction.ACCESS_DENIED, sip, why)
        raise Http404
    if audit_view:
        audit(actor, AuditAction.VIEW, sip, why)
    return sip


def require(actor: Actor, allowed: bool, sip: Sip, why: str) -> None:
    """PermissionDenied (logged) unless `allowed`."""
    if not allowed:
        audit(actor, AuditAction.ACCESS_DENIED, sip, why)
        raise PermissionDenied
