"""The buyer's side of an invoice: whether its identifiers may be used.

An organisation number or Peppol id that is not from the buyer's own page (see
:mod:`samverkan.accounts.reference`: derived, secondary, disagreeing sources, or typed in
without a source) is confirmed by an administrator before an invoice to that organisation is
issued; the run is refused otherwise (``buyer_identifiers_unconfirmed``). A changed number
or Peppol id loses its confirmation (``Organisation.save``). Confirmations are logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action
from samverkan.audit.services import record as audit
from samverkan.purchases.access import require_identifier_admin
from samverkan.purchases.errors import Problem, PurchasesError

UNCONFIRMED = "buyer_identifiers_unconfirmed"


def identifier_problem(buyer: Organisation) -> Problem | None:
    """The refusal for an invoice to ``buyer`` whose identifiers nobody has confirmed."""
    unverified = buyer.unverified_identifiers()
    if not unverified:
        return None
    return Problem(
        "buyer",
        UNCONFIRMED,
        f"Fakturan till {buyer.name} kan inte utfärdas: {' och '.join(unverified)} är inte "
        "hämtat från organisationens egen webbplats. En administratör behöver kontrollera "
        "och bekräfta uppgiften under Fakturamottagare först.",
    )


def confirm_identifiers(actor: Any, org: Organisation) -> Organisation:
    """An administrator confirms the organisation number and Peppol id as they stand now."""
    user = require_identifier_admin(actor)
    if not org.org_number:
        raise PurchasesError.one(
            "org_number",
            "org_number_missing",
            f"Organisationsnummer saknas för {org.name}; lägg in det innan det bekräftas.",
        )
    now = timezone.now()
    Organisation.objects.filter(pk=org.pk).update(
        identifiers_confirmed_at=now, identifiers_confirmed_by=user
    )
    org.identifiers_confirmed_at, org.identifiers_confirmed_by = now, user
    peppol = f", Peppol-id {org.peppol_scheme or '0007'}:{org.peppol_id}" if org.peppol_id else ""
    audit(
        actor,
        Action.UPDATE,
        Organisation,
        org.pk,
        why=f"Identifierare bekräftade för {org.name}: organisationsnummer {org.org_number}{peppol}",
        owner=org,
    )
    return org


# --------------------------------------------------------------------------- buyer rules

PDF, CSV = "application/pdf", "text/csv"


@dataclass(frozen=True)
class BuyerRule:
    """What a buyer publishes for incoming e-invoices (``../shared/reference/organisations.csv``):
    the form of "Er referens" (BuyerReference) and the attachment types it accepts."""

    reference_pattern: str = ""  # the whole reference must match (empty: any text)
    reference_rule: str = ""  # the rule in Swedish, for the message
    attachment_types: frozenset[str] = frozenset()  # empty: any
    source: str = ""


BUYER_RULES: dict[str, BuyerRule] = {
    # "Mandatory six-digit referenskod in 'Er referens' with no other characters before or
    # after; a wrongly given code means the e-invoice is not transferred". Attachments:
    # JPG JPEG PDF TIFF TIF GIF PNG.
    "23": BuyerRule(
        reference_pattern=r"\d{6}",
        reference_rule="sex siffror och inget annat (referenskoden beställaren har lämnat)",
        attachment_types=frozenset({"image/jpeg", PDF, "image/tiff", "image/gif", "image/png"}),
        source="Region Jämtland Härjedalen, Faktureringsuppgifter för leverantörer",
    ),
}


def rule_for(buyer: Organisation) -> BuyerRule:
    return BUYER_RULES.get(buyer.scb_code, BuyerRule())


def reference_problem(buyer: Organisation, reference: str) -> Problem | None:
    """The buyer's published form of "Er referens", checked when the reference is set and
    again when an invoice is issued."""
    rule = rule_for(buyer)
    if rule.reference_pattern and not re.fullmatch(rule.reference_pattern, reference or ""):
        return Problem(
            "buyer_reference",
            "buyer_reference_format",
            f"Fakturareferensen till {buyer.name} ska vara {rule.reference_rule}; nu är den "
            f"{reference!r}. Annars förs fakturan inte över till mottagaren.",
        )
    return None


def attachment_type(buyer: Organisation) -> str:
    """The type the individual-level attachment is embedded as: CSV where the buyer takes
    it, else PDF (Region Jämtland Härjedalen accepts images and PDF only)."""
    accepted = rule_for(buyer).attachment_types
    return CSV if not accepted or CSV in accepted else PDF
