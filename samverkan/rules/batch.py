"""Many decisions at once: the same rule set compiled to Polars expressions.

Nulls are unknown facts; Polars' boolean operators follow Kleene's logic, so the
vectorised answer equals engine.decide row by row (tests/rules/test_batch_property.py).
Output columns: one per outcome dimension, ``<dimension>__rule`` (the deciding rule id),
``status``, ``in_force`` and ``actions`` (list, in the domain model's order).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import polars as pl

from samverkan.rules.facts import (
    ASSUMED_WHEN_UNKNOWN,
    FACT_ORDER,
    FACTS,
    FactError,
    InvalidFacts,
    Kind,
)
from samverkan.rules.outcome import ACTIONS, DIMENSIONS, UNDETERMINED
from samverkan.rules.regions import REGIONS
from samverkan.rules.ruleset import RuleSet, default_ruleset

STATUS = "status"
_ROW = "__row"
DECISION_COLUMNS: tuple[str, ...] = (
    STATUS,
    "in_force",
    *(c for d in DIMENSIONS for c in (d, f"{d}__rule")),
    "actions",
)

_DTYPES: dict[Kind, pl.DataType] = {
    Kind.ENUM: pl.String(),
    Kind.CODE: pl.String(),
    Kind.BOOL: pl.Boolean(),
    Kind.INT: pl.Int32(),
    Kind.DATE: pl.Date(),
    Kind.TIME: pl.Int32(),
    Kind.SET: pl.List(pl.String()),
}


def read_cases(path: str | Path) -> pl.DataFrame:
    path = Path(path)
    if path.suffix == ".parquet":
        return pl.read_parquet(path)
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema_length=10000)
    raise InvalidFacts(
        [FactError("file", "unsupported_format", "Filen ska vara .parquet eller .csv.")]
    )


def normalise(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Typed fact columns (missing ones as all-unknown); raises InvalidFacts on bad values."""
    lf = frame.lazy()
    names = lf.collect_schema().names()
    unknown = [n for n in names if n not in FACTS and not n.startswith("_")]
    if unknown:
        raise InvalidFacts(
            [FactError(n, "unknown_fact", f"Okänd uppgift '{n}'.", FACT_ORDER) for n in unknown]
        )
    columns, raw = [], []
    schema = lf.collect_schema()
    for name, spec in FACTS.items():
        if name not in names:
            columns.append(pl.lit(None, _DTYPES[spec.kind]).alias(name))
            continue
        columns.append(_typed(name, spec.kind, schema[name]).alias(name))
        if spec.kind in (Kind.DATE, Kind.TIME, Kind.INT, Kind.BOOL):
            raw.append(pl.col(name).alias(_raw(name)))  # to tell malformed from unknown
    lf = lf.with_columns(raw).with_columns(columns)
    lf = lf.with_columns(pl.col(n).fill_null(v) for n, v in ASSUMED_WHEN_UNKNOWN.items())
    _check(lf, [n for n in FACTS if n in names])
    return lf.select(FACT_ORDER)


def _raw(name: str) -> str:
    return f"__raw__{name}"


