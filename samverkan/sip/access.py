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
not do the thing asked is a 403; both are logged as `access_denied`. An invited organisation
that a consent covered and no longer covers (withdrawn, or replaced by a narrower one) gets
`ConsentNoLongerCovers` (403 `consent_no_longer_covers`, "Samtycket har återkallats den
2026-11-03" / "Samtycket omfattar inte längre din organisation …") and nothing more.

Consent opens the SIP, not the record: the plan, the person's identity as the plan shows it,
the fasta vårdkontakter and the participants' contacts. It does not widen
`people.access.persons_visible_to` (the person page, facts, interventions and assessments
stay with the organisations that have a care relation). A SHARED spärr (PDL 6 kap. 2 §) on
the initiating vårdgivare hides its SIP from every other vårdgivare, whatever the consent
says. Every look by another vårdgivare is logged with `owner=` the initiating organisation
and `process="sip:<id>"`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from samverkan.accounts.actors import ActorLike, user_of
from samverkan.accounts.models import Organisation
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.audit.services import record
from samverkan.core.errors import Problem
from samverkan.people.access import WRITE_ROLES, shared_blocked
from samverkan.sip.models import (
    CONSENT_IN_FORCE,
    Consent,
    ConsentScope,
    Participant,
    ParticipantResponse,
    Sip,
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
    active = Consent.objects.filter(CONSENT_IN_FORCE, sip=OuterRef("pk"))
    covered = Exists(active.filter(scope=ConsentScope.ALL_INVITED)) | Exists(
        active.filter(scope=ConsentScope.LISTED, organisations=organisation_id)
    )
    return Q(Exists(participating)) & covered


class ConsentNoLongerCovers(Problem):
    """The organisation was invited and covered by a consent that has since been withdrawn or
    replaced by a narrower one: it is told so, with the date, and sees nothing more of the
    SIP (403 `consent_no_longer_covers`; `reason` "withdrawn" or "narrowed", `since` the
    date)."""

    status = 403

    def __init__(self, reason: str, since: dt.date) -> None:
        if reason == WITHDRAWN:
            message = f"Samtycket har återkallats den {since.isoformat()}."
        else:
            message = (
                f"Samtycket omfattar inte längre din organisation (ändrat den {since.isoformat()})."
            )
        self.reason = reason
        self.since = since
        self.headline = message
        super().__init__(
            None,
            "consent_no_longer_covers",
            f"{message} Din organisation kan inte längre ta del av planen.",
            reason=reason,
            since=since.isoformat(),
        )


ConsentWithdrawn = ConsentNoLongerCovers  # the earlier name

WITHDRAWN = "withdrawn"
NARROWED = "narrowed"


def sips_visible_to(user: Any) -> QuerySet[Sip]:
    """The SIPs the user's organisation initiated, or takes part in with consent (before a
    SHARED spärr is taken into account: use `visible_sips` for what to show)."""
    organisation = sip_organisation(user)
    if organisation is None:
        return Sip.objects.none()
    return Sip.objects.filter(
        Q(initiated_by_organisation=organisation) | participating_with_consent(organisation.pk)
    )


def blocked_for(organisation_id: Any, sip: Sip) -> bool:
    """True if the SIP is another vårdgivare's and the person has a SHARED spärr on it
    (PDL 6 kap. 2 §): nothing of it reaches `organisation_id`."""
    return sip.initiated_by_organisation_id != organisation_id and shared_blocked(
        sip.person, sip.initiated_by_organisation_id
    )


def visible_sips(user: Any, sips: Any) -> list[Sip]:
    """Of these SIPs (already narrowed by `sips_visible_to`), the ones not hidden by a SHARED
    spärr."""
    organisation = sip_organisation(user)
    if organisation is None:
        return []
    return [sip for sip in sips if not blocked_for(organisation.pk, sip)]


def consent_ended_for(organisation_id: Any, sip: Sip) -> tuple[str, dt.date] | None:
    """Why an invited (not declined) organisation that a consent once covered is covered no
    more, and since when: (WITHDRAWN, the day of the withdrawal) when no basis is in force,
    (NARROWED, the day the narrower basis was given) when the one in force leaves it out.
    None while it is covered, and for an organisation never invited or never covered (it
    keeps the 404: no oracle of the SIP's existence)."""
    if organisation_id is None or organisation_id == sip.initiated_by_organisation_id:
        return None
    invited = sip.participants.filter(organisation_id=organisation_id).exclude(
        response=ParticipantResponse.DECLINED
    )
    if not invited.exists():
        return None
    covering = Q(scope=ConsentScope.ALL_INVITED) | Q(
        scope=ConsentScope.LISTED, organisations=organisation_id
    )
    if not sip.consents.filter(covering).exists():
        return None  # never covered
    in_force = sip.active_consents().first()
    if in_force is not None:
        if sip.active_consents().filter(covering).exists():
            return None
        return NARROWED, timezone.localdate(in_force.given_at)
    withdrawn = (
        sip.consents.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at", "-pk").first()
    )
    if withdrawn is None or withdrawn.withdrawn_at is None:
        return None
    return WITHDRAWN, timezone.localdate(withdrawn.withdrawn_at)


def consent_withdrawn_for(organisation_id: Any, sip: Sip) -> bool:
    """The organisation was covered by a consent and is no longer (withdrawn or narrowed)."""
    return consent_ended_for(organisation_id, sip) is not None


def is_initiator(user: Any, sip: Sip) -> bool:
    organisation = sip_organisation(user)
    return organisation is not None and sip.initiated_by_organisation_id == organisation.pk


def can_see(user: Any, sip: Sip) -> bool:
    organisation = sip_organisation(user)
    if organisation is None or not sips_visible_to(user).filter(pk=sip.pk).exists():
        return False
    return not blocked_for(organisation.pk, sip)


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


# --- audit ------------------------------------------------------------------------------


def audit(
    actor: Actor,
    action: AuditAction | str,
    sip: Sip,
    why: str,
    obj: Any = None,
    *,
    process: str = "",
) -> None:
    """One audit event about a SIP (person_ref = the SIP's person). `why` never holds names
    or identifiers. When the user is not of the initiating organisation the event names the
    data owner (`owner=` the initiating organisation) and the process (`sip:<id>`, or the
    `process` given, e.g. "nödåtkomst"), so that the owner's log control sees it."""
    if obj is None:
        obj_type, obj_id = "sip.sip", sip.pk
    else:
        obj_type, obj_id = obj._meta.label_lower, obj.pk
    profile = profile_of(user_of(actor))
    foreign = profile is None or profile.organisation_id != sip.initiated_by_organisation_id
    record(
        actor,
        action,
        obj_type,
        obj_id,
        person_ref=sip.person.ref,
        why=why,
        owner=sip.initiated_by_organisation_id if foreign else None,
        process=process or (f"sip:{sip.pk}" if foreign else ""),
    )


def get_sip_for(actor: Actor, sip_id: Any, *, why: str, audit_view: bool = True) -> Sip:
    """The SIP if the user may see it; records a `view` unless `audit_view=False`.

    403 (PermissionDenied) for a role without SIP access, 404 for a SIP that does not exist
    or is not visible, `ConsentNoLongerCovers` (403) for an invited organisation that a
    consent no longer covers; all logged.
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
        organisation = sip_organisation(user)
        ended = consent_ended_for(organisation.pk, sip) if organisation is not None else None
        if ended is not None:
            raise ConsentNoLongerCovers(*ended)
        raise Http404
    if audit_view:
        audit(actor, AuditAction.VIEW, sip, why)
    return sip


def require(actor: Actor, allowed: bool, sip: Sip, why: str) -> None:
    """PermissionDenied (logged) unless `allowed`."""
    if not allowed:
        audit(actor, AuditAction.ACCESS_DENIED, sip, why)
        raise PermissionDenied
