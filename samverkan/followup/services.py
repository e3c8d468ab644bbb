"""What views and the API may do in the followup app: run and save simulations, read them.

The simulation itself is pure Polars (simulation.py); here are the Django parts: the
recorded cases (people's interventions with their current facts), the purchases app's
price lists, the audit log and the saved ``Simulation``.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl
from django.apps import apps
from django.db.models import QuerySet

from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.followup import discharge_days
from samverkan.followup import prices as price_module
from samverkan.followup import simulation as sim
from samverkan.followup.access import regions_of
from samverkan.followup.errors import SimulationError, variant_problem
from samverkan.followup.models import PopulationSource, Simulation
from samverkan.followup.suppression import is_small
from samverkan.rules import (
    REGIONS,
    Variant,
    VariantError,
    county_population,
    generate_population,
    normalise_frame,
)

# The price list a region's simulation reads (tjänsteköp, Bilaga 4 / Gävleborg's list).
PRICE_LIST_AGREEMENT = {"jamtland-harjedalen": "jh-hemsjukvard", "gavleborg": "gvb-svart-sjuka"}
MAX_SYNTHETIC = 10_000_000
DEFAULT_SYNTHETIC = 200_000  # only where no county is named (a spec's dataclass default)


def county_size(region: str) -> int:
    """The synthetic population's size by default: one case per inhabitant of the county
    (SCB 2023, rounded; ``rules.county_population``), so that a result is read against a
    county of the real size, not 200 000 cases for a county of 130 000 (issue 13)."""
    return county_population(region) if region in REGIONS else DEFAULT_SYNTHETIC


def parse_variant(data: Any) -> Variant:
    """A variant from JSON (text or parsed), validated by applying it; a `SimulationError`
    naming the change and its key (``variant.changes.0.rule``) when it does not apply."""
    try:
        return sim.parse_variant(data)
    except VariantError as exc:
        raise variant_problem(exc) from None


def parse_question(data: Any, source: str) -> Variant | discharge_days.DischargeDays:
    """What a simulation request asks, for its cases: a rule variant (``parse_variant``) on
    synthetic or recorded cases, or the discharge question (another number of days after
    the notice of utskrivningsklar, ``discharge_days.parse``) on recorded stays. Asking one
    of them of the other's cases is refused naming the field."""
    asks_days = discharge_days.is_question(data)
    if source == PopulationSource.DISCHARGES:
        if not asks_days:
            raise SimulationError(
                "variant.changes",
                "discharges_take_days_only",
                "På registrerade utskrivningar prövas bara antalet dagar efter meddelandet om "
                f"utskrivningsklar (»op«: »{discharge_days.OP}«).",
            )
        return discharge_days.parse(data)
    if asks_days:
        raise SimulationError(
            "population.source",
            "days_need_discharges",
            "Antalet dagar efter meddelandet om utskrivningsklar prövas på registrerade "
            f"utskrivningar (»source«: »{PopulationSource.DISCHARGES}«).",
        )
    return parse_variant(data)


@dataclass(frozen=True)
class PopulationSpec:
    """The cases a simulation runs over: synthetic or recorded cases on ``date``, or (source
    ``discharges``) the region's recorded stays of ``year`` (None: last year)."""

    source: str
    region: str
    date: dt.date | None
    n: int = DEFAULT_SYNTHETIC
    seed: int = 0
    price_year: int | None = None
    year: int | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.source == PopulationSource.DISCHARGES:
            return {"source": self.source, "region": self.region, "year": self.stays_year}
        return {
            "source": self.source,
            "region": self.region,
            "date": self.date.isoformat() if self.date else None,
            "n": self.n,
            "seed": self.seed,
            "price_year": self.price_year,
        }

    @property
    def tried_on(self) -> dt.date:
        """The date a rule variant is tried on (required for its cases)."""
        if self.date is None:
            raise SimulationError("population.date", "required", "Ange datumet som prövas.")
        return self.date

    @property
    def stays_year(self) -> int:
        return self.year if self.year is not None else discharge_days.default_year()

    def validate(self) -> None:
        if self.source not in PopulationSource.values:
            raise SimulationError(
                "population.source",
                "invalid_choice",
                "Välj syntetiska fall, registrerade insatser eller registrerade utskrivningar.",
            )
        if self.region not in REGIONS:
            raise SimulationError("population.region", "invalid_choice", "Okänt län.")
        if self.source == PopulationSource.DISCHARGES:
            discharge_days.check_year(self.stays_year)
            return
        if self.date is None:
            raise SimulationError("population.date", "required", "Ange datumet som prövas.")
        if self.source == PopulationSource.SYNTHETIC and not 1 <= self.n <= MAX_SYNTHETIC:
            raise SimulationError(
                "population.n",
                "out_of_range",
                f"Antal fall ska vara 1–{MAX_SYNTHETIC:,}".replace(",", " "),
            )


def price_year_for(spec: PopulationSpec) -> int:
    """The spec's price year, else the simulation date's year if its schablonbelopp is
    verified, else the latest verified year before it (stated on the result)."""
    if spec.price_year:
        return spec.price_year
    year = spec.tried_on.year
    return price_module.latest_verified_year(year) or year


