"""Unclear responsibility and disputes (tvister): jh-hemsjukvard §6, §7.7, §8, §11; jh-psykisk §11.

A dispute is opened from an engine decision (`cost=shared_equally`,
`health_care_responsibility=not_regulated`, or any dimension `undetermined`) or because the
parties disagree. The person's need is met first: who acts now is recorded when the case
opens. Its costs are split equally until a decision (`ledger`). The case starts with the
first step of the agreement's escalation path and can be lifted one step at a time.

The path is read from the agreement's declaration (`AgreementVersion.dispute_path` and
`.forum`), never written per view; the agreements room owns it
(`samverkan.agreements.selectors.escalation_path`):

- jh-hemsjukvard (and its Bilaga 2): närmaste chef (§8), then the forum (SVOM/Fredagsgruppen,
  §11) when the question is of principle;
- jh-psykisk: respektive ansvarig överordnad chef, then allmän domstol (§11): no forum;
- an agreement with no dispute clause (gvb-svart-sjuka): the nearest managers, then its
  forum (Länsledning Välfärd).

A decision (date, who decided, reasoning, who bears the cost) settles the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, Role
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
from samverkan.core.errors import Detail, Problem
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
from samverkan.notifications.services import Kind, notify
from samverkan.people import selectors as people_selectors
from samverkan.rules import (
    ASSUMED_WHEN_UNKNOWN,
    DIMENSIONS,
    FACTS,
    REGIONS,
    UNDETERMINED,
    InvalidFacts,
    decide,
    validate_facts,
    value_label,
)

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


class DisputeError(Problem):
    """A refused dispute: each item names its field and carries a stable code."""


def _parties(a: Organisation, b: Organisation) -> tuple[Organisation, Organisation] | None:
    """(region, kommun) if the two are a region and one of its kommuner; a private provider
    is a party as its huvudman."""
    pair = sorted((a.huvudman, b.huvudman), key=lambda o: o.kind != OrganisationKind.REGION)
    region, kommun = pair
    if (
        region.is_region
        and kommun.kind == OrganisationKind.MUNICIPALITY
        and region.region == kommun.region
    ):
        return region, kommun
    return None


# --- the engine question: entered facts completed with the person's record -------------------


@dataclass(frozen=True)
class Question:
    """A dispute's engine question: the facts the engine decided on (JSON), the names of
    those taken from the person's recorded facts, and the decision."""

    facts: dict[str, Any]
    from_record: tuple[str, ...]
    decision: Any  # samverkan.rules.Decision

    @property
    def triggers(self) -> list[str]:
        return decision_triggers(self.decision)


_NOTHING = object()


def _invalid(exc: InvalidFacts) -> DisputeError:
    return DisputeError.many(
        Detail(f"facts.{e.field}", e.code, e.message, e.allowed) for e in exc.errors
    )


def _recorded_facts(
    person: Any, day: dt.date, intervention: str | None, parties: Iterable[Organisation] | None
) -> dict[str, Any]:
    """The person's recorded facts on ``day`` through the one assembler (people.selectors).

    ``parties`` are the dispute's two huvudmän; once `facts_on` takes ``parties=`` (facts
    restricted to the parties' records) it is passed on the line below, and nothing else
    changes."""
    del parties  # -> people_selectors.facts_on(..., parties=parties)
    return people_selectors.facts_on(person, day, intervention=intervention)


def complete_question(
    entered: Mapping[str, Any],
    person: Any = None,
    *,
    parties: Iterable[Organisation] | None = None,
) -> Question:
    """Decide the question whose facts the opener entered, completed with the person's
    recorded facts on the question's date (today when it has none); an entered fact wins
    where both exist. Without a person only the entered facts are decided.

    The caller has checked that the actor may see ``person``. Invalid entered facts are
    refused with the field named ``facts.<fact>``; a recorded fact the entered question
    contradicts (a home kommun outside the question's region) is left out.
    """
    if not isinstance(entered, Mapping):
        raise DisputeError("facts", "not_an_object", "Fakta ska vara ett JSON-objekt.")
    given = {name: value for name, value in entered.items() if value is not None}
    try:
        typed = validate_facts(given)
    except InvalidFacts as exc:
        raise _invalid(exc) from None
    added: dict[str, Any] = {}
    if person is not None:
        day = typed["date"] or timezone.localdate()
        recorded = _recorded_facts(person, day, typed["intervention"], parties)
        added = {
            name: value
            for name, value in recorded.items()
            if name in FACTS
            and name not in given
            and name not in ("region", "date")
            # what the engine assumes anyway (no assessment: not assessed) adds nothing
            and ASSUMED_WHEN_UNKNOWN.get(name, _NOTHING) != value
        }
        region = typed["region"]
        if (
            region is not None
            and "municipality" in added
            and added["municipality"] not in REGIONS[region].municipalities
        ):
            del added["municipality"]  # registered elsewhere; `residence` says so
    facts = added | given
    try:
        decision = decide(facts)
    except InvalidFacts as exc:
        wrong = {e.field for e in exc.errors}
        if not wrong <= set(added):
            raise _invalid(exc) from None
        added = {name: value for name, value in added.items() if name not in wrong}
        facts = added | given
        decision = decide(facts)
    return Question(facts=facts, from_record=tuple(sorted(added)), decision=decision)


