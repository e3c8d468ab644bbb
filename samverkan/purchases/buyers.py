"""The buyer's side of an invoice: whether its identifiers may be used.

An organisation number or Peppol id that is not from the buyer's own page (see
:mod:`samverkan.accounts.reference`: derived, secondary, disagreeing sources, or typed in
without a source) is confirmed by an administrator before an invoice to that organisation is
issued; the run is refused otherwise (``buyer_identifiers_unconfirmed``). A changed number
or Peppol id loses its confirmation (``Organisation.save``). Confirmations are logged.
"""

from __future__ import annotations

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
