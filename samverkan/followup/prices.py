"""Hours and prices for the revision simulation: the assumptions, written down.

Hours per case
--------------
A *case* is one person with one intervention of a kind during a year (for the synthetic
population: one row of ``population.generate``). How many hours a case takes is not in any
record Samverkan holds, so the simulation uses the assumption below; it is shown beside
every result. The figures are rough: hemsjukvård visit patterns (Socialstyrelsen,
*Kommunal hälso- och sjukvård*, and the agreements' own examples) turned into hours per
year. Change the table here, with a source, when better figures exist; saved simulations
keep the hours they were run with.

| intervention | hours per case and year | reasoning |
|---|---|---|
| physician | 4 | a handful of home visits (30–40 min) and ronder |
| nursing | 52 | about one hour a week (wound care, injections, follow-up) |
| rehabilitation | 20 | assessment, training programme, follow-up visits |
| medication_management | 60 | about ten minutes a day (överlämnande, dosett) |
| lab_analysis | 6 | monthly sampling, 30 minutes |
| aids_and_materials | 8 | prescription, fitting, follow-up, ordering |
| psychosocial_first_line | 10 | a short series of contacts |
| psychiatric_specialist | 24 | about two hours a month |
| habilitation | 20 | a few visits and advice per year |
| housing_support | 200 | about four hours a week (boendestöd) |
| occupation | 600 | daglig verksamhet/sysselsättning, about 15 hours a week |
| relative_support | 10 | a few contacts per year |

Price per hour
--------------
In order: (1) the purchases app's price list for the intervention kind and year (tjänsteköp,
bilaga 4), when that app has one; (2) Försäkringskassan's schablonbelopp for assistance
hours (``samverkan.purchases.rates``), the only hourly price the agreements name (Gävleborg's
Ekonomisk överenskommelse pays 50 % of performed time at it), used as a stand-in for every
kind without a price-list price and labelled as such; (3) none: the SEK figures of that
kind are shown as missing, never guessed. An unverified schablonbelopp (``verified=False``
in rates.py) is not used for SEK; the year is named as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from samverkan.purchases.rates import SCHABLONBELOPP, rate_for
from samverkan.rules import INTERVENTIONS

HOURS_PER_CASE: dict[str, float] = {
    "physician": 4,
    "nursing": 52,
    "rehabilitation": 20,
    "medication_management": 60,
    "lab_analysis": 6,
    "aids_and_materials": 8,
    "psychosocial_first_line": 10,
    "psychiatric_specialist": 24,
    "habilitation": 20,
    "housing_support": 200,
    "occupation": 600,
    "relative_support": 10,
}
HOURS_REASONING: dict[str, str] = {
    "physician": "några hembesök (30–40 min) och ronder per år",
    "nursing": "cirka en timme i veckan",
    "rehabilitation": "bedömning, träningsprogram och uppföljning",
    "medication_management": "cirka tio minuter om dagen",
    "lab_analysis": "provtagning en gång i månaden, 30 minuter",
    "aids_and_materials": "förskrivning, utprovning, uppföljning, beställning",
    "psychosocial_first_line": "en kortare serie kontakter",
    "psychiatric_specialist": "cirka två timmar i månaden",
    "habilitation": "några besök och råd per år",
    "housing_support": "cirka fyra timmar i veckan (boendestöd)",
    "occupation": "daglig verksamhet, cirka 15 timmar i veckan",
    "relative_support": "några kontakter per år",
}

SOURCE_PRICE_LIST = "price_list"
SOURCE_FK = "fk_schablonbelopp"
SOURCE_MISSING = "missing"


@dataclass(frozen=True)
class Price:
    intervention: str
    hours_per_case: float
    price_per_hour: Decimal | None
    source: str  # SOURCE_*
    note: str  # Swedish


def latest_verified_year(up_to: int | None = None) -> int | None:
    years = [
        y
        for y, r in SCHABLONBELOPP.items()
        if r.verified and r.amount is not None and (up_to is None or y <= up_to)
    ]
    return max(years) if years else None


def prices(year: int, price_list: Mapping[str, Decimal] | None = None) -> list[Price]:
    """One price per intervention kind for ``year`` (see the module doc for the order)."""
    fk: Decimal | None = None
    fk_note = ""
    try:
        row = rate_for(year)
        if row.amount is not None and row.verified:
            fk = row.amount
            fk_note = (
                f"Försäkringskassans schablonbelopp {year}: {row.amount} kr/tim ({row.source})"
            )
        else:
            fk_note = f"Försäkringskassans schablonbelopp för {year} är inte verifierat"
    except LookupError:
        fk_note = f"Försäkringskassans schablonbelopp för {year} saknas i tabellen"
    out = []
    for kind in INTERVENTIONS:
        hours = float(HOURS_PER_CASE[kind])
        listed = (price_list or {}).get(kind)
        if listed is not None:
            out.append(Price(kind, hours, Decimal(listed), SOURCE_PRICE_LIST, f"Prislista {year}"))
        elif fk is not None:
            out.append(
                Price(
                    kind,
                    hours,
                    fk,
                    SOURCE_FK,
                    "Inget pris i prislistan; " + fk_note + " används som ersättningspris",
                )
            )
        else:
            out.append(Price(kind, hours, None, SOURCE_MISSING, "Pris saknas: " + fk_note))
    return out


def price_frame(rows: list[Price]) -> pl.DataFrame:
    """The table diff_plan joins on intervention."""
    return pl.DataFrame(
        {
            "intervention": [p.intervention for p in rows],
            "hours_per_case": [p.hours_per_case for p in rows],
            "price_per_hour": [
                float(p.price_per_hour) if p.price_per_hour is not None else None for p in rows
            ],
            "price_source": [p.source for p in rows],
        },
        schema={
            "intervention": pl.String,
            "hours_per_case": pl.Float64,
            "price_per_hour": pl.Float64,
            "price_source": pl.String,
        },
    )


def as_dicts(rows: list[Price]) -> list[dict[str, object]]:
    return [
        {
            "intervention": p.intervention,
            "hours_per_case": p.hours_per_case,
            "price_per_hour": str(p.price_per_hour) if p.price_per_hour is not None else None,
            "source": p.source,
            "note": p.note,
        }
        for p in rows
    ]
