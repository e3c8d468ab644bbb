"""The forum's discharge question in the revision simulation (issue 16): what another number
of days after the notice of utskrivningsklar would have cost each kommun, on a year of the
region's recorded stays.

The stays and their count come from the discharge room (``discharge.selectors.year_figures``
with ``days``): each stay is counted by the rules under the terms that governed it (the
law's huvudregel, or the local version the parties entered for its kommun), once as it is
and once with the other number of days, everything else in the terms unchanged. So "today"
in the result is the yearly report's figure for the same year. Only aggregates leave this
module, and a kommun resting on 1–4 persons is shown as "färre än 5 personer" (with the
smallest other kommun hidden too when one alone would be: complementary suppression).

A saved result is a `Simulation` with ``source = discharges`` and one change
``{"op": "set_discharge_days", "days": N}``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.followup.errors import SimulationError
from samverkan.followup.simulation import municipality_label
from samverkan.followup.suppression import Cell, is_small, protect
from samverkan.rules import REGIONS, discharge_terms

OP = "set_discharge_days"
CARE_TYPES = ("somatic", "psychiatric")
FIRST_YEAR = 2018  # Lag (2017:612) applies from 2018-01-01
MAX_DAYS = 365


@dataclass(frozen=True)
class DischargeDays:
    """The question: ``days`` after the notice, for every care type."""

    name: str
    description: str
    days: int

    def as_variant(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "changes": [{"op": OP, "days": self.days}],
        }


def is_question(data: Any) -> bool:
    """Whether a variant (as JSON) asks the discharge question."""
    changes = data.get("changes") if isinstance(data, Mapping) else None
    return isinstance(changes, list) and any(
        isinstance(c, Mapping) and c.get("op") == OP for c in changes
    )


def parse(data: Any) -> DischargeDays:
    """The question from a variant's JSON: exactly one change, ``{"op": "set_discharge_days",
    "days": 0–365}``; a `SimulationError` naming the key otherwise."""
    if not isinstance(data, Mapping):
        raise SimulationError("variant", "invalid_variant", "Varianten ska vara ett JSON-objekt.")
    changes = data.get("changes")
    if not isinstance(changes, list) or len(changes) != 1:
        raise SimulationError(
            "variant.changes",
            "discharge_days_alone",
            "Antalet dagar efter meddelandet om utskrivningsklar prövas ensamt: en ändring.",
        )
    (change,) = changes
    days = change.get("days") if isinstance(change, Mapping) else None
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise SimulationError(
            "variant.changes.0.days",
            "out_of_range",
            f"Antal dagar ska vara ett heltal 0–{MAX_DAYS}.",
            change=0,
            key="days",
        )
    name = str(data.get("name") or "").strip() or f"{days} dagar efter meddelandet"
    return DischargeDays(name[:200], str(data.get("description") or ""), days)


def default_year() -> int:
    """Last year: the forum follows up a whole year of recorded stays."""
    return timezone.localdate().year - 1


def check_year(year: int) -> None:
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise SimulationError(
            "population.year",
            "out_of_range",
            f"Året ska vara {FIRST_YEAR}–{this_year} (lagen om samverkan vid utskrivning gäller "
            "från 2018).",
        )


def law_days(year: int) -> dict[str, int]:
    """The law's days after the notice per care type at the end of ``year``."""
    terms = discharge_terms(min(timezone.localdate(), dt.date(year, 12, 31)))
    return {ct: terms.days_for(ct) for ct in CARE_TYPES}


def _persons(rows: list[Any]) -> int:
    return len({r.person for r in rows})


def _row(code: str, rows: list[Any], local: list[str]) -> dict[str, Any]:
    paying = [r for r in rows if r.payment_days or r.variant_payment_days]
    now = sum((r.amount for r in rows), Decimal(0))
    then = sum((r.variant_amount or Decimal(0) for r in rows), Decimal(0))
    return {
        "municipality": code,
        "stays": len(rows),
        "persons": _persons(rows),
        "paying_persons": _persons(paying),
        "days_now": sum(r.payment_days for r in rows),
        "days_then": sum(r.variant_payment_days or 0 for r in rows),
        "amount_now": str(now),
        "amount_then": str(then),
        "change": str(then - now),
        "local_terms": local,
        "unverified": any(r.unverified for r in rows),
    }


