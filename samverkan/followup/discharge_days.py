"""The forum's discharge question in the revision simulation (issue 16): what another number
of days after the notice of utskrivningsklar would have cost each kommun, on a year of the
region's recorded stays.

The stays and their count come from the discharge room (``discharge.selectors.year_figures``
with ``days``): each stay is counted by the rules under the terms that governed it (the
law's huvudregel, or the local version the parties entered for its kommun), once as it is
and once with the other number of days (one for both care types, or one for somatic and
one for psychiatric care), everything else in the terms unchanged. So "today"
in the result is the yearly report's figure for the same year. Only aggregates leave this
module, and a kommun resting on 1–4 persons is shown as "färre än 5 personer" (with the
smallest other kommun hidden too when one alone would be: complementary suppression).

A saved result is a `Simulation` with ``source = discharges`` and one change
``{"op": "set_discharge_days", "days": N}``, with ``"psychiatric_days": M`` when psychiatric
care is asked another number (a change without it, as saved before, asks N for both).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
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
    """The question: ``days`` after the notice for somatic care, and for psychiatric care
    ``psychiatric_days`` (None: the same ``days``)."""

    name: str
    description: str
    days: int
    psychiatric_days: int | None = None

    @property
    def by_care_type(self) -> dict[str, int]:
        """The days after the notice each care type is counted with."""
        psychiatric = self.days if self.psychiatric_days is None else self.psychiatric_days
        return {"somatic": self.days, "psychiatric": psychiatric}

    def as_variant(self) -> dict[str, Any]:
        change: dict[str, Any] = {"op": OP, "days": self.days}
        if self.psychiatric_days is not None:
            change["psychiatric_days"] = self.psychiatric_days
        return {"name": self.name, "description": self.description, "changes": [change]}


def days_by_care_type(data: Mapping[str, Any]) -> dict[str, Any]:
    """A saved result's days per care type; a result saved before the question asked them
    apart has one ``days`` for both."""
    given = data.get("days_by_care_type")
    if isinstance(given, Mapping):
        return {ct: given.get(ct, data.get("days")) for ct in CARE_TYPES}
    return dict.fromkeys(CARE_TYPES, data.get("days"))


def days_text(n: Any) -> str:
    """ "1 dag", "5 dagar"."""
    return "1 dag" if n == 1 else f"{n} dagar"


def days_words(by_care_type: Mapping[str, Any]) -> str:
    """The days in words: "5 dagar" for both care types, else "5 dagar i somatisk vård, 30 i
    psykiatrisk vård"."""
    somatic, psychiatric = (by_care_type.get(ct) for ct in CARE_TYPES)
    first = days_text(somatic)
    if somatic == psychiatric:
        return first
    return f"{first} i somatisk vård, {psychiatric} i psykiatrisk vård"


def is_question(data: Any) -> bool:
    """Whether a variant (as JSON) asks the discharge question."""
    changes = data.get("changes") if isinstance(data, Mapping) else None
    return isinstance(changes, list) and any(
        isinstance(c, Mapping) and c.get("op") == OP for c in changes
    )


def _checked_days(change: Any, key: str, what: str) -> int | None:
    value = change.get(key) if isinstance(change, Mapping) else None
    if value is None and key != "days":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        raise SimulationError(
            f"variant.changes.0.{key}",
            "out_of_range",
            f"{what} ska vara ett heltal 0–{MAX_DAYS}.",
            change=0,
            key=key,
        )
    return value


def parse(data: Any) -> DischargeDays:
    """The question from a variant's JSON: exactly one change, ``{"op": "set_discharge_days",
    "days": 0–365}``, optionally with ``"psychiatric_days": 0–365`` (psychiatric care asked
    apart; absent or null: ``days`` for both); a `SimulationError` naming the key otherwise."""
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
    days = _checked_days(change, "days", "Antal dagar")
    assert days is not None  # required: refused above when missing
    psychiatric = _checked_days(change, "psychiatric_days", "Antal dagar i psykiatrisk vård")
    question = DischargeDays("", str(data.get("description") or ""), days, psychiatric)
    name = str(data.get("name") or "").strip()
    name = name or f"{days_words(question.by_care_type)} efter meddelandet"
    return replace(question, name=name[:200])


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
    kronor of betalningsansvar as counted and with ``question.by_care_type``, small rows hidden.
    One audit event records the bulk read of the stays (no person is shown or stored)."""
    from samverkan.discharge.selectors import local_terms_during, year_figures

    if region not in REGIONS:
        raise SimulationError("population.region", "invalid_choice", "Okänt län.")
    check_year(year)
    started = time.perf_counter()
    figures = year_figures(region, CARE_TYPES, year, days=question.by_care_type)
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
        "days_by_care_type": question.by_care_type,
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
