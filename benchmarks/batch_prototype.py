"""A prototype of faster compilation for samverkan/rules/batch.py (benchmarks only).

Same inputs, same rule sets and, by default, the same output frame as ``batch.decide``
(benchmarks/batch.py --profile checks equality); only how the Polars plan is built
differs. Proposed changes, each measured on its own by ``benchmarks/batch.py --profile``:

1. ``actions``: one UInt16 bit mask of the due actions, then one gather from a literal
   Series holding every possible list, instead of ``concat_list(flags).list.drop_nulls()``
   (the list kernel builds and filters 11 strings per row; the mask is a few integer ops).
2. Each dimension's value and rule id: the index of the first effective rule
   (``pl.coalesce`` of ``when(hit).then(i)`` over small integers), then one gather each
   from literal Series, instead of a chain of nested ``when/then/otherwise`` whose every
   level materialises a whole String column (two chains × rules per dimension).
3. Effective-rule columns computed per exception depth in one ``with_columns`` each,
   instead of one ``with_columns`` per rule (fewer plan nodes; same expressions).
4. ``decide``: the per-region filter, concat and sort carry only the row index and the
   decision columns; the facts are joined back by position (``hstack``), so the 29 fact
   columns (lists and strings) are not gathered again.
5. Each agreement version's guard (in force on the date and in scope) as one column that
   the rules read, instead of repeating ``date >= … & intervention.is_in(…)`` in every
   rule's guard (common-subexpression elimination does not reach across contexts).
6. Optional (``enum_output=True``): decision columns as ``pl.Enum`` (a few bytes per row)
   instead of ``String`` (16 bytes per row per column): less memory, cheaper gathers. This
   changes the output dtype, so it is a proposal for the API, not a drop-in change.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from samverkan.rules import batch
from samverkan.rules.batch import _ROW, DECISION_COLUMNS, STATUS, _any, _eff
from samverkan.rules.facts import FACT_ORDER
from samverkan.rules.outcome import ACTIONS, DIMENSION_VALUES, UNDETERMINED
from samverkan.rules.regions import REGIONS
from samverkan.rules.ruleset import Dimension, Guarded, RuleSet, default_ruleset

MAX_MASK_BITS = 16  # 65 536 possible lists of actions at most


def _literal(values: Sequence[str | None], dtype: pl.DataType) -> pl.Expr:
    return pl.lit(pl.Series(list(values), dtype=dtype))


def _depths(dim: Dimension) -> list[list[str]]:
    """Rule ids grouped so that every exception sits in an earlier group than its base."""
    by_id = {g.rule.id: g for g in dim.rules}
    depth: dict[str, int] = {}
    for rule_id in dim.order:  # exceptions come first in dim.order
        depth[rule_id] = 1 + max((depth[e] for e in by_id[rule_id].exceptions), default=-1)
    groups: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for rule_id in dim.order:
        groups[depth[rule_id]].append(rule_id)
    return groups


def _decide_region(
    lf: pl.LazyFrame, ruleset: RuleSet, *, enum_output: bool = False, rule_ids: Sequence[str] = ()
) -> pl.LazyFrame:
    relevant = [rel.scope.expr().fill_null(True) for rel in ruleset.relevance]
    governing = [
        r & rel.in_force.expr() for r, rel in zip(relevant, ruleset.relevance, strict=True)
    ]
    status = (
        pl.when(~_any(relevant))
        .then(pl.lit("not_covered"))
        .when(~_any(governing))
        .then(pl.lit("not_in_force"))
        .otherwise(pl.lit("decided"))
    )
    lf = lf.with_columns(status.alias(STATUS))
    decided = pl.col(STATUS) == "decided"
    not_covered = pl.col(STATUS) == "not_covered"
    temp: list[str] = []
    # change 5: each agreement version's "in force and in scope" once, as a column
    version_column = {rel.version.key: f"__rel__{i}" for i, rel in enumerate(ruleset.relevance)}
    lf = lf.with_columns(
        (rel.in_force.expr() & rel.scope.expr()).alias(version_column[rel.version.key])
        for rel in ruleset.relevance
    )
    temp.extend(version_column.values())

    def guard(g: Guarded) -> pl.Expr:  # == g.guard.expr(): all_of(in_force, scope, when)
        return pl.col(version_column[g.version.key]) & g.rule.when.expr()

    for dim in ruleset.dimensions:
        by_id = {g.rule.id: g for g in dim.rules}
        for group in _depths(dim):  # change 3
            exprs = []
            for rule_id in group:
                g = by_id[rule_id]
                eff = guard(g)
                if g.exceptions:
                    eff = eff & ~pl.any_horizontal(
                        [pl.col(_eff(dim.name, e)) for e in g.exceptions]
                    )
                exprs.append(eff.alias(_eff(dim.name, rule_id)))
                temp.append(_eff(dim.name, rule_id))
            lf = lf.with_columns(exprs)
        # change 2: index of the first effective rule, then one gather per output column
        k = len(dim.rules)
        first = pl.coalesce(
            [
                pl.when(pl.col(_eff(dim.name, g.rule.id)).fill_null(False)).then(
                    pl.lit(i, pl.UInt16)
                )
                for i, g in enumerate(dim.rules)
            ]
            + [pl.lit(k, pl.UInt16)]  # no rule effective: undetermined
        )
        blank = pl.lit(k + 1, pl.UInt16)  # not decided
        if dim.name == "health_care_responsibility":
            blank = pl.when(not_covered).then(pl.lit(k + 2, pl.UInt16)).otherwise(blank)
        index = pl.when(decided).then(first).otherwise(blank)
        uncovered = "not_covered" if dim.name == "health_care_responsibility" else UNDETERMINED
        values = [g.value for g in dim.rules] + [UNDETERMINED, UNDETERMINED, uncovered]
        rules: list[str | None] = [g.rule.id for g in dim.rules] + [None, None, None]
        value_type: pl.DataType = (
            pl.Enum(list(DIMENSION_VALUES[dim.name])) if enum_output else pl.String()
        )
        rule_type: pl.DataType = (
            pl.Enum(list(rule_ids) or sorted({r for r in rules if r is not None}))
            if enum_output
            else pl.String()
        )
        lf = lf.with_columns(
            _literal(values, value_type).gather(index).alias(dim.name),
            _literal(rules, rule_type).gather(index).alias(f"{dim.name}__rule"),
        )
    # change 1: a bit mask of due actions, then one gather
    present = [a for a in ACTIONS if any(name == a for name, _ in ruleset.actions)]
    if not present:
        actions = pl.lit([], pl.List(pl.String))
    elif len(present) > MAX_MASK_BITS:
        return batch._decide_region(lf, ruleset)
    else:
        bits = []
        for bit, action in enumerate(present):
            guards = [guard(g) for name, g in ruleset.actions if name == action]
            due = (decided & _any(guards)).fill_null(False)
            bits.append(due.cast(pl.UInt16) * (1 << bit))
        mask = pl.sum_horizontal(bits).cast(pl.UInt16)
        lists = [
            [a for bit, a in enumerate(present) if m >> bit & 1] for m in range(1 << len(present))
        ]
        actions = pl.lit(pl.Series(lists, dtype=pl.List(pl.String))).gather(mask)
    return lf.with_columns(actions.alias("actions"), decided.alias("in_force")).drop(temp)


def decide(
    frame: pl.DataFrame | pl.LazyFrame,
    rulesets: dict[str, RuleSet] | None = None,
    *,
    enum_output: bool = False,
) -> pl.DataFrame:
    """batch.decide with the changes above."""
    facts = batch.normalise(frame).collect()
    lf = facts.lazy().with_row_index(_ROW)
    incomplete = batch._incomplete(lf.filter(pl.col("region").is_null() | pl.col("date").is_null()))
    parts = [incomplete.select(_ROW, *DECISION_COLUMNS)]
    chosen = {r: (rulesets or {}).get(r) or default_ruleset(r) for r in REGIONS}
    rule_ids = sorted({i for rs in chosen.values() for i in rs.rules_by_id})
    for region, ruleset in chosen.items():
        rows = lf.filter((pl.col("region") == region) & pl.col("date").is_not_null())
        part = _decide_region(rows, ruleset, enum_output=enum_output, rule_ids=rule_ids)
        parts.append(part.select(_ROW, *DECISION_COLUMNS))
    if enum_output:  # one Enum per column across the parts
        dtypes: dict[str, pl.DataType] = {
            STATUS: pl.Enum(["decided", "not_in_force", "not_covered", "incomplete"])
        }
        for dim, values in DIMENSION_VALUES.items():
            dtypes[dim] = pl.Enum(list(values))
            dtypes[f"{dim}__rule"] = pl.Enum(rule_ids)
        parts = [p.with_columns(pl.col(c).cast(t) for c, t in dtypes.items()) for p in parts]
    decisions = pl.concat(parts).sort(_ROW).drop(_ROW).collect()  # change 4
    return facts.select(FACT_ORDER).hstack(decisions)
