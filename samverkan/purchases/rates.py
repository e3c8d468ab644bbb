"""Försäkringskassan's hourly amount for personal assistance (schablonbelopp) and the 50 % share.

Region Gävleborg's "Ekonomisk överenskommelse 2018-2019" (gavleborg-svart-sjuka-i-hemmet-2018)
pays the kommun 50 % of the performed time for egenvård / hälso- och sjukvårdsinsatser, at
Försäkringskassan's hourly rate for assistance hours (*schablonbeloppet för
assistansersättning*), "uppräknad ... enligt index från Försäkringskassan" each year.

The schablonbelopp is set by the government in 5 § förordningen (1993:1091) om
assistansersättning (under 51 kap. 11 § socialförsäkringsbalken) and is paid out by
Försäkringskassan. :data:`SCHABLONBELOPP` ships the amounts for 2017-2026, each row with the
source it was checked against. Rows marked ``verified=False`` could not be confirmed from a
primary or reliable secondary source when this table was written: :func:`hourly_amount`
refuses them unless the caller passes ``allow_unverified=True`` (an invoice is money owed by a
public body; a guessed rate must not slip onto one silently). To add or confirm a year, edit
the table and name the SFS number or the regeringen.se page.

Note on the figures: the amounts are the *ordinary* schablonbelopp (not the förhöjda
belopp of 51 kap. 11 § andra stycket SFB).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from samverkan.core.money import ONE_ORE, round_ore

__all__ = [
    "SCHABLONBELOPP",
    "RateMissing",
    "RateUnverified",
    "ScheduleRate",
    "allocate_share_50",
    "hourly_amount",
    "hourly_share_50",
    "rate_for",
]


class RateMissing(LookupError):
    """No (usable) schablonbelopp for the year. ``message`` is Swedish, fit for a user."""

    def __init__(self, year: int, message: str | None = None) -> None:
        self.year = year
        self.message = message or (
            f"Försäkringskassans schablonbelopp för assistansersättning saknas för år {year}. "
            "Lägg in beloppet (med källa) i tabellen i samverkan/purchases/rates.py."
        )
        super().__init__(self.message)


class RateUnverified(RateMissing):
    """The table has a provisional amount for the year that has not been checked against a source."""


@dataclass(frozen=True)
class ScheduleRate:
    """One year's schablonbelopp in kronor per hour, with where it was checked."""

    year: int
    amount: Decimal | None  # None: the year is listed but no amount could be confirmed
    verified: bool
    source: str


_REG = "förordningen (1993:1091) om assistansersättning 5 §"

SCHABLONBELOPP: dict[int, ScheduleRate] = {
    r.year: r
    for r in (
        ScheduleRate(
            2017,
            Decimal("291.00"),
            True,
            "regeringen.se pressmeddelande 2017-08 'Ersättningen för den statliga assistansen "
            "höjs' (2018 = 2017 + 4,40 kr); funkaportalen.se: 291 kr för 2017",
        ),
        ScheduleRate(
            2018,
            Decimal("295.40"),
            True,
            f"SFS 2017:891 (ändring i {_REG}): 'för år 2018 vara 295 kronor och 40 öre per timme'",
        ),
        ScheduleRate(
            2019,
            Decimal("299.80"),
            True,
            "budgetpropositionen för 2019 (övergångsbudgeten), +1,5 %; assistanskoll.se 2018-11-15",
        ),
        ScheduleRate(
            2020,
            Decimal("304.30"),
            True,
            "budgetpropositionen för 2020, +1,5 %; socialdemokraterna.se 2020-09-13 "
            "(2018-2020: +1,5 % per år)",
        ),
        ScheduleRate(
            2021,
            Decimal("315.00"),
            True,
            "budgetpropositionen för 2021, +3,5 % till 315 kr; socialdemokraterna.se 2020-09-13",
        ),
        ScheduleRate(
            2022,
            Decimal("319.70"),
            True,
            "budgetpropositionen för 2022 s. 175, +1,5 %; assistanskoll.se 2021-09-20",
        ),
        ScheduleRate(
            2023,
            Decimal("324.50"),
            True,
            "budgetpropositionen för 2023 s. 174, +1,5 %; assistanskoll.se 2022-11-07",
        ),
        ScheduleRate(
            2024,
            Decimal("332.60"),
            True,
            "budgetpropositionen för 2024 s. 172, +2,5 %; assistanskoll.se 2023-09-19, "
            "hejaolika.se",
        ),
        ScheduleRate(
            2025,
            Decimal("342.20"),
            False,
            "EJ VERIFIERAD: provisoriskt belopp (2024 + 2,9 %, ur minnet; uppdraget angav "
            f"339,40 kr); kontrollera mot {_REG} eller budgetpropositionen för 2025 "
            "innan det faktureras",
        ),
        ScheduleRate(
            2026,
            None,
            False,
            "EJ VERIFIERAD: inget belopp hittades i de källor som gick att söka i; lägg in "
            f"beloppet enligt {_REG} (budgetpropositionen för 2026)",
        ),
    )
}

