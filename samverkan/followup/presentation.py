"""A saved simulation's result as the page, the CSV and the PDF show it: Swedish labels,
counts without decimals, changes in words ("ökar med 3", never "−-3" or "minskar med −3"),
"färre än 5 personer" where the stored row is suppressed, and for synthetic cases the
assumptions that make the result an illustration, not a forecast (issue 13)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from samverkan.followup import discharge_days
from samverkan.followup import simulation as sim
from samverkan.followup.models import PopulationSource, Simulation
from samverkan.followup.suppression import HIDDEN_TEXT, format_number
from samverkan.rules import DIMENSIONS, REGIONS, county_population


def _num(value: Any, kind: str = "count", hidden: bool = False) -> str:
    if hidden:
        return HIDDEN_TEXT
    if value is None:
        return "–"
    if kind == "count":  # a count has no decimals (a shared case counts ½ in a net)
        value = round(float(value))
    return format_number(value, kind)


def change_words(value: Any, kind: str = "count", hidden: bool = False) -> str:
    """A net change in words, the amount always positive: "ökar med 3", "minskar med
    1 200 kr", "oförändrat" (what rounds to 0)."""
    if hidden:
        return HIDDEN_TEXT
    if value is None:
        return "pris saknas" if kind == "sek" else "–"
    if round(float(value)) == 0:
        return "oförändrat"
    amount = _num(abs(float(value)), kind)
    if kind == "hours":
        amount += " timmar"
    return f"{'ökar' if value > 0 else 'minskar'} med {amount}"


def _raw(value: Any, kind: str = "count", hidden: bool = False) -> Any:
    """A cell's value for the CSV: a count whole, hours to a tenth, kronor whole."""
    if hidden:
        return HIDDEN_TEXT
    if value is None:
        return None
    if kind == "hours":
        return round(float(value), 1)
    return round(float(value))


COUNTY_NAMES = {"jamtland-harjedalen": "Jämtlands län", "gavleborg": "Gävleborgs län"}


def county_name(region: str) -> str:
    return COUNTY_NAMES.get(region) or (REGIONS[region].name if region in REGIONS else region)


def population_assumptions(region: str, n: int | None = None) -> list[str]:
    """What a synthetic population assumes, in plain Swedish: the same sentences on the form,
    the result page, the CSV and the PDF (``n`` None: the default, the county's size)."""
    size = county_population(region) if region in REGIONS else None
    county = county_name(region)
    if size is None:
        first = f"Fallen är påhittade: {_num(n or 0)} syntetiska fall."
    elif n is None or n == size:
        first = (
            f"Fallen är påhittade: lika många som {county} har invånare, {_num(size)} "
            "(SCB:s folkmängd 2023, avrundad)."
        )
    else:
        first = (
            f"Fallen är påhittade: {_num(n)} syntetiska fall; {county} har {_num(size)} "
            "invånare (SCB:s folkmängd 2023, avrundad)."
        )
    return [
        first,
        "Varje fall är en påhittad person med en insats under ett år. I verkligheten har "
        "bara en del av invånarna hälso- och sjukvård i hemmet, och en del har flera insatser.",
        "Ålder, boende, behov och insats dras kommun för kommun efter offentlig statistik "
        "(SCB, Socialstyrelsen) och uppskattningar; timmar per fall och pris per timme är "
        "antaganden som visas med resultatet.",
        "Resultatet visar hur ändringen verkar på en befolkning av länets storlek. Det är en "
        "illustration, ingen prognos av vad ändringen kostar.",
    ]


