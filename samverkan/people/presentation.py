"""Decisions, diffs and facts in Swedish words for the pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samverkan.people.models import ResponsibilityDecision, fact_value_display
from samverkan.people.services import INTERVENTION_FACTS, PERSON_FACTS, DecisionDiff
from samverkan.rules import (
    ACTIONS,
    DIMENSIONS,
    FACTS,
    STATUS_TEXT,
    agreement_name,
    decision_summary,
    value_label,
)


@dataclass
class ReasonView:
    what: str
    clause: str
    rule: str
    text: str
    local_note: str = ""  # the rule holds "om annat ej överenskommits" (Rule.unless_local)


@dataclass
class DecisionView:
    decision: ResponsibilityDecision
    headline: str
    agreements: list[str]
    outcome: list[tuple[str, str]]
    actions: list[str]
    missing: list[tuple[str, str, str, str]]  # (fact, label, question, where: person/intervention)
    reasons: list[ReasonView] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    summary: str = ""  # who does what and who pays, in one sentence


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


def decision_view(decision: ResponsibilityDecision) -> DecisionView:
    snapshot = decision.decision or {}
    status = snapshot.get("status", decision.status)
    headline = STATUS_TEXT.get(status, "")
    agreements = [
        f"{agreement_name(str(a.get('id')))}, version {a.get('version')}"
        + (f" (gäller {a.get('valid_from')} – {a.get('valid_to') or 'tills vidare'})")
        for a in snapshot.get("agreements", [])
    ]
    outcome = [
        (label, value_label(dim, decision.outcome[dim]))
        for dim, label in DIMENSIONS.items()
        if dim in (decision.outcome or {})
    ]
    reasons = [
        ReasonView(
            what=ACTIONS.get(r.get("action") or "", "")
            or DIMENSIONS.get(r.get("dimension", ""), r.get("dimension", "")),
            clause=r.get("clause", ""),
            rule=r.get("rule", ""),
            text=r.get("text", ""),
            local_note=r.get("local_note", ""),
        )
        for r in decision.reasons
    ]
    missing = [
        (
            f,
            FACTS[f].label if f in FACTS else f,
            FACTS[f].question if f in FACTS else "",
            "person" if f in PERSON_FACTS else "intervention" if f in INTERVENTION_FACTS else "",
        )
        for f in decision.missing_facts
    ]
    facts = [
        (FACTS[name].label, fact_value_display(name, value))
        for name, value in (decision.facts_used or {}).items()
        if name in FACTS
    ]
    return DecisionView(
        decision=decision,
        headline=headline,
        agreements=agreements,
        outcome=outcome,
        actions=[action_label(a) for a in decision.actions],
        missing=missing,
        reasons=reasons,
        facts=facts,
        summary=decision_summary(decision.outcome or {}),
    )


@dataclass
class DiffView:
    diff: DecisionDiff
    outcome: list[tuple[str, str, str]]
    actions_added: list[str]
    actions_removed: list[str]
    reasons_added: list[ReasonView]
    reasons_removed: list[ReasonView]
    facts: list[tuple[str, str, str]]
    missing_added: list[str]
    missing_removed: list[str]


def _reason(r: dict[str, Any]) -> ReasonView:
    return ReasonView(
        what=ACTIONS.get(r.get("action") or "", "")
        or DIMENSIONS.get(r.get("dimension", ""), r.get("dimension", "")),
        clause=r.get("clause", ""),
        rule=r.get("rule", ""),
        text=r.get("text", ""),
    )


def diff_view(diff: DecisionDiff) -> DiffView:
    def fact_label(name: str) -> str:
        return FACTS[name].label if name in FACTS else name

    return DiffView(
        diff=diff,
        outcome=[
            (
                DIMENSIONS.get(row["dimension"], row["dimension"]),
                value_label(row["dimension"], row["before"]) if row["before"] else "–",
                value_label(row["dimension"], row["after"]) if row["after"] else "–",
            )
            for row in diff.outcome
        ],
        actions_added=[action_label(a) for a in diff.actions_added],
        actions_removed=[action_label(a) for a in diff.actions_removed],
        reasons_added=[_reason(r) for r in diff.reasons_added],
        reasons_removed=[_reason(r) for r in diff.reasons_removed],
        facts=[
            (
                fact_label(row["fact"]),
                fact_value_display(row["fact"], row["before"]),
                fact_value_display(row["fact"], row["after"]),
            )
            for row in diff.facts
        ],
        missing_added=[fact_label(f) for f in diff.missing_added],
        missing_removed=[fact_label(f) for f in diff.missing_removed],
    )
