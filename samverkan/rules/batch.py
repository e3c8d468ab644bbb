"""Many decisions at once: the same rule set compiled to Polars expressions.

Nulls are unknown facts; Polars' boolean operators follow Kleene's logic, so the
vectorised answer equals engine.decide row by row (tests/rules/test_batch_property.py).

Millions of cases share far fewer distinct *decision keys*: every condition reads a fact
through a small feature (an enum code, an age band between the thresholds the rules use, a
date band between version boundaries …; see features.py). The rules are evaluated once per
distinct key into a small table, so the cost grows with the number of rows only through
the key (a few narrow integer operations), one hash join for each row's position in the
table and one gather of its few packed columns (Enum codes, and the Booleans as bits of
one integer) that cheap bit tests unpack.

Output columns: the facts, ``status``, ``in_force``, one per outcome dimension and
``<dimension>__rule`` (the deciding rule id), as ``pl.Enum``, one Boolean ``action__<name>``
per action, and with ``action_list=True`` also ``actions`` (the due actions as a list, in
the domain model's order, like the single decision; costly on millions of rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import polars as pl

from samverkan.rules import features
from samverkan.rules.conditions import TRUE, Const
from samverkan.rules.facts import (
    ASSUMED_WHEN_UNKNOWN,
    FACT_ORDER,
    FACTS,
    MAX_TEXT,
    FactError,
    InvalidFacts,
    Kind,
)
from samverkan.rules.outcome import ACTIONS, DIMENSION_VALUES, DIMENSIONS, UNDETERMINED
from samverkan.rules.regions import ALL_MUNICIPALITIES, REGIONS
from samverkan.rules.ruleset import Dimension, Guarded, Relevance, RuleSet, default_ruleset

STATUS = "status"
STATUSES = ("decided", "not_in_force", "not_covered", "incomplete")
ACTION_COLUMNS: tuple[str, ...] = tuple(f"action__{a}" for a in ACTIONS)
DECISION_COLUMNS: tuple[str, ...] = (
    STATUS,
    "in_force",
    *(c for d in DIMENSIONS for c in (d, f"{d}__rule")),
    *ACTION_COLUMNS,
)
_ROW = "__row"
_KEY = "__key"
_DECIDED = "__decided"
_NOT_COVERED = "__not_covered"


def fact_dtype(name: str) -> pl.DataType:
    """The dtype of a fact column after :func:`normalise`."""
    spec = FACTS[name]
    if spec.kind is Kind.ENUM:
        return pl.Enum(spec.values)
    if spec.kind is Kind.CODE:
        return pl.Enum(ALL_MUNICIPALITIES)
    return {
        Kind.BOOL: pl.Boolean(),
        Kind.INT: pl.Int32(),
        Kind.DATE: pl.Date(),
        Kind.TIME: pl.Int32(),
        Kind.SET: pl.List(pl.String()),
        Kind.TEXT: pl.String(),
    }[spec.kind]


def read_cases(path: str | Path) -> pl.DataFrame:
    """The checked facts of a .csv, .jsonl or .parquet file (the one reader: rules.io)."""
    from samverkan.rules.io import read_facts

    return read_facts(path, with_facts=False).frame


def normalise(frame: pl.DataFrame | pl.LazyFrame) -> pl.DataFrame:
    """Typed fact columns (missing ones as all-unknown); raises InvalidFacts on bad values."""
    lf = frame.lazy()
    schema = lf.collect_schema()
    unknown = [n for n in schema.names() if n not in FACTS and not n.startswith("_")]
    if unknown:
        raise InvalidFacts(
            [FactError(n, "unknown_fact", f"Okänd uppgift '{n}'.", FACT_ORDER) for n in unknown]
        )
    columns, raw = [], []
    for name in FACTS:
        target = fact_dtype(name)
        if name not in schema:
            columns.append(pl.lit(None, target).alias(name))
        elif schema[name] == target:
            columns.append(pl.col(name))
        else:
            columns.append(_typed(name, FACTS[name].kind, schema[name]).alias(name))
            raw.append(pl.col(name).alias(_raw(name)))  # to tell malformed from unknown
    typed = lf.select(*raw, *columns).with_columns(
        pl.col(n).fill_null(v) for n, v in ASSUMED_WHEN_UNKNOWN.items()
    )
    df = typed.collect()
    _check(df, [n for n in FACTS if n in schema])
    return df.select(FACT_ORDER)


def _raw(name: str) -> str:
    return f"__raw__{name}"


def _typed(name: str, kind: Kind, dtype: pl.DataType) -> pl.Expr:
    col = pl.col(name)
    if kind in (Kind.ENUM, Kind.CODE):
        return col.cast(pl.String).cast(fact_dtype(name), strict=False)
    if kind is Kind.DATE and dtype == pl.String:
        return col.str.to_date("%Y-%m-%d", strict=False)
    if kind is Kind.TIME and dtype == pl.String:
        parts = col.str.extract_groups(r"^([01]\d|2[0-3]):([0-5]\d)$")
        return parts.struct.field("1").cast(pl.Int32) * 60 + parts.struct.field("2").cast(pl.Int32)
    if kind is Kind.SET and dtype == pl.String:
        empty = col.str.strip_chars().is_in(["", "[]"])
        return (
            pl.when(empty)
            .then(pl.lit([], pl.List(pl.String)))
            .otherwise(col.str.split(";").list.eval(pl.element().str.strip_chars()))
        )
    return col.cast(fact_dtype(name), strict=False)


def _check(df: pl.DataFrame, present: list[str]) -> None:
    """Reject values outside the domain model, naming field, rule and first bad row."""
    checks: list[tuple[str, str, str, pl.Expr, tuple[str, ...]]] = []
    quick: dict[int, pl.Expr] = {}  # a cheaper test whether any row fails check i
    for name in present:
        spec, col = FACTS[name], pl.col(name)
        if _raw(name) in df.columns:
            malformed = pl.col(_raw(name)).is_not_null() & col.is_null()
            code, message = _MALFORMED[spec.kind]
            checks.append(
                (name, code, message, malformed, spec.values if spec.kind is Kind.ENUM else ())
            )
        if spec.kind is Kind.SET:
            bad = col.list.eval(~pl.element().is_in(spec.values)).list.any()
            members = col.explode(empty_as_null=False, keep_nulls=False)
            quick[len(checks)] = ~members.is_in(spec.values)
            checks.append((name, "invalid_choice", "Ogiltigt värde", bad, spec.values))
        elif spec.kind is Kind.INT:
            checks.append(
                (name, "out_of_range", "Värdet ska vara 0–130", (col < 0) | (col > 130), ())
            )
        elif spec.kind is Kind.TEXT:  # as facts._parse: no blanks around it, at most MAX_TEXT
            bad = (col.str.strip_chars() != col) | (col.str.len_chars() == 0)
            bad = bad | (col.str.len_chars() > MAX_TEXT)
            checks.append((name, "invalid_text", "Ska vara ett id som text", bad, ()))
        elif spec.kind is Kind.CODE:
            for region in REGIONS.values():
                codes = list(region.municipalities)
                foreign = (pl.col("region") == region.id) & col.is_not_null() & ~col.is_in(codes)
                message = f"Kommunkoden finns inte i {region.name}"
                checks.append((name, "municipality_not_in_region", message, foreign, tuple(codes)))
    if not checks:
        return
    failed = df.lazy().select(
        quick.get(i, expr).fill_null(False).any().alias(str(i))
        for i, (*_, expr, _) in enumerate(checks)
    )
    errors = []
    for (name, code, message, expr, allowed), bad in zip(
        checks, failed.collect().row(0), strict=True
    ):
        if bad:  # only now find the first bad row
            row = int(df.select(expr.fill_null(False).arg_max()).item() or 0) + 1
            errors.append(
                FactError(name, code, f"{message} för {FACTS[name].label} (rad {row}).", allowed)
            )
    if errors:
        raise InvalidFacts(errors)


_MALFORMED = {
    Kind.ENUM: ("invalid_choice", "Ogiltigt värde"),
    Kind.CODE: ("unknown_municipality", "Okänd kommunkod"),
    Kind.DATE: ("invalid_date", "Felaktigt datum (ÅÅÅÅ-MM-DD)"),
    Kind.TIME: ("invalid_time", "Felaktigt klockslag (TT:MM)"),
    Kind.INT: ("not_an_integer", "Ska vara ett heltal"),
    Kind.BOOL: ("not_a_boolean", "Ska vara true eller false"),
    Kind.SET: ("not_a_list", "Ska vara en lista"),
    Kind.TEXT: ("invalid_text", "Ska vara ett id som text"),
}


def decide(
    frame: pl.DataFrame | pl.LazyFrame,
    rulesets: Mapping[str, RuleSet] | None = None,
    *,
    action_list: bool = False,
    revisions: bool = True,
) -> pl.DataFrame:
    """Decide every row; the result has the input facts plus the decision columns. Without
    ``rulesets``, adopted revisions govern the rows they cover (rules/revisions.py)."""
    if rulesets is None and revisions:
        from samverkan.rules.revisions import current_revisions
        from samverkan.rules.revisions import decide_frame as decide_revised

        adopted = current_revisions()
        if adopted:
            return decide_revised(frame, adopted, action_list=action_list)
    facts = normalise(frame)
    chosen = {r: (rulesets or {}).get(r) or default_ruleset(r) for r in REGIONS}
    types = DecisionTypes(chosen.values())
    keys = facts.select(features.key(chosen.values()).alias(_KEY)).to_series().rechunk()
    first = keys.arg_unique().sort()  # one representative row per distinct decision key
    chosen_rows = pl.repeat(False, facts.height, dtype=pl.Boolean, eager=True)
    representatives = facts.lazy().filter(chosen_rows.scatter(first, True)).collect()
    table = _packed(decide_rows(representatives, chosen), types)
    # every row's position in the table, then one gather of the few packed columns
    distinct = keys.gather(first).to_frame(_KEY).with_row_index(_ROW)
    index = keys.to_frame(_KEY).join(distinct, on=_KEY, how="inner", maintain_order="left")[_ROW]
    assert index.len() == keys.len()  # every key is in the table
    result = pl.concat([facts, _unpacked(table[index], types)], how="horizontal")
    return with_action_list(result) if action_list else result


_MASK = "__mask"
_RULE_BIT = 16  # bits of _MASK: one per action from 0, "has a rule" per dimension from 16


def _packed(answers: pl.DataFrame, types: DecisionTypes) -> pl.DataFrame:
    """The decisions of the distinct keys in columns that are cheap to gather for millions
    of rows: Enum columns without nulls (a missing rule id filled in) and the Booleans
    (actions, rule id present) as bits of one UInt32."""
    assert len(ACTIONS) <= _RULE_BIT and _RULE_BIT + len(DIMENSIONS) <= 32

    def bit(flag: pl.Expr, i: int) -> pl.Expr:
        return pl.when(flag).then(pl.lit(1 << i, pl.UInt32)).otherwise(pl.lit(0, pl.UInt32))

    flags = [bit(pl.col(f"action__{a}"), i) for i, a in enumerate(ACTIONS)]
    flags += [
        bit(pl.col(f"{d}__rule").is_not_null(), _RULE_BIT + j) for j, d in enumerate(DIMENSIONS)
    ]
    columns: list[pl.Expr] = [pl.col(STATUS)]
    for d in DIMENSIONS:
        columns.append(pl.col(d))
        if types.rule.categories.len():
            filler = pl.lit(types.rule.categories[0], types.rule)
            columns.append(pl.col(f"{d}__rule").fill_null(filler))
    mask = pl.sum_horizontal(flags).cast(pl.UInt32).alias(_MASK)
    return answers.select(*columns, mask).rechunk()  # gathers from one chunk are faster


def _unpacked(gathered: pl.DataFrame, types: DecisionTypes) -> pl.DataFrame:
    """The decision columns (DECISION_COLUMNS) from gathered :func:`_packed` rows."""

    def bit(i: int) -> pl.Expr:
        return (pl.col(_MASK) & pl.lit(1 << i, pl.UInt32)) != pl.lit(0, pl.UInt32)

    columns: list[pl.Expr] = [pl.col(STATUS), (pl.col(STATUS) == "decided").alias("in_force")]
    for j, d in enumerate(DIMENSIONS):
        rule = f"{d}__rule"
        if rule in gathered.columns:
            columns += [pl.col(d), pl.when(bit(_RULE_BIT + j)).then(pl.col(rule)).alias(rule)]
        else:  # no rule ids at all
            columns += [pl.col(d), pl.lit(None, types.rule).alias(rule)]
    columns += [bit(i).alias(f"action__{a}") for i, a in enumerate(ACTIONS)]
    return gathered.lazy().select(columns).collect()


def with_action_list(result: pl.DataFrame) -> pl.DataFrame:
    """Add ``actions``: the due actions of each row as a list, in the domain model's order."""
    flags = [
        pl.when(pl.col(f"action__{a}")).then(pl.lit(a)).otherwise(pl.lit(None, pl.String))
        for a in ACTIONS
    ]
    return result.with_columns(pl.concat_list(flags).list.drop_nulls().alias("actions"))


