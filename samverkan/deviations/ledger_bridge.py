"""The door to the purchases app's dispute ledger (equal split until agreement).

`samverkan.purchases.services` keeps the money that moves between the parties (the halves
invoiced, the settlement after the decision); this app keeps the case and shows the same
split (`disputes.ledger`). Each disputed cost is booked there as it is booked here
(`dispute_ref` = "tvist-<id>"), in the same transaction, and the decision settles it there.
If the purchases app does not offer the ledger (an installation without it), the split is
kept here only.
"""

from __future__ import annotations

import importlib
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from samverkan.deviations.models import Dispute, DisputeCost


def purchases_services() -> ModuleType | None:
    try:
        services = importlib.import_module("samverkan.purchases.services")
    except ImportError:
        return None
    needed = ("open_disputed_cost", "settle_dispute")
    return services if all(hasattr(services, name) for name in needed) else None


def dispute_ref(dispute: Dispute) -> str:
    return f"tvist-{dispute.pk}"


def _as_validation_error(exc: Exception) -> ValidationError:
    problems = getattr(exc, "problems", None) or []
    fields = {p.field or "__all__": p.message for p in problems}
    return ValidationError(fields or str(exc))


def open_cost(dispute: Dispute, cost: DisputeCost, user: Any = None) -> str | None:
    """Book the cost in the purchases ledger: the payer is owed half by the other party.
    Returns the ledger entry's id, or None without the purchases ledger."""
    services = purchases_services()
    if services is None:
        return None
    debtor = (
        dispute.municipality_party
        if cost.paid_by_id == dispute.region_party_id
        else dispute.region_party
    )
    try:
        entry = services.open_disputed_cost(
            dispute_ref=dispute_ref(dispute),
            creditor=cost.paid_by,
            debtor=debtor,
            amount=cost.amount,
            description=cost.description,
            occurred_on=cost.incurred_on,
            agreement=dispute.agreement,
            user=user,
        )
    except Exception as exc:
        if hasattr(exc, "problems"):
            raise _as_validation_error(exc) from exc
        raise
    return str(entry.pk)


def settle(dispute: Dispute, user: Any = None) -> None:
    """Settle the dispute in the purchases ledger after the decision (only if it has costs)."""
    services = purchases_services()
    if services is None or not dispute.costs.exclude(ledger_ref="").exists():
        return
    payer, share = {
        "region": (dispute.region_party, Decimal(1)),
        "municipality": (dispute.municipality_party, Decimal(1)),
        "shared_equally": (dispute.region_party, Decimal("0.5")),
    }[dispute.cost_bearer]
    try:
        services.settle_dispute(
            dispute_ref=dispute_ref(dispute),
            payer=payer,
            payer_share=share,
            decided_on=dispute.decided_on,
            note=f"{dispute.decided_by}: beslut i tvist #{dispute.pk}",
            user=user,
        )
    except Exception as exc:
        if hasattr(exc, "problems"):
            raise _as_validation_error(exc) from exc
        raise
