"""Who may see and act on a stay, and the audit of every look (policy only).

The boundary is the same as everywhere (README "Access"): vårdgivare × verksamhet.

- **The region's stay**: the region that runs the inpatient unit sees its stays, in health
  care (PDL 2008:355 4 kap. 1 §).
- **Receivers**: an organisation that was sent an inskrivningsmeddelande sees the stay's
  notices — the process data Lag (2017:612) makes the parties exchange (who, where, when
  admitted, planned, utskrivningsklar, discharged) — in the verksamhet it was sent to: the
  kommun's social services (biståndshandläggare, a SIP coordinator of a social-services
  unit) for `municipal_social_services`, the kommun's health care for
  `municipal_health_care`. The notices are sent without consent because Lag (2017:612)
  obliges the parties to exchange them; the secrecy breaks are OSL 2009:400 25 kap. 11 §
  and 26 kap. 9 § as amended by SFS 2017:613 (the point numbers not yet verified against
  the text). *Interpretation, for a jurist to confirm.*
- **The planning basis** (planeringsunderlag) crosses huvudmän only with the person's
  consent, by the same rules as a SIP: an active `PlanningConsent` covering the organisation
  (all receivers, or it by name); withdrawing it hides the others' entries again; a SHARED
  spärr (PDL 6 kap. 2 §) on the writing vårdgivare outranks the consent. Each organisation
  always sees what it wrote. Emergency access (nödåtkomst) opens no stay.
- **Inre spärr** (PDL 4 kap. 4 §): a stay at a unit the person blocked is not the region's
  other units' (no OWN relation); the notices sent to the region's open care still reach it
  as a receiver, without the ward's planning entries.
- **Protected identities** (`people.access.is_protected`): name and identifier are withheld
  from everyone outside the region that holds the stay (`WITHHELD_TEXT`).
- Roles: the care and medical-lead roles (`people.access.WRITE_ROLES`); the ekonom, forum
  members and administrators see no stay (403). The ekonom of either party sees a stay's
  payment days only, under the invoice's pseudonymous reference (`discharge.payment_view`).

Not visible (or missing) is a 404, visible but not allowed is a 403; both are logged. A look
by another vårdgivare than the region is logged with `owner=` the region and
`process="utskrivning:<id>"`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from samverkan.accounts.actors import ActorLike, user_of
from samverkan.accounts.models import Organisation, OrganisationKind, Role, Verksamhet
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.audit.services import record
from samverkan.discharge.models import (
    Notice,
    NoticeKind,
    PlanningConsent,
    PlanningEntry,
    Receiver,
    Stay,
)
from samverkan.people.access import (
    PROTECTED_MARKER,
    WITHHELD_TEXT,
    WRITE_ROLES,
    internally_blocked_q,
    internally_blocked_units,
    is_protected,
    shared_blocked,
)

DISCHARGE_ROLES: frozenset[str] = WRITE_ROLES
#: The treating physician's assessment (Lag 2017:612 1 kap. 4 §: "utskrivningsklar").
READY_ROLES: frozenset[str] = frozenset({Role.PHYSICIAN, Role.CHIEF_PHYSICIAN})

Actor = ActorLike

#: Which receivers of an inskrivningsmeddelande a verksamhet stands for.
RECEIVERS_OF: dict[str, tuple[str, ...]] = {
    Verksamhet.SOCIAL_SERVICES: (Receiver.MUNICIPAL_SOCIAL_SERVICES,),
    Verksamhet.HEALTH_CARE: (Receiver.MUNICIPAL_HEALTH_CARE, Receiver.REGION_OPEN_CARE),
}

OWN, RECEIVER = "own", "receiver"


def _profile(user: Any) -> Any:
    profile = profile_of(user_of(user))
    if profile is None or profile.role not in DISCHARGE_ROLES or not profile.verksamhet:
        return None
    return profile


def staff_profile(actor: Any) -> Any:
    """The acting user's staff profile (PermissionDenied without one)."""
    profile = profile_of(user_of(actor))
    if profile is None:
        raise PermissionDenied
    return profile


