"""Revision simulation, the rules' part: who moves between huvudmän if the forum changes a rule.

A forum describes a revision as a :class:`~samverkan.rules.variants.Variant` (data, no code):
``set_parameter``, ``set_outcome``, ``disable`` or ``add_rule`` on the rules of
``samverkan.rules.agreements``. This module evaluates the agreements as they are (baseline)
and as the variant would make them over the same cases, and counts the cases by kommun,
intervention and (baseline value, variant value) of the simulated dimensions
(``health_care_responsibility`` and ``cost``), with hours and SEK from a price frame the
caller passes (``followup.prices``). The door's :func:`simulate` is the short way in.

Pure Polars. ``samverkan.followup.simulation`` keeps the presentation (the result's figures,
labels) and ``followup.services`` the Django side (recorded cases, stored runs).
One query for baseline, variant and diff
----------------------------------------
:func:`diff_plan` builds one lazy Polars plan: the cases → (optionally) their distinct fact
profiles → the batch engine's compiled rules for the baseline rule set → the same for the
variant rule set over the very same rows → one ``group_by`` over (kommun, intervention,
baseline value, variant value …) → hours and SEK joined from the price table. One
``collect()`` runs it. The per-region evaluator is ``batch.region_plan``, the code
``batch.decide`` itself runs for each region, so the baseline *is* ``batch.decide``'s answer
(tests/followup/test_simulation.py checks that row by row); only the lazy entry point is
used, because ``batch.decide`` collects eagerly and validates again.

Profiles (why 10M cases take about a second)
---------------------------------------------
The outcome of a case depends only on the facts the rules read, and an integer fact such as
``age`` only through the thresholds the rules compare it with (``at_least``/``below``
18 …). :func:`diff_plan` therefore first packs every case into one 64-bit profile key
(each fact's value as a small code; ages, times and dates as the interval between two
thresholds of the baseline *or* the variant), counts cases per key, decodes one
representative row per key and evaluates the rules on those rows only (≈ 10⁵ rows for 10⁷
synthetic cases). This is exact: two cases with the same key get the same answer from every
rule either rule set contains. ``compress=False`` evaluates every row (used for recorded
cases, where the number of distinct persons per cell is counted for the small-cell rule).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from samverkan.core.uploads import json_error_text
from samverkan.rules import batch, features
from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.conditions import (
    AtLeast,
    Below,
    CountAtLeast,
    P,
    TimeWithin,
    depends_on,
    leaves,
)
from samverkan.rules.declarations import AgreementVersion, Rule
from samverkan.rules.facts import ASSUMED_WHEN_UNKNOWN, FACT_ORDER
from samverkan.rules.outcome import DIMENSIONS, UNDETERMINED, value_label
from samverkan.rules.regions import REGIONS
from samverkan.rules.ruleset import RuleSet, build
from samverkan.rules.variants import Variant, VariantError, apply

HCR = "health_care_responsibility"
COST = "cost"
# The dimensions whose transitions the simulation reports (who is huvudman, who pays).
SIMULATED: tuple[str, ...] = (HCR, COST)
KEYS = ("municipality", "intervention")
CASES = "cases"
PERSONS = "persons"
HOURS = "hours"
SEK = "sek"
BASE = "__baseline"
VAR = "__variant"


def base_col(dim: str) -> str:
    return f"{dim}{BASE}"


def var_col(dim: str) -> str:
    return f"{dim}{VAR}"


# --- rule sets ----------------------------------------------------------------------------


def rulesets(versions: Sequence[AgreementVersion]) -> dict[str, RuleSet]:
    return {region: build(versions, region) for region in REGIONS}


def baseline_rulesets() -> dict[str, RuleSet]:
    return rulesets(ALL_VERSIONS)


def variant_rulesets(variant: Variant) -> dict[str, RuleSet]:
    """The rule sets with the variant applied; VariantError names the bad change."""
    versions = apply(ALL_VERSIONS, variant)
    try:
        return rulesets(versions)
    except ValueError as exc:  # e.g. an added rule overriding an unknown one, a cycle
        raise VariantError(len(variant.changes) - 1, "invalid_variant", str(exc)) from None


# --- the rule catalogue (what a forum can pick from) ---------------------------------------


@dataclass(frozen=True)
class Parameter:
    """A number in a rule's condition that ``set_parameter`` can change."""

    kind: str
    fact: str
    name: str  # "n", "start" or "end"
    value: int
    text: str  # Swedish: the condition as it reads now
    named: str | None = None  # the named parameter (conditions.P) the number is, if any

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.fact}:{self.name}"

    def change(self, rule_id: str, new_value: int) -> dict[str, Any]:
        return {
            "op": "set_parameter",
            "rule": rule_id,
            "kind": self.kind,
            "fact": self.fact,
            self.name: new_value,
        }


