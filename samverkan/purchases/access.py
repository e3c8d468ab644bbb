"""Who may do what in tjänsteköp, and which records and invoices a user sees.

- An organisation sees only the services it performed or pays for (``records_visible_to``);
  within it, care staff see the records of persons they may see (people.access), the
  finance officer (ekonom) and MAS all of the organisation's records.
- Care staff (people.access.WRITE_ROLES) register their own services; the ekonom and MAS
  may register or import services for the organisation's staff.
- Only the ekonom of the selling organisation runs invoices, credits and approves for
  invoicing (MAS may approve too).
- Administrators edit price lists; they see no personal data.
- Need-to-know: the ekonom reads persons only as the seller's pseudonymous reference
  (``P-0001``, `disclosure`), never names, identifiers, birth years or the facts of the care;
  care staff and medical leads see the names of persons people.access lets them see.
- Spärr (PDL 6 kap. 2–3 §§): a person who keeps the performer's data from other vårdgivare
  is, on the performer's records, only the reference for the payer's ekonom and MAS, and
  out of reach of its care staff (`records_visible_to`, `disclosure.Shown.kept_away`).
- Invoices carry no personal data (the same references); the seller's and buyer's ekonom,
  MAS and administrator see them. The reference → person map is shown only to MAS of the
  two parties, and only for persons she may see, each look audited.

Every refusal is logged (``access_denied``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from samverkan.accounts.actors import organisation_of as organisation_of_actor
from samverkan.accounts.actors import role_of as _role
from samverkan.accounts.actors import user_of
from samverkan.accounts.models import Organisation, Role, acting_for
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.people.access import (
    WRITE_ROLES,
    internally_blocked_q,
    persons_visible_to,
    shared_blocked_q,
)
from samverkan.people.selectors import person_ids_seen_as
from samverkan.purchases.errors import NotAllowed

__all__ = [
    "APPROVE_ROLES",
    "INVOICE_VIEW_ROLES",
    "RECORD_ROLES",
    "can_approve",
    "can_edit_prices",
    "can_register",
    "can_run_invoices",
    "can_view_invoices",
    "invoices_visible_to",
    "organisation_of_actor",
    "pages_open_to",
    "records_visible_to",
    "require_price_admin",
    "require_register",
    "require_run_invoices",
    "user_of",
]

APPROVE_ROLES = frozenset({Role.FINANCE_OFFICER, Role.MAS})
#: Who performs care that can be registered on someone's behalf (the performer list of the
#: ekonom and MAS): not MAS, chefsläkare, SIP-samordnare or biståndshandläggare, whose work
#: is leadership, coordination or social services, not a service bought.
PERFORMER_ROLES = frozenset(
    {Role.NURSE, Role.PHYSICIAN, Role.OCCUPATIONAL_THERAPIST, Role.PHYSIOTHERAPIST}
)
INVOICE_VIEW_ROLES = frozenset({Role.FINANCE_OFFICER, Role.MAS, Role.ADMINISTRATOR})
ALL_RECORD_ROLES = frozenset({Role.FINANCE_OFFICER, Role.MAS})
#: Who reads service records: care staff and medical leads (the persons they may see), the
#: ekonom (all of the organisation's, as references). Tjänsteköp's own set, so that which
#: roles read person pages (people.access.READ_ROLES) does not decide who reviews invoicing.
RECORD_ROLES = WRITE_ROLES | {Role.FINANCE_OFFICER}


def _deny(actor: Any, obj_type: str, why: str, message: str) -> NotAllowed:
    audit(actor, Action.ACCESS_DENIED, obj_type, why=why)
    return NotAllowed.one(None, "forbidden", message)


def can_register(actor: Any) -> bool:
    """Care staff register their own work; the ekonom (and MAS) may register or import
    services on behalf of the organisation's staff (e.g. from another system)."""
    return _role(actor) in WRITE_ROLES or _role(actor) == Role.FINANCE_OFFICER


def require_register(actor: Any) -> Any:
    if not can_register(actor):
        raise _deny(
            actor,
            "purchases.servicerecord",
            "Tjänsteköp: registrera insats",
            "Din roll får inte registrera utförda insatser.",
        )
    return user_of(actor)


def can_approve(actor: Any, organisation: Organisation | None = None) -> bool:
    org = organisation_of_actor(actor)
    if org is None or _role(actor) not in APPROVE_ROLES:
        return False
    return organisation is None or organisation.pk == org.pk


def can_run_invoices(actor: Any, seller: Organisation | None = None) -> bool:
    org = organisation_of_actor(actor)
    if org is None or _role(actor) != Role.FINANCE_OFFICER or org.is_private_provider:
        return False  # a private provider's services are invoiced by its huvudman
    return seller is None or seller.pk == org.pk


