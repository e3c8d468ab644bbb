"""Conditions over facts: one declaration, two evaluators.

Each condition evaluates in Kleene's three-valued logic (``True``/``False``/``None`` for
unknown) on one case, tells which unknown facts would decide it, and compiles to a Polars
expression whose nulls follow the same logic (Polars' ``&``/``|``/``~`` are Kleene).
Conditions are frozen dataclasses so a revision variant can replace a parameter
(``dataclasses.replace``) or be read from JSON (:func:`from_dict`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from functools import cache
from typing import Any, ClassVar

import polars as pl

from samverkan.rules.facts import FACTS, format_time

Tri = bool | None


class Context:
    """One case: its facts plus the dimensions decided so far (for :class:`Decided`)."""

    __slots__ = ("facts", "outcome", "missing")

    def __init__(self, facts: Mapping[str, Any]):
        self.facts = facts
        self.outcome: dict[str, str] = {}
        self.missing: dict[str, frozenset[str]] = {}


def _number(value: Any) -> Any:
    """A parameter value as the conditions compare it: clock times in minutes."""
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    return value


@dataclass(frozen=True)
class P:
    """A named parameter (samverkan/rules/parameters/*.toml) in place of a number,
    resolved at the date of the care: ``AtLeast("age", P("jh_hsv.adult_age"))``.

    ``changes`` are a variant's values from a date on (``set_parameter`` by name); they
    replace the file's values from that date. Rules run only while their agreement is in
    force, so a date before the first value reads the first value.
    """

    name: str
    changes: tuple[tuple[dt.date, Any], ...] = ()

    def values(self) -> tuple[tuple[dt.date, Any], ...]:
        return _merged(self.name, self.changes)

    def at(self, on: dt.date) -> Any:
        values = self.values()
        found = values[0][1]
        for start, value in values:
            if start > on:
                break
            found = value
        return found

    def expr(self) -> pl.Expr:
        values = self.values()
        out = pl.lit(values[0][1])
        for start, value in values[1:]:
            out = pl.when(pl.col("date") >= pl.lit(start)).then(pl.lit(value)).otherwise(out)
        return out

    def describe(self) -> str:
        from samverkan.rules.params import get

        value = self.values()[-1][1]
        shown = format_time(value) if get(self.name).unit == "klockslag" else str(value)
        return f"{get(self.name).label} ({shown})"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"param": self.name}
        if self.changes:
            out["changes"] = [{"from": d.isoformat(), "value": v} for d, v in self.changes]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> P:
        changes = tuple(
            (dt.date.fromisoformat(str(c["from"])), c["value"]) for c in data.get("changes", ())
        )
        return cls(str(data["param"]), changes)


def _merged(name: str, changes: tuple[tuple[dt.date, Any], ...]) -> tuple[tuple[dt.date, Any], ...]:
    return _merged_cached(name, changes)


@cache
def _merged_cached(
    name: str, changes: tuple[tuple[dt.date, Any], ...]
) -> tuple[tuple[dt.date, Any], ...]:
    from samverkan.rules.params import get

    values = [(d, _number(v)) for d, v in get(name).values]
    for start, value in changes:
        values = [(d, v) for d, v in values if d < start] + [(start, _number(value))]
    return tuple(values)


Number = int | P


def _resolve(n: Number, ctx: Context) -> Any:
    if isinstance(n, P):
        date = ctx.facts.get("date")
        return None if date is None else n.at(date)
    return n


def _lit(n: Number) -> Any:
    """An int, or the parameter's value as an int when it has one value, else an expression."""
    if isinstance(n, P):
        values = n.values()
        return values[0][1] if len(values) == 1 else n.expr()
    return n


def _show(n: Number) -> str:
    return n.describe() if isinstance(n, P) else str(n)


def _show_time(n: Number) -> str:
    return n.describe() if isinstance(n, P) else format_time(n)


class Cond:
    kind: ClassVar[str] = ""
    _registry: ClassVar[dict[str, type[Cond]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.kind:
            Cond._registry[cls.kind] = cls

    def evaluate(self, ctx: Context) -> Tri:
        raise NotImplementedError

    def unknowns(self, ctx: Context) -> frozenset[str]:
        """The unknown facts that decide this condition; empty unless it evaluates to None."""
        return frozenset()

    def expr(self) -> pl.Expr:
        raise NotImplementedError

    def fact_names(self) -> frozenset[str]:
        """The facts this condition reads (the whole tree below it)."""
        return frozenset().union(*(c.fact_names() for c in self.children()))

    def children(self) -> tuple[Cond, ...]:
        """The conditions directly inside this one (empty for a leaf): the one tree walk."""
        return ()

    def with_children(self, children: tuple[Cond, ...]) -> Cond:
        """The same condition over other children (for rewriting a tree)."""
        return self

    def describe(self) -> str:
        raise NotImplementedError

    def __and__(self, other: Cond) -> Cond:
        return All((self, other))

    def __or__(self, other: Cond) -> Cond:
        return AnyOf((self, other))

    def __invert__(self) -> Cond:
        return Not(self)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, tuple) and value and isinstance(value[0], Cond):
                value = [c.to_dict() for c in value]
            elif isinstance(value, Cond | P):
                value = value.to_dict()
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out


def from_dict(data: Mapping[str, Any]) -> Cond:
    cls = Cond._registry.get(str(data.get("kind")))
    if cls is None:
        raise ValueError(f"okänd villkorstyp: {data.get('kind')!r}")
    kwargs: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        value = data[f.name]
        if isinstance(value, list) and value and isinstance(value[0], Mapping):
            value = tuple(from_dict(v) for v in value)
        elif isinstance(value, Mapping) and "param" in value:
            value = P.from_dict(value)
        elif isinstance(value, Mapping):
            value = from_dict(value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[f.name] = value
    return cls(**kwargs)


class _FactCond(Cond):
    fact: str

    def _value(self, ctx: Context) -> Any:
        return ctx.facts.get(self.fact)

    def unknowns(self, ctx: Context) -> frozenset[str]:
        return frozenset((self.fact,)) if ctx.facts.get(self.fact) is None else frozenset()

    def fact_names(self) -> frozenset[str]:
        return frozenset((self.fact,))

    def _label(self) -> str:
        return FACTS[self.fact].label


def _value_label(fact: str, value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return FACTS[fact].label_of(str(value))


@dataclass(frozen=True)
class Is(_FactCond):
    """fact == value (booleans included)."""

    kind: ClassVar[str] = "is"
    fact: str
    value: Any

    def evaluate(self, ctx: Context) -> Tri:
        v = ctx.facts.get(self.fact)
        return None if v is None else v == self.value

    def expr(self) -> pl.Expr:
        return pl.col(self.fact) == pl.lit(self.value)

    def describe(self) -> str:
        return f"{self._label()} är {_value_label(self.fact, self.value)}"


@dataclass(frozen=True)
class In(_FactCond):
    kind: ClassVar[str] = "in"
    fact: str
    values: tuple[Any, ...]

    def evaluate(self, ctx: Context) -> Tri:
        v = ctx.facts.get(self.fact)
        return None if v is None else v in self.values

    def expr(self) -> pl.Expr:
        return pl.col(self.fact).is_in(list(self.values))

    def describe(self) -> str:
        labels = ", ".join(_value_label(self.fact, v) for v in self.values)
        return f"{self._label()} är en av: {labels}"


@dataclass(frozen=True)
class AtLeast(_FactCond):
    """fact >= n (ages in whole years)."""

    kind: ClassVar[str] = "at_least"
    fact: str
    n: Number

    def evaluate(self, ctx: Context) -> Tri:
        v, n = ctx.facts.get(self.fact), _resolve(self.n, ctx)
        return None if v is None or n is None else bool(v >= n)

    def expr(self) -> pl.Expr:
        return pl.col(self.fact) >= _lit(self.n)

    def describe(self) -> str:
        return f"{self._label()} minst {_show(self.n)}"


@dataclass(frozen=True)
class Below(_FactCond):
    """fact < n."""

    kind: ClassVar[str] = "below"
    fact: str
    n: Number

    def evaluate(self, ctx: Context) -> Tri:
        v, n = ctx.facts.get(self.fact), _resolve(self.n, ctx)
        return None if v is None or n is None else bool(v < n)

    def expr(self) -> pl.Expr:
        return pl.col(self.fact) < _lit(self.n)

    def describe(self) -> str:
        return f"{self._label()} under {_show(self.n)}"


@dataclass(frozen=True)
class Has(_FactCond):
    """A set fact contains item."""

    kind: ClassVar[str] = "has"
    fact: str
    item: str

    def evaluate(self, ctx: Context) -> Tri:
        v = ctx.facts.get(self.fact)
        return None if v is None else self.item in v

    def expr(self) -> pl.Expr:
        return pl.col(self.fact).list.contains(pl.lit(self.item))

    def describe(self) -> str:
        return f"{self._label()} omfattar {_value_label(self.fact, self.item)}"


@dataclass(frozen=True)
class CountAtLeast(_FactCond):
    """A set fact has at least n members."""

    kind: ClassVar[str] = "count_at_least"
    fact: str
    n: Number

    def evaluate(self, ctx: Context) -> Tri:
        v, n = ctx.facts.get(self.fact), _resolve(self.n, ctx)
        return None if v is None or n is None else len(v) >= n

    def expr(self) -> pl.Expr:
        return pl.col(self.fact).list.len() >= _lit(self.n)

    def describe(self) -> str:
        return f"{self._label()}: minst {_show(self.n)}"


@dataclass(frozen=True)
class TimeWithin(_FactCond):
    """Minutes after midnight in [start, end); wraps past midnight when start > end."""

    kind: ClassVar[str] = "time_within"
    fact: str
    start: Number
    end: Number

    def evaluate(self, ctx: Context) -> Tri:
        v = ctx.facts.get(self.fact)
        start, end = _resolve(self.start, ctx), _resolve(self.end, ctx)
        if v is None or start is None or end is None:
            return None
        if start <= end:
            return bool(start <= v < end)
        return bool(v >= start or v < end)

    def expr(self) -> pl.Expr:
        col, start, end = pl.col(self.fact), _lit(self.start), _lit(self.end)
        if isinstance(start, pl.Expr) or isinstance(end, pl.Expr):  # a value per date
            s_ = start if isinstance(start, pl.Expr) else pl.lit(start)
            e_ = end if isinstance(end, pl.Expr) else pl.lit(end)
            inside = (col >= s_) & (col < e_)
            wraps = (col >= s_) | (col < e_)
            return pl.when(s_ <= e_).then(inside).otherwise(wraps)
        if start <= end:
            return (col >= start) & (col < end)
        return (col >= start) | (col < end)

    def describe(self) -> str:
        return f"{self._label()} {_show_time(self.start)}–{_show_time(self.end)}"


@dataclass(frozen=True)
class Decided(Cond):
    """Another outcome dimension has this value (undetermined there means unknown here)."""

    kind: ClassVar[str] = "decided"
    dimension: str
    value: str

    def evaluate(self, ctx: Context) -> Tri:
        v = ctx.outcome[self.dimension]
        return None if v == "undetermined" else v == self.value

    def unknowns(self, ctx: Context) -> frozenset[str]:
        if ctx.outcome[self.dimension] == "undetermined":
            return ctx.missing.get(self.dimension, frozenset())
        return frozenset()

    def expr(self) -> pl.Expr:
        col = pl.col(self.dimension)
        return (
            pl.when(col == "undetermined")
            .then(pl.lit(None, pl.Boolean))
            .otherwise(col == self.value)
        )

    def describe(self) -> str:
        from samverkan.rules.outcome import DIMENSIONS, value_label

        return f"{DIMENSIONS[self.dimension]} är {value_label(self.dimension, self.value)}"


@dataclass(frozen=True)
class InForce(Cond):
    """The agreement version is in force on the case's date (see validity.py)."""

    kind: ClassVar[str] = "in_force"
    version_key: str
    valid_from: dt.date
    valid_to: dt.date | None

    def evaluate(self, ctx: Context) -> Tri:
        date = ctx.facts.get("date")
        if date is None:
            return None
        return self.valid_from <= date and (self.valid_to is None or date <= self.valid_to)

    def unknowns(self, ctx: Context) -> frozenset[str]:
        return frozenset(("date",)) if ctx.facts.get("date") is None else frozenset()

    def expr(self) -> pl.Expr:
        col = pl.col("date")
        expr = col >= pl.lit(self.valid_from)
        if self.valid_to is not None:
            expr = expr & (col <= pl.lit(self.valid_to))
        return expr

    def fact_names(self) -> frozenset[str]:
        return frozenset(("date",))

    def describe(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "tills vidare"
        return f"{self.version_key} gäller {self.valid_from.isoformat()}–{end}"


@dataclass(frozen=True)
class Const(Cond):
    kind: ClassVar[str] = "const"
    value: bool

    def evaluate(self, ctx: Context) -> Tri:
        return self.value

    def expr(self) -> pl.Expr:
        return pl.lit(self.value)

    def describe(self) -> str:
        return "alltid" if self.value else "aldrig"


TRUE = Const(True)
FALSE = Const(False)


@dataclass(frozen=True)
class All(Cond):
    kind: ClassVar[str] = "all"
    parts: tuple[Cond, ...] = field(default_factory=tuple)

    def evaluate(self, ctx: Context) -> Tri:
        result: Tri = True
        for part in self.parts:
            v = part.evaluate(ctx)
            if v is False:
                return False
            if v is None:
                result = None
        return result

    def unknowns(self, ctx: Context) -> frozenset[str]:
        if self.evaluate(ctx) is not None:
            return frozenset()
        out: frozenset[str] = frozenset()
        for part in self.parts:
            out |= part.unknowns(ctx)
        return out

    def expr(self) -> pl.Expr:
        if not self.parts:
            return pl.lit(True)
        expr = self.parts[0].expr()
        for part in self.parts[1:]:
            expr = expr & part.expr()
        return expr

    def children(self) -> tuple[Cond, ...]:
        return self.parts

    def with_children(self, children: tuple[Cond, ...]) -> Cond:
        return replace(self, parts=tuple(children))

    def describe(self) -> str:
        return " och ".join(_paren(p) for p in self.parts) or "alltid"


@dataclass(frozen=True)
class AnyOf(Cond):
    kind: ClassVar[str] = "any"
    parts: tuple[Cond, ...] = field(default_factory=tuple)

    def evaluate(self, ctx: Context) -> Tri:
        result: Tri = False
        for part in self.parts:
            v = part.evaluate(ctx)
            if v is True:
                return True
            if v is None:
                result = None
        return result

    def unknowns(self, ctx: Context) -> frozenset[str]:
        if self.evaluate(ctx) is not None:
            return frozenset()
        out: frozenset[str] = frozenset()
        for part in self.parts:
            out |= part.unknowns(ctx)
        return out

    def expr(self) -> pl.Expr:
        if not self.parts:
            return pl.lit(False)
        expr = self.parts[0].expr()
        for part in self.parts[1:]:
            expr = expr | part.expr()
        return expr

    def children(self) -> tuple[Cond, ...]:
        return self.parts

    def with_children(self, children: tuple[Cond, ...]) -> Cond:
        return replace(self, parts=tuple(children))

    def describe(self) -> str:
        return " eller ".join(_paren(p) for p in self.parts) or "aldrig"


@dataclass(frozen=True)
class Not(Cond):
    kind: ClassVar[str] = "not"
    part: Cond

    def evaluate(self, ctx: Context) -> Tri:
        v = self.part.evaluate(ctx)
        return None if v is None else not v

    def unknowns(self, ctx: Context) -> frozenset[str]:
        return self.part.unknowns(ctx)

    def expr(self) -> pl.Expr:
        return ~self.part.expr()

    def children(self) -> tuple[Cond, ...]:
        return (self.part,)

    def with_children(self, children: tuple[Cond, ...]) -> Cond:
        (part,) = children
        return Not(part)

    def describe(self) -> str:
        return f"inte {_paren(self.part)}"


def _paren(cond: Cond) -> str:
    text = cond.describe()
    return f"({text})" if isinstance(cond, All | AnyOf) and len(cond.parts) > 1 else text


def all_of(*parts: Cond) -> Cond:
    return All(tuple(parts))


def any_of(*parts: Cond) -> Cond:
    return AnyOf(tuple(parts))


# --- Asking a condition tree (nobody outside this module walks one by hand) -----------------


def children(cond: Cond) -> tuple[Cond, ...]:
    """The conditions directly inside ``cond``."""
    return cond.children()


def walk(cond: Cond) -> Iterator[Cond]:
    """Every condition of the tree, ``cond`` first (depth first, in declaration order)."""
    yield cond
    for child in cond.children():
        yield from walk(child)


def leaves(cond: Cond) -> Iterator[Cond]:
    """The conditions of the tree that have no children (facts, Decided, InForce, Const)."""
    for node in walk(cond):
        if not node.children():
            yield node


def _when(cond_or_rule: Any) -> Cond:
    return cond_or_rule if isinstance(cond_or_rule, Cond) else cond_or_rule.when


def reads(cond_or_rule: Any) -> frozenset[str]:
    """The facts a condition (or a rule's condition) reads."""
    return _when(cond_or_rule).fact_names()


def depends_on(cond_or_rule: Any) -> frozenset[str]:
    """The outcome dimensions a condition (or a rule's condition) reads (:class:`Decided`)."""
    return frozenset(
        node.dimension for node in walk(_when(cond_or_rule)) if isinstance(node, Decided)
    )


def decides(rule: Any) -> frozenset[str]:
    """The outcome dimensions a rule decides (its ``decides`` keys)."""
    return frozenset(rule.decides)


def rewrite(cond: Cond, fn: Any) -> Cond:
    """The tree with ``fn`` applied bottom-up to every node (``fn`` returns the node to keep)."""
    kids = cond.children()
    if kids:
        cond = cond.with_children(tuple(rewrite(k, fn) for k in kids))
    return fn(cond)
