"""Decision keys: the few bits of each fact that the rules can tell apart.

Every condition reads a fact through a coarse *feature*: an enum by its code, an age by the
band between the thresholds any rule compares it with, a date by the band between version
boundaries, a time by the band between the clock times rules name, a set by its members or
its size. Two cases with equal features get equal answers from every rule, so batch.py
evaluates the rules once per distinct key. Unknown (null) is a code of its own everywhere.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    P,
    TimeWithin,
)
from samverkan.rules.conditions import leaves as conditions_leaves
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
    texts: set[str] = field(default_factory=set)  # text ids: the ones Is/In name


leaves = conditions_leaves  # the one tree walk lives in conditions.py


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
    elif isinstance(leaf, Is | In) and FACTS[leaf.fact].kind is Kind.TEXT:
        out[leaf.fact].texts.update((leaf.value,) if isinstance(leaf, Is) else leaf.values)
    elif isinstance(leaf, Is | In):
        out[leaf.fact].code = True
    elif isinstance(leaf, AtLeast | Below):
        out[leaf.fact].thresholds.update(_numbers(leaf.n, out))
    elif isinstance(leaf, TimeWithin):
        out[leaf.fact].thresholds.update((*_numbers(leaf.start, out), *_numbers(leaf.end, out)))
    elif isinstance(leaf, Has):
        out[leaf.fact].members.add(leaf.item)
    elif isinstance(leaf, CountAtLeast):
        out[leaf.fact].sizes.update(int(n) for n in _numbers(leaf.n, out))  # type: ignore[call-overload]
    elif hasattr(leaf, "fact"):
        raise TypeError(f"features: okänd villkorstyp {type(leaf).__name__}")


def _numbers(n: object, out: dict[str, _Needs]) -> list[object]:
    """A condition's number: every value a parameter takes, and its change dates as date
    bands (cases on either side of a change date are told apart)."""
    if isinstance(n, P):
        values = n.values()
        out["date"].thresholds.update(start for start, _ in values[1:])
        return [v for _, v in values]
    return [n]


@dataclass(frozen=True)
class Feature:
    """One feature: ``scaled(stride, dtype)`` is ``code * stride`` in ``dtype``, with the
    code in ``range(cardinality)`` and 0 for unknown. Booleans and bands fold the stride
    into their literals (a comparison or two and a select per row, no arithmetic); an
    Enum is its physical code, widened, plus one, times the stride."""

    name: str
    cardinality: int
    scaled: Callable[[int, pl.DataType], pl.Expr]

    def expr(self) -> pl.Expr:
        return self.scaled(1, pl.UInt64())


def features(rulesets: Iterable[RuleSet]) -> list[Feature]:
    out: list[Feature] = []
    for fact, need in sorted(needs(rulesets).items()):
        col, kind = pl.col(fact), FACTS[fact].kind
        if need.code:
            if kind is Kind.BOOL:
                out.append(Feature(fact, 3, _tri(col)))
            else:  # Enum columns (see batch.fact_dtype)
                n = len(FACTS[fact].values) if kind is Kind.ENUM else len(ALL_MUNICIPALITIES)
                out.append(Feature(fact, n + 1, _enum_code(col)))
        if need.thresholds:
            thresholds = sorted(need.thresholds)  # type: ignore[type-var]
            out.append(Feature(fact, len(thresholds) + 2, _band(col, thresholds)))
        for item in sorted(need.members):
            out.append(Feature(f"{fact} ∋ {item}", 3, _tri(col.list.contains(pl.lit(item)))))
        if need.sizes:
            sizes = sorted(need.sizes)
            out.append(Feature(f"|{fact}|", len(sizes) + 2, _band(col.list.len(), sizes)))
        if need.texts:
            texts = sorted(need.texts)
            out.append(Feature(fact, len(texts) + 2, _text_code(col, texts)))
    return out


def feature_columns(rulesets: Iterable[RuleSet]) -> list[tuple[pl.Expr, int]]:
    """(expression, cardinality) per feature; every expression is 0 for unknown."""
    return [(f.expr(), f.cardinality) for f in features(rulesets)]


def _tri(cond: pl.Expr) -> Callable[[int, pl.DataType], pl.Expr]:
    """A boolean: unknown 0, false 1, true 2."""

    def scaled(stride: int, dtype: pl.DataType) -> pl.Expr:
        return (
            pl.when(cond.is_null())
            .then(pl.lit(0, dtype))
            .when(cond)
            .then(pl.lit(2 * stride, dtype))
            .otherwise(pl.lit(stride, dtype))
        )

    return scaled


def _enum_code(col: pl.Expr) -> Callable[[int, pl.DataType], pl.Expr]:
    """An Enum: unknown 0, else 1 + its physical code."""

    def scaled(stride: int, dtype: pl.DataType) -> pl.Expr:
        code = col.to_physical().cast(dtype) + pl.lit(1, dtype)
        if stride != 1:
            code = code * pl.lit(stride, dtype)
        return code.fill_null(pl.lit(0, dtype))

    return scaled


def _text_code(col: pl.Expr, texts: Sequence[str]) -> Callable[[int, pl.DataType], pl.Expr]:
    """A text id: unknown 0, one the rules do not name 1, the i-th they name 2 + i."""

    def scaled(stride: int, dtype: pl.DataType) -> pl.Expr:
        code = col.replace_strict(
            {t: (i + 2) * stride for i, t in enumerate(texts)},
            default=pl.lit(stride, dtype),
            return_dtype=dtype,
        )
        return pl.when(col.is_null()).then(pl.lit(0, dtype)).otherwise(code)

    return scaled


def _band(col: pl.Expr, thresholds: Sequence[object]) -> Callable[[int, pl.DataType], pl.Expr]:
    """1 + how many thresholds the value reaches; 0 when unknown."""

    def scaled(stride: int, dtype: pl.DataType) -> pl.Expr:
        band: pl.Expr = pl.lit(stride, dtype)  # below the lowest threshold
        for i, threshold in enumerate(thresholds):  # the highest threshold reached wins
            reached = pl.lit((i + 2) * stride, dtype)
            band = pl.when(col >= pl.lit(threshold)).then(reached).otherwise(band)
        return pl.when(col.is_null()).then(pl.lit(0, dtype)).otherwise(band)

    return scaled


_WORDS = ((2**16, pl.UInt16()), (2**32, pl.UInt32()), (2**64, pl.UInt64()))


def _words(feats: Sequence[Feature]) -> list[list[Feature]]:
    """Features packed into words whose code space fits 16 bits (first fit, largest first;
    a feature too large for one gets a wider word of its own)."""
    words: list[tuple[int, list[Feature]]] = []
    for f in sorted(feats, key=lambda f: -f.cardinality):
        for i, (size, members) in enumerate(words):
            if size * f.cardinality <= _WORDS[0][0]:
                words[i] = (size * f.cardinality, [*members, f])
                break
        else:
            words.append((f.cardinality, [f]))
    return [members for _, members in words]


def key(rulesets: Iterable[RuleSet]) -> pl.Expr:
    """One UInt64 per row; equal keys guarantee equal decisions.

    A mixed-radix number over the features: small words (16 bits where they fit) are
    summed in their own narrow type, then the few words are combined in 64 bits."""
    expr: pl.Expr | None = None
    stride = 1
    for members in _words(features(list(rulesets))):
        size = math.prod(f.cardinality for f in members)
        dtype = next(d for limit, d in _WORDS if size <= limit)
        word: pl.Expr | None = None
        inner = 1
        for f in members:
            term = f.scaled(inner, dtype)
            word = term if word is None else word + term
            inner *= f.cardinality
        assert word is not None
        term = word.cast(pl.UInt64)
        if stride != 1:
            term = term * pl.lit(stride, pl.UInt64)
        expr = term if expr is None else expr + term
        stride *= size
        if stride >= _MAX_KEY:
            raise OverflowError("för många särdrag för en 64-bitars nyckel")
    return pl.lit(0, pl.UInt64) if expr is None else expr
