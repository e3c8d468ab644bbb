"""The yearly follow-up report of one agreement: what a forum (SVOM/Fredagsgruppen,
Länsledning Välfärd) needs to follow the agreement up in five minutes.

Layout: 3–5 key figures in plain Swedish, then charts, then the tables behind them. Every
number is an aggregate; every cell that rests on 1–4 persons is hidden in words, "färre än 5 personer" (suppression.py), the
same in the page, the CSV and the PDF, because all three render this one object.

Sources and what is counted (each section says so on the page, too):

- Ansvarsbeslut (people): ``ResponsibilityDecision`` made in the year whose consulted
  agreements include the agreement or an annex that follows it; by the kommun in the facts
  used and the health-care responsibility the engine answered. Re-decisions count again.
- SIP (sip): SIPs under the agreement created in the year (started), and SIPs with at least
  one follow-up version saved in the year (followed up); by initiating organisation.
- Egenvårdsbedömningar (people): assessments made in the year by an organisation in the
  agreement's region (an assessment belongs to no single agreement); by organisation and
  result.
- Tjänsteköp (purchases): approved or invoiced service records under the agreement, dated in
  the year, with a payment mode that is invoiced between the parties (tjänsteköp, 50 % of
  performed time, shared cost); hours by direction seller (performer) → buyer (payer). SEK:
  issued, not credited invoices under the agreement for periods in the year.
- Utskrivning (discharge): the region's stays of the agreement's care types that ran in the
  year (``discharge.selectors.year_figures``), per kommun: inskrivningsmeddelanden in time
  (24 h, a dated parameter), days after utskrivningsklar, days and kronor of betalningsansvar
  within the year (the rules, under the local terms entered for the kommun), calls to SIP
  after discharge and those in time; compared with the previous year when it has stays.
- Avvikelser and tvister (deviations): ``deviations.reports`` (received in the year;
  disputes opened or decided in the year) and their outcomes.

A source whose app is not installed or has no tables yet is shown as "ingen data".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import DatabaseError
from django.utils import timezone

from samverkan.core.money import ore_to_kronor
from samverkan.followup.suppression import Cell, format_number, is_small, protect
from samverkan.rules import ALL_VERSIONS, DIMENSION_VALUES, REGIONS, municipality_name, version_end

HCR = "health_care_responsibility"
HCR_COLUMNS = (
    "municipality",
    "region",
    "self_care",
    "not_covered",
    "not_regulated",
    "undetermined",
)
HCR_SHORT = {
    "municipality": "Kommunen",
    "region": "Regionen",
    "self_care": "Egenvård",
    "not_covered": "Omfattas inte",
    "not_regulated": "Regleras inte",
    "undetermined": "Kan inte avgöras",
}
NO_DATA = "ingen data"


# --- structure --------------------------------------------------------------------------------


@dataclass
class Table:
    key: str
    caption: str
    row_head: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]] = field(default_factory=list)
    note: str = ""


@dataclass
class Chart:
    key: str
    title: str
    categories: list[str]
    series: list[tuple[str, list[Cell]]]
    unit: str = "antal"
    stacked: bool = False
    takeaway: str = ""


@dataclass
class Section:
    key: str
    title: str
    available: bool
    source_note: str
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    missing_note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # figures for the key figures


@dataclass
class KeyFigure:
    label: str
    cell: Cell
    sentence: str
    previous: str = ""  # the same figure the year before, in words (issue 13)


@dataclass
class YearlyReport:
    agreement: str
    title: str
    region: str
    year: int
    forum: str
    generated_at: dt.datetime
    key_figures: list[KeyFigure]
    sections: list[Section]

    @property
    def region_name(self) -> str:
        return REGIONS[self.region].name

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def charts(self) -> list[Chart]:
        return [s.chart for s in self.sections if s.chart is not None and s.available]

    @property
    def missing_sources(self) -> list[str]:
        return [s.title for s in self.sections if not s.available]


# --- agreements -------------------------------------------------------------------------------


def agreement_ids() -> list[str]:
    seen: list[str] = []
    for v in ALL_VERSIONS:
        if v.agreement not in seen:
            seen.append(v.agreement)
    return seen


def version_of(agreement: str) -> Any:
    for v in ALL_VERSIONS:
        if v.agreement == agreement:
            return v
    raise KeyError(agreement)


def family(agreement: str) -> list[str]:
    """The agreement and the annexes that follow it (jh-hemsjukvard + Bilaga 2)."""
    out = [agreement]
    for v in ALL_VERSIONS:
        if v.follows == agreement and v.agreement not in out:
            out.append(v.agreement)
    return out


def years_for(agreement: str, today: dt.date | None = None) -> list[int]:
    """The years the agreement was in force, newest first, up to this year."""
    today = today or timezone.localdate()
    versions = [v for v in ALL_VERSIONS if v.agreement == agreement]
    start = min(v.starts for v in versions).year
    ends = [version_end(v) for v in versions]
    last = today.year if any(e is None for e in ends) else max(e for e in ends if e).year
    return list(range(min(today.year, last), start - 1, -1))


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def _municipality_label(code: str | None) -> str:
    if not code:
        return "Kommun okänd"
    try:
        return municipality_name(code)
    except KeyError:
        return f"Kommun {code}"


def _installed(app: str) -> bool:
    return apps.is_installed(f"samverkan.{app}")


def _guarded(key: str, title: str, source: str, build: Callable[[], Section]) -> Section:
    """A section, or "ingen data" when its source app (or its tables) does not exist yet."""
    try:
        return build()
    except (ImportError, LookupError, DatabaseError) as exc:
        return Section(
            key,
            title,
            available=False,
            source_note=source,
            missing_note=f"{NO_DATA}: källan finns inte ännu ({type(exc).__name__}).",
        )


# --- ansvarsbeslut ------------------------------------------------------------------------------


@dataclass
class DecisionRow:
    person: str
    municipality: str | None
    outcome: str


def decision_rows(agreement: str, year: int) -> list[DecisionRow]:
    from samverkan.people.selectors import decisions_made_between

    start, end = _year_bounds(year)
    ids = set(family(agreement))
    region = version_of(agreement).region
    rows = []
    decisions = decisions_made_between(start, end)
    for person_id, facts, outcome, decision in decisions:
        consulted = {a.get("id") for a in (decision or {}).get("agreements", [])}
        if not consulted & ids or (facts or {}).get("region") not in (None, region):
            continue
        rows.append(
            DecisionRow(
                str(person_id),
                (facts or {}).get("municipality"),
                (outcome or {}).get(HCR, "undetermined"),
            )
        )
    return rows


def _decisions(agreement: str, year: int) -> Section:
    rows = decision_rows(agreement, year)
    region = version_of(agreement).region
    by_cell: dict[tuple[str | None, str], set[str]] = defaultdict(set)
    decisions: Counter[tuple[str | None, str]] = Counter()
    for r in rows:
        by_cell[(r.municipality, r.outcome)].add(r.person)
        decisions[(r.municipality, r.outcome)] += 1
    municipalities: list[str | None] = [
        m for m in REGIONS[region].municipalities if any(k[0] == m for k in decisions)
    ]
    if any(k[0] not in REGIONS[region].municipalities for k in decisions):
        municipalities.append(None)
    columns = [c for c in HCR_COLUMNS if any(k[1] == c for k in decisions)] or ["municipality"]
    table = Table(
        "decisions",
        "Ansvarsbeslut per kommun och vem som fick hälso- och sjukvårdsansvaret",
        "Kommun",
        [HCR_SHORT[c] for c in columns] + ["Totalt"],
        note="Antal beslut; celler med färre än 5 personer visas inte (där står »färre än 5 personer«).",
    )
    row_totals = []
    for m in municipalities:
        cells = [Cell.count(decisions[(m, c)], len(by_cell[(m, c)])) for c in columns]
        persons = set().union(*(by_cell[(m, c)] for c in columns))
        total = Cell.count(sum(decisions[(m, c)] for c in columns), len(persons))
        table.rows.append((_municipality_label(m), protect(cells)))
        row_totals.append(total)
    for (_label, cells), total in zip(table.rows, protect(row_totals), strict=True):
        cells.append(total)
    chart = Chart(
        "decisions",
        "Ansvarsbeslut per kommun",
        [label for label, _ in table.rows],
        [(HCR_SHORT[c], [cells[i] for _, cells in table.rows]) for i, c in enumerate(columns)],
        stacked=True,
        takeaway="Staplarna visar hur besluten fördelades mellan kommunen, regionen och egenvård.",
    )
    municipal = [r for r in rows if r.outcome == "municipality"]
    others = [r for r in rows if r.outcome != "municipality"]
    extra = {
        "total": Cell.count(len(rows), len({r.person for r in rows})),
        "municipal_share": Cell.part(
            100 * len(municipal) / len(rows),
            len({r.person for r in municipal}),
            len({r.person for r in others}),
            "percent",
        )
        if rows
        else Cell(None, 0),
    }
    return Section(
        "decisions",
        "Ansvarsbeslut",
        True,
        "Ansvarsbeslut som fattades under året där avtalet (eller dess bilaga) tillämpades; "
        "kommun och utfall enligt beslutet. Ett omprövat beslut räknas igen.",
        [table],
        chart,
        extra=extra,
    )


# --- SIP --------------------------------------------------------------------------------------------


@dataclass
class SipRow:
    person: str
    organisation: str
    started: bool
    followed_up: bool


def sip_rows(agreement: str, year: int) -> list[SipRow]:
    from samverkan.sip.selectors import sip_activity

    start, end = _year_bounds(year)
    return [
        SipRow(str(person_id), organisation, started, followed_up)
        for person_id, organisation, started, followed_up in sip_activity(
            family(agreement), start, end
        )
    ]


def _sips(agreement: str, year: int) -> Section:
    rows = sip_rows(agreement, year)
    orgs = sorted({r.organisation for r in rows})
    table = Table(
        "sips",
        "SIP:ar som startades och följdes upp, per initierande organisation",
        "Organisation",
        ["Startade", "Följdes upp"],
        note="Antal SIP:ar; celler med färre än 5 personer visas inte (där står »färre än 5 personer«).",
    )
    started_col, followed_col = [], []
    for org in orgs:
        s = [r for r in rows if r.organisation == org and r.started]
        f = [r for r in rows if r.organisation == org and r.followed_up]
        started_col.append(Cell.count(len(s), len({r.person for r in s})))
        followed_col.append(Cell.count(len(f), len({r.person for r in f})))
    started_col, followed_col = protect(started_col), protect(followed_col)
    for org, s_cell, f_cell in zip(orgs, started_col, followed_col, strict=True):
        table.rows.append((org, [s_cell, f_cell]))
    chart = Chart(
        "sips",
        "SIP:ar per organisation",
        orgs,
        [("Startade", started_col), ("Följdes upp", followed_col)],
        takeaway="Startade planer och planer som följdes upp under året.",
    )
    started = [r for r in rows if r.started]
    followed = [r for r in rows if r.followed_up]
    extra = {
        "started": Cell.count(len(started), len({r.person for r in started})),
        "followed_up": Cell.count(len(followed), len({r.person for r in followed})),
    }
    return Section(
        "sips",
        "Samordnad individuell plan (SIP)",
        True,
        "SIP:ar under avtalet som skapades under året (startade) och SIP:ar där en "
        "uppföljning sparades under året.",
        [table],
        chart,
        extra=extra,
    )


# --- egenvård --------------------------------------------------------------------------------------


@dataclass
class AssessmentRow:
    person: str
    organisation: str
    result: str


def assessment_rows(agreement: str, year: int) -> list[AssessmentRow]:
    from samverkan.people.selectors import assessments_made_between

    start, end = _year_bounds(year)
    region = version_of(agreement).region
    return [
        AssessmentRow(str(p), org, result)
        for p, org, result in assessments_made_between(start, end, region)
    ]


RESULT_LABELS = {"self_care": "Egenvård", "health_care": "Hälso- och sjukvård"}


def _assessments(agreement: str, year: int) -> Section:
    rows = assessment_rows(agreement, year)
    orgs = sorted({r.organisation for r in rows})
    table = Table(
        "assessments",
        "Egenvårdsbedömningar per bedömande organisation och resultat",
        "Organisation",
        [*RESULT_LABELS.values(), "Totalt"],
        note="Antal bedömningar; celler med färre än 5 personer visas inte (där står »färre än 5 personer«).",
    )
    totals = []
    for org in orgs:
        cells = []
        for result in RESULT_LABELS:
            hits = [r for r in rows if r.organisation == org and r.result == result]
            cells.append(Cell.count(len(hits), len({r.person for r in hits})))
        mine = [r for r in rows if r.organisation == org]
        totals.append(Cell.count(len(mine), len({r.person for r in mine})))
        table.rows.append((org, protect(cells)))
    for (_, cells), total in zip(table.rows, protect(totals), strict=True):
        cells.append(total)
    chart = Chart(
        "assessments",
        "Egenvårdsbedömningar per organisation",
        orgs,
        [
            (label, [cells[i] for _, cells in table.rows])
            for i, label in enumerate(RESULT_LABELS.values())
        ],
        stacked=True,
        takeaway="Hur ofta legitimerad personal bedömde att åtgärden kan utföras som egenvård.",
    )
    self_care = [r for r in rows if r.result == "self_care"]
    health_care = [r for r in rows if r.result != "self_care"]
    extra = {
        "total": Cell.count(len(rows), len({r.person for r in rows})),
        "self_care": Cell.part(
            len(self_care), len({r.person for r in self_care}), len({r.person for r in health_care})
        ),
    }
    return Section(
        "assessments",
        "Egenvårdsbedömningar",
        True,
        "Bedömningar som gjordes under året av organisationer i avtalets region (en "
        "bedömning hör inte till ett enskilt avtal).",
        [table],
        chart,
        extra=extra,
    )


# --- tjänsteköp --------------------------------------------------------------------------------------


@dataclass
class PurchaseRow:
    seller: str
    buyer: str
    person: str
    minutes: int


@dataclass
class InvoiceSum:
    seller: str
    buyer: str
    ore: int
    persons: set[str]


def purchase_rows(agreement: str, year: int) -> list[PurchaseRow]:
    from samverkan.purchases.selectors import invoiced_service_minutes

    records = invoiced_service_minutes(
        family(agreement), dt.date(year, 1, 1), dt.date(year, 12, 31)
    )
    return [PurchaseRow(s, b or "Betalare okänd", str(p), m) for s, b, p, m in records]


def invoice_sums(agreement: str, year: int) -> list[InvoiceSum]:
    from samverkan.purchases.selectors import issued_invoice_sums

    invoices = issued_invoice_sums(family(agreement), dt.date(year, 1, 1), dt.date(year, 12, 31))
    sums: dict[tuple[str, str], InvoiceSum] = {}
    for seller, buyer, ore, persons in invoices:
        item = sums.setdefault((seller, buyer), InvoiceSum(seller, buyer, 0, set()))
        item.ore += ore
        item.persons |= persons
    return list(sums.values())


def _purchases(agreement: str, year: int) -> Section:
    rows = purchase_rows(agreement, year)
    sums = {(s.seller, s.buyer): s for s in invoice_sums(agreement, year)}
    directions = sorted({(r.seller, r.buyer) for r in rows} | set(sums))
    table = Table(
        "purchases",
        "Köpta tjänster per riktning (säljare → köpare)",
        "Säljare → köpare",
        ["Timmar", "Fakturerat"],
        note="Timmar: godkända och fakturerade insatser under året. Fakturerat: utställda, "
        "inte krediterade fakturor för perioder under året (öresavrundning ej medräknad). "
        "Celler med färre än 5 personer visas inte (där står »färre än 5 personer«).",
    )
    hours_col, sek_col = [], []
    for seller, buyer in directions:
        mine = [r for r in rows if (r.seller, r.buyer) == (seller, buyer)]
        minutes = sum(r.minutes for r in mine)
        hours_col.append(
            Cell.measure(round(minutes / 60, 1), len({r.person for r in mine}), "hours")
        )
        invoiced = sums.get((seller, buyer))
        if invoiced is None:
            sek_col.append(Cell.measure(Decimal(0), 0, "sek"))
        else:
            sek_col.append(
                Cell.measure(
                    ore_to_kronor(invoiced.ore),
                    len(invoiced.persons) or None,
                    "sek",
                )
            )
    hours_col, sek_col = protect(hours_col), protect(sek_col)
    labels = [f"{s} → {b}" for s, b in directions]
    for label, h, s in zip(labels, hours_col, sek_col, strict=True):
        table.rows.append((label, [h, s]))
    chart = Chart(
        "purchases",
        "Köpta timmar per riktning",
        labels,
        [("Timmar", hours_col)],
        unit="timmar",
        takeaway="Vem som utförde insatser åt vem, i timmar.",
    )
    all_sums = list(sums.values())
    sek_persons: set[str] = set().union(*(x.persons for x in all_sums)) if all_sums else set()
    extra = {
        "hours": Cell.measure(
            round(sum(r.minutes for r in rows) / 60, 1), len({r.person for r in rows}), "hours"
        ),
        "sek": Cell.measure(
            ore_to_kronor(sum(x.ore for x in all_sums)),
            len(sek_persons),
            "sek",
        ),
    }
    return Section(
        "purchases",
        "Tjänsteköp",
        True,
        "Utförda insatser som faktureras mellan parterna (tjänsteköp, 50 % av utförd tid, "
        "delad kostnad) och fakturerade belopp.",
        [table],
        chart,
        extra=extra,
    )


# --- avvikelser och tvister ------------------------------------------------------------------------


def _deviations(agreement: str, year: int) -> Section:
    from samverkan.deviations.reports import deviations_by_category_org_month
    from samverkan.deviations.selectors import COMPLAINT, category_labels

    counts = deviations_by_category_org_month(agreement, year)
    by_category: Counter[str] = Counter()
    serious: Counter[str] = Counter()
    by_receiving: Counter[str] = Counter()
    complaints = 0
    for c in counts:
        if c.kind == COMPLAINT:
            complaints += c.count
        by_category[c.category] += c.count
        by_receiving[c.receiving_organisation] += c.count
        if c.severity == "serious":
            serious[c.category] += c.count
    labels = category_labels()
    categories = [k for k in labels if by_category[k]]
    table = Table(
        "deviations",
        "Avvikelser och klagomål per kategori",
        "Kategori",
        ["Totalt", "Varav allvarliga"],
        note="Antal ärenden (avvikelser och klagomål/synpunkter) mottagna under året; färre "
        "än 5 visas inte (där står »färre än 5 personer«).",
    )
    totals = protect([Cell.count(by_category[k]) for k in categories])
    serious_col = protect([Cell.count(serious[k]) for k in categories])
    for k, t, s in zip(categories, totals, serious_col, strict=True):
        table.rows.append((labels[k].capitalize(), [t, s]))
    receivers = sorted(by_receiving)
    receiving = Table(
        "deviations_receiving",
        "Avvikelser och klagomål per mottagande organisation",
        "Mottagare",
        ["Antal"],
    )
    for name, cell in zip(
        receivers, protect([Cell.count(by_receiving[r]) for r in receivers]), strict=True
    ):
        receiving.rows.append((name, [cell]))
    chart = Chart(
        "deviations",
        "Avvikelser per kategori",
        [label for label, _ in table.rows],
        [("Ärenden", [cells[0] for _, cells in table.rows])],
        takeaway="Vilka slags händelser mellan huvudmännen som rapporterades.",
    )
    return Section(
        "deviations",
        "Avvikelser och klagomål",
        True,
        "Avvikelser och klagomål som rör den andra huvudmannen, mottagna under året.",
        [table, receiving],
        chart,
        extra={
            "total": Cell.count(sum(by_category.values())),
            "serious": Cell.part(
                sum(serious.values()),
                sum(serious.values()),
                sum(by_category.values()) - sum(serious.values()),
            ),
            "complaints": Cell.count(complaints),
        },
    )


OUTCOME_LABELS = {
    "region": "Regionen bär kostnaden",
    "municipality": "Kommunen bär kostnaden",
    "shared_equally": "Delas lika",
    "open": "Pågår",
}
STEP_LABELS = {"managers": "Närmaste chefer", "forum": "Samverkansforum", "court": "Domstol"}


def _disputes(agreement: str, year: int) -> Section:
    from samverkan.deviations.reports import disputes_and_outcomes

    outcomes = disputes_and_outcomes(agreement, year)
    by_outcome: Counter[str] = Counter()
    amount: dict[str, Decimal] = defaultdict(Decimal)
    by_step: Counter[str] = Counter()
    for o in outcomes:
        key = o.cost_bearer if o.status == "resolved" and o.cost_bearer else "open"
        by_outcome[key] += 1
        amount[key] += o.disputed_amount
        by_step[o.step_kind] += 1
    keys = [k for k in OUTCOME_LABELS if by_outcome[k]]
    table = Table(
        "disputes",
        "Tvister och deras utfall",
        "Utfall",
        ["Antal", "Omtvistat belopp"],
        note="Tvister som öppnades eller avgjordes under året; färre än 5 visas inte (där står »färre än 5 personer«).",
    )
    counts = protect([Cell.count(by_outcome[k]) for k in keys])
    amounts = protect([Cell.measure(amount[k], by_outcome[k], "sek") for k in keys])
    for k, c, a in zip(keys, counts, amounts, strict=True):
        table.rows.append((OUTCOME_LABELS[k], [c, a]))
    steps = Table("dispute_steps", "Hur långt tvisterna gick", "Nivå", ["Antal"])
    step_keys = [k for k in STEP_LABELS if by_step[k]]
    for k, cell in zip(
        step_keys, protect([Cell.count(by_step[k]) for k in step_keys]), strict=True
    ):
        steps.rows.append((STEP_LABELS[k], [cell]))
    chart = Chart(
        "disputes",
        "Tvister per utfall",
        [label for label, _ in table.rows],
        [("Tvister", [cells[0] for _, cells in table.rows])],
        takeaway="Oklart ansvar som parterna inte kom överens om på plats.",
    )
    return Section(
        "disputes",
        "Tvister (oklart ansvar)",
        True,
        "Tvister under avtalet som öppnades eller avgjordes under året, med utfall och "
        "hur långt de eskalerades.",
        [table, steps],
        chart,
        extra={
            "total": Cell.count(len(outcomes)),
            "resolved": Cell.part(
                sum(1 for o in outcomes if o.status == "resolved"),
                sum(1 for o in outcomes if o.status == "resolved"),
                sum(1 for o in outcomes if o.status != "resolved"),
            ),
        },
    )


# --- utskrivning (Lag 2017:612) ------------------------------------------------------------------

#: The care types whose stays an agreement's report counts: the psychiatric agreement the
#: psychiatric stays (jh-psykisk §6.2), the home-care agreement and its annex the somatic
#: (jh-hemsjukvard §6.1), Gävleborg's agreement, the only one of its region, both.
DISCHARGE_CARE_TYPES: dict[str, tuple[str, ...]] = {
    "jh-psykisk": ("psychiatric",),
    "jh-hemsjukvard": ("somatic",),
    "jh-primarvard-kommun": ("somatic",),
}
DISCHARGE_COLUMNS = [
    "Vårdtillfällen",
    "Inskrivningsmeddelanden i tid",
    "Dagar efter utskrivningsklar",
    "Dagar med betalningsansvar",
    "Betalningsansvar",
    "Kallelser till SIP efter utskrivning",
    "Varav inom tiden",
]


def discharge_care_types(agreement: str) -> tuple[str, ...]:
    root = family_root(agreement)
    return DISCHARGE_CARE_TYPES.get(root, ("somatic", "psychiatric"))


def family_root(agreement: str) -> str:
    follows = version_of(agreement).follows
    return follows or agreement


def _persons(rows: list[Any]) -> int:
    return len({r.person for r in rows})


def _discharge_cells(rows: list[Any]) -> list[Cell]:
    """One row of the table (a kommun, or the whole region): each cell's units are the
    persons behind it."""
    admitted = [r for r in rows if r.admitted_in_year and r.notice_sent]
    in_time = [r for r in admitted if r.notice_in_time]
    after_ready = [r for r in rows if r.days_after_ready]
    paid = [r for r in rows if r.payment_days]
    sip_due = [r for r in rows if r.sip_due]
    sip_in_time = [r for r in sip_due if r.sip_in_time]
    share = round(100 * len(in_time) / len(admitted)) if admitted else None
    return [
        Cell.count(len(rows), _persons(rows)),
        Cell.measure(share, _persons(admitted), "percent"),
        Cell.measure(sum(r.days_after_ready for r in rows), _persons(after_ready), "count"),
        Cell.measure(sum(r.payment_days for r in rows), _persons(paid), "count"),
        Cell.measure(sum((r.amount for r in rows), Decimal(0)), _persons(paid), "sek"),
        Cell.count(len(sip_due), _persons(sip_due)),
        Cell.part(
            len(sip_in_time),
            _persons(sip_in_time),
            _persons(sip_due) - _persons(sip_in_time),
        ),
    ]


def _discharge(agreement: str, year: int) -> Section:
    from samverkan.discharge.selectors import year_figures

    region = version_of(agreement).region
    care_types = discharge_care_types(agreement)
    rows = year_figures(region, care_types, year)
    previous = year_figures(region, care_types, year - 1)
    codes = sorted({r.municipality for r in rows}, key=_municipality_label)
    table = Table(
        "discharge",
        "Utskrivning från slutenvård per kommun",
        "Kommun",
        DISCHARGE_COLUMNS,
        note="Vårdtillfällen som pågick under året. Inskrivningsmeddelanden i tid: andel av "
        "årets inskrivningar med meddelande till kommunen som skickades inom 24 timmar. "
        "Dagar och kronor räknas inom året. Celler som bygger på färre än 5 personer visas "
        "inte (där står »färre än 5 personer«).",
    )
    columns: list[list[Cell]] = [[] for _ in DISCHARGE_COLUMNS]
    for code in codes:
        for i, cell in enumerate(_discharge_cells([r for r in rows if r.municipality == code])):
            columns[i].append(cell)
    columns = [protect(c) for c in columns]
    for j, code in enumerate(codes):
        table.rows.append((_municipality_label(code), [c[j] for c in columns]))
    total_now = _discharge_cells(rows)
    tables = [table]
    if previous:
        total_before = _discharge_cells(previous)
        compare = Table(
            "discharge_years",
            f"Utskrivning {year} jämfört med {year - 1}, hela regionen",
            "Mått",
            [str(year), str(year - 1)],
            note="Samma mått för hela regionen båda åren.",
        )
        for label, now, before in zip(DISCHARGE_COLUMNS, total_now, total_before, strict=True):
            compare.rows.append((label, [now, before]))
        tables.append(compare)
    chart = Chart(
        "discharge",
        "Dagar efter utskrivningsklar per kommun",
        [label for label, _ in table.rows],
        [("Dagar efter utskrivningsklar", columns[2]), ("Dagar med betalningsansvar", columns[3])],
        unit="dagar",
        takeaway="Hur länge patienter som var utskrivningsklara låg kvar, och hur många av "
        "dagarna kommunen betalade för.",
    )
    kinds = " och ".join(
        {"somatic": "somatisk", "psychiatric": "psykiatrisk"}[c] for c in care_types
    )
    unverified = any(r.unverified for r in rows)
    return Section(
        "discharge",
        "Utskrivning från slutenvård",
        True,
        f"Regionens vårdtillfällen i {kinds} slutenvård som pågick under året, med "
        "meddelandena enligt lagen (2017:612) om samverkan vid utskrivning, kommunernas "
        "betalningsansvar (räknat efter lagen och de lokala villkor parterna lagt in) och "
        "kallelser till SIP efter utskrivning."
        + (" Beloppen bygger delvis på värden som ännu inte är bekräftade." if unverified else "")
        + ("" if previous else f" Inga uppgifter finns för {year - 1} att jämföra med."),
        tables,
        chart if rows else None,
        extra={
            "stays": total_now[0],
            "in_time": total_now[1],
            "days_after_ready": total_now[2],
            "payment_days": total_now[3],
            "amount": total_now[4],
        },
    )


# --- key figures -----------------------------------------------------------------------------------


def _key_figures(sections: dict[str, Section]) -> list[KeyFigure]:
    figures: list[KeyFigure] = []
    s = sections["decisions"]
    if s.available:
        total, share = s.extra["total"], s.extra["municipal_share"]
        if total.hidden:
            text = "Färre än 5 personer fick ett ansvarsbeslut."
        elif share.hidden:
            text = (
                f"{total.text()} ansvarsbeslut fattades (fördelningen visas inte: färre än 5 "
                "personer i någon del)."
            )
        elif share.value is not None:
            text = (
                f"{total.text()} ansvarsbeslut fattades; i {share.text()} av dem fick kommunen "
                "hälso- och sjukvårdsansvaret."
            )
        else:
            text = f"{total.text()} ansvarsbeslut fattades."
        figures.append(KeyFigure("Ansvarsbeslut", total, text))
    s = sections["sips"]
    if s.available:
        a, b = s.extra["started"], s.extra["followed_up"]
        figures.append(
            KeyFigure(
                "SIP",
                a,
                f"{a.text()} samordnade individuella planer (SIP) startades och {b.text()} "
                "följdes upp.",
            )
        )
    s = sections["assessments"]
    if s.available:
        a, b = s.extra["total"], s.extra["self_care"]
        text = f"{a.text()} egenvårdsbedömningar gjordes"
        text += "." if b.hidden and not a.hidden else f"; {b.text()} av dem bedömdes som egenvård."
        figures.append(KeyFigure("Egenvård", a, text))
    s = sections["purchases"]
    if s.available:
        hours, sek = s.extra["hours"], s.extra["sek"]
        figures.append(
            KeyFigure(
                "Tjänsteköp",
                hours,
                f"Huvudmännen köpte {hours.text()} timmar av varandra och fakturerade "
                f"{sek.text()}.",
            )
        )
    dev, disp = sections["deviations"], sections["disputes"]
    if dev.available or disp.available:
        parts = []
        cell = Cell(None)
        if dev.available:
            cell = dev.extra["total"]
            parts.append(
                f"{cell.text()} avvikelser och klagomål ({dev.extra['serious'].text()} allvarliga)"
            )
        if disp.available:
            parts.append(
                f"{disp.extra['total'].text()} tvister, varav {disp.extra['resolved'].text()} "
                "avgjorda"
            )
        figures.append(
            KeyFigure("Avvikelser och tvister", cell, "Under året kom " + " och ".join(parts) + ".")
        )
    found = sections.get("discharge")
    if found is not None and found.available:
        s = found
        stays, in_time = s.extra["stays"], s.extra["in_time"]
        days, amount = s.extra["payment_days"], s.extra["amount"]
        text = f"{stays.text()} vårdtillfällen i slutenvård"
        if in_time.shown is not None:
            text += f"; {in_time.text()} av inskrivningsmeddelandena kom i tid"
        text += f". Kommunerna hade betalningsansvar för {days.text()} dagar ({amount.text()})."
        figures.append(KeyFigure("Utskrivning", stays, text))
    return figures


# --- the report ---------------------------------------------------------------------------------------


SECTIONS: tuple[tuple[str, str, str, Callable[[str, int], Section]], ...] = (
    ("decisions", "Ansvarsbeslut", "people", _decisions),
    ("sips", "Samordnad individuell plan (SIP)", "sip", _sips),
    ("assessments", "Egenvårdsbedömningar", "people", _assessments),
    ("purchases", "Tjänsteköp", "purchases", _purchases),
    ("deviations", "Avvikelser och klagomål", "deviations", _deviations),
    ("disputes", "Tvister (oklart ansvar)", "deviations", _disputes),
    ("discharge", "Utskrivning från slutenvård", "discharge", _discharge),
)


# What a key figure's cell counts, for "Året innan (2025): 10 ansvarsbeslut."
KEY_FIGURE_UNITS = {
    "Ansvarsbeslut": "ansvarsbeslut",
    "SIP": "startade planer",
    "Egenvård": "egenvårdsbedömningar",
    "Tjänsteköp": "timmar",
    "Avvikelser och tvister": "avvikelser och klagomål",
    "Utskrivning": "vårdtillfällen",
}


def _previous_figures(agreement: str, year: int) -> dict[str, KeyFigure]:
    sections = {
        key: _guarded(key, title, app, lambda fn=fn: fn(agreement, year))  # type: ignore[misc]
        for key, title, app, fn in SECTIONS
        if _installed(app)
    }
    for key, title, _app, _fn in SECTIONS:
        sections.setdefault(key, Section(key, title, False, ""))
    return {f.label: f for f in _key_figures(sections)}


def _compare_with(figures: list[KeyFigure], before: dict[str, KeyFigure], year: int) -> None:
    """Each key figure with the same figure of ``year`` (the year before), in words; a
    suppressed figure stays suppressed ("färre än 5 personer")."""
    for figure in figures:
        prior = before.get(figure.label)
        if prior is None or prior.cell.value is None and not prior.cell.hidden:
            figure.previous = f"Året innan ({year}): inga uppgifter."
        elif prior.cell.hidden:
            figure.previous = f"Året innan ({year}): {prior.cell.text()}."
        else:
            unit = KEY_FIGURE_UNITS.get(figure.label, "")
            figure.previous = f"Året innan ({year}): {prior.cell.text()} {unit}".rstrip() + "."


def build(agreement: str, year: int) -> YearlyReport:
    version = version_of(agreement)
    sections: dict[str, Section] = {}
    for key, title, app, fn in SECTIONS:
        if not _installed(app):
            sections[key] = Section(
                key, title, False, "", missing_note=f"{NO_DATA}: appen finns inte ännu."
            )
            continue
        sections[key] = _guarded(key, title, app, lambda fn=fn: fn(agreement, year))  # type: ignore[misc]
    figures = _key_figures(sections)
    if year - 1 in years_for(agreement):
        _compare_with(figures, _previous_figures(agreement, year - 1), year - 1)
    return YearlyReport(
        agreement=agreement,
        title=version.title,
        region=version.region,
        year=year,
        forum=version.forum,
        generated_at=timezone.now(),
        key_figures=figures,
        sections=list(sections.values()),
    )


def hcr_label(value: str) -> str:
    return DIMENSION_VALUES[HCR].get(value, value)


def fmt(value: Any, kind: str = "count") -> str:
    return format_number(value, kind)


__all__ = [
    "Cell",
    "Chart",
    "KeyFigure",
    "Section",
    "Table",
    "YearlyReport",
    "agreement_ids",
    "build",
    "family",
    "is_small",
    "years_for",
]
