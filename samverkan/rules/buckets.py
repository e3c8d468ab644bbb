"""Equivalent facts: the lowest age and the earliest time the rules answer the same for.

The rules compare an age only with thresholds (16, 18, 20, 21, 26 today) and a time only
with the clock rules of Bilaga 2 (08.00 and 17.00), so every age between two thresholds,
and every time between two boundaries, gets the same decision. Callers that decide many
similar cases (a service-record import of 100 000 rows) key their cache on
:func:`equivalent_facts` and ask the engine far fewer times, with the same answers.

The thresholds are read from the rules themselves (the same reading the batch engine's
decision key uses, ``features.needs``), so a revision that adds a threshold is bucketed
correctly without touching any app.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from samverkan.rules.facts import MAX_AGE

_BUCKETED = ("age", "time")


@cache
def thresholds(region: str, fact: str) -> tuple[int, ...]:
    """Every value of ``fact`` (``age`` in years, ``time`` in minutes) at which one of the
    region's rules may answer differently than just below it, ascending."""
    from samverkan.rules.features import needs
    from samverkan.rules.ruleset import default_ruleset

    found = needs([default_ruleset(region)]).get(fact)
    return tuple(sorted(t for t in found.thresholds if isinstance(t, int))) if found else ()


def _band(values: tuple[int, ...], value: int) -> int:
    low = 0
    for t in values:
        if t > value:
            break
        low = t
    return low


def age_band(region: str | None, age: Any) -> Any:
    """The lowest age with the same answers to every age comparison in the region's rules
    (an age outside 0–MAX_AGE, or not an integer, is returned as is: the engine refuses it)."""
    if not region or not isinstance(age, int) or isinstance(age, bool):
        return age
    if not 0 <= age <= MAX_AGE:
        return age
    try:
        return _band(thresholds(region, "age"), age)
    except KeyError:  # no such region: the engine refuses it
        return age


def time_band(region: str | None, time: Any) -> Any:
    """The earliest ``HH:MM`` with the same answers to every clock rule of the region's rules
    (anything but a valid ``HH:MM`` is returned as is: the engine refuses it)."""
    if not region or not isinstance(time, str) or len(time) != 5 or time[2] != ":":
        return time
    try:
        hh, mm = int(time[:2]), int(time[3:])
    except ValueError:
        return time
    if not (0 <= hh <= 23 and 0 <= mm <= 59):
        return time
    try:
        low = _band(thresholds(region, "time"), hh * 60 + mm)
    except KeyError:
        return time
    return f"{low // 60:02d}:{low % 60:02d}"


def equivalent_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts with ``age`` and ``time`` replaced by their bands' lowest values: the
    engine decides the result exactly as it decides ``facts`` (a cache key for callers)."""
    out = dict(facts)
    region = out.get("region")
    if out.get("age") is not None:
        out["age"] = age_band(region, out["age"])
    if out.get("time"):
        out["time"] = time_band(region, out["time"])
    return out
