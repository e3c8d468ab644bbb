"""Revision simulation, the follow-up room's part: the figures a forum reads and their labels.

The rule handling (rule sets, the variant, the one lazy plan for baseline, variant and diff,
the rule catalogue and the ready-made examples) lives behind the rules door
(``samverkan.rules.simulate`` and friends, module ``samverkan/rules/simulation.py``); the
names are re-exported here so views, services and tests keep one import. Pure Polars; no
Django here (views and the recorded-case source live in ``services.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from samverkan.rules import (
    CASES,
    COST,
    DIMENSION_VALUES,
    DIMENSIONS,
    EXAMPLES,
    FACTS,
    HCR,
    HOURS,
    INTERVENTIONS,
    KEYS,
    PERSONS,
    SEK,
    SIMULATED,
    UNDETERMINED,
    Example,
    NamedParameter,
    Parameter,
    RuleInfo,
    Variant,
    VariantError,
    agreement_name,
    base_col,
    baseline_rulesets,
    case_profiles,
    clause_label,
    decide_both,
    diff_plan,
    evaluate_both,
    evaluated_plan,
    example,
    format_time,
    group_sums,
    municipality_name,
    named_parameter,
    named_parameters,
    parse_variant,
    prepare_cases,
    pruned,
    rule_catalogue,
    rule_info,
    var_col,
    variant_dict,
    variant_rulesets,
)

__all__ = [
    "CASES",
    "COST",
    "EXAMPLES",
    "HCR",
    "HOURS",
    "KEYS",
    "PERSONS",
    "SEK",
    "SIMULATED",
    "Example",
    "NamedParameter",
    "Parameter",
    "Result",
    "RuleInfo",
    "Variant",
    "VariantError",
    "base_col",
    "case_profiles",
    "evaluate_both",
    "prepare_cases",
    "baseline_rulesets",
    "decide_both",
    "describe_change",
    "diff_plan",
    "evaluated_plan",
    "example",
    "intervention_label",
    "label",
    "municipality_label",
    "named_parameter",
    "named_parameters",
    "parameter_question",
    "parse_variant",
    "pruned",
    "rule_catalogue",
    "rule_info",
    "short_label",
    "var_col",
    "variant_dict",
    "variant_rulesets",
]


# --- results ----------------------------------------------------------------------------------


@dataclass
class Result:
    """A simulation's diff table and the figures a forum reads first.

    ``table`` is :func:`diff_plan`'s result. ``per_case`` (recorded cases only) is
    :func:`evaluated_plan`'s per-case frame with ``_person``: aggregates then count distinct
    persons exactly (a sum of per-cell person counts would count a person with two
    interventions twice, and the small-cell rule needs the true number)."""

    table: pl.DataFrame
    dims: tuple[str, ...] = SIMULATED
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    per_case: pl.DataFrame | None = None

    @property
    def has_persons(self) -> bool:
        return PERSONS in self.table.columns

    @property
    def _source(self) -> pl.DataFrame:
        return self.per_case if self.per_case is not None else self.table

    def moved(self, dim: str = HCR) -> pl.DataFrame:
        return self.table.filter(pl.col(base_col(dim)) != pl.col(var_col(dim)))

    def total_cases(self) -> int:
        return int(self.table[CASES].sum() or 0) if CASES in self.table.columns else 0

    def total(self, dim: str | None = None) -> dict[str, Any]:
        """Cases (persons, hours, SEK) in all, or of the cases whose ``dim`` changes."""
        frame = self._source
        if frame.is_empty():
            return {CASES: 0}
        if dim is not None:
            frame = frame.filter(pl.col(base_col(dim)) != pl.col(var_col(dim)))
        if frame.is_empty():
            return {CASES: 0, **({PERSONS: 0} if self.has_persons else {})}
        return frame.select(group_sums(frame.columns)).row(0, named=True)

    def moved_cases(self, dim: str = HCR) -> int:
        return int(self.total(dim).get(CASES) or 0)

    def transitions(self, dim: str = HCR) -> pl.DataFrame:
        """From → to with cases (persons), hours and SEK (only the changed cells)."""
        frame = self._source.filter(pl.col(base_col(dim)) != pl.col(var_col(dim)))
        return (
            frame.group_by(base_col(dim), var_col(dim))
            .agg(group_sums(frame.columns))
            .sort([CASES, base_col(dim), var_col(dim)], descending=[True, False, False])
        )

    def by(self, column: str, dim: str = HCR) -> pl.DataFrame:
        """Changed cases per kommun or intervention, with the net move to the kommuner:
        the kommun's share after minus before (kommun 1, shared equally ½, else 0) times
        the cases, hours and SEK of each cell (negative: to the region)."""
        frame = self._source.filter(pl.col(base_col(dim)) != pl.col(var_col(dim)))
        to_m = _share(var_col(dim)) - _share(base_col(dim))
        aggs = [*group_sums(frame.columns), (pl.col(CASES) * to_m).sum().alias("net_cases")]
        if HOURS in frame.columns:
            aggs += [
                (pl.col(HOURS) * to_m).sum().alias("net_hours"),
                _net_sek(to_m).alias("net_sek"),
            ]
        return frame.group_by(column).agg(aggs).sort([CASES, column], descending=[True, False])

    def cost_shift(self) -> dict[str, float | None]:
        """Net hours and SEK a year that move to the kommuner (negative: to the region) by
        the cost dimension: the kommun's share of each cell before and after (kommun 1,
        shared equally ½, region, home region and undetermined 0). SEK is None when a
        price that matters is missing (``sek_partial`` then sums the known ones)."""
        table = self.table
        if SEK not in table.columns or COST not in self.dims or table.is_empty():
            return {"sek": None, "hours": None, "sek_partial": None}
        delta = _share(var_col(COST)) - _share(base_col(COST))
        row = table.select(
            (pl.col(HOURS) * delta).sum().alias("hours"),
            (pl.col(SEK) * delta).sum().alias("sek"),
            (pl.col(SEK).is_null() & (delta != 0)).any().alias("missing"),
        ).row(0, named=True)
        return {
            "hours": float(row["hours"] or 0.0),
            "sek": None if row["missing"] else float(row["sek"] or 0.0),
            "sek_partial": float(row["sek"] or 0.0),
        }


MUNICIPAL_SHARE = {"municipality": 1.0, "shared_equally": 0.5}


def _share(column: str) -> pl.Expr:
    """The kommuner's share of a cell by its value (kommun 1, shared equally ½, else 0)."""
    return pl.col(column).replace_strict(MUNICIPAL_SHARE, default=0.0, return_dtype=pl.Float64)


