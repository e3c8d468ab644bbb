"""Adopted revisions: which version of an agreement governs a case, per party and per date.

A forum (SVOM, Länsledning Välfärd) only recommends a revision; each party adopts it itself
(jh-psykisk §10: adopted by every kommun's fullmäktige, at different times; SVOM "har ingen
egen organisation, budget eller några beslutsmandat"). A revision is a variant of the
agreement's rules (``variants.py``) with the date from which each party has adopted it. An
agreement binds the region and a kommun together, so for a case in kommun K the revision
governs from the later of the region's and K's dates; where either has not adopted it, the
version before it still governs. The version is chosen by the case's ``date`` (the date of
the care), never by the day the question is asked.

A recorded local agreement at a point where the agreement says "om annat ej överenskommits"
comes the same way: a revision of ``kind="lokal"`` for one kommun (from the day agreed, to
``until``) whose one change is ``local_agreement`` (``variants``), so the single and the
batch path choose it alike.

The web app registers its record of adoptions (``use_revisions``), as it does its notices of
termination; drafts are never in that record, so a draft never drives a decision. Without a
source only the declared versions count. History is never edited: a revision makes a new
version key (``agreement@version+revision``) which the decision records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from samverkan.rules.declarations import AgreementVersion
from samverkan.rules.regions import REGIONS
from samverkan.rules.ruleset import RuleSet, build, current_notices, default_ruleset
from samverkan.rules.variants import Variant, VariantError, apply


@dataclass(frozen=True)
class AdoptedRevision:
    """A revision of ``agreement`` and the day from which each party applies it.

    ``key`` is stable (the web app's revision id, e.g. ``"7"``); ``label`` names it in the
    version key (``jh-hemsjukvard@2020-03-01+revision-7``). ``in_force`` maps a party to
    the day it applies the revision from: the region by its id (``"jamtland-harjedalen"``),
    a kommun by its SCB code."""

    key: str
    agreement: str
    region: str
    changes: tuple[Mapping[str, Any], ...]
    in_force: Mapping[str, dt.date] = field(default_factory=dict)
    label: str = ""
    # A local agreement (``kind="lokal"``) ends on its last day; a revision never does.
    until: dt.date | None = None
    kind: str = "revision"

    def __hash__(self) -> int:
        return hash((self.key, self.agreement, self.region, self.kind))

    def from_date(self, municipality: str | None) -> dt.date | None:
        """The day the revision governs cases in ``municipality``: the later of the
        region's and the kommun's; None while either has not adopted it. With the kommun
        unknown, only a date every kommun of the region has reached counts."""
        region_day = self.in_force.get(self.region)
        if region_day is None:
            return None
        if municipality is None:
            days = [self.in_force.get(code) for code in REGIONS[self.region].municipalities]
            if any(d is None for d in days):
                return None
            return max([region_day, *(d for d in days if d is not None)])
        kommun_day = self.in_force.get(municipality)
        if kommun_day is None:
            return None
        return max(region_day, kommun_day)

    def governs(self, municipality: str | None, on: dt.date) -> bool:
        start = self.from_date(municipality)
        return start is not None and start <= on and (self.until is None or on <= self.until)

    @property
    def suffix(self) -> str:
        return f"{self.kind}-{self.label or self.key}"


_source: Callable[[], Sequence[AdoptedRevision]] | None = None


def use_revisions(source: Callable[[], Sequence[AdoptedRevision]] | None) -> None:
    """Where the rules learn the adopted revisions (the web app's record of adoptions)."""
    global _source
    _source = source


def current_revisions() -> tuple[AdoptedRevision, ...]:
    return tuple(_source()) if _source is not None else ()


def revised_versions(
    versions: Sequence[AgreementVersion], revisions: Sequence[AdoptedRevision]
) -> tuple[AgreementVersion, ...]:
    """``versions`` with each revision's changes applied, in the order given; every version
    of a revised agreement gets the revision in its version string (a new key), the
    others are returned unchanged. A `VariantError` names the change that does not apply."""
    out = tuple(versions)
    for revision in revisions:
        check_scope(out, revision.agreement, revision.changes)
        changed = apply(out, Variant(revision.suffix, tuple(revision.changes)))
        out = tuple(
            dataclasses.replace(new, version=f"{new.version}+{revision.suffix}")
            if new.agreement == revision.agreement
            else new
            for new in changed
        )
    return out


def check_scope(
    versions: Sequence[AgreementVersion], agreement: str, changes: Sequence[Mapping[str, Any]]
) -> None:
    """A revision of one agreement changes only that agreement's rules."""
    own = {r.id for v in versions if v.agreement == agreement for r in v.rules}
    for index, change in enumerate(changes):
        if change.get("op") == "add_rule":
            if change.get("agreement") != agreement:
                raise VariantError(
                    index, "other_agreement", "en ny regel ska höra till det avtal som revideras",
                    "agreement",
                )  # fmt: skip
            continue
        rule_id = change.get("rule")
        if rule_id and rule_id not in own and _known(versions, rule_id):
            raise VariantError(
                index, "other_agreement", f"regeln {rule_id!r} hör till ett annat avtal", "rule"
            )


def _known(versions: Sequence[AgreementVersion], rule_id: Any) -> bool:
    return any(r.id == rule_id for v in versions for r in v.rules)


def governing(
    revisions: Sequence[AdoptedRevision], region: str, municipality: str | None, on: dt.date
) -> tuple[AdoptedRevision, ...]:
    """The revisions that govern a case of ``region`` in ``municipality`` on ``on``."""
    return tuple(r for r in revisions if r.region == region and r.governs(municipality, on))


def ruleset_for(
    region: str,
    municipality: str | None,
    on: dt.date,
    revisions: Sequence[AdoptedRevision] | None = None,
) -> RuleSet:
    """The rule set that decides a case: the declared versions, with every revision adopted
    for the case's kommun by its date applied (``revisions`` default to the registered ones)."""
    chosen = governing(current_revisions() if revisions is None else revisions, region,
                       municipality, on)  # fmt: skip
    if not chosen:
        return default_ruleset(region)
    notices = current_notices()
    return _revised_ruleset(region, chosen, tuple(sorted(notices.items())))


@lru_cache(maxsize=64)
def _revised_ruleset(
    region: str,
    chosen: tuple[AdoptedRevision, ...],
    notices: tuple[tuple[str, dt.date], ...],
) -> RuleSet:
    from samverkan.rules.agreements import ALL_VERSIONS

    return build(revised_versions(ALL_VERSIONS, chosen), region, dict(notices))


def ruleset_for_facts(facts: Mapping[str, Any]) -> RuleSet:
    """:func:`ruleset_for` for validated facts (region and date known)."""
    return ruleset_for(facts["region"], facts.get("municipality"), facts["date"])


# --- what a forum checks before it recommends a draft ---------------------------------------


class ScenarioTextError(ValueError):
    """A line of a scenario's facts that cannot be read: ``line`` (1-based), Swedish message."""

    def __init__(self, line: int, code: str, message: str):
        self.line, self.code, self.message = line, code, message
        super().__init__(f"rad {line}: {message}")


def _fact_by_label(name: str) -> Any:
    from samverkan.rules.facts import FACTS

    wanted = name.strip().casefold()
    for spec in FACTS.values():
        if wanted in (spec.name.casefold(), spec.label.casefold()):
            return spec
    return None


def parse_fact_lines(text: str) -> dict[str, Any]:
    """Facts written one per line as a jurist would, ``Ålder: 80``, ``Boende: Ordinärt
    boende``, ``Datum: 2026-05-01`` (the fact's Swedish label or name; a value's label or
    code; ``ja``/``nej``; a list with commas). Domain-model JSON values come out."""
    from samverkan.rules.facts import Kind

    out: dict[str, Any] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            name, sep, value = line.partition("=")
        if not sep or not value.strip():
            raise ScenarioTextError(number, "syntax", "skriv uppgift och värde, t.ex. 'Ålder: 80'")
        spec = _fact_by_label(name)
        if spec is None:
            raise ScenarioTextError(number, "unknown_fact", f"okänd uppgift {name.strip()!r}")
        value = value.strip()

        def code_of(word: str, spec: Any = spec, number: int = number) -> str:
            w = word.strip().casefold()
            for code, label in zip(spec.values, spec.value_labels, strict=False):
                if w in (code.casefold(), label.casefold()):
                    return code
            allowed = ", ".join(spec.value_labels) or "—"
            raise ScenarioTextError(
                number, "unknown_value", f"{spec.label}: okänt värde {word.strip()!r} ({allowed})"
            )

        if spec.kind == Kind.BOOL:
            word = value.casefold()
            if word not in ("ja", "nej", "true", "false"):
                raise ScenarioTextError(number, "not_yes_no", f"{spec.label}: skriv ja eller nej")
            out[spec.name] = word in ("ja", "true")
        elif spec.kind == Kind.INT:
            out[spec.name] = _integer(number, spec.label, value)
        elif spec.kind == Kind.SET:
            words = [w for w in value.split(",") if w.strip()]
            out[spec.name] = [code_of(w) for w in words] if spec.values else words
        elif spec.values:
            out[spec.name] = code_of(value)
        elif spec.name == "municipality":  # a kommun by its code or its name
            out[spec.name] = _municipality_code(value)
        else:  # dates and times as written (the engine validates them)
            out[spec.name] = value
    return out


def _municipality_code(value: str) -> str:
    for region in REGIONS.values():
        for code, name in region.municipalities.items():
            if value.casefold() in (code, name.casefold()):
                return code
    return value


def _integer(number: int, label: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ScenarioTextError(number, "not_an_integer", f"{label}: skriv ett heltal") from None


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    passed: bool
    expected: Mapping[str, str]
    got: Mapping[str, str]
    error: str = ""
    missing: tuple[str, ...] = ()


def run_scenarios(
    revision: AdoptedRevision, scenarios: Sequence[Mapping[str, Any]]
) -> list[ScenarioResult]:
    """Each scenario (``name``, ``facts``, ``expected`` {dimension: value}) decided with the
    revision as if every party had adopted it from the scenario's date."""
    from samverkan.rules.engine import decide
    from samverkan.rules.facts import InvalidFacts

    versions_ = _all_adopted(revision)
    out = []
    for scenario in scenarios:
        facts = dict(scenario.get("facts") or {})
        expected = dict(scenario.get("expected") or {})
        region = facts.get("region") or revision.region
        try:
            ruleset = _revised_ruleset(region, (versions_,), ())
            decision = decide({"region": region, **facts}, ruleset)
            got = decision.outcome
        except InvalidFacts as exc:
            message = "; ".join(e.message for e in exc.errors)
            out.append(ScenarioResult(str(scenario.get("name", "")), False, expected, {}, message))
            continue
        chosen = {d: str(got.get(d)) for d in expected}
        out.append(
            ScenarioResult(
                str(scenario.get("name", "")),
                all(chosen[d] == v for d, v in expected.items()),
                expected,
                chosen,
                missing=tuple(decision.missing_facts),
            )
        )
    return out


def _all_adopted(revision: AdoptedRevision) -> AdoptedRevision:
    """The revision as if every party had adopted it from the beginning (for checks)."""
    start = dt.date(1900, 1, 1)
    parties = {
        revision.region: start,
        **dict.fromkeys(REGIONS[revision.region].municipalities, start),
    }
    return dataclasses.replace(revision, in_force=parties)


@dataclass(frozen=True)
class RuleCheck:
    """The conflict, gap and dead-rule check of a revised rule set over a frame of cases."""

    cases: int
    conflicts: Mapping[str, int]  # dimension -> cases where two effective rules disagree
    undetermined: Mapping[str, int]  # dimension -> decided cases left undetermined
    dead_rules: tuple[str, ...]  # rules of the revised agreement effective nowhere

    @property
    def ok(self) -> bool:
        return not any(self.conflicts.values())


def check_rules(revision: AdoptedRevision, frame: Any) -> RuleCheck:
    """Evaluate every rule's effective flag of the revised rule set over ``frame`` (typed
    cases, e.g. a synthetic population) as the evaluators do (exceptions first): cases where
    two effective rules of a dimension decide different values are conflicts; decided cases
    left undetermined are gaps to read; revised-agreement rules effective nowhere are dead."""
    import polars as pl

    from samverkan.rules.batch import decide as decide_frame

    full = _all_adopted(revision)
    ruleset = _revised_ruleset(revision.region, (full,), ())
    result = decide_frame(frame, {revision.region: ruleset})
    lf = result.lazy()
    per_value: dict[str, dict[str, list[str]]] = {}
    for dim in ruleset.dimensions:
        by_id = {g.rule.id: g for g in dim.rules}
        for rule_id in dim.order:
            g = by_id[rule_id]
            eff = g.guard.expr()
            if g.exceptions:
                eff = eff & ~pl.any_horizontal([pl.col(f"{dim.name}|{e}") for e in g.exceptions])
            lf = lf.with_columns(eff.fill_null(False).alias(f"{dim.name}|{rule_id}"))
            per_value.setdefault(dim.name, {}).setdefault(g.value, []).append(
                f"{dim.name}|{rule_id}"
            )
    flagged = lf.collect()
    conflicts: dict[str, int] = {}
    for name, values in per_value.items():
        counts = [
            pl.any_horizontal([pl.col(c) for c in cols]).cast(pl.Int8) for cols in values.values()
        ]
        conflicts[name] = int(flagged.filter(pl.sum_horizontal(counts) > 1).height)
    decided = flagged.filter(pl.col("status") == "decided")
    undetermined = {
        name: int(decided.filter(pl.col(name) == "undetermined").height)
        for name in per_value
        if name in decided.columns
    }
    own = {r.id for v in ruleset.versions if v.agreement == revision.agreement for r in v.rules}
    effective = {
        c.split("|", 1)[1]
        for values in per_value.values()
        for cols in values.values()
        for c in cols
        if flagged[c].any()
    }
    deciding = {g.rule.id for d in ruleset.dimensions for g in d.rules}
    dead = tuple(sorted((own & deciding) - effective))
    return RuleCheck(frame.height, conflicts, undetermined, dead)


# --- the batch path follows the adoptions too ---------------------------------------------


def _governs_expr(revision: AdoptedRevision) -> Any:
    """Polars: the rows ``revision`` governs (region, kommun's date or every kommun's)."""
    import polars as pl

    starts = {code: revision.from_date(code) for code in REGIONS[revision.region].municipalities}
    known = {code: day for code, day in starts.items() if day is not None}
    all_day = revision.from_date(None)
    start = (
        pl.col("municipality")
        .cast(pl.String)
        .replace_strict(known, default=None, return_dtype=pl.Date)
        if known
        else pl.lit(None, pl.Date)
    )
    if all_day is not None:
        start = pl.when(pl.col("municipality").is_null()).then(pl.lit(all_day)).otherwise(start)
    governs = (
        (pl.col("region").cast(pl.String) == revision.region)
        & pl.col("date").is_not_null()
        & (pl.col("date") >= start)
    )
    if revision.until is not None:
        governs = governs & (pl.col("date") <= pl.lit(revision.until))
    return governs.fill_null(False)


def decide_frame(
    frame: Any, revisions: Sequence[AdoptedRevision], *, action_list: bool = False
) -> Any:
    """The batch engine with adopted revisions: rows are split by the revisions that govern
    them (region, kommun, date of the care), each part decided with its rule sets, and the
    rows put back in their order. Agrees with :func:`ruleset_for` row by row."""
    import polars as pl

    from samverkan.rules import batch

    facts = batch.normalise(frame)
    flags = [_governs_expr(r).alias(f"__rev{i}") for i, r in enumerate(revisions)]
    marked = facts.with_row_index("__order").with_columns(flags)
    names = [f"__rev{i}" for i in range(len(revisions))]
    parts = []
    for combo in marked.select(names).unique().iter_rows():
        chosen = tuple(r for r, on in zip(revisions, combo, strict=True) if on)
        match = pl.all_horizontal([pl.col(n) == v for n, v in zip(names, combo, strict=True)])
        part = marked.filter(match)
        order = part["__order"]
        rows = part.drop(["__order", *names])
        notices = tuple(sorted(current_notices().items()))
        rulesets = {
            region: _revised_ruleset(
                region, tuple(r for r in chosen if r.region == region), notices
            )  # fmt: skip
            for region in {r.region for r in chosen}
        }
        decided = batch.decide(rows, rulesets or None, action_list=action_list, revisions=False)
        parts.append(decided.with_columns(order.alias("__order")))
    return pl.concat(_same_enums(parts), how="vertical_relaxed").sort("__order").drop("__order")


def _same_enums(parts: list[Any]) -> list[Any]:
    """The parts with each Enum column of one type, the union of their categories (a rule id
    only one part's rule set has, e.g. a local agreement's ``….local``): Polars concatenates
    no two Enums of different categories."""
    import polars as pl

    if len(parts) < 2:
        return parts
    unions: dict[str, dict[str, None]] = {}
    for part in parts:
        for name, dtype in part.schema.items():
            if isinstance(dtype, pl.Enum):
                unions.setdefault(name, {}).update(dict.fromkeys(dtype.categories.to_list()))
    if not unions:
        return parts
    casts = {name: pl.Enum(list(cats)) for name, cats in unions.items()}
    return [
        part.with_columns(
            [pl.col(n).cast(pl.String).cast(t) for n, t in casts.items() if part.schema[n] != t]
        )
        for part in parts
    ]
