"""Decimal helpers for Swedish invoice amounts.

Every amount in the purchases package is a :class:`decimal.Decimal` in kronor. Floats are
refused: a float cannot hold 0.10 exactly, and an invoice that is one öre off fails the
EN 16931 sum rules (BR-CO-10 and friends).

- :func:`round_ore` rounds to whole öre (two decimals), half up (away from zero), which is
  how Swedish invoices round line amounts.
- :func:`round_krona` is *öresavrundning*: the payable total rounded to whole kronor, half up.
  :func:`payable_rounding` gives the difference, which a UBL invoice states as
  ``cbc:PayableRoundingAmount`` (BT-114) so that BR-CO-16 still reconciles.
- :func:`format_sek` writes ``12 345,50 kr`` (space between thousands, decimal comma).
- Stored amounts are whole öre (``int``): :func:`to_ore` and :func:`ore_to_kronor` convert,
  :func:`half_ore` halves (the half-price rules), each half up.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

__all__ = [
    "ONE_KRONA",
    "ONE_ORE",
    "ZERO",
    "format_number_sv",
    "format_sek",
    "half_ore",
    "minutes_to_hours",
    "ore_to_kronor",
    "payable_rounding",
    "round_krona",
    "round_ore",
    "to_decimal",
    "to_ore",
    "xml_amount",
]

ZERO = Decimal("0.00")
ONE_ORE = Decimal("0.01")
ONE_KRONA = Decimal("1")


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Return ``value`` as a Decimal; floats and non-finite numbers are refused."""
    if isinstance(value, (bool, float)):
        raise TypeError("Belopp ska anges som Decimal, heltal eller text, inte som flyttal.")
    try:
        result = value if isinstance(value, Decimal) else Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"Ogiltigt belopp: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"Ogiltigt belopp: {value!r}")
    return result


def round_ore(amount: Decimal | int | str) -> Decimal:
    """Round to whole öre (two decimals), half away from zero: 1.005 -> 1.01, -1.005 -> -1.01."""
    return to_decimal(amount).quantize(ONE_ORE, rounding=ROUND_HALF_UP)


def to_ore(amount: Decimal | int | str) -> int:
    """Kronor as whole öre, half away from zero: ``to_ore("12.345") == 1235``."""
    return int((to_decimal(amount) * 100).quantize(ONE_KRONA, rounding=ROUND_HALF_UP))


def ore_to_kronor(ore: int | None) -> Decimal:
    """Whole öre as kronor with two decimals (``None`` is zero): 1235 -> Decimal('12.35')."""
    return (Decimal(ore or 0) / 100).quantize(ONE_ORE)


def half_ore(ore: int) -> int:
    """Half of an amount in öre, half up: 125 -> 63."""
    return int((Decimal(ore) / 2).quantize(ONE_KRONA, rounding=ROUND_HALF_UP))


def round_krona(amount: Decimal | int | str) -> Decimal:
    """Öresavrundning: round to whole kronor, half away from zero, kept with two decimals.

    ``round_krona(Decimal("1234.50")) == Decimal("1235.00")``. The input is first rounded to
    öre, so the rounding is applied to the amount that is actually printed on the invoice.
    """
    return round_ore(amount).quantize(ONE_KRONA, rounding=ROUND_HALF_UP).quantize(ONE_ORE)


def payable_rounding(amount: Decimal | int | str) -> Decimal:
    """The öresavrundning amount: ``round_krona(amount) - round_ore(amount)`` (BT-114).

    Between -0.50 and +0.50; added to the invoice total to get the amount payable.
    """
    return round_krona(amount) - round_ore(amount)


def xml_amount(amount: Decimal | int | str) -> str:
    """An amount as written in UBL: two decimals, point as decimal separator, no grouping."""
    return f"{round_ore(amount):.2f}"


def format_number_sv(value: Decimal | int | str, places: int = 2, *, grouping: bool = True) -> str:
    """A number the Swedish way: ``12 345,50`` (grouping with a space, decimal comma).

    ``grouping=False`` leaves out the thousands separator (for CSV cells that a spreadsheet
    must read as numbers).
    """
    number = to_decimal(value)
    quantum = Decimal(1).scaleb(-places) if places > 0 else Decimal(1)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    text = f"{abs(number):.{places}f}"
    whole, _, frac = text.partition(".")
    if grouping:
        groups: list[str] = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        groups.insert(0, whole)
        whole = " ".join(groups)
    return f"{sign}{whole},{frac}" if places > 0 else f"{sign}{whole}"


def format_sek(amount: Decimal | int | str) -> str:
    """``Decimal("12345.5")`` -> ``"12 345,50 kr"``; negative amounts get a leading ``-``."""
    return f"{format_number_sv(round_ore(amount), 2)} kr"


def minutes_to_hours(minutes: int, places: int = 4) -> Decimal:
    """Whole minutes as hours with ``places`` decimals (half up): 20 -> Decimal('0.3333').

    Used as the invoiced quantity (unit ``HUR``). PEPPOL-EN16931-R120 allows the line amount
    to differ from quantity x price by at most 0.02. An amount computed from the exact
    minutes and rounded to öre stays within that with four decimals up to about 300 kr/h;
    above that, price the line as ``round_ore(quantity * price)`` from this rounded quantity
    (always within 0.005), or pass ``places=6``.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError("Tiden ska anges i hela minuter (int).")
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