@dataclass
class DisplayTable:
    caption: str
    head: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numeric_from: int = 1
    note: str = ""
    text_columns: tuple[int, ...] = ()  # columns at or after numeric_from that are text
    cards: bool = False  # one card per row below 960 px (the shared `table-cards` layout)
    # The same cells for a spreadsheet (the CSV): numbers as numbers, a net change signed,
    # "färre än 5 personer" where hidden; one list per row of ``rows``.
    raw: list[list[Any]] = field(default_factory=list)

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

    @property
    def labelled_body(self) -> list[list[tuple[str, bool, str]]]:
        """``body`` with each cell's column name (``data-label`` of a card below 960 px)."""
        return [list(zip(row, self.numeric, self.head, strict=True)) for row in self.rows]


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
    assumptions: list[str] = field(default_factory=list)  # synthetic cases only
    technical: list[tuple[str, str]] = field(default_factory=list)
    # the discharge question (issue 16) has no shift of huvudman, hours or prices
    tables_heading: str = "Vilka byter huvudman"
    discharge: bool = False

    def export_tables(self) -> list[DisplayTable]:
        """The tables an export carries, in the page's order (the whole comparison last)."""
        if self.discharge:
            return list(self.tables)
        return [*self.tables, self.prices, self.diff]


def _transitions(data: dict[str, Any], dim: str, recorded: bool) -> DisplayTable:
    head = ["Före", "Efter", "Fall"]
    if recorded:
        head.append("Personer")
    head += ["Timmar/år", "Kronor/år"]
    table = DisplayTable(f"{DIMENSIONS[dim]}: vilka fall byter", head, numeric_from=2)
    for row in data.get("tables", {}).get(f"transitions:{dim}", []):
        hidden = bool(row.get("suppressed"))
        labels = [
            sim.short_label(dim, row.get(sim.base_col(dim))),
            sim.short_label(dim, row.get(sim.var_col(dim))),
        ]
        numbers = [(sim.CASES, "count"), *([(sim.PERSONS, "count")] if recorded else [])]
        numbers += [(sim.HOURS, "hours"), (sim.SEK, "sek")]
        cells = labels + [_num(row.get(k), kind, hidden) for k, kind in numbers]
        if row.get(sim.SEK) is None and not hidden:
            cells[-1] = "pris saknas"
        table.rows.append(cells)
        table.raw.append(labels + [_raw(row.get(k), kind, hidden) for k, kind in numbers])
    return table


def _by(
    data: dict[str, Any], key: str, title: str, head0: str, label: Any, recorded: bool
) -> DisplayTable:
    head = [head0, "Byter"]
    if recorded:
        head.append("Personer")
    cost = key.startswith("cost_")
    whose = "Kommunens kostnad" if cost else "Kommunens ansvar"
    head += [f"{whose}: fall", f"{whose}: timmar/år", f"{whose}: kr/år"]
    table = DisplayTable(
        title,
        head,
        note=(
            "Kommunens andel av fallens timmar och kronor efter ändringen jämfört med före "
            "(kommunen betalar allt, delas lika: hälften). Minskar: regionen får kostnaden. "
            "Underlag för skatteväxling."
            if cost
            else "Ökar: fler fall, timmar och kronor blir kommunens hälso- och sjukvårdsansvar "
            "än som slutar vara det. Minskar: regionen får dem."
        ),
    )
    column = "intervention" if key == "by_intervention" else "municipality"
    for row in data.get("tables", {}).get(key, []):
        hidden = bool(row.get("suppressed"))
        counts = [sim.CASES, *([sim.PERSONS] if recorded else [])]
        nets = [("net_cases", "count"), ("net_hours", "hours"), ("net_sek", "sek")]
        cells = [label(row.get(column)), *(_num(row.get(k), hidden=hidden) for k in counts)]
        cells += [change_words(row.get(k), kind, hidden) for k, kind in nets]
        table.rows.append(cells)
        table.raw.append(
            [
                label(row.get(column)),
                *(_raw(row.get(k), hidden=hidden) for k in counts),
                *(_raw(row.get(k), kind, hidden) for k, kind in nets),
            ]
        )
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
        numbers = [(sim.CASES, "count"), *([(sim.PERSONS, "count")] if recorded else [])]
        numbers += [(sim.HOURS, "hours"), (sim.SEK, "sek")]
        table.rows.append(cells + [_num(row.get(k), kind, hidden) for k, kind in numbers])
        table.raw.append(cells + [_raw(row.get(k), kind, hidden) for k, kind in numbers])
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
        kind = sim.intervention_label(p["intervention"])
        why = HOURS_REASONING.get(p["intervention"], "")
        source = SOURCE_LABELS.get(p["source"], p["source"])
        table.rows.append(
            [
                kind,
                _num(p["hours_per_case"], "hours"),
                why,
                format_number(float(price), "price") if price is not None else "saknas",
                source,
            ]
        )
        hours = round(float(p["hours_per_case"]), 1)
        table.raw.append([kind, hours, why, None if price is None else float(price), source])
    return table