_HALF = Decimal("0.5")
_MINUTES_PER_HOUR = Decimal(60)


def rate_for(year: int) -> ScheduleRate:
    """The table row for ``year``; :class:`RateMissing` if there is none."""
    try:
        return SCHABLONBELOPP[year]
    except KeyError:
        raise RateMissing(year) from None


def hourly_amount(year: int, *, allow_unverified: bool = False) -> Decimal:
    """Försäkringskassan's schablonbelopp in kronor per hour for ``year``.

    Raises :class:`RateMissing` for a year outside the table and :class:`RateUnverified` (a
    subclass) for a provisional row unless ``allow_unverified`` is true.
    """
    row = rate_for(year)
    if row.amount is None:
        raise RateMissing(
            year,
            f"Schablonbeloppet för år {year} är inte inlagt (ej verifierat). Lägg in beloppet "
            "enligt förordningen om assistansersättning i samverkan/purchases/rates.py.",
        )
    if not row.verified and not allow_unverified:
        raise RateUnverified(
            year,
            f"Schablonbeloppet för år {year} ({row.amount} kr/tim) är inte verifierat mot "
            "förordningen om assistansersättning. Kontrollera och bekräfta beloppet i "
            "samverkan/purchases/rates.py innan det används på en faktura.",
        )
    return row.amount


def _check_minutes(minutes: int) -> None:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise TypeError("Tiden ska anges i hela minuter (int).")
    if minutes < 0:
        raise ValueError("Tiden kan inte vara negativ.")


def hourly_share_50(minutes: int, year: int, *, allow_unverified: bool = False) -> Decimal:
    """50 % x minutes/60 x the year's schablonbelopp, rounded to öre (half up).

    >>> hourly_share_50(90, 2018)
    Decimal('221.55')
    """
    _check_minutes(minutes)
    amount = hourly_amount(year, allow_unverified=allow_unverified)
    return round_ore(_HALF * Decimal(minutes) * amount / _MINUTES_PER_HOUR)


def allocate_share_50(
    minutes: Sequence[int], year: int, *, allow_unverified: bool = False
) -> list[Decimal]:
    """Per-record amounts that add up exactly to ``hourly_share_50(sum(minutes), year)``.

    An invoice line for one person and month is priced on the summed minutes; the attachment
    lists each service record. Rounding each record separately could leave the attachment a
    few öre off the invoice, so the öre are shared out by the largest-remainder method: every
    record gets its amount rounded down to öre, and the öre still missing go to the records
    with the largest remainders (earliest first on ties).
    """
    for m in minutes:
        _check_minutes(m)
    amount = hourly_amount(year, allow_unverified=allow_unverified)
    total = hourly_share_50(sum(minutes), year, allow_unverified=allow_unverified)
    exact = [_HALF * Decimal(m) * amount / _MINUTES_PER_HOUR for m in minutes]
    floors = [e.quantize(ONE_ORE, rounding=ROUND_DOWN) for e in exact]
    missing = int(((total - sum(floors, Decimal(0))) / ONE_ORE).to_integral_value(ROUND_HALF_UP))
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    result = list(floors)
    for i in order[:missing]:
        result[i] += ONE_ORE
    return [r.quantize(ONE_ORE) for r in result]
