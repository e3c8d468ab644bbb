"""A saved simulation's result as the page shows it: Swedish labels, formatted numbers,
"<5" where the stored row is suppressed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samverkan.followup import simulation as sim
from samverkan.followup.models import PopulationSource, Simulation
from samverkan.followup.suppression import HIDDEN_TEXT, format_number
from samverkan.rules import DIMENSIONS, REGIONS


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
    text_columns: tuple[int, ...] = ()  # columns at or after numeric_from that are text

    @property
    def numeric(self) -> list[bool]:
        return [
            i >= self.numeric_from and i not in self.text_columns for i in range(len(self.head))
        ]

    @property
    def head_cells(self) -> list[tuple[str, bool]]:
        return list(zip(self.head, self.numeric, strict=True))

    @property
    def body(self) -> list[list[tuple[str, bool]]]:
        return [list(zip(row, self.numeric, strict=True)) for row in self.rows]


@dataclass
class SimulationView:
    headline: str
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


def _by(
    data: dict[str, Any], key: str, title: str, head0: str, label: Any, recorded: bool
) -> DisplayTable:
    head = [head0, "Byter"]
    if recorded:
        head.append("Personer")
    head += ["Netto fall", "Netto timmar/år", "Netto kr/år"]
    cost = key.startswith("cost_")
    table = DisplayTable(
        title,
        head,
        note=(
            "Netto: kommunens andel efter minus före (kommunen 1, delas lika ½) av fallens "
            "timmar och kronor; minus = till regionen. Underlag för skatteväxling."
            if cost
            else "Netto: det som blir kommunens hälso- och sjukvårdsansvar minus det som "
            "slutar vara det (minus = till regionen)."
        ),
    )
    column = "intervention" if key == "by_intervention" else "municipality"
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
        text_columns=(2, 4),
    )
    for p in data.get("prices", []):
        price = p.get("price_per_hour")
        table.rows.append(
            [
                sim.intervention_label(p["intervention"]),
                _num(p["hours_per_case"], "hours"),
                HOURS_REASONING.get(p["intervention"], ""),
                format_number(float(price), "price") if price is not None else "saknas",
                SOURCE_LABELS.get(p["source"], p["source"]),
            ]
        )
    return table


def _headline(summary: dict[str, Any], dims: list[str]) -> str:
    """The result in one plain sentence (the basis for a skatteväxling discussion)."""
    moved = summary.get("moved", {}).get(sim.HCR, {})
    if moved.get("suppressed"):
        return "Färre än 5 personer byter huvudman; siffrorna visas inte."
    cases = moved.get(sim.CASES) or 0
    if not cases:
        return "Ändringen flyttar inget fall mellan huvudmännen."
    total = summary.get("cases") or 0
    share = f" ({100 * cases / total:.1f} % av fallen)".replace(".", ",") if total else ""
    text = f"{_num(cases)} fall{share} byter hälso- och sjukvårdsansvarig huvudman."
    shift = summary.get("cost_shift", {})
    sek = shift.get("sek")
    if summary.get("cost_shift_suppressed") or sek is None:
        return text
    if round(sek) == 0:
        return text + " Kostnaden flyttar inte i netto."
    who, other = ("kommunerna", "regionen") if sek > 0 else ("regionen", "kommunerna")
    return (
        text + f" Netto flyttar {format_number(abs(sek), 'sek')} per år "
        f"({format_number(abs(shift.get('hours') or 0), 'hours')} timmar) från {other} till {who}."
    )


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
    tables.append(
        _by(
            data,
            "by_municipality",
            "Per kommun: fall som byter huvudman",
            "Kommun",
            sim.municipality_label,
            recorded,
        )
    )
    tables.append(
        _by(
            data,
            "by_intervention",
            "Per insats: fall som byter huvudman",
            "Insats",
            sim.intervention_label,
            recorded,
        )
    )
    if "cost_by_municipality" in data.get("tables", {}):
        tables.append(
            _by(
                data,
                "cost_by_municipality",
                "Per kommun: kostnad som flyttar (kostnadsansvar)",
                "Kommun",
                sim.municipality_label,
                recorded,
            )
        )
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
        headline=_headline(summary, data.get("dims", [])),
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