def _headline(summary: dict[str, Any], dims: list[str], synthetic: bool = False) -> str:
    """The result in one plain sentence (the basis for a skatteväxling discussion); for
    synthetic cases it says that the cases are made up, so it does not read as a forecast."""
    where = "Bland de påhittade fallen: " if synthetic else ""
    moved = summary.get("moved", {}).get(sim.HCR, {})
    if moved.get("suppressed"):
        return "Färre än 5 personer byter huvudman; siffrorna visas inte."
    cases = moved.get(sim.CASES) or 0
    if not cases:
        return (
            f"{where}ändringen flyttar inget fall mellan huvudmännen."
            if where
            else ("Ändringen flyttar inget fall mellan huvudmännen.")
        )
    total = summary.get("cases") or 0
    share = f" ({100 * cases / total:.1f} % av fallen)".replace(".", ",") if total else ""
    text = f"{where}{_num(cases)} fall{share} byter hälso- och sjukvårdsansvarig huvudman."
    shift = summary.get("cost_shift", {})
    sek = shift.get("sek")
    if summary.get("cost_shift_suppressed") or sek is None:
        return text
    if round(sek) == 0:
        return text + " Kostnaden flyttar inte i netto."
    who, other = ("kommunerna", "regionen") if sek > 0 else ("regionen", "kommunerna")
    return (
        text + f" Med de antagna timmarna och priserna flyttar netto "
        f"{format_number(abs(sek), 'sek')} per år "
        f"({format_number(abs(shift.get('hours') or 0), 'hours')} timmar) från {other} till {who}."
    )


_days = discharge_days.days_text


CARE_TYPE_LABELS = {"somatic": "Somatisk slutenvård", "psychiatric": "Sluten psykiatrisk vård"}


def _discharge_table(
    rows: list[dict[str, Any]], caption: str, head0: str, label: Any, days: str, note: str = ""
) -> DisplayTable:
    """Per kommun or care type: stays, days and kronor of betalningsansvar as counted and
    with the other number of days, and the change in words (seven columns, so that a row
    of "färre än 5 personer" fits at 1280 px; the terms per kommun are in the notes)."""
    head = [
        head0,
        "Vårdtillfällen",
        "Dagar med betalningsansvar",
        f"Dagar med {days}",
        "Betalningsansvar",
        f"Med {days}",
        "Skillnad",
    ]
    table = DisplayTable(caption, head, note=note, cards=True)
    numbers = [
        ("stays", "count"),
        ("days_now", "count"),
        ("days_then", "count"),
        ("amount_now", "sek"),
        ("amount_then", "sek"),
    ]
    for row in rows:
        hidden = bool(row.get("suppressed"))
        name = label(row)
        values = [None if row.get(k) is None else float(row[k]) for k, _ in numbers]
        change = None if row.get("change") is None else float(row["change"])
        kinds = [kind for _, kind in numbers]
        cells = [name, *(_num(v, k, hidden) for v, k in zip(values, kinds, strict=True))]
        cells.append(change_words(change, "sek", hidden))
        raw = [name, *(_raw(v, k, hidden) for v, k in zip(values, kinds, strict=True))]
        raw.append(_raw(change, "sek", hidden))
        table.rows.append(cells)
        table.raw.append(raw)
    return table


