"""A saved simulation's result as the page shows it: Swedish labels, formatted numbers,
"<5" where the stored row is suppressed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samverkan.followup import simulation as sim
from samverkan.followup.models import PopulationSource, Simulation
from samverkan.followup.suppression import HIDDEN_TEXT, format_number
from samverkan.rules.outcome import DIMENSIONS
from samverkan.rules.regions import REGIONS


def _num(value: Any, kind: str = "count", hidden: bool = False) -> str:
    if hidden:
        return HIDDEN_TEXT
    if value is None:
        return "–"
    return format_number(value, kind)


def _signed(value: Any, kind: str, hidden: bool = False) -> str:
    if hidden:
        return HIDDEN_TEXT
    if value is None:
        return "pris saknas" if kind == "sek" else "–"
    text = format_number(abs(value), kind)
    if round(float(value)) == 0:
        return text
    return ("+" if value > 0 else "−") + text


@dataclass
class DisplayTable:
    caption: str
    head: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numeric_from: int = 1
    note: str = ""


@dataclass
class SimulationView:
    simulation: Simulation
    region_name: str
    recorded: bool
    figures: list[tuple[str, str]]
    tables: list[DisplayTable]
    diff: DisplayTable
    prices: DisplayTable
    changes: list[str]
    notes: list[str]
    population: list[tuple[str, str]]


def _transitions(data: dict[str, Any], dim: str, recorded: bool) -> DisplayTable:
    head = ["Före", "Efter", "Fall"]
    if recorded:
        head.append("Personer")
    head += ["Timmar/år", "Kronor/år"]
    table = DisplayTable(f"{DIMENSIONS[dim]}: vilka fall byter", head, numeric_from=2)
    for row in data.get("tables", {}).get(f"transitions:{dim}", []):
        hidden = bool(row.get("suppressed"))
        cells = [
            sim.short_label(dim, row.get(sim.base_col(dim))),
            sim.short_label(dim, row.get(sim.var_col(dim))),
            _num(row.get(sim.CASES), hidden=hidden),
        ]
        if recorded:
            cells.append(_num(row.get(sim.PERSONS), hidden=hidden))
        cells += [
            _num(row.get(sim.HOURS), "hours", hidden),
            _num(row.get(sim.SEK), "sek", hidden)
            if row.get(sim.SEK) is not None or hidden
            else "pris saknas",
        ]
        table.rows.append(cells)
    return table


def _by(data: dict[str, Any], key: str, caption: str, label: Any, recorded: bool) -> DisplayTable:
    head = [caption.split(" ")[0].capitalize(), "Fall som byter huvudman"]
    if recorded:
        head.append("Personer")
    head += ["Netto till kommunen (fall)", "Netto till kommunen (timmar/år)", "Netto (kr/år)"]
    table = DisplayTable(
        f"Per {caption}",
        head,
        note="Netto: fall, timmar och kronor som blir kommunens minus de som slutar vara det.",
    )
    column = "municipality" if key == "by_municipality" else "intervention"
    for row in data.get("tables", {}).get(key, []):
        hidden = bool(row.get("suppressed"))
        cells = [label(row.get(column)), _num(row.get(sim.CASES), hidden=hidden)]
        if recorded:
            cells.append(_num(row.get(sim.PERSONS), hidden=hidden))
        cells += [
            _signed(row.get("net_cases"), "count", hidden),
            _signed(row.get("net_hours"), "hours", hidden),
            _signed(row.get("net_sek"), "sek", hidden),
        ]
        table.rows.append(cells)
    return table


def _diff(data: dict[str, Any], recorded: bool) -> DisplayTable:
    dims = data.get("dims", list(sim.SIMULATED))
    head = ["Kommun", "Insats"]
    for d in dims:
        head += [f"{DIMENSIONS[d]} före", "efter"]
    head.append("Fall")
    if recorded:
        head.append("Personer")
    head += ["Timmar/år", "Kronor/år"]
    table = DisplayTable(
        "Hela jämförelsen (alla celler, även de som inte ändras)",
        head,
        numeric_from=2 + 2 * len(dims),
    )
    for row in data.get("rows", []):
        hidden = bool(row.get("suppressed"))
        cells = [
            sim.municipality_label(row.get("municipality")),
            sim.intervention_label(row.get("intervention")),
        ]
        for d in dims:
            cells += [
                sim.short_label(d, row.get(sim.base_col(d))),
                sim.short_label(d, row.get(sim.var_col(d))),
            ]
        cells.append(_num(row.get(sim.CASES), hidden=hidden))
        if recorded:
            cells.append(_num(row.get(sim.PERSONS), hidden=hidden))
        cells += [_num(row.get(sim.HOURS), "hours", hidden), _num(row.get(sim.SEK), "sek", hidden)]
        table.rows.append(cells)
    return table


SOURCE_LABELS = {
    "price_list": "Prislistan (tjänsteköp)",
    "fk_schablonbelopp": "Försäkringskassans schablonbelopp (ersättningspris)",
    "missing": "Saknas",
}


def _prices(data: dict[str, Any]) -> DisplayTable:
    from samverkan.followup.prices import HOURS_REASONING

    table = DisplayTable(
        f"Antaganden: timmar per fall och år, pris per timme ({data.get('price_year')})",
        ["Insats", "Timmar per fall och år", "Varför", "Kr per timme", "Priskälla"],
        numeric_from=1,
    )
    for p in data.get("prices", []):
        price = p.get("price_per_hour")
        table.rows.append(
            [
                sim.intervention_label(p["intervention"]),
                _num(p["hours_per_case"], "hours"),
                HOURS_REASONING.get(p["intervention"], ""),
                format_number(float(price), "sek") if price is not None else "saknas",
                SOURCE_LABELS.get(p["source"], p["source"]),
            ]
        )
    return table


def simulation_view(simulation: Simulation) -> SimulationView:
    data = simulation.result or {}
    recorded = simulation.source == PopulationSource.RECORDED
    summary = data.get("summary", {})
    figures: list[tuple[str, str]] = [("Fall som prövades", _num(summary.get("cases", 0)))]
    if recorded and summary.get("persons") is not None:
        figures.append(("Personer", _num(summary.get("persons"))))
    for dim in data.get("dims", []):
        moved = summary.get("moved", {}).get(dim, {})
        hidden = bool(moved.get("suppressed"))
        text = _num(moved.get(sim.CASES), hidden=hidden)
        if not hidden and moved.get(sim.HOURS) is not None:
            text += f" ({_num(moved.get(sim.HOURS), 'hours')} timmar/år)"
        figures.append((f"Fall där {DIMENSIONS[dim].lower()} ändras", text))
    shift = summary.get("cost_shift", {})
    if summary.get("cost_shift_suppressed"):
        figures.append(("Kostnad som flyttar till kommunerna", HIDDEN_TEXT))
    elif shift.get("hours") is not None:
        sek = shift.get("sek")
        sek_text = (
            _signed(sek, "sek")
            if sek is not None
            else f"pris saknas (känt: {_signed(shift.get('sek_partial'), 'sek')})"
        )
        figures.append(
            (
                "Kostnad som flyttar till kommunerna (netto per år)",
                f"{sek_text}, {_signed(shift.get('hours'), 'hours')} timmar",
            )
        )
    tables = [_transitions(data, d, recorded) for d in data.get("dims", [])]
    tables.append(_by(data, "by_municipality", "kommun", sim.municipality_label, recorded))
    tables.append(_by(data, "by_intervention", "insats", sim.intervention_label, recorded))
    population = simulation.population or {}
    pop_rows = [
        ("Fall", simulation.get_source_display()),
        ("Län", REGIONS[simulation.region].name if simulation.region in REGIONS else ""),
        ("Datum som prövas", str(population.get("date", ""))),
    ]
    if simulation.source == PopulationSource.SYNTHETIC:
        pop_rows += [
            ("Antal syntetiska fall", _num(population.get("n"))),
            ("Slumpfrö", str(population.get("seed"))),
        ]
    pop_rows.append(("Prisår", str(data.get("price_year", ""))))
    pop_rows.append(("Beräkningstid", f"{simulation.elapsed_ms} ms"))
    return SimulationView(
        simulation=simulation,
        region_name=REGIONS[simulation.region].name if simulation.region in REGIONS else "",
        recorded=recorded,
        figures=figures,
        tables=tables,
        diff=_diff(data, recorded),
        prices=_prices(data),
        changes=[sim.describe_change(c) for c in simulation.changes],
        notes=list(data.get("notes", [])),
        population=pop_rows,
    )