def _typed(name: str, kind: Kind, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if kind is Kind.DATE and dtype == pl.String:
        return col.str.to_date("%Y-%m-%d", strict=False)
    if kind is Kind.TIME and dtype == pl.String:
        parts = col.str.extract_groups(r"^([01]\d|2[0-3]):([0-5]\d)$")
        return parts.struct.field("1").cast(pl.Int32) * 60 + parts.struct.field("2").cast(pl.Int32)
    if kind is Kind.SET and dtype == pl.String:
        return (
            pl.when(col.str.strip_chars().is_in(["", "[]"]))
            .then(pl.lit([], pl.List(pl.String)))
            .otherwise(col.str.split(";").list.eval(pl.element().str.strip_chars()))
        )
    if kind is Kind.CODE:
        return col.cast(pl.String)
    return col.cast(_DTYPES[kind], strict=False)


def _check(lf: pl.LazyFrame, present: list[str]) -> None:
    """Reject values outside the domain model, naming field, rule and first bad row."""
    checks: list[tuple[str, str, str, pl.Expr, tuple[str, ...]]] = []
    for name in present:
        spec, col = FACTS[name], pl.col(name)
        if spec.kind in (Kind.DATE, Kind.TIME, Kind.INT, Kind.BOOL):
            malformed = pl.col(_raw(name)).is_not_null() & col.is_null()
            code = {
                Kind.DATE: "invalid_date",
                Kind.TIME: "invalid_time",
                Kind.INT: "not_an_integer",
                Kind.BOOL: "not_a_boolean",
            }[spec.kind]
            checks.append((name, code, "Felaktigt format", malformed, ()))
        if spec.kind is Kind.ENUM:
            checks.append(
                (
                    name,
                    "invalid_choice",
                    "Ogiltigt värde",
                    col.is_not_null() & ~col.is_in(spec.values),
                    spec.values,
                )
            )
        elif spec.kind is Kind.SET:
            bad = col.list.eval(~pl.element().is_in(spec.values)).list.any()
            checks.append(
                (name, "invalid_choice", "Ogiltigt värde", bad.fill_null(False), spec.values)
            )
        elif spec.kind is Kind.INT:
            checks.append(
                (name, "out_of_range", "Värdet ska vara 0–130", (col < 0) | (col > 130), ())
            )
        elif spec.kind is Kind.CODE:
            codes = tuple(c for r in REGIONS.values() for c in r.municipalities)
            checks.append(
                (
                    name,
                    "unknown_municipality",
                    "Okänd kommunkod",
                    col.is_not_null() & ~col.is_in(codes),
                    codes,
                )
            )
            for region in REGIONS.values():
                foreign = (
                    (pl.col("region") == region.id)
                    & col.is_not_null()
                    & ~col.is_in(list(region.municipalities))
                )
                checks.append(
                    (
                        name,
                        "municipality_not_in_region",
                        f"Kommunkoden finns inte i {region.name}",
                        foreign,
                        tuple(region.municipalities),
                    )
                )
    flags = lf.select(
        [expr.fill_null(False).arg_max().alias(f"{i}") for i, (*_, expr, _) in enumerate(checks)]
        + [expr.fill_null(False).any().alias(f"any{i}") for i, (*_, expr, _) in enumerate(checks)]
    ).collect()
    errors = [
        FactError(
            name, code, f"{message} för {FACTS[name].label} (rad {flags[f'{i}'][0] + 1}).", allowed
        )
        for i, (name, code, message, _, allowed) in enumerate(checks)
        if flags[f"any{i}"][0]
    ]
    if errors:
        raise InvalidFacts(errors)


def decide(
    frame: pl.DataFrame | pl.LazyFrame, rulesets: dict[str, RuleSet] | None = None
) -> pl.DataFrame:
    """Decide every row; the result has the input facts plus the decision columns."""
    lf = normalise(frame).with_row_index(_ROW)
    parts = [_incomplete(lf.filter(pl.col("region").is_null() | pl.col("date").is_null()))]
    for region in REGIONS:
        ruleset = (rulesets or {}).get(region) or default_ruleset(region)
        rows = lf.filter((pl.col("region") == region) & pl.col("date").is_not_null())
        parts.append(_decide_region(rows, ruleset))
    columns = [_ROW, *FACT_ORDER, *DECISION_COLUMNS]
    return pl.concat([p.select(columns) for p in parts]).sort(_ROW).drop(_ROW).collect()


def decide_file(path: str | Path, out: str | Path) -> int:
    result = decide(read_cases(path))
    result.write_parquet(out)
    return result.height


def _incomplete(lf: pl.LazyFrame) -> pl.LazyFrame:
    return lf.with_columns(_blank_columns(pl.lit("incomplete"), covered=pl.lit(True)))


def _blank_columns(status: pl.Expr, covered: pl.Expr) -> list[pl.Expr]:
    cols = [status.alias(STATUS), pl.lit(False).alias("in_force")]
    for name in DIMENSIONS:
        value = pl.lit(UNDETERMINED)
        if name == "health_care_responsibility":
            value = pl.when(covered).then(value).otherwise(pl.lit("not_covered"))
        cols += [value.alias(name), pl.lit(None, pl.String).alias(f"{name}__rule")]
    cols.append(pl.lit([], pl.List(pl.String)).alias("actions"))
    return cols


def _any(exprs: Iterable[pl.Expr]) -> pl.Expr:
    exprs = list(exprs)
    return pl.any_horizontal(exprs) if exprs else pl.lit(False)


def _decide_region(lf: pl.LazyFrame, ruleset: RuleSet) -> pl.LazyFrame:
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
    temp: list[str] = []
    for dim in ruleset.dimensions:
        by_id = {g.rule.id: g for g in dim.rules}
        for rule_id in dim.order:  # exceptions first, so their columns exist
            g = by_id[rule_id]
            eff = g.guard.expr()
            if g.exceptions:
                eff = eff & ~pl.any_horizontal([pl.col(_eff(dim.name, e)) for e in g.exceptions])
            lf = lf.with_columns(eff.alias(_eff(dim.name, rule_id)))
            temp.append(_eff(dim.name, rule_id))
        value: pl.Expr = pl.lit(UNDETERMINED)
        rule: pl.Expr = pl.lit(None, pl.String)
        for g in reversed(dim.rules):  # build the chain so the first rule is tested first
            hit = pl.col(_eff(dim.name, g.rule.id)).fill_null(False)
            value = pl.when(hit).then(pl.lit(g.value)).otherwise(value)
            rule = pl.when(hit).then(pl.lit(g.rule.id)).otherwise(rule)
        blank = pl.lit(UNDETERMINED)
        if dim.name == "health_care_responsibility":
            blank = (
                pl.when(pl.col(STATUS) == "not_covered")
                .then(pl.lit("not_covered"))
                .otherwise(blank)
            )
        lf = lf.with_columns(
            pl.when(decided).then(value).otherwise(blank).alias(dim.name),
            pl.when(decided)
            .then(rule)
            .otherwise(pl.lit(None, pl.String))
            .alias(f"{dim.name}__rule"),
        )
    action_flags = []
    for action in ACTIONS:
        guards = [g.guard.expr() for name, g in ruleset.actions if name == action]
        if guards:
            due = (decided & _any(guards)).fill_null(False)
            action_flags.append(
                pl.when(due).then(pl.lit(action)).otherwise(pl.lit(None, pl.String))
            )
    actions = (
        pl.concat_list(action_flags).list.drop_nulls()
        if action_flags
        else pl.lit([], pl.List(pl.String))
    )
    return lf.with_columns(actions.alias("actions"), decided.alias("in_force")).drop(temp)


def _eff(dimension: str, rule_id: str) -> str:
    return f"__eff__{dimension}__{rule_id}"