@dataclass(frozen=True)
class RuleInfo:
    id: str
    agreement: str
    agreement_title: str
    region: str
    clause: str
    summary: str
    condition: str
    decides: dict[str, str]
    parameters: tuple[Parameter, ...]

    @property
    def decides_text(self) -> str:
        return "; ".join(f"{DIMENSIONS[d]}: {value_label(d, v)}" for d, v in self.decides.items())


def _now(n: Any) -> int:
    """A condition's number; a named parameter (conditions.P) by its latest value."""
    return int(n.values()[-1][1]) if isinstance(n, P) else int(n)


def _parameters(rule: Rule) -> tuple[Parameter, ...]:
    out: list[Parameter] = []
    seen: set[str] = set()
    for leaf in leaves(rule.when):
        if isinstance(leaf, AtLeast | Below | CountAtLeast):
            named = leaf.n.name if isinstance(leaf.n, P) else None
            p = Parameter(leaf.kind, leaf.fact, "n", _now(leaf.n), leaf.describe(), named)
        elif isinstance(leaf, TimeWithin):
            for name in ("start", "end"):
                number = getattr(leaf, name)
                p = Parameter(
                    leaf.kind,
                    leaf.fact,
                    name,
                    _now(number),
                    f"{leaf.describe()} ({name}, minuter)",
                    number.name if isinstance(number, P) else None,
                )
                if p.key not in seen:
                    seen.add(p.key)
                    out.append(p)
            continue
        else:
            continue
        if p.key not in seen:  # set_parameter changes every such condition of the rule
            seen.add(p.key)
            out.append(p)
    return tuple(out)


def rule_catalogue(versions: Sequence[AgreementVersion] = ALL_VERSIONS) -> list[RuleInfo]:
    """Every rule that decides an outcome, with its summary, condition and parameters."""
    out = []
    for v in versions:
        for r in v.rules:
            if not r.decides:
                continue
            out.append(
                RuleInfo(
                    id=r.id,
                    agreement=v.agreement,
                    agreement_title=v.title,
                    region=v.region,
                    clause=r.clause,
                    summary=r.summary,
                    condition=r.when.describe(),
                    decides=dict(r.decides),
                    parameters=_parameters(r),
                )
            )
    return out


def rule_info(rule_id: str) -> RuleInfo | None:
    return next((r for r in rule_catalogue() if r.id == rule_id), None)


@dataclass(frozen=True)
class NamedParameter:
    """A named number of an agreement (``parameters/*.toml``) that deciding rules read: the
    forum's "antal ADL-behov" or "åldersgräns", changed by name with ``set_parameter``
    (``{"op": "set_parameter", "name": …, "value": …, "from": …}``) in every rule at once."""

    name: str
    label: str  # the parameter file's Swedish label
    unit: str
    clause: str
    agreement: str
    agreement_title: str
    region: str
    value: int  # the latest value; a clock time in minutes after midnight
    rules: tuple[str, ...]  # the ids of the deciding rules that read it

    @property
    def is_time(self) -> bool:
        return self.unit == "klockslag"

    def change(self, value: int, start: dt.date) -> dict[str, Any]:
        """The variant change setting this parameter to ``value`` (minutes for a clock
        time) from ``start``."""
        written: Any = f"{value // 60:02d}:{value % 60:02d}" if self.is_time else value
        return {"op": "set_parameter", "name": self.name, "value": written, "from": str(start)}