def _discharge_headline(data: dict[str, Any], county: str) -> str:
    total = data.get("summary", {})
    year = data.get("year")
    days = discharge_days.days_words(discharge_days.days_by_care_type(data))
    if total.get("suppressed"):
        return f"Färre än 5 personer hade betalningsansvar under {year}; siffrorna visas inte."
    if not total.get("stays"):
        return f"Inga registrerade vårdtillfällen under {year} i {county}: inget att räkna på."
    now, then = float(total["amount_now"]), float(total["amount_then"])
    if round(then - now) == 0:
        return (
            f"Med {days} efter meddelandet om utskrivningsklar hade kommunerna i {county} "
            f"betalat lika mycket för vårdtillfällena under {year}: "
            f"{format_number(now, 'sek')}."
        )
    more = "mer" if then > now else "mindre"
    return (
        f"Med {days} efter meddelandet om utskrivningsklar hade kommunerna i {county} betalat "
        f"{format_number(abs(then - now), 'sek')} {more} för vårdtillfällena under {year}: "
        f"{format_number(then, 'sek')} i stället för {format_number(now, 'sek')}."
    )


def discharge_view(simulation: Simulation) -> SimulationView:
    """The discharge question's result (``followup.discharge_days``): per kommun the days and
    kronor of betalningsansvar as counted and with the other number of days. When the
    question asked psychiatric care another number than somatic care, the headline, the
    change and the notes say which number is whose, the care types' rows carry their own,
    and the columns say "med ändringen" (a result saved with one number reads as before)."""
    data = simulation.result or {}
    total = data.get("summary", {})
    by_care = discharge_days.days_by_care_type(data)
    apart = len(set(by_care.values())) > 1
    in_words = discharge_days.days_words(by_care)
    days = "ändringen" if apart else in_words  # the columns' and figures' short name
    year = data.get("year")
    hidden = bool(total.get("suppressed"))
    county = county_name(simulation.region)
    law = data.get("law_days", {})

    def value(key: str) -> float | None:
        return None if total.get(key) is None else float(total[key])

    def care_label(care_type: str) -> str:
        """The care type, with its own number of days when the question asked them apart."""
        label = CARE_TYPE_LABELS.get(care_type, "Okänd vårdform")
        return f"{label} ({_days(by_care[care_type])})" if apart and care_type in by_care else label

    figures = [
        (f"Vårdtillfällen under {year}", _num(total.get("stays"), hidden=hidden)),
        ("Dagar med betalningsansvar", _num(total.get("days_now"), hidden=hidden)),
        (f"Dagar med betalningsansvar med {days}", _num(total.get("days_then"), hidden=hidden)),
        ("Kommunernas betalningsansvar", _num(value("amount_now"), "sek", hidden)),
        (f"Kommunernas betalningsansvar med {days}", _num(value("amount_then"), "sek", hidden)),
        ("Skillnad för kommunerna", change_words(value("change"), "sek", hidden)),
    ]
    tables = [
        _discharge_table(
            data.get("tables", {}).get("by_municipality", []),
            f"Per kommun: betalningsansvar för utskrivningsklara under {year}",
            "Kommun",
            lambda r: sim.municipality_label(r.get("municipality")),
            days,
            note="Betalningsansvar: som det räknades med villkoren under året. Skillnad: med "
            f"{in_words} efter meddelandet jämfört med det. Kommuner som bygger på färre än 5 "
            "personer visas inte (där står »färre än 5 personer«).",
        ),
        _discharge_table(
            data.get("tables", {}).get("by_care_type", []),
            "Per vårdform, hela länet",
            "Vårdform",
            lambda r: care_label(r.get("care_type", "")),
            days,
            note=(
                "Med ändringen: "
                + ", ".join(
                    f"{CARE_TYPE_LABELS[ct].lower()} {_days(by_care[ct])}"
                    for ct in discharge_days.CARE_TYPES
                )
                + " efter meddelandet."
                if apart
                else ""
            ),
        ),
    ]
    law_text = ", ".join(
        f"{CARE_TYPE_LABELS[ct].lower()} {_days(n)}"
        for ct, n in law.items()
        if ct in CARE_TYPE_LABELS
    )
    whose = (
        f"{_days(by_care['somatic'])} efter att kommunen fått meddelandet om utskrivningsklar "
        f"i somatisk slutenvård och {_days(by_care['psychiatric'])} i sluten psykiatrisk vård"
        if apart
        else f"{in_words} efter att kommunen fått meddelandet om utskrivningsklar, för "
        "somatisk och psykiatrisk slutenvård"
    )
    change = f"Betalningsansvaret börjar {whose}" + (
        f" (lagens huvudregel: {law_text})." if law_text else "."
    )
    return SimulationView(
        headline=_discharge_headline(data, county),
        simulation=simulation,
        region_name=REGIONS[simulation.region].name if simulation.region in REGIONS else "",
        recorded=True,
        figures=figures,
        tables=tables,
        diff=DisplayTable("", []),
        prices=DisplayTable("", []),
        changes=[change],
        notes=list(data.get("notes", [])),
        population=[
            ("Fall", simulation.get_source_display()),
            ("Län", REGIONS[simulation.region].name if simulation.region in REGIONS else ""),
            ("Vårdtillfällen under år", str(year)),
        ],
        technical=[("Beräkningstid", f"{simulation.elapsed_ms} ms")],
        tables_heading="Per kommun",
        discharge=True,
    )


