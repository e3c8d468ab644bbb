"""Decision keys: the few bits of each fact that the rules can tell apart.

Every condition reads a fact through a coarse *feature*: an enum by its code, an age by the
band between the thresholds any rule compares it with, a date by the band between version
boundaries, a time by the band between the clock times rules name, a set by its members or
its size. Two cases with equal features get equal answers from every rule, so batch.py
evaluates the rules once per distinct key. Unknown (null) is a code of its own everywhere.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import polars as pl

from samverkan.rules.conditions import (
    AtLeast,
    Below,
    Cond,
    CountAtLeast,
    Has,
    In,
    InForce,
    Is,
    TimeWithin,
)
from samverkan.rules.facts import FACTS, Kind
from samverkan.rules.regions import ALL_MUNICIPALITIES
from samverkan.rules.ruleset import RuleSet

_MAX_KEY = 2**63


@dataclass
class _Needs:
    """What the rules read of one fact."""

    code: bool = False  # enum/bool/code: the value itself
    thresholds: set[object] = field(default_factory=set)  # numbers/dates/times: bands
    members: set[str] = field(default_factory=set)  # sets: Has(item)
    sizes: set[int] = field(default_factory=set)  # sets: CountAtLeast(n)


def leaves(cond: Cond) -> Iterator[Cond]:
    parts = getattr(cond, "parts", None)
    part = getattr(cond, "part", None)
    if parts is not None:
        for p in parts:
            yield from leaves(p)
    elif part is not None:
        yield from leaves(part)
    else:
        yield cond


def conditions(ruleset: RuleSet) -> Iterator[Cond]:
    for rel in ruleset.relevance:
        yield rel.scope
        yield rel.in_force
    for dim in ruleset.dimensions:
        for g in dim.rules:
            yield g.guard
    for _, g in ruleset.actions:
        yield g.guard


def needs(rulesets: Iterable[RuleSet]) -> dict[str, _Needs]:
    out: dict[str, _Needs] = defaultdict(_Needs)
    out["region"].code = True  # the rule set itself depends on the region
    out["date"].thresholds.add(dt.date(1, 1, 1))  # date known or not decides "incomplete"
    for ruleset in rulesets:
        for cond in conditions(ruleset):
            for leaf in leaves(cond):
                _note(leaf, out)
    return out


def _note(leaf: Cond, out: dict[str, _Needs]) -> None:
    if isinstance(leaf, InForce):
        out["date"].thresholds.add(leaf.valid_from)
        if leaf.valid_to is not None:
            out["date"].thresholds.add(leaf.valid_to + dt.timedelta(days=1))
    elif isinstance(leaf, Is | In) and FACTS[leaf.fact].kind in (Kind.INT, Kind.TIME):
        values = (leaf.value,) if isinstance(leaf, Is) else leaf.values
        out[leaf.fact].thresholds.update(v for x in values for v in (x, x + 1))
    elif isinstance(leaf, Is | In):
        out[leaf.fact].code = True
    elif isinstance(leaf, AtLeast | Below):
        out[leaf.fact].thresholds.add(leaf.n)
    elif isinstance(leaf, TimeWithin):
        out[leaf.fact].thresholds.update((leaf.start, leaf.end))
    elif isinstance(leaf, Has):
        out[leaf.fact].members.add(leaf.item)
    elif isinstance(leaf, CountAtLeast):
        out[leaf.fact].sizes.add(leaf.n)
    elif hasattr(leaf, "fact"):
        raise TypeError(f"features: okänd villkorstyp {type(leaf).__name__}")


def feature_columns(rulesets: Iterable[RuleSet]) -> list[tuple[pl.Expr, int]]:
    """(expression, cardinality) per feature; every expression is 0 for unknown."""
    out: list[tuple[pl.Expr, int]] = []
    for fact, need in sorted(needs(rulesets).items()):
        col, kind = pl.col(fact), FACTS[fact].kind
        if need.code:
            if kind is Kind.BOOL:
                out.append((col.cast(pl.UInt64) + 1, 3))
            else:  # Enum columns (see batch.fact_dtype)
                n = len(FACTS[fact].values) if kind is Kind.ENUM else len(ALL_MUNICIPALITIES)
                out.append((col.to_physical().cast(pl.UInt64) + 1, n + 1))
        if need.thresholds:
            out.append(_band(col, sorted(need.thresholds)))  # type: ignore[type-var]
        for item in sorted(need.members):
            out.append((col.list.contains(pl.lit(item)).cast(pl.UInt64) + 1, 3))
        if need.sizes:
            out.append(_band(col.list.len(), sorted(need.sizes)))
    return out


def _band(col: pl.Expr, thresholds: Sequence[object]) -> tuple[pl.Expr, int]:
    """1 + how many thresholds the value reaches; 0 when unknown."""
    band = pl.sum_horizontal([(col >= pl.lit(t)).cast(pl.UInt64) for t in thresholds]) + 1
    return pl.when(col.is_null()).then(pl.lit(0, pl.UInt64)).otherwise(band), len(thresholds) + 2


def key(rulesets: Iterable[RuleSet]) -> pl.Expr:
    """One UInt64 per row; equal keys guarantee equal decisions."""
    expr: pl.Expr = pl.lit(0, pl.UInt64)
    stride = 1
    for feature, cardinality in feature_columns(list(rulesets)):
        expr = expr + feature.fill_null(0) * pl.lit(stride, pl.UInt64)
        stride *= cardinality
        if stride >= _MAX_KEY:
            raise OverflowError("för många särdrag för en 64-bitars nyckel")
    return expr