def discharge_organisation(user: Any) -> Organisation | None:
    """The user's organisation if the role works with discharge, else None."""
    profile = _profile(user)
    return profile.organisation if profile is not None else None


def _received(profile: Any) -> QuerySet[Notice]:
    return Notice.objects.filter(
        kind=NoticeKind.ADMISSION,
        receiver_organisation_id=profile.organisation_id,
        receiver__in=RECEIVERS_OF.get(profile.verksamhet, ()),
    )


def stays_visible_to(user: Any) -> QuerySet[Stay]:
    profile = _profile(user)
    if profile is None:
        return Stay.objects.none()
    q = Q(Exists(_received(profile).filter(stay=OuterRef("pk"))))
    if profile.verksamhet == Verksamhet.HEALTH_CARE:
        q |= Q(organisation_id=profile.organisation_id) & ~_blocked_for(profile)
    return Stay.objects.filter(q)


def _blocked_for(profile: Any) -> Q:
    """Stays at a unit of the user's vårdgivare under inre spärr (not her own unit)."""
    return internally_blocked_q(
        person="person_id",
        unit="unit_id",
        organisation_id=profile.organisation_id,
        viewer_unit_id=profile.unit_id,
    )


def _unit_blocked(profile: Any, stay: Stay) -> bool:
    """The person put the stay's unit under inre spärr (PDL 4 kap. 4 §) and the user works
    at another unit of the vårdgivare: the stay is not hers (the law's notices to her unit
    still reach her as a receiver)."""
    return (
        stay.unit_id is not None
        and stay.unit_id != profile.unit_id
        and stay.unit_id in internally_blocked_units(stay.person, profile.organisation_id)
    )


def relation(user: Any, stay: Stay) -> str | None:
    """OWN (the region holding the stay, in health care), RECEIVER, or None."""
    profile = _profile(user)
    if profile is None:
        return None
    if (
        profile.organisation_id == stay.organisation_id
        and profile.verksamhet == Verksamhet.HEALTH_CARE
        and not _unit_blocked(profile, stay)
    ):
        return OWN
    if _received(profile).filter(stay=stay).exists():
        return RECEIVER
    return None


def can_see(user: Any, stay: Stay) -> bool:
    return relation(user, stay) is not None


def finance_party(user: Any, stay: Stay) -> bool:
    """The ekonom of a party to the stay's payment days: of the region holding it, or of
    its kommun once the kommun received an inskrivningsmeddelande (before that the kommun
    was told nothing and owes nothing). She sees the days and may dispute them for the
    kommun, never the person's record (`payment_view`)."""
    profile = profile_of(user_of(user))
    if profile is None or profile.role != Role.FINANCE_OFFICER:
        return False
    if profile.organisation_id == stay.organisation_id:
        return True
    return (
        profile.organisation_id == stay.municipality_id
        and Notice.objects.filter(
            stay=stay, kind=NoticeKind.ADMISSION, receiver_organisation_id=profile.organisation_id
        ).exists()
    )


def is_own(user: Any, stay: Stay) -> bool:
    return relation(user, stay) == OWN


def receiver_kinds(user: Any, stay: Stay) -> list[str]:
    """The receivers (of this stay's inskrivningsmeddelanden) the user stands for."""
    profile = _profile(user)
    if profile is None:
        return []
    return sorted(set(_received(profile).filter(stay=stay).values_list("receiver", flat=True)))


def may_send(user: Any, stay: Stay) -> bool:
    """Inskrivningsmeddelande, preliminary date, fast vårdkontakt, consent, discharge, death:
    the region holding the stay."""
    return is_own(user, stay)


def may_mark_ready(user: Any, stay: Stay) -> bool:
    profile = _profile(user)
    return profile is not None and profile.role in READY_ROLES and is_own(user, stay)


def may_answer(user: Any, stay: Stay) -> bool:
    """A planning answer: an organisation the inskrivningsmeddelande was sent to."""
    return bool(receiver_kinds(user, stay))


def may_report_home_without_contact(user: Any, stay: Stay) -> bool:
    """§7.6: the kommun records that the person came home from regionsjukvård without a
    fast vårdkontakt."""
    profile = _profile(user)
    return (
        profile is not None
        and profile.organisation.kind == OrganisationKind.MUNICIPALITY
        and profile.organisation_id == stay.municipality_id
        and can_see(user, stay)
    )


