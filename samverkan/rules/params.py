"""The agreements' numbers as named parameters with a value per date (issue 14).

As OpenFisca's ``parameters/``: every number an agreement states has a name, a Swedish
label for a jurist, a unit, the clause (or law) it comes from and a value per date, in the
data files ``samverkan/rules/parameters/*.toml`` (one table per parameter)::

    [jh_hsv.adult_age]
    label = "Åldersgräns för vuxen"
    unit = "år"
    clause = "jh-hemsjukvard §7.2"
    source = "https://..."          # optional
    verified = true                 # false: entered, not yet confirmed against the text
    values = [ { from = 2017-04-01, value = 18 } ]

A value entry may carry its own ``source`` and ``verified`` (each year's amount of Lag
(2017:612) rests on its own föreskrift); they override the table's for that value only and
are read through ``Parameter.entry(on)`` / ``Parameter.entries``.

Rules read them by name (``conditions.P("jh_hsv.adult_age")``), resolved at the date of
the care. ``parameter(name, on)`` raises ``KeyError`` for an unknown name and
``LookupError`` for a date before the first value.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DIRECTORY = Path(__file__).with_name("parameters")

Value = bool | int | float | str | dt.time


@dataclass(frozen=True)
class Entry:
    """One dated value with its own source and verified flag (the table's unless given)."""

    start: dt.date
    value: Value
    verified: bool
    source: str


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    unit: str
    clause: str
    source: str
    verified: bool
    values: tuple[tuple[dt.date, Value], ...]  # ascending by date
    entries: tuple[Entry, ...] = ()  # the same values with per-value source and verified

    def __post_init__(self) -> None:
        if not self.entries:
            entries = tuple(Entry(d, v, self.verified, self.source) for d, v in self.values)
            object.__setattr__(self, "entries", entries)

    def at(self, on: dt.date) -> Value:
        """The value in force on ``on``; LookupError before the first value."""
        return value_at(self.values, on, self.name)

    def entry(self, on: dt.date) -> Entry:
        """The entry in force on ``on`` (value, its source, verified); LookupError before."""
        found: Entry | None = None
        for e in self.entries:
            if e.start <= on:
                found = e
            else:
                break
        if found is None:
            value_at(self.values, on, self.name)  # raises the LookupError naming the parameter
            raise AssertionError  # pragma: no cover
        return found


class ParameterFileError(ValueError):
    """A parameter file that does not follow the format (names the file and parameter)."""


def value_at(values: tuple[tuple[dt.date, Value], ...], on: dt.date, name: str = "") -> Value:
    found: Value | None = None
    for start, value in values:
        if start <= on:
            found = value
        else:
            break
    if found is None:
        first = values[0][0].isoformat() if values else "–"
        raise LookupError(f"parametern {name} har inget värde den {on.isoformat()} (från {first})")
    return found


def _tables(data: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Dotted TOML keys nest; a table with ``values`` is a parameter."""
    out: list[tuple[str, dict[str, Any]]] = []
    for key, table in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if not isinstance(table, dict):
            continue
        if "values" in table:
            out.append((name, table))
        else:
            out.extend(_tables(table, name))
    return out


def _parse(path: Path) -> list[Parameter]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    out = []
    for name, table in _tables(data):
        where = f"{path.name}: {name}"
        missing = [k for k in ("label", "unit", "clause", "values") if k not in table]
        if missing:
            raise ParameterFileError(f"{where} saknar {', '.join(missing)}")
        values: list[tuple[dt.date, Value]] = []
        entries: list[Entry] = []
        verified = table.get("verified", False)
        source = table.get("source", "")
        if not isinstance(verified, bool) or not isinstance(source, str):
            raise ParameterFileError(f"{where}: 'verified' ska vara ja/nej och 'source' text")
        for entry in table["values"]:
            start, value = entry.get("from"), entry.get("value")
            if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
                raise ParameterFileError(f"{where}: 'from' ska vara ett datum (ÅÅÅÅ-MM-DD)")
            if not isinstance(value, bool | int | float | str | dt.time):
                raise ParameterFileError(f"{where}: 'value' saknas eller har fel typ")
            e_verified = entry.get("verified", verified)
            e_source = entry.get("source", source)
            if not isinstance(e_verified, bool) or not isinstance(e_source, str):
                raise ParameterFileError(
                    f"{where} ({start}): 'verified' ska vara ja/nej och 'source' text"
                )
            values.append((start, value))
            entries.append(Entry(start, value, e_verified, e_source))
        if not values or [d for d, _ in values] != sorted({d for d, _ in values}):
            raise ParameterFileError(f"{where}: värdena ska stå i datumordning, ett per datum")
        out.append(
            Parameter(
                name=name,
                label=str(table["label"]),
                unit=str(table["unit"]),
                clause=str(table["clause"]),
                source=source,
                verified=verified,
                values=tuple(values),
                entries=tuple(entries),
            )
        )
    return out


@cache
def _registry() -> dict[str, Parameter]:
    out: dict[str, Parameter] = {}
    for path in sorted(DIRECTORY.glob("*.toml")):
        for p in _parse(path):
            if p.name in out:
                raise ParameterFileError(f"{path.name}: parametern {p.name} finns två gånger")
            out[p.name] = p
    return out


def parameters(prefix: str | None = None) -> tuple[Parameter, ...]:
    """Every parameter (those whose name starts with ``prefix``), sorted by name."""
    return tuple(
        p
        for name, p in sorted(_registry().items())
        if prefix is None or name == prefix or name.startswith(prefix.rstrip(".") + ".")
    )


def get(name: str) -> Parameter:
    """The parameter ``name``; KeyError naming it when there is none."""
    try:
        return _registry()[name]
    except KeyError:
        raise KeyError(f"okänd parameter {name!r}") from None


def parameter(name: str, on: dt.date) -> Value:
    """The value of ``name`` on ``on`` (KeyError: unknown name; LookupError: too early)."""
    return get(name).at(on)


def whole(name: str, on: dt.date) -> int:
    """A whole-number parameter (years, months, counts); TypeError naming it otherwise."""
    value = parameter(name, on)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"parametern {name} är inget heltal: {value!r}")
    return value