def _named(cond: Any) -> list[P]:
    if not dataclasses.is_dataclass(cond):
        return []
    return [v for f in dataclasses.fields(cond) if isinstance(v := getattr(cond, f.name), P)]


def named_parameters(
    versions: Sequence[AgreementVersion] = ALL_VERSIONS, dims: Sequence[str] = SIMULATED
) -> list[NamedParameter]:
    """The named parameters read by the rules that decide one of ``dims``, in the order the
    agreements' rules first read them (the agreement is the first version's that reads it)."""
    from samverkan.rules import params

    found: dict[str, tuple[AgreementVersion, list[str]]] = {}
    for v in versions:
        for r in v.rules:
            if not set(r.decides) & set(dims):
                continue
            for leaf in leaves(r.when):
                for ref in _named(leaf):
                    rules = found.setdefault(ref.name, (v, []))[1]
                    if r.id not in rules:
                        rules.append(r.id)
    out = []
    for name, (v, rules) in found.items():
        spec = params.get(name)
        out.append(
            NamedParameter(
                name=name,
                label=spec.label,
                unit=spec.unit,
                clause=spec.clause,
                agreement=v.agreement,
                agreement_title=v.title,
                region=v.region,
                value=int(P(name).values()[-1][1]),
                rules=tuple(rules),
            )
        )
    return out


def named_parameter(name: str) -> NamedParameter | None:
    return next((p for p in named_parameters() if p.name == name), None)


# --- ready-made examples --------------------------------------------------------------------

JH = "jamtland-harjedalen"
GVB = "gavleborg"


@dataclass(frozen=True)
class Example:
    key: str
    variant: dict[str, Any]
    region: str
    date: str  # a day on which the agreement the variant changes is in force

    @property
    def name(self) -> str:
        return str(self.variant["name"])


EXAMPLES: tuple[Example, ...] = (
    Example(
        "two-adl-needs",
        {
            "name": "Två ADL-behov i stället för ett",
            "description": "Kommunens hemsjukvård i ordinärt boende kräver minst två behov "
            "av stöd över tid (äta/dricka, klä sig, förflytta sig, hygien) i stället för ett; "
            "den som har ett behov får hemsjukvården från regionen (hälsocentralen).",
            "changes": [
                {
                    "op": "set_parameter",
                    "rule": "jh-hsv.responsibility.ordinary_with_needs",
                    "kind": "count_at_least",
                    "fact": "adl_needs_over_time",
                    "n": 2,
                },
                {
                    "op": "set_parameter",
                    "rule": "jh-hsv.responsibility.ordinary_without_needs",
                    "kind": "count_at_least",
                    "fact": "adl_needs_over_time",
                    "n": 2,
                },
            ],
        },
        JH,
        "2026-01-01",
    ),
    Example(
        "lss-housing-to-municipality",
        {
            "name": "LSS-boende flyttas till kommunen",
            "description": "Hälso- och sjukvården upp till läkarnivå i bostad med särskild "
            "service enligt LSS blir kommunens, som i särskilt boende.",
            "changes": [
                {
                    "op": "set_outcome",
                    "rule": "jh-hsv.responsibility.lss_housing",
                    "dimension": "health_care_responsibility",
                    "value": "municipality",
                }
            ],
        },
        JH,
        "2026-01-01",
    ),
    Example(
        "new-age-limit",
        {
            "name": "Ny åldersgräns: regionen har hemsjukvården för unga under 21 år",
            "description": "Gävleborg: gränsen för barn, där hemsjukvården inte är "
            "skatteväxlad och regionen har ansvaret, höjs från 18 till 21 år.",
            "changes": [
                {
                    "op": "set_parameter",
                    "rule": "gvb.responsibility.child",
                    "kind": "below",
                    "fact": "age",
                    "n": 21,
                },
                {
                    "op": "set_parameter",
                    "rule": "gvb.responsibility.primary_care_level",
                    "kind": "at_least",
                    "fact": "age",
                    "n": 21,
                },
                {
                    "op": "set_parameter",
                    "rule": "gvb.responsibility.specialist",
                    "kind": "at_least",
                    "fact": "age",
                    "n": 21,
                },
            ],
        },
        GVB,
        "2019-06-01",
    ),
)