# --- prices from the purchases app --------------------------------------------------------


def price_list_prices(region: str, year: int) -> tuple[dict[str, Decimal], list[str]]:
    """Hourly day-time prices per intervention from the region's tjänsteköp price list, valid
    on 1 July of ``year``, and notes on what could not be used."""
    notes: list[str] = []
    if not apps.is_installed("samverkan.purchases"):
        return {}, ["Tjänsteköpsappen finns inte: inga prislistor."]
    try:
        from samverkan.purchases.pricing import PriceIndex
    except ImportError:
        return {}, ["Tjänsteköpsappens prislistor kunde inte läsas."]
    agreement = PRICE_LIST_AGREEMENT[region]
    index = PriceIndex()
    day = dt.date(year, 7, 1)
    out: dict[str, Decimal] = {}
    for kind in sim.INTERVENTIONS:
        found = index.find(agreement, kind, "day", day)
        if len(found) != 1:
            continue
        price = found[0]
        if price.unit != "hour":
            notes.append(
                f"{sim.intervention_label(kind)}: priset i prislistan är per besök, inte per "
                "timme; Försäkringskassans schablonbelopp används i stället."
            )
            continue
        out[kind] = Decimal(price.amount)
        if price.is_demo:
            notes.append(f"{sim.intervention_label(kind)}: prislistans pris är ett demopris.")
    return out, notes


# --- cases -----------------------------------------------------------------------------------


def synthetic_frame(spec: PopulationSpec) -> pl.DataFrame:
    return generate_population(spec.n, region=spec.region, seed=spec.seed, date=spec.tried_on)


def recorded_frame(actor: Any, spec: PopulationSpec) -> pl.DataFrame:
    """The interventions performed in the region and active on the date, each with the facts
    the engine would be given for it today (people.services.facts_for_decision), plus the
    person (``_person``) for the small-cell rule. One audit event records the bulk read."""
    from samverkan.people.selectors import interventions_active_on
    from samverkan.people.services import facts_for_decision

    day = spec.tried_on
    interventions = interventions_active_on(spec.region, day)
    rows: list[dict[str, Any]] = []
    persons: list[str] = []
    for intervention in interventions:
        facts = facts_for_decision(intervention, on=day)
        facts["date"] = day.isoformat()
        rows.append(facts)
        persons.append(str(intervention.person_id))
    record(
        actor,
        Action.VIEW,
        "people.intervention",
        "",
        why=(
            f"Revisionssimulering: {len(rows)} insatser i {REGIONS[spec.region].name} lästes för "
            "en sammanställning (inga personuppgifter visas eller sparas)"
        ),
    )
    if not rows:
        return pl.DataFrame()
    frame = pl.DataFrame(rows, infer_schema_length=None)
    for name in ("date", "time"):
        if name in frame.columns:
            frame = frame.with_columns(pl.col(name).cast(pl.String))
    if "adl_needs_over_time" in frame.columns:
        frame = frame.with_columns(pl.col("adl_needs_over_time").cast(pl.List(pl.String)))
    typed = normalise_frame(frame)
    return typed.with_columns(pl.Series("_person", persons, dtype=pl.String))


# --- running and saving -----------------------------------------------------------------------


@dataclass
class Outcome:
    result: sim.Result
    spec: PopulationSpec
    price_rows: list[price_module.Price]
    notes: list[str] = field(default_factory=list)


def simulate(actor: Any, variant: Variant, spec: PopulationSpec) -> Outcome:
    """Baseline, variant and diff over the spec's cases (one lazy plan; see simulation.py)."""
    spec.validate()
    year = price_year_for(spec)
    listed, notes = price_list_prices(spec.region, year)
    price_rows = price_module.prices(year, listed)
    if spec.source == PopulationSource.SYNTHETIC:
        frame = synthetic_frame(spec)
        compress = True
    else:
        frame = recorded_frame(actor, spec)
        compress = False
    baseline = sim.baseline_rulesets()
    try:
        variant_sets = sim.variant_rulesets(variant)
    except VariantError as exc:
        raise variant_problem(exc) from None
    price_table = price_module.price_frame(price_rows)
    started = time.perf_counter()
    per_case = None
    if frame.height == 0:
        table = pl.DataFrame()
    elif compress:
        table = sim.diff_plan(frame, baseline, variant_sets, prices=price_table).collect()
    else:
        per_case = sim.evaluated_plan(
            frame, baseline, variant_sets, prices=price_table, compress=False
        ).collect()
        table = sim.diff_plan(
            frame, baseline, variant_sets, prices=price_table, compress=False
        ).collect()
    elapsed = time.perf_counter() - started
    if year != spec.tried_on.year:
        notes.append(
            f"Priserna är {year} års (Försäkringskassans schablonbelopp för "
            f"{spec.tried_on.year} är inte verifierat eller saknas)."
        )
    missing = [p for p in price_rows if p.price_per_hour is None]
    if missing:
        notes.append(
            "Pris saknas för: " + ", ".join(sim.intervention_label(p.intervention) for p in missing)
        )
    result = sim.Result(table, elapsed_s=elapsed, notes=notes, per_case=per_case)
    return Outcome(result, spec, price_rows, notes)