def decide_rows(facts: pl.DataFrame, rulesets: Mapping[str, RuleSet]) -> pl.DataFrame:
    """Evaluate the rules row by row (vectorised) on normalised facts, no key compression."""
    types = DecisionTypes(rulesets.values())
    lf = facts.lazy().with_row_index(_ROW)
    parts = [_incomplete(lf.filter(pl.col("region").is_null() | pl.col("date").is_null()), types)]
    for region, ruleset in rulesets.items():
        rows = lf.filter((pl.col("region") == region) & pl.col("date").is_not_null())
        parts.append(region_plan(rows, ruleset, types))
    columns = [_ROW, *DECISION_COLUMNS]
    return pl.concat([p.select(columns) for p in parts]).sort(_ROW).drop(_ROW).collect()


def decide_file(path: str | Path, out: str | Path) -> int:
    result = decide(read_cases(path))
    result.write_parquet(out)
    return result.height


class DecisionTypes:
    """The Enum dtypes of the decision columns (shared by every region's part)."""

    def __init__(self, rulesets: Iterable[RuleSet]):
        self.status = pl.Enum(STATUSES)
        self.rule = pl.Enum(sorted({rid for rs in rulesets for rid in rs.rules_by_id}))
        self.value = {dim: pl.Enum(tuple(DIMENSION_VALUES[dim])) for dim in DIMENSIONS}

    def lit_status(self, status: str) -> pl.Expr:
        return pl.lit(status, self.status)