def example(key: str) -> Example:
    for e in EXAMPLES:
        if e.key == key:
            return e
    raise KeyError(key)


# --- parsing a variant -----------------------------------------------------------------------


def parse_variant(data: Mapping[str, Any] | str) -> Variant:
    """A Variant from JSON (text or parsed), validated by applying it. Raises VariantError."""
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            message = f"ogiltig JSON: {json_error_text(exc)}"  # rad, kolumn, why: Swedish
            raise VariantError(None, "invalid_json", message) from None
    if not isinstance(data, Mapping):
        raise VariantError(None, "invalid_json", "varianten ska vara ett JSON-objekt")
    changes = data.get("changes")
    if not isinstance(changes, list) or not changes:
        raise VariantError(
            None, "no_changes", "varianten har inga ändringar ('changes')", "changes"
        )
    for index, change in enumerate(changes):
        if not isinstance(change, Mapping):
            raise VariantError(index, "invalid_change", "ändringen ska vara ett JSON-objekt")
    variant = Variant.from_dict(data)
    variant_rulesets(variant)  # raises VariantError when a change does not apply
    return variant


def variant_dict(variant: Variant) -> dict[str, Any]:
    return {
        "name": variant.name,
        "description": variant.description,
        "changes": [dict(c) for c in variant.changes],
    }


# --- pruning: only what the simulated dimensions need ----------------------------------------


def _needed_dimensions(ruleset: RuleSet, dims: Sequence[str]) -> set[str]:
    """``dims`` and every dimension they read through ``Decided`` conditions."""
    need = set(dims)
    changed = True
    while changed:
        changed = False
        for d in ruleset.dimensions:
            if d.name not in need:
                continue
            for g in d.rules:
                for ref in depends_on(g.guard) - need:
                    need.add(ref)
                    changed = True
    return need


def pruned(ruleset: RuleSet, dims: Sequence[str] = SIMULATED) -> RuleSet:
    """The rule set with only the dimensions ``dims`` depend on and no actions: the same
    answers for those dimensions, fewer facts to key on and fewer rules to evaluate."""
    need = _needed_dimensions(ruleset, dims)
    return dataclasses.replace(
        ruleset, dimensions=tuple(d for d in ruleset.dimensions if d.name in need), actions=()
    )


# --- the plan ----------------------------------------------------------------------------------

_KEY = "__key"


def _prepared(frame: pl.DataFrame | pl.LazyFrame) -> pl.LazyFrame:
    """Fact columns as ``batch.normalise`` types them (missing ones unknown), process flags
    filled, plus any ``_``-column (``_person``, ``_weight``)."""
    lf = frame.lazy()
    names = lf.collect_schema().names()
    cols = [
        pl.col(n) if n in names else pl.lit(None, batch.fact_dtype(n)).alias(n) for n in FACT_ORDER
    ]
    extra = [pl.col(n) for n in names if n.startswith("_")]
    return lf.select(*cols, *extra).with_columns(
        pl.col(n).fill_null(pl.lit(v).cast(batch.fact_dtype(n)))
        for n, v in ASSUMED_WHEN_UNKNOWN.items()
    )


def _weight(names: Sequence[str]) -> pl.Expr:
    return pl.col("_weight").cast(pl.Int64) if "_weight" in names else pl.lit(1, pl.Int64)