def _net_sek(to_m: pl.Expr) -> pl.Expr:
    term = pl.col(SEK) * to_m
    return pl.when((pl.col(SEK).is_null() & (to_m != 0)).any()).then(None).otherwise(term.sum())


# --- labels ------------------------------------------------------------------------------------


def label(dim: str, value: str | None) -> str:
    if value is None:
        return "Okänt"
    return str(DIMENSION_VALUES[dim].get(value, value))


SHORT_LABELS: dict[str, dict[str, str]] = {
    HCR: {
        "region": "Regionen",
        "municipality": "Kommunen",
        "self_care": "Egenvård",
        "not_covered": "Omfattas inte",
        "not_regulated": "Regleras inte",
        UNDETERMINED: "Kan inte avgöras",
    },
    COST: {
        "region": "Regionen",
        "municipality": "Kommunen",
        "shared_equally": "Delas lika",
        "home_region": "Hemregionen",
        UNDETERMINED: "Kan inte avgöras",
    },
}


def short_label(dim: str, value: str | None) -> str:
    if value is None:
        return "Okänt"
    return SHORT_LABELS.get(dim, {}).get(value) or label(dim, value)


def municipality_label(code: str | None) -> str:
    if not code:
        return "Okänd kommun"
    try:
        return municipality_name(code)
    except KeyError:
        return code


def intervention_label(kind: str | None) -> str:
    return INTERVENTIONS.get(kind or "", kind or "Okänd insats")


# The agreements' named numbers as the forum asks about them (issue 13): a short question
# and a help text; a parameter not listed here is asked by its parameter file's label.
PARAMETER_QUESTIONS: dict[str, tuple[str, str]] = {
    "jh_hsv.adl_needs_min": (
        "Antal ADL-behov för kommunens hemsjukvård",
        "Hur många behov av stöd och hjälp över tid (äta och dricka, klä sig, förflytta sig, "
        "hygien) en person i ordinärt boende ska ha för att kommunen ska ha hemsjukvården.",
    ),
    "jh_hsv.adult_age": (
        "Åldersgräns för vuxen i hemsjukvårdsavtalet",
        "Under den åldern räknas man som barn (t.ex. får asylsökande barn full vård).",
    ),
    "jh_psyk.adult_age": (
        "Åldersgräns för vuxenpsykiatrin",
        "Under den åldern har barn- och ungdomspsykiatrin (BUP) ansvaret.",
    ),
    "gvb.adult_age": (
        "Åldersgräns för vuxen i Gävleborgs överenskommelse",
        "Under den åldern har regionen hemsjukvården: kommunens ansvar gäller vuxna.",
    ),
}