def _incomplete(lf: pl.LazyFrame, types: DecisionTypes) -> pl.LazyFrame:
    cols = [types.lit_status("incomplete").alias(STATUS), pl.lit(False).alias("in_force")]
    for dim in DIMENSIONS:
        cols += [
            pl.lit(UNDETERMINED, types.value[dim]).alias(dim),
            pl.lit(None, types.rule).alias(f"{dim}__rule"),
        ]
    cols += [pl.lit(False).alias(c) for c in ACTION_COLUMNS]
    return lf.with_columns(cols)


def _version_guard(rel: Relevance) -> pl.Expr:
    """In force and in scope (Kleene), without the scope when it is a constant."""
    if isinstance(rel.scope, Const):
        return rel.in_force.expr() if rel.scope.value else pl.lit(False)
    return rel.in_force.expr() & rel.scope.expr()


def _not(expr: pl.Expr) -> pl.Expr:
    """Kleene's "not" as ``^ True``: the optimiser would push ``~`` into an "or" of n columns
    (n negations and n - 1 "and"s instead of one operation)."""
    return expr ^ True


def _any(exprs: Iterable[pl.Expr]) -> pl.Expr:
    exprs = list(exprs)
    return pl.any_horizontal(exprs) if exprs else pl.lit(False)


def region_plan(lf: pl.LazyFrame, ruleset: RuleSet, types: DecisionTypes) -> pl.LazyFrame:
    """The decision columns for rows of one region, as a lazy plan of cheap operations.

    Conditions become bit operations on Boolean columns (Kleene's logic, as the single
    evaluator); the few operations that write a whole column per row are the final
    selects: one per rule for the rule-id column, one per distinct value for the value.
    """
    # Agreement-level guards once per version (in force on the date, in scope), not per rule.
    versions = {rel.version.key: f"__v{i}" for i, rel in enumerate(ruleset.relevance)}
    relevant = [rel.scope.expr().fill_null(True) for rel in ruleset.relevance]
    governing = [
        r & rel.in_force.expr() for r, rel in zip(relevant, ruleset.relevance, strict=True)
    ]
    # status: not_covered when no agreement is relevant, else not_in_force when none
    # governing is in force, else decided (a null test counts as false, as in pl.when)
    not_covered = (~_any(relevant)).fill_null(False)
    not_in_force = (~_any(governing)).fill_null(False)
    scopes = [rel.scope for rel in ruleset.relevance]
    never_covered: bool | None = None  # known without reading a row when every scope is
    if all(isinstance(scope, Const) for scope in scopes):  # a constant
        never_covered = not any(scope.value for scope in scopes if isinstance(scope, Const))
    uncovered = not_covered if never_covered is None else pl.lit(never_covered)
    lf = lf.with_columns(
        *([not_covered.alias(_NOT_COVERED)] if never_covered is None else []),
        (~uncovered & ~not_in_force).alias(_DECIDED),
        *(_version_guard(rel).alias(versions[rel.version.key]) for rel in ruleset.relevance),
    )
    decided = pl.col(_DECIDED)
    if never_covered is None:
        uncovered = pl.col(_NOT_COVERED)
    status = (
        pl.when(decided)
        .then(types.lit_status("decided"))
        .when(uncovered)
        .then(types.lit_status("not_covered"))
        .otherwise(types.lit_status("not_in_force"))
    )
    temp = [_DECIDED, *([_NOT_COVERED] if never_covered is None else []), *versions.values()]

    def guard(g: Guarded) -> pl.Expr:  # equals g.guard.expr(): Kleene's "and" is associative
        return pl.col(versions[g.vkey]) & g.rule.when.expr()

    for dim in ruleset.dimensions:
        # With one agreement version behind all of the dimension's rules, every guard starts
        # with the same in-force-and-scope column V. Where V is true the rules' effective
        # columns equal those computed without V; where it is false or unknown no rule hits.
        # Only hits are read below, so V is tested once per value and once for the rule id
        # instead of once per rule.
        vkeys = {g.vkey for g in dim.rules}
        gate = pl.col(versions[vkeys.pop()]) if len(vkeys) == 1 else None
        for layer in _layers(dim):  # exceptions in earlier layers, so their columns exist
            columns = []
            for g in layer:
                eff = guard(g) if gate is None else g.rule.when.expr()
                if g.exceptions:
                    overridden = pl.any_horizontal(
                        [pl.col(_eff(dim.name, e)) for e in g.exceptions]
                    )
                    eff = eff & _not(overridden)
                columns.append(eff.alias(_eff(dim.name, g.rule.id)))
                temp.append(_eff(dim.name, g.rule.id))
            lf = lf.with_columns(columns)
        # The first effective rule in declaration order decides. An effective rule implies
        # an agreement relevant and in force, i.e. status "decided", so no test of status.
        # (pl.when takes an unknown test as false, so the tests need no fill_null.)
        hits = [(g, pl.col(_eff(dim.name, g.rule.id))) for g in dim.rules]
        rule: pl.Expr = pl.lit(None, types.rule)
        for g, hit in reversed(hits):  # the chain tests the first rule first
            rule = pl.when(hit).then(pl.lit(g.rule.id, types.rule)).otherwise(rule)
        if gate is not None and hits:
            rule = pl.when(gate).then(rule).otherwise(pl.lit(None, types.rule))
        value: pl.Expr = pl.lit(UNDETERMINED, types.value[dim.name])
        if dim.name == "health_care_responsibility" and never_covered is not False:
            not_covered_value = pl.lit("not_covered", types.value[dim.name])
            value = pl.when(uncovered).then(not_covered_value).otherwise(value)
        for v, hit in _value_tests(hits, bare=gate is not None):
            test = hit if gate is None else gate & hit
            value = pl.when(test).then(pl.lit(v, types.value[dim.name])).otherwise(value)
        lf = lf.with_columns(value.alias(dim.name), rule.alias(f"{dim.name}__rule"))
    flags = []
    for action in ACTIONS:
        guards = [guard(g) for name, g in ruleset.actions if name == action]
        flags.append((decided & _any(guards)).fill_null(False).alias(f"action__{action}"))
    return lf.with_columns(status.alias(STATUS), *flags, decided.alias("in_force")).drop(temp)