def may_call_sip(user: Any, stay: Stay) -> bool:
    """The fast vårdkontakt (the region's open care) calls to the SIP after discharge."""
    return is_own(user, stay)


# --- the planning basis -------------------------------------------------------------------


def consent_covers(stay: Stay, organisation_id: Any) -> bool:
    active = PlanningConsent.objects.filter(stay=stay, withdrawn_at__isnull=True)
    return active.filter(Q(all_receivers=True) | Q(organisations=organisation_id)).exists()


def planning_visible_to(user: Any, stay: Stay) -> QuerySet[PlanningEntry]:
    """The planning entries the user may read: her organisation's own always; the other
    huvudmän's only with an active consent covering her organisation, and never past a
    SHARED spärr on the writing vårdgivare."""
    profile = _profile(user)
    if profile is None or not can_see(user, stay):
        return PlanningEntry.objects.none()
    org_id = profile.organisation_id
    entries = PlanningEntry.objects.filter(stay=stay)
    if org_id == stay.organisation_id and _unit_blocked(profile, stay):
        # inre spärr: the ward's entries (its staff's) stay with the ward
        entries = entries.exclude(
            organisation_id=org_id, written_by__staff_profile__unit_id=stay.unit_id
        )
    if not consent_covers(stay, org_id):
        return entries.filter(organisation_id=org_id)
    writers = set(entries.exclude(organisation_id=org_id).values_list("organisation_id", flat=True))
    blocked = [w for w in writers if shared_blocked(stay.person, w)]
    return entries.exclude(organisation_id__in=blocked)


def person_label(user: Any, stay: Stay) -> str:
    """The person's name and masked identifier as this viewer may see them."""
    person = stay.person
    if is_protected(person) and not is_own(user, stay):
        return f"{WITHHELD_TEXT} ({PROTECTED_MARKER})"
    identity = person.primary_identity()
    masked = identity.masked if identity else ""
    return f"{person.name}, {masked}" if masked else person.name


# --- audit --------------------------------------------------------------------------------


def audit(actor: Actor, action: AuditAction | str, stay: Stay, why: str, obj: Any = None) -> None:
    """One audit event about a stay (person_ref = the stay's person); another vårdgivare's
    look names the region as owner so that its log control sees it."""
    obj_type, obj_id = (
        ("discharge.stay", stay.pk)
        if obj is None
        else (
            obj._meta.label_lower,
            obj.pk,
        )
    )
    profile = profile_of(user_of(actor))
    foreign = profile is None or profile.organisation_id != stay.organisation_id
    record(
        actor,
        action,
        obj_type,
        obj_id,
        person_ref=stay.person.ref,
        why=why,
        owner=stay.organisation_id if foreign else None,
        process=f"utskrivning:{stay.pk}" if foreign else "",
    )


def require_role(actor: Actor, why: str) -> None:
    if discharge_organisation(user_of(actor)) is None:
        record(actor, AuditAction.ACCESS_DENIED, "discharge.stay", why=why)
        raise PermissionDenied


def get_stay_for(actor: Actor, stay_id: Any, *, why: str, audit_view: bool = True) -> Stay:
    """The stay if the user may see it (403 for a role without access, 404 otherwise; all
    refusals logged)."""
    require_role(actor, why)
    try:
        pk = int(stay_id)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    stay = (
        Stay.objects.select_related("person", "organisation", "unit", "municipality")
        .filter(pk=pk)
        .first()
    )
    if stay is None:
        record(actor, AuditAction.ACCESS_DENIED, "discharge.stay", pk, why=why)
        raise Http404
    if not can_see(user_of(actor), stay):
        audit(actor, AuditAction.ACCESS_DENIED, stay, why)
        raise Http404
    if audit_view:
        audit(actor, AuditAction.VIEW, stay, why)
    return stay


def require(actor: Actor, allowed: bool, stay: Stay, why: str) -> None:
    if not allowed:
        audit(actor, AuditAction.ACCESS_DENIED, stay, why)
        raise PermissionDenied