def parameter_question(p: NamedParameter) -> tuple[str, str]:
    """A named parameter's question and help text in the forum's words."""
    return PARAMETER_QUESTIONS.get(p.name, (p.label, ""))


# The numbers of a condition ``set_parameter`` changes (Parameter.name), in Swedish.
PARAMETER_WORDS = {"n": "antal", "start": "början (minuter)", "end": "slut (minuter)"}


def rule_words(rule_id: str) -> str:
    """A rule as the forum reads it: its summary and the clause, never its id (issue 13)."""
    info = rule_info(rule_id)
    if info is None:
        return "som lades till i varianten" if rule_id else "utan namn"
    return f"»{info.summary}« ({clause_label(info.clause)})"


def _unit(value: Any, unit: str) -> str:
    if unit == "antal":
        return str(value)
    if unit == "klockslag":
        return str(value) if isinstance(value, str) else format_time(int(value))
    return f"{value} {unit}"


def _describe_named(change: Mapping[str, Any]) -> str:
    """A named parameter's change: "Antal ADL-behov …: 2 i stället för 1, från 2026-01-01."."""
    p = named_parameter(str(change.get("name", "")))
    start = change.get("from")
    when = f", från {start}" if start else ""
    if p is None:
        return f"Ett tal i avtalet blir {change.get('value')}{when}."
    question = parameter_question(p)[0]
    now = format_time(p.value) if p.is_time else p.value
    return (
        f"{question} ({agreement_name(p.agreement)}): {_unit(change.get('value'), p.unit)} "
        f"i stället för {_unit(now, p.unit)}{when}."
    )


def describe_change(change: Mapping[str, Any]) -> str:
    """A variant change in plain Swedish."""
    op = change.get("op")
    rule = str(change.get("rule", ""))
    if op == "set_parameter" and "name" in change:
        return _describe_named(change)
    if op == "set_discharge_days":  # the discharge question (followup.discharge_days)
        days, psychiatric = change.get("days"), change.get("psychiatric_days")
        text = (
            f"Betalningsansvaret börjar {days} {'dag' if days == 1 else 'dagar'} efter att "
            "kommunen fått meddelandet om utskrivningsklar"
        )
        if psychiatric is None or psychiatric == days:
            return text + "."
        return (
            f"{text} i somatisk slutenvård och {psychiatric} "
            f"{'dag' if psychiatric == 1 else 'dagar'} i sluten psykiatrisk vård."
        )
    if op == "set_parameter":
        fact = str(change.get("fact", ""))
        info = rule_info(rule)
        condition = next(
            (
                p.text
                for p in (info.parameters if info else ())
                if p.kind == change.get("kind") and p.fact == fact
            ),
            FACTS[fact].label if fact in FACTS else fact,
        )
        values = ", ".join(
            f"{PARAMETER_WORDS.get(k, k)} "
            f"{format_time(v) if change.get('kind') == 'time_within' else v}"
            for k, v in change.items()
            if k not in ("op", "rule", "kind", "fact")
        )
        return f"Regeln {rule_words(rule)}: villkoret »{condition}« får {values}."
    if op == "set_outcome":
        dim = str(change.get("dimension", ""))
        dim_label = DIMENSIONS.get(dim, dim)
        value = str(change.get("value", ""))
        return (
            f"Regeln {rule_words(rule)}: {dim_label} blir "
            f"{label(dim, value) if dim in DIMENSIONS else value}."
        )
    if op == "disable":
        return f"Regeln {rule_words(rule)} tas bort."
    if op == "add_rule":
        new = change.get("rule") or {}
        summary = str(new.get("summary") or "").strip()
        agreement = str(change.get("agreement", ""))
        return f"En ny regel{f' »{summary}«' if summary else ''} i {agreement_name(agreement)}."
    return json.dumps(dict(change), ensure_ascii=False)


# --- glue: the agreements room's revision drafts use this simulation ------------------------


def revision_simulation(
    actor: Any,
    name: str,
    changes: list[Mapping[str, Any]],
    *,
    source: str,
    region: str,
    date: Any,
    n: int,
) -> dict[str, Any]:
    """A revision draft's simulation (registered with ``agreements.revisions.use_simulator``
    in ``apps.py``): the saved result's shape (``services.serialise``), aggregates only and
    small cells of recorded cases suppressed. The import is lazy: this module stays pure."""
    from samverkan.followup import services

    spec = services.PopulationSpec(source, region, date, n=n)
    outcome = services.simulate(actor, Variant(name, tuple(changes)), spec)
    return services.serialise(outcome)