_SELECT_COST = 3  # a select writes a whole column: about three Boolean operations


def _value_tests(
    hits: list[tuple[Guarded, pl.Expr]], bare: bool = False
) -> list[tuple[str, pl.Expr]]:
    """(value, test) pairs for a when/then chain, last test first, whose result is the
    value of the first hit in ``hits`` (declaration order).

    A hit is an effective-rule column, unknown (null) counting as no hit, as pl.when reads
    a test. Either one test per value: "a hit not preceded by a hit of another value" (a
    rule's own exceptions are not tested: they cannot hit with it), so the tests never
    overlap and the value tested last needs only "any hit"; or one test per run of
    consecutive rules with the same value, in order. Whichever costs fewer operations.

    ``bare``: the columns hold ``when and not any(exception)`` without the version guard,
    so an unconditional rule overridden by all the others is exactly "none of the others"
    and "any hit" is "the others' 'or' is known"."""
    if not hits:
        return []
    by_value: dict[str, list[pl.Expr]] = {}
    cost: dict[str, int] = {}
    for k, (g, hit) in enumerate(hits):
        exceptions = set(g.exceptions)
        before = [h for q, h in hits[:k] if q.value != g.value and q.rule.id not in exceptions]
        if before:
            hit = hit & _not(_any(before).fill_null(False))
        by_value.setdefault(g.value, []).append(hit)
        cost[g.value] = cost.get(g.value, -1) + (len(before) + 3 if before else 1)
    runs: list[tuple[str, list[pl.Expr]]] = []
    for g, hit in hits:
        if runs and runs[-1][0] == g.value:
            runs[-1][1].append(hit)
        else:
            runs.append((g.value, [hit]))
    any_hit = _any([h for _, h in hits])
    ids = {g.rule.id for g, _ in hits}
    for g, _ in hits:
        if bare and g.rule.when == TRUE and set(g.exceptions) == ids - {g.rule.id}:
            any_hit = _any([h for q, h in hits if q is not g]).is_not_null()
    last = max(cost, key=lambda v: cost[v])  # the dearest test becomes "any hit"
    operations = sum(cost.values()) - cost[last] + len(hits) - 1
    run_operations = len(hits) - len(runs)  # the "or"s within runs
    if operations + _SELECT_COST * len(by_value) < run_operations + _SELECT_COST * len(runs):
        tests = [(v, _any(parts)) for v, parts in by_value.items() if v != last]
        return [(last, any_hit), *tests]
    return [(v, _any(parts)) for v, parts in reversed(runs)]


def _layers(dim: Dimension) -> list[list[Guarded]]:
    """The dimension's rules grouped so every exception sits in an earlier layer than its base."""
    depth: dict[str, int] = {}
    for rule_id in dim.order:  # exceptions come first in dim.order
        exceptions = dim.by_id[rule_id].exceptions
        depth[rule_id] = 1 + max((depth[e] for e in exceptions), default=-1)
    layers: list[list[Guarded]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for rule_id in dim.order:
        layers[depth[rule_id]].append(dim.by_id[rule_id])
    return layers


def _eff(dimension: str, rule_id: str) -> str:
    return f"__eff__{dimension}__{rule_id}"
