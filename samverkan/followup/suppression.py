"""The small-cell rule for every page, chart, CSV and PDF of the followup app.

A cell that rests on 1–4 persons is shown as "färre än 5 personer" (0 is shown: it names
nobody). In words, because "fakturerade <5" reads as "under five kronor". The
number a cell rests on is its *units*: distinct persons where the records name persons
(decisions, SIPs, assessments, purchased services, recorded cases), otherwise the number of
records (deviations, disputes: each could concern one person, so each counts as one).

Primary suppression alone can be undone by subtraction when a table shows a total: one
hidden cell in a row is the row total minus the others. :func:`protect` therefore also
hides the smallest other non-zero cell when exactly one cell of a group is hidden
(complementary suppression). Tables here show totals per row, so each row is one group, and
the column of row totals is another (the grand total is shown in the key figures).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

SMALL_CELL = 5
HIDDEN_TEXT = "färre än 5 personer"

Number = int | float | Decimal


def is_small(units: int | None) -> bool:
    return units is not None and 0 < units < SMALL_CELL


@dataclass(frozen=True)
class Cell:
    value: Number | None
    units: int | None = None  # persons (or records) behind the value; None = value itself
    hidden: bool = False
    kind: str = "count"  # count | hours | sek | percent | text

    @classmethod
    def count(cls, value: int, units: int | None = None) -> Cell:
        units = value if units is None else units
        return cls(value, units, is_small(units))

    @classmethod
    def measure(cls, value: Number | None, units: int | None, kind: str) -> Cell:
        return cls(value, units, is_small(units), kind)

    @classmethod
    def part(cls, value: Number | None, units: int, rest_units: int, kind: str = "count") -> Cell:
        """A part of a total that is shown beside it: hidden when the part or the rest
        (total minus part, which a reader can compute) rests on 1–4 persons."""
        return cls(value, units, is_small(units) or is_small(rest_units), kind)

    @property
    def shown(self) -> Number | None:
        """The value a reader may see (None when hidden or missing)."""
        return None if self.hidden else self.value

    def text(self) -> str:
        if self.hidden:
            return HIDDEN_TEXT
        if self.value is None:
            return "–"
        return format_number(self.value, self.kind)

    def csv(self) -> str:
        """For a Swedish spreadsheet: no thousands separator, decimal comma; hidden in words."""
        if self.hidden:
            return HIDDEN_TEXT
        if self.value is None:
            return ""
        if self.kind == "sek":
            return f"{Decimal(str(self.value)).quantize(Decimal('0.01'))}".replace(".", ",")
        if self.kind in ("hours", "percent") or isinstance(self.value, float):
            return f"{float(self.value):.1f}".replace(".", ",")
        return str(self.value)

    def __str__(self) -> str:
        return self.text()


def format_number(value: Number, kind: str = "count") -> str:
    """Swedish: space between thousands, decimal comma."""
    if kind == "sek":
        text = f"{round(float(value)):,}".replace(",", "\u00a0")
        return f"{text}\u00a0kr"
    if kind == "price":
        text = f"{float(value):,.2f}".replace(",", "\u00a0").replace(".", ",")
        return f"{text}\u00a0kr"
    if kind == "hours":
        text = f"{float(value):,.0f}".replace(",", "\u00a0")
        return text
    if kind == "percent":
        return f"{float(value):.0f}\u00a0%"
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", "\u00a0").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u00a0")


def protect(cells: Sequence[Cell]) -> list[Cell]:
    """Complementary suppression within one group (see the module doc)."""
    out = list(cells)
    hidden = [i for i, c in enumerate(out) if c.hidden]
    if len(hidden) != 1:
        return out
    candidates = [
        i
        for i, c in enumerate(out)
        if not c.hidden and c.value not in (None, 0) and (c.units or 0) > 0
    ]
    if not candidates:
        return out
    smallest = min(candidates, key=lambda i: (out[i].units or 0, float(out[i].value or 0)))
    out[smallest] = replace(out[smallest], hidden=True)
    return out