def require_run_invoices(actor: Any, seller: Organisation | None = None) -> Any:
    if not can_run_invoices(actor, seller):
        raise _deny(
            actor,
            "purchases.invoicerun",
            "Tjänsteköp: fakturering",
            "Bara ekonom vid den säljande organisationen får köra fakturering och kreditera.",
        )
    return user_of(actor)


def can_edit_prices(actor: Any) -> bool:
    user = user_of(actor)
    return bool(getattr(user, "is_superuser", False)) or _role(actor) == Role.ADMINISTRATOR


def require_price_admin(actor: Any) -> Any:
    if not can_edit_prices(actor):
        raise _deny(
            actor,
            "purchases.price",
            "Tjänsteköp: prislista",
            "Bara administratörer får ändra prislistor.",
        )
    return user_of(actor)


def require_identifier_admin(actor: Any) -> Any:
    """Confirming a buyer's identifiers is an administrator's (as price lists are)."""
    if not can_edit_prices(actor):
        raise _deny(
            actor,
            "purchases.identifiers",
            "Tjänsteköp: fakturamottagarens identifierare",
            "Bara administratörer får bekräfta organisationsnummer och Peppol-id.",
        )
    return user_of(actor)


def can_view_invoices(actor: Any) -> bool:
    return _role(actor) in INVOICE_VIEW_ROLES


def pages_open_to(actor: Any) -> dict[str, bool]:
    """Which pages of Tjänsteköp the actor may open, by the views' own checks (the
    sub-navigation links only these; tests/purchases/test_navigation.py opens each)."""
    invoices_or_prices = can_view_invoices(actor) or can_edit_prices(actor)
    return {
        "month": can_register(actor),
        "import": can_register(actor),
        "invoicing": can_view_invoices(actor),
        "prices": invoices_or_prices,
        "buyers": invoices_or_prices,
    }


def records_visible_to(actor: Any) -> QuerySet[Any]:
    """Service records of the user's organisation (performed or paid for) the user may see."""
    from samverkan.purchases.models import ServiceRecord

    user = user_of(actor)
    profile = profile_of(user)
    if profile is None or profile.role not in RECORD_ROLES:
        return ServiceRecord.objects.none()
    org_id = profile.organisation_id
    records = ServiceRecord.objects.filter(Q(performer_org_id=org_id) | Q(payer_org_id=org_id))
    if profile.role == Role.FINANCE_OFFICER:
        # the huvudman's ekonom invoices what its private providers performed (as
        # pseudonymous references, like its own); its MAS does not read their records
        return ServiceRecord.objects.filter(
            Q(performer_org_id__in=acting_for(org_id)) | Q(payer_org_id=org_id)
        )
    if profile.role in ALL_RECORD_ROLES:
        return records
    # History (invoiced records) of a merged-away person is seen through the survivor.
    records = records.filter(person__in=person_ids_seen_as(persons_visible_to(user)))
    # Spärr: the records of a unit under inre spärr stay with that unit (PDL 4 kap. 4 §);
    # the paying vårdgivare's care staff do not read a performer the person kept from other
    # vårdgivare (PDL 6 kap. 2 §: not made available; 6 kap. 3 §: another vårdgivare
    # processes only what was made available, with a care relation and consent). The
    # ekonom and MAS (above) keep them to check and pay the invoice, but as the reference
    # only: no name, person id or care facts (`disclosure.Shown.kept_away`, and
    # `services.person_map` for the buyer's MAS).
    own_blocked_unit = Q(performer_org_id=org_id) & internally_blocked_q(
        person="person_id",
        unit="performer_unit_id",
        organisation_id=org_id,
        viewer_unit_id=profile.unit_id,
    )
    performer_kept_away = ~Q(performer_org_id=org_id) & shared_blocked_q(
        person="person_id", owner="performer_org_id"
    )
    return records.exclude(own_blocked_unit | performer_kept_away)


def invoices_visible_to(actor: Any) -> QuerySet[Any]:
    from samverkan.purchases.models import Invoice

    profile = profile_of(user_of(actor))
    if profile is None or profile.role not in INVOICE_VIEW_ROLES:
        return Invoice.objects.none()
    org_id = profile.organisation_id
    return Invoice.objects.filter(Q(seller_id=org_id) | Q(buyer_id=org_id))


def can_see_person_map(actor: Any, seller_id: int, buyer_id: int) -> bool:
    """Whom an invoice's references stand for: MAS of the seller or the buyer (names only of
    the persons people.access lets her see). Never the ekonom: invoicing needs the
    references, not the persons (need-to-know, PDL 4 kap. 1–2 §§)."""
    org = organisation_of_actor(actor)
    return org is not None and _role(actor) == Role.MAS and org.pk in (seller_id, buyer_id)
