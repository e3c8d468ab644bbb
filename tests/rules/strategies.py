"""Hypothesis strategies for valid, partially unknown facts objects (flat JSON shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from samverkan.rules.facts import FACTS, Kind
from samverkan.rules.regions import REGIONS

# Dates around every start, end and renewal the agreements have, plus random ones.
EDGE_DATES = [
    dt.date(*d)
    for d in [
        (2016, 12, 31),
        (2017, 4, 1),
        (2017, 6, 1),
        (2018, 3, 31),
        (2018, 4, 1),
        (2019, 12, 31),
        (2020, 1, 1),
        (2020, 3, 1),
        (2020, 12, 31),
        (2021, 1, 1),
        (2022, 12, 31),
        (2023, 1, 1),
        (2026, 11, 24),
    ]
]
EDGE_AGES = [0, 15, 16, 17, 18, 19, 20, 21, 25, 26, 64, 65, 80, 100]
EDGE_TIMES = ["07:59", "08:00", "16:59", "17:00", "00:00", "23:59", "12:00"]
HEALTH_CENTRES = ["SE2321000214-E1001", "SE2321000214-E1002", "enhet-7"]


def _maybe(strategy: st.SearchStrategy[Any], unknown: float) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy) if unknown else strategy


def _value(name: str) -> st.SearchStrategy[Any]:
    spec = FACTS[name]
    if spec.kind is Kind.ENUM:
        return st.sampled_from(spec.values)
    if spec.kind is Kind.BOOL:
        return st.booleans()
    if spec.kind is Kind.INT:
        return st.one_of(st.sampled_from(EDGE_AGES), st.integers(0, 110))
    if spec.kind is Kind.DATE:
        return st.one_of(
            st.sampled_from(EDGE_DATES), st.dates(dt.date(2015, 1, 1), dt.date(2031, 12, 31))
        ).map(dt.date.isoformat)
    if spec.kind is Kind.TIME:
        return st.one_of(
            st.sampled_from(EDGE_TIMES),
            st.integers(0, 1439).map(lambda m: f"{m // 60:02d}:{m % 60:02d}"),
        )
    if spec.kind is Kind.SET:
        return st.sets(st.sampled_from(spec.values)).map(sorted)
    if spec.kind is Kind.TEXT:  # a hälsocentral's HSA-id, or Samverkan's id for a unit
        return st.sampled_from(HEALTH_CENTRES)
    raise AssertionError(name)


@st.composite
def facts_objects(draw: st.DrawFn, unknown: float = 0.3) -> dict[str, Any]:
    """A facts object where each fact is unknown (absent or null) with some probability."""
    out: dict[str, Any] = {}
    for name in FACTS:
        if name == "municipality":
            continue
        if draw(st.floats(0, 1)) < unknown:
            if draw(st.booleans()):
                out[name] = None
            continue
        out[name] = draw(_value(name))
    if draw(st.floats(0, 1)) >= unknown:
        region = out.get("region")
        codes = (
            list(REGIONS[region].municipalities)
            if region
            else [c for r in REGIONS.values() for c in r.municipalities]
        )
        out["municipality"] = draw(st.sampled_from(codes))
    return out