def fact_text(name: str, value: Any) -> str:
    """A fact as the pages show it: "Boende: Särskilt boende (SoL)"."""
    spec = FACTS[name]
    if isinstance(value, list | tuple):
        shown = ", ".join(spec.label_of(str(v)) for v in value) or "inga"
    elif isinstance(value, bool):
        shown = "Ja" if value else "Nej"
    elif name == "age":
        shown = f"{value} år"
    else:
        shown = spec.label_of(str(value))
    return f"{spec.label}: {shown}"


def answer_text(decision: Any) -> str:
    """The engine's answer on the questions a dispute is about, in Swedish, with the clause
    behind each: "Hälso- och sjukvårdsansvar: Kommunen (jh-hemsjukvard §7.3); …"."""
    reasons = {r.dimension: r for r in getattr(decision, "reasons", []) if not r.action}
    parts = []
    for dim in DIMENSIONS:
        if dim not in DISPUTE_TRIGGERS:
            continue
        text = f"{DIMENSIONS[dim]}: {value_label(dim, decision.outcome[dim])}"
        if dim in reasons:
            text += f" ({reasons[dim].clause})"
        parts.append(text)
    return "; ".join(parts)


def trigger_labels(trigger: str) -> list[str]:
    """A dispute's trigger ("cost=shared_equally, …") in Swedish: "Kostnadsansvar: Delas lika"."""
    labels = []
    for part in filter(None, (p.strip() for p in (trigger or "").split(","))):
        dim, _, value = part.partition("=")
        labels.append(
            f"{DIMENSIONS[dim]}: {value_label(dim, value)}" if dim in DIMENSIONS else part
        )
    return labels


@dataclass(frozen=True)
class RecordedFact:
    """A fact the dispute's decision took from the person's record."""

    name: str
    label: str
    value: Any
    text: str  # "Boende: Särskilt boende (SoL)"


def recorded_facts(dispute: Dispute) -> list[RecordedFact]:
    """The facts of the dispute's engine decision that came from the person's record (the
    opener's entered facts won where both existed). Show them only with the person."""
    facts = (dispute.engine_decision or {}).get("facts", {})
    return [
        RecordedFact(name, FACTS[name].label, facts[name], fact_text(name, facts[name]))
        for name in dispute.facts_from_record or []
        if name in facts and name in FACTS
    ]


def _determined(question: Question) -> Detail:
    answer = answer_text(question.decision)
    if question.from_record:
        recorded = "; ".join(fact_text(n, question.facts[n]) for n in question.from_record)
        message = (
            f"Med personens registrerade fakta ({recorded}) ger Ansvarsguiden ett entydigt "
            f"besked: {answer}. Frågan är alltså inte oklar enligt avtalet. Är parterna ändå "
            "inte överens, öppna ärendet som oenighet mellan parterna (utan fakta)."
        )
        code = "determined_by_record"
    else:
        message = (
            f"Ansvarsguidens besked är entydigt: {answer}. Öppna ärendet som oenighet mellan "
            "parterna (utan fakta) om ni ändå inte är överens."
        )
        code = "determined"
    return Detail(
        "facts",
        code,
        message,
        extras={"outcome": dict(question.decision.outcome), "from_record": question.from_record},
    )


def _step(
    actor: Any, dispute: Dispute, what: str, note: str = "", step: EscalationStep | None = None
) -> DisputeStep:
    profile = access.profile(actor)
    assert profile is not None
    step = step or current_step(dispute)
    created = DisputeStep.objects.create(
        dispute=dispute,
        by=access.user_of(actor),
        organisation=profile.organisation,
        what=what,
        level=step.level,
        step=step.title,
        note=note,
    )
    _notify_step(actor, dispute, step, profile.organisation, what)
    return created