NUMBERS = ("stays", "persons", "days_now", "days_then", "amount_now", "amount_then", "change")


def _hide(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **dict.fromkeys(NUMBERS), "paying_persons": None, "suppressed": True}


def simulate(actor: Any, question: DischargeDays, region: str, year: int) -> dict[str, Any]:
    """The saved result of the question on the region's stays of ``year`` (every kommun of
    the county, 0 where none of its residents stayed): per kommun the stays, the days and
    kronor of betalningsansvar as counted and with ``question.days``, small rows hidden.
    One audit event records the bulk read of the stays (no person is shown or stored)."""
    from samverkan.discharge.selectors import local_terms_during, year_figures

    if region not in REGIONS:
        raise SimulationError("population.region", "invalid_choice", "Okänt län.")
    check_year(year)
    started = time.perf_counter()
    figures = year_figures(region, CARE_TYPES, year, days=question.days)
    local = local_terms_during(region, year)
    elapsed = time.perf_counter() - started
    record(
        actor,
        Action.VIEW,
        "discharge.stay",
        "",
        why=(
            f"Revisionssimulering: {len(figures)} vårdtillfällen {year} i "
            f"{REGIONS[region].name} lästes för en sammanställning (inga personuppgifter "
            "visas eller sparas)"
        ),
    )
    codes = list(REGIONS[region].municipalities)
    codes += sorted({f.municipality for f in figures} - set(codes))  # another county's kommun
    rows = [
        _row(code, [f for f in figures if f.municipality == code], local.get(code, []))
        for code in codes
    ]
    # Each kommun's figures rest on its persons; one hidden kommun would be the total minus
    # the others, so `protect` hides the smallest other one too.
    cells = protect(
        [
            Cell(
                r["persons"],
                r["persons"],
                is_small(r["persons"]) or is_small(r["paying_persons"]),
            )
            for r in rows
        ]
    )
    shown = [_hide(r) if c.hidden else r for r, c in zip(rows, cells, strict=True)]
    total = _row("", figures, [])
    by_care = [
        {**_row("", [f for f in figures if f.care_type == ct], []), "care_type": ct}
        for ct in CARE_TYPES
    ]
    by_care = [r if not is_small(r["persons"]) else _hide(r) for r in by_care]
    if any(r.get("suppressed") for r in by_care):  # one hidden of two: both hidden
        by_care = [_hide(r) for r in by_care]
    hidden_total = is_small(total["persons"]) or is_small(total["paying_persons"])
    return {
        "kind": "discharge_days",
        "days": question.days,
        "year": year,
        "law_days": law_days(year),
        "summary": _hide(total) if hidden_total else total,
        "tables": {"by_municipality": shown, "by_care_type": by_care},
        "notes": _notes(figures, local),
        "elapsed_s": elapsed,
    }


def _notes(figures: list[Any], local: dict[str, list[str]]) -> list[str]:
    notes = [
        "Samma vårdtillfällen räknas två gånger: med de villkor som gällde för varje "
        "vårdtillfälle (lagens huvudregel eller den lokala överenskommelse parterna lagt in "
        "för kommunen) och med det nya antalet dagar. Allt annat i villkoren är oförändrat: "
        "klockslag, dag noll, utskrivningsdagen och beloppet per vårddygn.",
        "Dagar och kronor räknas inom året; ett vårdtillfälle som började året före eller "
        "slutade året efter räknas med sina dagar under året.",
        "Kommunen betalar bara för patienter som bedömts behöva kommunens insatser och när "
        "kommunen fått både inskrivningsmeddelandet och meddelandet om utskrivningsklar; "
        "vårdtillfällen utan dem kostar inget i någon av beräkningarna.",
    ]
    notes.append(
        "Villkor under året: lagens huvudregel för alla kommuner."
        if not local
        else "Villkor under året: lagens huvudregel, utom för "
        + "; ".join(
            f"{municipality_label(code)}: {', '.join(names)}"
            for code, names in sorted(local.items())
        )
        + "."
    )
    if any(f.unverified for f in figures):
        notes.append(
            "Beloppen bygger delvis på värden som ännu inte är bekräftade (ett belopp per "
            "vårddygn eller en lokal överenskommelse som den andra parten inte bekräftat)."
        )
    return notes