def simulation_view(simulation: Simulation) -> SimulationView:
    if simulation.source == PopulationSource.DISCHARGES:
        return discharge_view(simulation)
    data = simulation.result or {}
    recorded = simulation.source == PopulationSource.RECORDED
    summary = data.get("summary", {})
    synthetic = simulation.source == PopulationSource.SYNTHETIC
    tried = "Påhittade fall som prövades" if synthetic else "Fall som prövades"
    figures: list[tuple[str, str]] = [(tried, _num(summary.get("cases", 0)))]
    if recorded and summary.get("persons") is not None:
        figures.append(("Personer", _num(summary.get("persons"))))
    for dim in data.get("dims", []):
        moved = summary.get("moved", {}).get(dim, {})
        hidden = bool(moved.get("suppressed"))
        text = _num(moved.get(sim.CASES), hidden=hidden)
        if not hidden and moved.get(sim.HOURS) is not None:
            text += f" fall, {_num(moved.get(sim.HOURS), 'hours')} timmar per år"
        figures.append((f"Fall där {DIMENSIONS[dim].lower()} ändras", text))
    shift = summary.get("cost_shift", {})
    if summary.get("cost_shift_suppressed"):
        figures.append(("Kommunernas kostnad", HIDDEN_TEXT))
    elif shift.get("hours") is not None:
        sek = shift.get("sek")
        sek_text = (
            change_words(sek, "sek")
            if sek is not None
            else f"pris saknas (de kända priserna: {change_words(shift.get('sek_partial'), 'sek')})"
        )
        figures.append(("Kommunernas kostnad (netto per år)", sek_text))
        figures.append(
            ("Kommunernas timmar (netto per år)", change_words(shift.get("hours"), "hours"))
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
    technical: list[tuple[str, str]] = []
    if synthetic:
        pop_rows.append(("Antal påhittade fall", _num(population.get("n"))))
        technical.append(("Slumpfrö", str(population.get("seed"))))
    pop_rows.append(("Prisår", str(data.get("price_year", ""))))
    technical.append(("Beräkningstid", f"{simulation.elapsed_ms} ms"))
    n = population.get("n")
    return SimulationView(
        headline=_headline(summary, data.get("dims", []), synthetic),
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
        assumptions=(
            population_assumptions(simulation.region, n if isinstance(n, int) else None)
            if synthetic
            else []
        ),
        technical=technical,
    )