def _records(frame: pl.DataFrame, recorded: bool) -> list[dict[str, Any]]:
    """Rows as JSON-able dicts; for recorded cases a row resting on 1–4 persons keeps its
    labels only (numbers None, ``suppressed`` true)."""
    rows = []
    for row in frame.iter_rows(named=True):
        item = {k: v for k, v in row.items() if not k.startswith("_")}
        if recorded and is_small(row.get(sim.PERSONS)):
            for key in (sim.CASES, sim.PERSONS, sim.HOURS, sim.SEK, "net_cases", "net_hours",
                        "net_sek"):  # fmt: skip
                if key in item:
                    item[key] = None
            item["suppressed"] = True
        rows.append(item)
    return rows


def serialise(outcome: Outcome) -> dict[str, Any]:
    """The saved result: the diff table, the aggregates the page shows, prices and notes.
    For recorded cases every row and figure resting on 1–4 persons is stored suppressed."""
    result = outcome.result
    recorded = outcome.spec.source == PopulationSource.RECORDED
    tables: dict[str, list[dict[str, Any]]] = {}
    summary: dict[str, Any] = {"cases": 0, "moved": {}, "cost_shift": {}}
    if not result.table.is_empty():
        total = result.total()
        summary = {
            "cases": int(total.get(sim.CASES) or 0),
            "persons": total.get(sim.PERSONS),
            "moved": {},
            "cost_shift": result.cost_shift(),
        }
        for dim in result.dims:
            moved = result.total(dim)
            figures = {k: moved.get(k) for k in (sim.CASES, sim.PERSONS, sim.HOURS, sim.SEK)}
            if recorded and is_small(figures.get(sim.PERSONS)):
                figures = {"suppressed": True}
            summary["moved"][dim] = figures
            tables[f"transitions:{dim}"] = _records(result.transitions(dim), recorded)
        tables["by_municipality"] = _records(result.by("municipality"), recorded)
        tables["by_intervention"] = _records(result.by("intervention"), recorded)
        if sim.COST in result.dims:
            tables["cost_by_municipality"] = _records(result.by("municipality", sim.COST), recorded)
        cost_moved = summary["moved"].get(sim.COST, {})
        if recorded and cost_moved.get("suppressed"):
            summary["cost_shift"] = {"sek": None, "hours": None, "sek_partial": None}
            summary["cost_shift_suppressed"] = True
    return {
        "dims": list(result.dims),
        "columns": [c for c in result.table.columns if not c.startswith("_")],
        "rows": _records(result.table, recorded),
        "tables": tables,
        "summary": summary,
        "prices": price_module.as_dicts(outcome.price_rows),
        "price_year": price_year_for(outcome.spec),
        "notes": outcome.notes,
        "elapsed_s": result.elapsed_s,
    }


def run_and_save(
    actor: Any, variant: Variant | discharge_days.DischargeDays, spec: PopulationSpec
) -> Simulation:
    """Run the question over the spec's cases and save the result (audited)."""
    spec.validate()
    if isinstance(variant, discharge_days.DischargeDays):
        if spec.source != PopulationSource.DISCHARGES:
            raise SimulationError(
                "population.source",
                "days_need_discharges",
                "Antalet dagar efter meddelandet om utskrivningsklar prövas på registrerade "
                "utskrivningar.",
            )
        data = discharge_days.simulate(actor, variant, spec.region, spec.stays_year)
        variant_json = variant.as_variant()
        cases, moved = data["summary"].get("stays") or 0, None
    else:
        if spec.source == PopulationSource.DISCHARGES:
            raise SimulationError(
                "variant.changes",
                "discharges_take_days_only",
                "På registrerade utskrivningar prövas bara antalet dagar efter meddelandet om "
                "utskrivningsklar.",
            )
        outcome = simulate(actor, variant, spec)
        data = serialise(outcome)
        variant_json = sim.variant_dict(variant)
        cases = data["summary"].get("cases", 0)
        moved = data["summary"].get("moved", {}).get(sim.HCR, {}).get(sim.CASES)
    user = getattr(actor, "user", actor)
    profile = profile_of(user)
    saved = Simulation.objects.create(
        name=variant.name[:200],
        description=variant.description,
        variant=variant_json,
        source=spec.source,
        region=spec.region,
        population=spec.as_dict(),
        result=data,
        cases=cases,
        moved_cases=moved,
        elapsed_ms=int(data.get("elapsed_s", 0) * 1000),
        created_by=user if getattr(user, "is_authenticated", False) else None,
        created_by_organisation=profile.organisation if profile else None,
    )
    record(
        actor,
        Action.CREATE,
        Simulation,
        saved.pk,
        why=f"Revisionssimulering: {saved.name} ({saved.get_source_display()})",
    )
    return saved


def simulations_for(user: Any) -> QuerySet[Simulation]:
    return Simulation.objects.filter(region__in=regions_of(user)).select_related(
        "created_by_organisation"
    )