def _profiles(lf: pl.LazyFrame, rulesets_: Sequence[RuleSet], keys: Sequence[str]) -> pl.LazyFrame:
    """One representative row per decision key (``features.key`` over both rule sets) and
    kommun/intervention, with the number of cases it stands for."""
    names = lf.collect_schema().names()
    keyed = lf.with_columns(features.key(rulesets_).alias(_KEY))
    weight = pl.col("_weight").cast(pl.Int64).sum() if "_weight" in names else pl.len()
    counts = keyed.group_by(_KEY, *keys).agg(weight.cast(pl.Int64).alias(CASES))
    # The first row of every key; the rules cannot tell it from the others with that key.
    facts = [n for n in FACT_ORDER if n not in keys]
    first = keyed.filter(pl.col(_KEY).is_first_distinct()).select(_KEY, *facts)
    return counts.join(first, on=_KEY, how="left").select(*FACT_ORDER, CASES)


def _evaluate(
    lf: pl.LazyFrame,
    baseline: Mapping[str, RuleSet],
    variant: Mapping[str, RuleSet],
    dims: Sequence[str],
    carry: Sequence[str],
) -> pl.LazyFrame:
    """Baseline and variant outcome columns for every row, region by region, in one plan:
    the variant is evaluated over the rows the baseline evaluation passes on."""
    facts = list(FACT_ORDER)
    string = pl.String
    parts = [
        lf.filter(pl.col("region").is_null() | pl.col("date").is_null()).select(
            *carry,
            *(pl.lit(UNDETERMINED, string).alias(base_col(d)) for d in dims),
            *(pl.lit(UNDETERMINED, string).alias(var_col(d)) for d in dims),
        )
    ]
    for region in REGIONS:
        rows = lf.filter((pl.col("region") == region) & pl.col("date").is_not_null())
        base = batch.region_plan(
            rows, baseline[region], batch.DecisionTypes([baseline[region]])
        ).select(
            *facts,
            *(c for c in carry if c not in facts),
            *(pl.col(d).cast(string).alias(base_col(d)) for d in dims),
        )
        both = batch.region_plan(
            base, variant[region], batch.DecisionTypes([variant[region]])
        ).select(
            *carry,
            *(pl.col(base_col(d)) for d in dims),
            *(pl.col(d).cast(string).alias(var_col(d)) for d in dims),
        )
        parts.append(both)
    return pl.concat(parts, how="vertical")


def evaluated_plan(
    frame: pl.DataFrame | pl.LazyFrame,
    baseline: Mapping[str, RuleSet],
    variant: Mapping[str, RuleSet],
    *,
    prices: pl.DataFrame | None = None,
    dims: Sequence[str] = SIMULATED,
    compress: bool = True,
) -> pl.LazyFrame:
    """Baseline and variant values for every profile (``compress``) or every case, lazily:
    municipality, intervention, ``cases`` [, ``_person``], ``<dim>__baseline`` …,
    ``<dim>__variant`` … [, ``hours``, ``sek``]."""
    lf = _prepared(frame)
    names = lf.collect_schema().names()
    base = {r: pruned(rs, dims) for r, rs in baseline.items()}
    var = {r: pruned(rs, dims) for r, rs in variant.items()}
    if compress:
        rows = _profiles(lf, [*base.values(), *var.values()], KEYS)
        carry = [*KEYS, CASES]
    else:
        rows = lf.with_columns(_weight(names).alias(CASES))
        carry = [*KEYS, CASES, *(["_person"] if "_person" in names else [])]
    evaluated = _evaluate(rows, base, var, dims, carry).with_columns(
        pl.col(k).cast(pl.String) for k in KEYS
    )
    if prices is not None:
        evaluated = (
            evaluated.join(prices.lazy().drop("price_source"), on="intervention", how="left")
            .with_columns((pl.col(CASES) * pl.col("hours_per_case")).alias(HOURS))
            .with_columns((pl.col(HOURS) * pl.col("price_per_hour")).alias(SEK))
            .drop("hours_per_case", "price_per_hour")
        )
    return evaluated


