"""One decision: three-valued evaluation with reasons and the facts still missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from samverkan.rules.clauses.library import passage
from samverkan.rules.conditions import Context, Tri, all_of
from samverkan.rules.declarations import Rule
from samverkan.rules.facts import FACT_ORDER, Facts, facts_to_json, validate_facts
from samverkan.rules.outcome import ACTIONS, DIMENSIONS, UNDETERMINED
from samverkan.rules.revisions import ruleset_for_facts
from samverkan.rules.ruleset import (
    Dimension,
    Guarded,
    Relevance,
    RuleSet,
    last_applied,
)

# Why a decision rests on no agreement (``status``):
DECIDED = "decided"
NOT_IN_FORCE = "not_in_force"  # the governing agreement is not in force on the date
NOT_COVERED = "not_covered"  # no agreement in the library governs the question
INCOMPLETE = "incomplete"  # region or date unknown


@dataclass
class Reason:
    dimension: str
    rule: str
    clause: str
    text: str
    action: str | None = None
    quoted: bool = True  # False: ``text`` says what the agreement does not say (Rule.silent)
    # The rule is a default "om annat ej överenskommits": a local agreement may say otherwise.
    local_note: str = ""

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dimension": self.dimension,
            "rule": self.rule,
            "clause": self.clause,
            "text": self.text,
        }
        if self.action:
            out["action"] = self.action
        if not self.quoted:
            out["quoted"] = False
        if self.local_note:
            out["local_note"] = self.local_note
        return out


@dataclass
class Decision:
    facts: Facts
    status: str
    in_force: bool
    agreements: list[dict[str, Any]]
    outcome: dict[str, str]
    rules: dict[str, str | None]
    actions: list[str]
    missing_facts: list[str]
    reasons: list[Reason] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "agreements": self.agreements,
            "in_force": self.in_force,
            "status": self.status,
            "outcome": self.outcome,
            "rules": self.rules,
            "actions": self.actions,
            "missing_facts": self.missing_facts,
            "reasons": [r.as_dict() for r in self.reasons],
            "facts": facts_to_json(self.facts),
        }


def decide(raw_facts: Mapping[str, Any], ruleset: RuleSet | None = None) -> Decision:
    """Decide one case from the flat facts object; raises facts.InvalidFacts on bad input."""
    return decide_facts(validate_facts(raw_facts), ruleset)


def decide_facts(facts: Facts, ruleset: RuleSet | None = None) -> Decision:
    region, date = facts["region"], facts["date"]
    if region is None or date is None:
        missing = [f for f in ("region", "date") if facts[f] is None]
        return _blank(facts, INCOMPLETE, [], missing)
    ruleset = ruleset or ruleset_for_facts(facts)  # adopted revisions by kommun and date
    ctx = Context(facts)
    relevant = [r for r in ruleset.relevance if r.scope.evaluate(ctx) is not False]
    if not relevant:
        return _blank(facts, NOT_COVERED, [], [], covered=False)
    governing = [r for r in relevant if r.in_force.evaluate(ctx)]
    if not governing:
        return _blank(facts, NOT_IN_FORCE, [_agreement(last_applied(ruleset, relevant, date))], [])
    return _evaluate(ruleset, ctx, governing)


class _Guards:
    """Guard values for one case: agreement-level parts (in force, scope) are evaluated
    once per agreement version, not once per rule; semantics equal ``g.guard``."""

    def __init__(self, ruleset: RuleSet, ctx: Context):
        self.ctx = ctx
        self.version: dict[str, Tri] = {}
        for rel in ruleset.relevance:
            f = rel.in_force.evaluate(ctx)
            self.version[rel.version.key] = (
                False if f is False else _and(f, rel.scope.evaluate(ctx))
            )
        self.rels = {rel.version.key: rel for rel in ruleset.relevance}

    def value(self, g: Guarded) -> Tri:
        head = self.version[g.vkey]
        if head is False:
            return False
        when = g.rule.when.evaluate(self.ctx)
        if when is False:
            return False
        return None if head is None or when is None else True

    def unknowns(self, g: Guarded) -> frozenset[str]:
        rel = self.rels[g.vkey]
        return all_of(rel.in_force, rel.scope, g.rule.when).unknowns(self.ctx)


def _and(a: Tri, b: Tri) -> Tri:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _evaluate(ruleset: RuleSet, ctx: Context, governing: list[Relevance]) -> Decision:
    guards = _Guards(ruleset, ctx)
    rules: dict[str, str | None] = {}
    reasons: list[Reason] = []
    missing: set[str] = set()
    for dim in ruleset.dimensions:
        value, rule_id, unknown = _decide_dimension(dim, guards)
        ctx.outcome[dim.name] = value
        ctx.missing[dim.name] = unknown
        rules[dim.name] = rule_id
        missing |= unknown
        if rule_id is not None:
            r = ruleset.rules_by_id[rule_id]
            reasons.append(_reason(dim.name, r))
    actions: list[str] = []
    for action, g in ruleset.actions:
        v = guards.value(g)
        if v is True and action not in actions:
            actions.append(action)
            r = g.rule
            reasons.append(_reason("actions", r, action))
        elif v is None:
            missing |= guards.unknowns(g)
    actions.sort(key=list(ACTIONS).index)
    outcome = {name: ctx.outcome[name] for name in DIMENSIONS}
    return Decision(
        facts=dict(ctx.facts),
        status=DECIDED,
        in_force=True,
        agreements=[_agreement(r) for r in governing],
        outcome=outcome,
        rules={name: rules[name] for name in DIMENSIONS},
        actions=actions,
        missing_facts=[f for f in FACT_ORDER if f in missing],
        reasons=reasons,
    )


def _reason(dimension: str, r: Rule, action: str | None = None) -> Reason:
    note = r.unless_local.note if r.unless_local is not None else ""
    if r.silent:
        return Reason(dimension, r.id, r.clause, r.silent, action, quoted=False, local_note=note)
    text = passage(r.clause, r.anchor, r.context)
    return Reason(dimension, r.id, r.clause, text, action, local_note=note)


def _decide_dimension(dim: Dimension, guards: _Guards) -> tuple[str, str | None, frozenset[str]]:
    effective: dict[str, Tri] = {}
    by_id = dim.by_id
    for rule_id in dim.order:  # exceptions first
        g = by_id[rule_id]
        v = guards.value(g)
        if v is not False:
            for e in g.exceptions:
                ev = effective[e]
                if ev is True:
                    v = False
                    break
                if ev is None:
                    v = None
        effective[rule_id] = v
    for g in dim.rules:
        if effective[g.rule.id] is True:
            return g.value, g.rule.id, frozenset()
    unknown: set[str] = set()
    seen: set[str] = set()
    # A rule whose guard is certain stands in for any other rule of its value that has at
    # least its exceptions: the other rule's own unknowns cannot change the answer.
    certain = [g for g in dim.rules if guards.value(g) is True]

    def subsumed(g: Guarded) -> bool:
        return any(
            s is not g and s.value == g.value and set(s.exceptions) <= set(g.exceptions)
            for s in certain
        )

    def collect(rule_id: str) -> None:  # the unknowns behind an undetermined rule
        if rule_id in seen:
            return
        seen.add(rule_id)
        g = by_id[rule_id]
        if not subsumed(g):
            unknown.update(guards.unknowns(g))
        for e in g.exceptions:
            if effective[e] is None:
                collect(e)

    for rule_id, v in effective.items():
        if v is None:
            collect(rule_id)
    return UNDETERMINED, None, frozenset(unknown)


def _agreement(rel: Relevance) -> dict[str, Any]:
    v = rel.version
    return {
        "id": v.agreement,
        "version": v.version,
        "title": v.title,
        "valid_from": rel.in_force.valid_from.isoformat(),
        "valid_to": rel.in_force.valid_to.isoformat() if rel.in_force.valid_to else None,
    }


def _blank(
    facts: Facts,
    status: str,
    agreements: list[dict[str, Any]],
    missing: list[str],
    covered: bool = True,
) -> Decision:
    outcome = dict.fromkeys(DIMENSIONS, UNDETERMINED)
    if not covered:
        outcome["health_care_responsibility"] = "not_covered"
    return Decision(
        facts=facts,
        status=status,
        in_force=False,
        agreements=agreements,
        outcome=outcome,
        rules=dict.fromkeys(DIMENSIONS),
        actions=[],
        missing_facts=missing,
    )


def today() -> dt.date:
    return dt.date.today()
