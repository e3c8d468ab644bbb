"""The rule declarations of one region, arranged for evaluation.

Both evaluators (engine.py for one case, batch.py for a DataFrame) read this one
structure, so neither has rules of its own. For every dimension it holds the rules that
decide it, each with its guard (agreement in force, agreement scope, rule condition) and
the rules that override it; an effective rule is ``guard and not any(effective exception)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from samverkan.rules.conditions import Cond, InForce, all_of, depends_on
from samverkan.rules.declarations import AgreementVersion, Rule
from samverkan.rules.outcome import DIMENSIONS
from samverkan.rules.validity import Notices, version_end


@dataclass(frozen=True)
class Guarded:
    rule: Rule
    version: AgreementVersion
    guard: Cond
    exceptions: tuple[str, ...]  # ids of rules (same dimension) that override this one
    value: str = ""
    vkey: str = ""  # the version's key, precomputed for the hot path


@dataclass(frozen=True)
class Dimension:
    name: str
    # Report order: when several rules of one value are effective, the first is reported
    # (the most specific condition first, then by id; never the declaration order).
    rules: tuple[Guarded, ...]
    order: tuple[str, ...]  # rule ids with every exception before the rules it overrides
    by_id: dict[str, Guarded] = field(default_factory=dict)


@dataclass(frozen=True)
class Relevance:
    version: AgreementVersion
    scope: Cond
    in_force: InForce


@dataclass(frozen=True)
class RuleSet:
    region: str
    versions: tuple[AgreementVersion, ...]
    relevance: tuple[Relevance, ...]
    dimensions: tuple[Dimension, ...]  # dependency order (Decided conditions)
    actions: tuple[tuple[str, Guarded], ...]
    rules_by_id: dict[str, Rule] = field(default_factory=dict)


def in_force_condition(version: AgreementVersion, notices: Notices | None = None) -> InForce:
    return InForce(version.key, version.starts, version_end(version, notices))


def build(
    versions: Sequence[AgreementVersion], region: str, notices: Notices | None = None
) -> RuleSet:
    versions = tuple(v for v in versions if v.region == region)
    relevance = tuple(Relevance(v, v.scope, in_force_condition(v, notices)) for v in versions)
    guarded: list[tuple[Rule, AgreementVersion, Cond]] = []
    rules_by_id: dict[str, Rule] = {}
    for rel in relevance:
        for r in rel.version.rules:
            if r.id in rules_by_id:
                raise ValueError(f"regel-id {r.id} finns två gånger")
            rules_by_id[r.id] = r
            guarded.append((r, rel.version, all_of(rel.in_force, rel.scope, r.when)))
    dimensions = [
        _dimension(name, [(r, v, g) for r, v, g in guarded if name in r.decides])
        for name in DIMENSIONS
    ]
    actions = tuple(
        (action, Guarded(r, v, g, (), "", v.key)) for r, v, g in guarded for action in r.actions
    )
    labels = {r.label for r in rules_by_id.values() if r.label}
    for r in rules_by_id.values():
        unknown = [o for o in r.overrides if o not in rules_by_id]
        if unknown:
            raise ValueError(f"{r.id} åsidosätter okänd regel {unknown[0]}")
        unknown = [label for label in r.refines if label not in labels]
        if unknown:
            raise ValueError(f"{r.id} preciserar okänd etikett {unknown[0]}")
    return RuleSet(region, versions, relevance, _dependency_order(dimensions), actions, rules_by_id)


def _dimension(name: str, rules: list[tuple[Rule, AgreementVersion, Cond]]) -> Dimension:
    entries = []
    for r, v, g in rules:
        exceptions = [
            e.id
            for e, _, _ in rules
            if e.id != r.id and (r.id in e.overrides or (r.label and r.label in e.refines))
        ]
        if r.fallback:
            exceptions += [e.id for e, _, _ in rules if not e.fallback and e.id not in exceptions]
        entries.append(Guarded(r, v, g, tuple(exceptions), r.decides[name], v.key))
    entries.sort(key=report_key)
    return Dimension(
        name, tuple(entries), _exceptions_first(entries), {g.rule.id: g for g in entries}
    )


def specificity(r: Rule) -> int:
    """How many facts and decided dimensions a rule's condition reads."""
    return len(r.when.fact_names()) + len(depends_on(r.when))


def report_key(g: Guarded) -> tuple[int, str]:
    """Which of several effective rules of one value a decision names: the one whose
    condition reads the most (``gvb.responsibility.child_self_care`` before the general
    ``gvb.responsibility.self_care``), ties by rule id. Declaration order plays no part, so
    the modules can follow the agreements' clause order."""
    return (-specificity(g.rule), g.rule.id)


def _exceptions_first(entries: Iterable[Guarded]) -> tuple[str, ...]:
    by_id = {g.rule.id: g for g in entries}
    done: list[str] = []
    visiting: set[str] = set()

    def visit(rule_id: str) -> None:
        if rule_id in done:
            return
        if rule_id in visiting:
            raise ValueError(f"cirkulärt undantag vid {rule_id}")
        visiting.add(rule_id)
        for e in by_id[rule_id].exceptions:
            visit(e)
        visiting.discard(rule_id)
        done.append(rule_id)

    for rule_id in by_id:
        visit(rule_id)
    return tuple(done)


def _decided_refs(cond: Cond) -> set[str]:
    """The dimensions a condition reads (kept for callers of the old private name)."""
    return set(depends_on(cond))


def _dependency_order(dimensions: list[Dimension]) -> tuple[Dimension, ...]:
    deps = {d.name: set().union(*(_decided_refs(g.guard) for g in d.rules)) for d in dimensions}
    ordered: list[Dimension] = []
    remaining = {d.name: d for d in dimensions}
    while remaining:
        ready = [n for n in remaining if deps[n] <= {d.name for d in ordered}]
        if not ready:
            raise ValueError(f"cirkulärt beroende mellan utfall: {sorted(remaining)}")
        ordered.extend(remaining.pop(n) for n in ready)
    return tuple(ordered)


_notices_source: Callable[[], Notices] | None = None


def use_notices(source: Callable[[], Notices] | None) -> None:
    """Where the default rule sets learn which agreements were terminated: the web app
    registers its record of notices; without one, only the declared terms count."""
    global _notices_source
    _notices_source = source


def current_notices() -> Notices:
    return _notices_source() if _notices_source is not None else {}


def default_ruleset(region: str) -> RuleSet:
    """The region's rules with the notices recorded now (a notice ends a renewing term)."""
    notices = current_notices()
    return _ruleset(region, tuple(sorted(notices.items())) if notices else ())


@cache
def _ruleset(region: str, notices: tuple[tuple[str, dt.date], ...]) -> RuleSet:
    from samverkan.rules.agreements import ALL_VERSIONS

    return build(ALL_VERSIONS, region, dict(notices))


def last_applied(ruleset: RuleSet, candidates: Sequence[Relevance], on: dt.date) -> Relevance:
    """The agreement to name when none governing the question is in force on ``on``."""
    ended = [r for r in candidates if r.in_force.valid_to and r.in_force.valid_to < on]
    if ended:
        return max(ended, key=lambda r: r.in_force.valid_to or on)
    return min(candidates, key=lambda r: r.in_force.valid_from)