def diff_plan(
    frame: pl.DataFrame | pl.LazyFrame,
    baseline: Mapping[str, RuleSet],
    variant: Mapping[str, RuleSet],
    *,
    prices: pl.DataFrame | None = None,
    dims: Sequence[str] = SIMULATED,
    compress: bool = True,
) -> pl.LazyFrame:
    """One lazy plan: baseline, variant and their diff by kommun and intervention.

    ``frame`` has fact columns typed as ``batch.normalise`` gives them (as
    ``population.generate`` makes them); a ``_weight`` column counts each row that many
    times; a ``_person`` column (with ``compress=False``) adds the number of distinct
    persons per cell. ``prices`` (from :func:`prices.price_frame`) adds ``hours`` and
    ``sek`` per cell. Result columns: municipality, intervention, ``<dim>__baseline`` …,
    ``<dim>__variant`` … , ``cases`` [, ``persons``] [, ``hours``, ``sek``].
    """
    evaluated = evaluated_plan(
        frame, baseline, variant, prices=prices, dims=dims, compress=compress
    )
    names = evaluated.collect_schema().names()
    group = [*KEYS, *(base_col(d) for d in dims), *(var_col(d) for d in dims)]
    return evaluated.group_by(group).agg(group_sums(names)).sort(group, nulls_last=True)


def group_sums(names: Sequence[str]) -> list[pl.Expr]:
    """Cases (and persons, hours, SEK) of a group; SEK is null when a price is missing."""
    aggs = [pl.col(CASES).sum().alias(CASES)]
    if "_person" in names:
        aggs.append(pl.col("_person").drop_nulls().n_unique().cast(pl.Int64).alias(PERSONS))
    elif PERSONS in names:
        aggs.append(pl.col(PERSONS).sum().alias(PERSONS))
    if HOURS in names:
        aggs += [pl.col(HOURS).sum().alias(HOURS), sum_or_null(SEK)]
    return aggs


def decide_both(
    frame: pl.DataFrame | pl.LazyFrame,
    baseline: Mapping[str, RuleSet],
    variant: Mapping[str, RuleSet],
    dims: Sequence[str] = SIMULATED,
) -> pl.DataFrame:
    """Per case (no profiles): the facts with baseline and variant columns, input order."""
    lf = _prepared(frame).with_row_index("_row")
    out = _evaluate(lf, baseline, variant, dims, ["_row", *FACT_ORDER])
    return out.sort("_row").drop("_row").collect()


def sum_or_null(column: str) -> pl.Expr:
    """Sum, but null when a term is missing (a price we do not have)."""
    return (
        pl.when(pl.col(column).is_null().any())
        .then(None)
        .otherwise(pl.col(column).sum())
        .alias(column)
    )


# --- the door ------------------------------------------------------------------------------


def simulate(
    frame: pl.DataFrame | pl.LazyFrame,
    variant: Variant | Mapping[str, Any] | str,
    *,
    prices: pl.DataFrame | None = None,
    dims: Sequence[str] = SIMULATED,
    compress: bool = True,
    baseline: Mapping[str, RuleSet] | None = None,
) -> pl.LazyFrame:
    """The lazy diff plan of ``variant`` (a Variant, or its JSON) against the agreements as
    they are (or ``baseline``) over the cases in ``frame``: :func:`diff_plan`'s columns.
    Raises VariantError when the variant does not apply."""
    if not isinstance(variant, Variant):
        variant = parse_variant(variant)
    return diff_plan(
        frame,
        baseline if baseline is not None else baseline_rulesets(),
        variant_rulesets(variant),
        prices=prices,
        dims=dims,
        compress=compress,
    )


# The plan's stages by name, for benchmarks/simulation.py --profile (figures stage by stage).
prepare_cases = _prepared
case_profiles = _profiles
evaluate_both = _evaluate
