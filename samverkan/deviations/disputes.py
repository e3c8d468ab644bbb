"""Unclear responsibility and disputes (tvister): jh-hemsjukvard §6, §7.7, §8, §11; jh-psykisk §11.

A dispute is opened from an engine decision (`cost=shared_equally`,
`health_care_responsibility=not_regulated`, or any dimension `undetermined`) or because the
parties disagree. The person's need is met first: who acts now is recorded when the case
opens. Its costs are split equally until a decision (`ledger`). The case starts with the
first step of the agreement's escalation path and can be lifted one step at a time.

The path is read from the agreement's declaration (`AgreementVersion.dispute_path` and
`.forum`), never written per view; the agreements room owns it
(`samverkan.agreements.selectors.escalation_path`):

- jh-hemsjukvard (and its Bilaga 2): närmsta chef (§8), then the forum (SVOM/Fredagsgruppen,
  §11) when the question is of principle;
- jh-psykisk: respektive ansvarig överordnad chef, then allmän domstol (§11): no forum;
- an agreement with no dispute clause (gvb-svart-sjuka): the nearest managers, then its
  forum (Länsledning Välfärd).

A decision (date, who decided, reasoning, who bears the cost) settles the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind
from samverkan.agreements.selectors import (  # noqa: F401  (re-exported for the room)
    COURT,
    DEFAULT_AGREEMENT,
    FORUM,
    MANAGERS,
    VERSIONS,
    EscalationStep,
    escalation_path,
    forum_levels,
)
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.money import ZERO, round_ore
from samverkan.deviations import access, ledger_bridge
from samverkan.deviations.citations import OF_PRINCIPLE
from samverkan.deviations.models import (
    CostBearer,
    Dispute,
    DisputeBasis,
    DisputeCost,
    DisputeStatus,
    DisputeStep,
)
from samverkan.rules import DIMENSIONS, UNDETERMINED

# Engine answers that open a dispute: dimension -> values.
DISPUTE_TRIGGERS: dict[str, frozenset[str]] = {
    "cost": frozenset({"shared_equally", UNDETERMINED}),
    "health_care_responsibility": frozenset({"not_regulated", UNDETERMINED}),
    **{dim: frozenset({UNDETERMINED}) for dim in ("performer", "employer")},
}


def current_step(dispute: Dispute) -> EscalationStep:
    path = escalation_path(dispute.agreement)
    return path[min(dispute.level, len(path)) - 1]


def next_step(dispute: Dispute) -> EscalationStep | None:
    path = escalation_path(dispute.agreement)
    return path[dispute.level] if dispute.level < len(path) else None


def decision_triggers(decision: Any) -> list[str]:
    """The outcome values of an engine decision that let a dispute be opened, as
    "dimension=value" (empty: the answer is clear, so there is nothing to dispute)."""
    outcome = decision.outcome if hasattr(decision, "outcome") else decision.get("outcome", {})
    return [
        f"{dim}={outcome[dim]}"
        for dim in DIMENSIONS
        if dim in DISPUTE_TRIGGERS and outcome.get(dim) in DISPUTE_TRIGGERS[dim]
    ]


def _parties(a: Organisation, b: Organisation) -> tuple[Organisation, Organisation] | None:
    """(region, kommun) if the two are a region and one of its kommuner."""
    pair = sorted((a, b), key=lambda o: o.kind != OrganisationKind.REGION)
    region, kommun = pair
    if (
        region.is_region
        and kommun.kind == OrganisationKind.MUNICIPALITY
        and region.region == kommun.region
    ):
        return region, kommun
    return None


def _step(
    actor: Any, dispute: Dispute, what: str, note: str = "", step: EscalationStep | None = None
) -> DisputeStep:
    profile = access.profile(actor)
    assert profile is not None
    step = step or current_step(dispute)
    return DisputeStep.objects.create(
        dispute=dispute,
        by=access.user_of(actor),
        organisation=profile.organisation,
        what=what,
        level=step.level,
        step=step.title,
        note=note,
    )


@transaction.atomic
def open_dispute(
    actor: Any,
    *,
    counterparty: Organisation,
    question: str,
    acting_organisation: Organisation,
    acting_note: str,
    agreement: str | None = None,
    decision: Any = None,
    person: Any = None,
    of_principle: bool = False,
) -> Dispute:
    """Open a case of unclear responsibility or dispute with `counterparty`.

    With an engine `decision` (engine.Decision or its as_dict()), the agreement is the
    decision's and its outcome must be one of `DISPUTE_TRIGGERS`; without one, the parties
    disagree. `acting_organisation` meets the person's need meanwhile (jh-hemsjukvard §6,
    §8). The case starts at step 1 of the agreement's path (the nearest managers).
    """
    why = "Tvist: öppna"
    profile = access.require_profile(actor, why)
    if profile.role in access.NO_CASE_ROLES:
        raise access.denied(actor, Dispute, "", why, status=403)
    errors: dict[str, str] = {}
    parties = _parties(profile.organisation, counterparty)
    if parties is None:
        errors["counterparty"] = "Motparten ska vara den andra huvudmannen i samma län."
    decision_dict = None
    triggers: list[str] = []
    if decision is not None:
        decision_dict = decision.as_dict() if hasattr(decision, "as_dict") else dict(decision)
        triggers = decision_triggers(decision_dict)
        if not triggers:
            errors["decision"] = (
                "Ansvarsmotorns besked är entydigt; öppna ärendet som oenighet mellan parterna "
                "om ni ändå inte är överens."
            )
        named = [a["id"] for a in decision_dict.get("agreements", [])]
        agreement = agreement or (named[0] if named else None)
    agreement = agreement or DEFAULT_AGREEMENT.get(profile.organisation.region)
    if agreement not in VERSIONS or VERSIONS[agreement].region != profile.organisation.region:
        errors["agreement"] = "Välj ett avtal som gäller i din region."
    if parties is not None and acting_organisation not in parties:
        errors["acting_organisation"] = "Den som agerar nu ska vara en av parterna."
    if not (acting_note or "").strip():
        errors["acting_note"] = (
            "Skriv vad som görs för den enskilde medan frågan avgörs (den enskildes behov "
            "tillgodoses först)."
        )
    if not (question or "").strip():
        errors["question"] = "Beskriv frågan."
    if errors:
        raise ValidationError(errors)
    if person is not None and not access.person_shown(actor, person):
        raise access.denied(actor, "people.person", person.pk, why, status=404)
    assert parties is not None and agreement is not None
    dispute = Dispute.objects.create(
        agreement=agreement,
        basis=DisputeBasis.ENGINE if decision_dict else DisputeBasis.DISAGREEMENT,
        question=question.strip(),
        trigger=", ".join(triggers),
        engine_decision=decision_dict,
        region_party=parties[0],
        municipality_party=parties[1],
        opened_by=access.user_of(actor),
        opened_by_organisation=profile.organisation,
        person=person,
        acting_organisation=acting_organisation,
        acting_note=acting_note.strip(),
        of_principle=of_principle,
    )
    _step(actor, dispute, DisputeStep.What.OPENED, f"Agerar nu: {acting_organisation.name}.")
    record(actor, Action.CREATE, Dispute, dispute.pk, person_ref=_ref(person), why=why)
    return dispute


def _ref(person: Any) -> str | None:
    return person.ref if person is not None else None


def _require_open_party(actor: Any, dispute: Dispute, why: str) -> None:
    if dispute.status != DisputeStatus.OPEN:
        raise ValidationError("Tvisten är redan avgjord.")
    if not (access.is_party(actor, dispute) and access.may_see_cases(actor)):
        raise access.denied(actor, Dispute, dispute.pk, why, status=403)


@transaction.atomic
def escalate_dispute(actor: Any, pk: Any, *, note: str, of_principle: bool = False) -> Dispute:
    """Lift the case to the next step of the agreement's path.

    A forum step takes a question of principle (jh-hemsjukvard §8: "Om problemet är av
    principiell betydelse ..."); a court step needs no more than the parties' disagreement.
    """
    why = "Tvist: lyft"
    dispute = access.get_dispute_for(actor, pk, why=why)
    _require_open_party(actor, dispute, why)
    target = next_step(dispute)
    if target is None:
        raise ValidationError("Tvisten är redan på avtalets sista steg.")
    if not note.strip():
        raise ValidationError({"note": "Skriv varför frågan lyfts."})
    if target.kind == FORUM and not (of_principle or dispute.of_principle):
        raise ValidationError(
            {
                "of_principle": f"Bara frågor av principiell betydelse lyfts till forum: "
                f"»{OF_PRINCIPLE.text}« ({OF_PRINCIPLE.clause})"
            }
        )
    dispute.level = target.level
    dispute.of_principle = dispute.of_principle or of_principle
    dispute.save(update_fields=["level", "of_principle"])
    _step(actor, dispute, DisputeStep.What.ESCALATED, note.strip(), target)
    record(actor, Action.UPDATE, Dispute, dispute.pk, person_ref=_ref(dispute.person), why=why)
    return dispute


@transaction.atomic
def add_cost(
    actor: Any,
    pk: Any,
    *,
    description: str,
    amount: Decimal | str,
    incurred_on: dt.date,
    paid_by: Organisation,
) -> DisputeCost:
    """Book a disputed cost; until the decision each party bears half."""
    why = "Tvist: kostnad"
    dispute = access.get_dispute_for(actor, pk, why=why)
    _require_open_party(actor, dispute, why)
    amount = round_ore(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": "Beloppet ska vara större än noll."})
    if paid_by not in dispute.parties:
        raise ValidationError({"paid_by": "Den som betalat ska vara en av parterna."})
    if not description.strip():
        raise ValidationError({"description": "Beskriv kostnaden."})
    cost = DisputeCost.objects.create(
        dispute=dispute,
        description=description.strip(),
        amount=amount,
        incurred_on=incurred_on,
        paid_by=paid_by,
        recorded_by=access.user_of(actor),
    )
    cost.ledger_ref = ledger_bridge.open_cost(dispute, cost, access.user_of(actor)) or ""
    if cost.ledger_ref:
        cost.save(update_fields=["ledger_ref"])
    _step(actor, dispute, DisputeStep.What.COST, f"{cost.description}: {amount} kr")
    record(actor, Action.UPDATE, Dispute, dispute.pk, why=why)
    return cost


def may_decide(actor: Any, dispute: Dispute) -> bool:
    """At a forum step the forum's members record the decision; at the other steps the
    parties do (the managers' agreement, or the court's judgment)."""
    if dispute.status != DisputeStatus.OPEN:
        return False
    if current_step(dispute).kind == FORUM:
        return access.is_forum_member_for(actor, dispute)
    return access.is_party(actor, dispute) and access.may_see_cases(actor)


@transaction.atomic
def record_dispute_decision(
    actor: Any,
    pk: Any,
    *,
    decided_on: dt.date,
    reasoning: str,
    cost_bearer: str,
    decided_by: str = "",
) -> Dispute:
    """Record the decision that ends the dispute and settles its ledger."""
    why = "Tvist: beslut"
    dispute = access.get_dispute_for(actor, pk, why=why)
    if not may_decide(actor, dispute):
        raise access.denied(actor, Dispute, dispute.pk, why, status=403)
    errors = {}
    if cost_bearer not in CostBearer.values:
        errors["cost_bearer"] = "Ange vem som bär kostnaden."
    if not reasoning.strip():
        errors["reasoning"] = "Beslutet ska motiveras."
    if decided_on > timezone.localdate():
        errors["decided_on"] = "Beslutsdatumet ligger i framtiden."
    if errors:
        raise ValidationError(errors)
    step = current_step(dispute)
    dispute.status = DisputeStatus.RESOLVED
    dispute.decided_on = decided_on
    dispute.decided_by = decided_by.strip() or step.title
    dispute.reasoning = reasoning.strip()
    dispute.cost_bearer = cost_bearer
    dispute.save()
    _step(actor, dispute, DisputeStep.What.DECISION, dispute.reasoning, step)
    ledger_bridge.settle(dispute, access.user_of(actor))
    record(actor, Action.UPDATE, Dispute, dispute.pk, person_ref=_ref(dispute.person), why=why)
    return dispute


# --- the ledger ----------------------------------------------------------------------------


def halves(amount: Decimal) -> tuple[Decimal, Decimal]:
    """An amount split equally in öre: (the other party's half, the payer's half). The other
    party owes the half rounded up, as the purchases ledger invoices it."""
    owed = round_ore(amount / 2)
    return owed, amount - owed


@dataclass
class PartyBalance:
    organisation: Organisation
    paid: Decimal = ZERO
    interim_share: Decimal = ZERO  # half of everything while the dispute lasts
    final_share: Decimal | None = None  # after the decision

    @property
    def interim_transfer(self) -> Decimal:
        """What the party pays the other (negative: receives) to share equally."""
        return self.interim_share - self.paid

    @property
    def settlement(self) -> Decimal | None:
        """The decision's correction of the equal split (positive: pays this much more)."""
        return None if self.final_share is None else self.final_share - self.interim_share


@dataclass
class Ledger:
    dispute: Dispute
    costs: list[DisputeCost]
    region: PartyBalance
    municipality: PartyBalance
    total: Decimal = ZERO
    settled: bool = False

    @property
    def parties(self) -> tuple[PartyBalance, PartyBalance]:
        return (self.region, self.municipality)


def ledger(dispute: Dispute) -> Ledger:
    """The dispute's costs split equally, and, once decided, the decision's shares."""
    costs = list(dispute.costs.select_related("paid_by"))
    region = PartyBalance(dispute.region_party)
    kommun = PartyBalance(dispute.municipality_party)
    settled = dispute.status == DisputeStatus.RESOLVED and bool(dispute.cost_bearer)
    if settled:
        region.final_share = kommun.final_share = ZERO
    result = Ledger(dispute, costs, region, kommun, settled=settled)
    for cost in costs:
        result.total += cost.amount
        by_region = cost.paid_by_id == dispute.region_party_id
        owed, own = halves(cost.amount)
        region_half, kommun_half = (own, owed) if by_region else (owed, own)
        payer = region if by_region else kommun
        payer.paid += cost.amount
        region.interim_share += region_half
        kommun.interim_share += kommun_half
        if settled:
            final = {
                CostBearer.REGION: (cost.amount, ZERO),
                CostBearer.MUNICIPALITY: (ZERO, cost.amount),
                CostBearer.SHARED_EQUALLY: (region_half, kommun_half),
            }[CostBearer(dispute.cost_bearer)]
            region.final_share = (region.final_share or ZERO) + final[0]
            kommun.final_share = (kommun.final_share or ZERO) + final[1]
    return result