def _notify_step(
    actor: Any, dispute: Dispute, step: EscalationStep, by: Organisation, what: str
) -> None:
    """Every step reaches the other party's chefsläkare and MAS and the opener; a forum step
    also the forum members of both parties (samverkan.notifications)."""
    link = reverse("deviations:dispute", args=[dispute.pk])
    key = f"dispute:{dispute.pk}:{step.level}:{what}"
    for party in (dispute.region_party, dispute.municipality_party):
        if party.pk != by.pk:
            roles = [Role.CHIEF_PHYSICIAN, Role.MAS]
            notify(party, Kind.DISPUTE_STEP, link, actor=actor, roles=roles, key=key)
        if step.kind == FORUM:
            roles = [Role.FORUM_MEMBER]
            notify(party, Kind.DISPUTE_STEP, link, actor=actor, roles=roles, key=key)
    if dispute.opened_by_id:
        notify(dispute.opened_by, Kind.DISPUTE_STEP, link, actor=actor, key=key)


@transaction.atomic
def open_dispute(
    actor: Any,
    *,
    counterparty: Organisation,
    question: str,
    acting_organisation: Organisation,
    acting_note: str,
    agreement: str | None = None,
    facts: Mapping[str, Any] | None = None,
    person: Any = None,
    of_principle: bool = False,
) -> Dispute:
    """Open a case of unclear responsibility or dispute with `counterparty`.

    With `facts` (the engine question the opener entered, domain-model JSON) the question is
    completed with `person`'s recorded facts on its date (`complete_question`: the entered
    facts win) and decided; the agreement is the decision's and its outcome must be one of
    `DISPUTE_TRIGGERS`, otherwise the question is not unclear and the case is refused
    (`determined`, or `determined_by_record` when the record's facts settled it). Without
    facts, the parties disagree. `acting_organisation` meets the person's need meanwhile
    (jh-hemsjukvard §6, §8). The case starts at step 1 of the agreement's path (the nearest
    managers). Refusals are `DisputeError`s, one item per field.
    """
    why = "Tvist: öppna"
    profile = access.require_profile(actor, why)
    if profile.role in access.NO_CASE_ROLES:
        raise access.denied(actor, Dispute, "", why, status=403)
    # The person first: nothing of a person the actor may not see is read.
    if person is not None and not access.person_shown(actor, person):
        raise access.denied(actor, "people.person", person.pk, why, status=404)
    errors: list[Detail] = []
    parties = _parties(profile.organisation, counterparty)
    if parties is None:
        errors.append(
            Detail(
                "counterparty",
                "not_counterpart",
                "Motparten ska vara den andra huvudmannen i samma län.",
            )
        )
    asked: Question | None = None
    if facts is not None:
        asked = complete_question(facts, person, parties=parties)
        if not asked.triggers:
            errors.append(_determined(asked))
        named = [a["id"] for a in asked.decision.agreements]
        agreement = agreement or (named[0] if named else None)
    agreement = agreement or DEFAULT_AGREEMENT.get(profile.organisation.region)
    if agreement not in VERSIONS or VERSIONS[agreement].region != profile.organisation.region:
        errors.append(
            Detail(
                "agreement", "agreement_not_in_region", "Välj ett avtal som gäller i din region."
            )
        )
    if parties is not None and acting_organisation.huvudman not in parties:
        errors.append(
            Detail(
                "acting_organisation",
                "not_a_party",
                "Den som agerar nu ska vara en av parterna.",
            )
        )
    if not (acting_note or "").strip():
        errors.append(
            Detail(
                "acting_note",
                "missing",
                "Skriv vad som görs för den enskilde medan frågan avgörs (den enskildes behov "
                "tillgodoses först).",
            )
        )
    if not (question or "").strip():
        errors.append(Detail("question", "missing", "Beskriv frågan."))
    if errors:
        raise DisputeError.many(errors)
    assert parties is not None and agreement is not None
    dispute = Dispute.objects.create(
        agreement=agreement,
        basis=DisputeBasis.ENGINE if asked else DisputeBasis.DISAGREEMENT,
        question=question.strip(),
        trigger=", ".join(asked.triggers) if asked else "",
        engine_decision=asked.decision.as_dict() if asked else None,
        facts_from_record=list(asked.from_record) if asked else [],
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
    parties' deciders do (`access.may_decide_for_party`: the managers' agreement, or the
    court's judgment). Others are not offered "Registrera beslut"."""
    if dispute.status != DisputeStatus.OPEN:
        return False
    if current_step(dispute).kind == FORUM:
        return access.is_forum_member_for(actor, dispute)
    return access.may_decide_for_party(actor, dispute)


#: Called with (dispute, user) when a decision is recorded, in its transaction: a room above
#: this one registers what the decision settles in it at once (the discharge room: the days
#: of betalningsansvar it held back, `discharge.invoicing.settle_decided_days`).
DECISION_HOOKS: list[Callable[[Dispute, Any], object]] = []


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
    if cost_bearer not in CostBearer.values:  # never pre-selected: the decision names it
        errors["cost_bearer"] = "Välj vem som bär kostnaden enligt beslutet."
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
    for hook in DECISION_HOOKS:
        hook(dispute, access.user_of(actor))
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
