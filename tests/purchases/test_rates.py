"""Schablonbelopp table, the 50 % share, and the Decimal money helpers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan.core.money import (
    format_number_sv,
    format_sek,
    minutes_to_hours,
    payable_rounding,
    round_krona,
    round_ore,
    to_decimal,
    xml_amount,
)
from samverkan.purchases.rates import (
    SCHABLONBELOPP,
    RateMissing,
    RateUnverified,
    allocate_share_50,
    hourly_amount,
    hourly_share_50,
    rate_for,
)


def test_table_covers_2017_to_2026_with_sources() -> None:
    assert sorted(SCHABLONBELOPP) == list(range(2017, 2027))
    for row in SCHABLONBELOPP.values():
        assert row.source.strip()
        if not row.verified:
            assert "EJ VERIFIERAD" in row.source


@pytest.mark.parametrize(
    ("year", "amount"),
    [
        (2017, "291.00"),
        (2018, "295.40"),
        (2019, "299.80"),
        (2020, "304.30"),
        (2021, "315.00"),
        (2022, "319.70"),
        (2023, "324.50"),
        (2024, "332.60"),
    ],
)
def test_verified_amounts(year: int, amount: str) -> None:
    assert rate_for(year).verified
    assert hourly_amount(year) == Decimal(amount)


def test_yearly_uplifts_match_the_published_percentages() -> None:
    # 5 § förordningen (1993:1091): uplift, rounded to the nearest ten öre.
    def up(amount: Decimal, percent: str) -> Decimal:
        return (amount * (1 + Decimal(percent) / 100)).quantize(Decimal("0.1"))

    assert up(hourly_amount(2017), "1.5") == hourly_amount(2018)
    assert up(hourly_amount(2018), "1.5") == hourly_amount(2019)
    assert up(hourly_amount(2019), "1.5") == hourly_amount(2020)
    assert up(hourly_amount(2020), "3.5") == hourly_amount(2021)
    assert up(hourly_amount(2021), "1.5") == hourly_amount(2022)
    assert up(hourly_amount(2022), "1.5") == hourly_amount(2023)
    assert up(hourly_amount(2023), "2.5") == hourly_amount(2024)


def test_unknown_year_raises_in_swedish() -> None:
    with pytest.raises(RateMissing) as err:
        hourly_amount(2016)
    assert err.value.year == 2016
    assert "saknas" in err.value.message


def test_unverified_years_are_refused_unless_allowed() -> None:
    with pytest.raises(RateUnverified) as err:
        hourly_amount(2025)
    assert "inte verifierat" in err.value.message
    assert hourly_amount(2025, allow_unverified=True) == Decimal("342.20")
    with pytest.raises(RateMissing):  # no amount at all for 2026
        hourly_amount(2026, allow_unverified=True)


@pytest.mark.parametrize(
    ("minutes", "year", "expected"),
    [
        (60, 2018, "147.70"),
        (90, 2018, "221.55"),
        (1, 2019, "2.50"),  # 2.498333...
        (1, 2017, "2.43"),  # 2.425 exactly: half up, not half even
        (3, 2017, "7.28"),  # 7.275
        (0, 2020, "0.00"),
        (600, 2024, "1663.00"),
        (20, 2023, "54.08"),  # 54.0833...
    ],
)
def test_hourly_share_50(minutes: int, year: int, expected: str) -> None:
    assert hourly_share_50(minutes, year) == Decimal(expected)


def test_hourly_share_50_refuses_bad_minutes() -> None:
    with pytest.raises(TypeError):
        hourly_share_50(1.5, 2019)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        hourly_share_50(-1, 2019)


def test_allocate_share_50_example() -> None:
    # Three times 2.425 kr = 7.275 -> 7.28 in total: one record gets the extra öre.
    parts = allocate_share_50([1, 1, 1], 2017)
    assert sum(parts) == hourly_share_50(3, 2017) == Decimal("7.28")
    assert sorted(parts) == [Decimal("2.42"), Decimal("2.43"), Decimal("2.43")]


@given(
    st.lists(st.integers(min_value=0, max_value=24 * 60), min_size=1, max_size=40),
    st.sampled_from(range(2017, 2025)),
)
def test_allocate_share_50_reconciles(minutes: list[int], year: int) -> None:
    parts = allocate_share_50(minutes, year)
    assert sum(parts) == hourly_share_50(sum(minutes), year)
    for m, part in zip(minutes, parts, strict=True):
        exact = Decimal(m) * hourly_amount(year) / 120
        assert abs(part - exact) < Decimal("0.01")


# Money helpers.


def test_rounding_to_ore_and_krona() -> None:
    assert round_ore(Decimal("1.005")) == Decimal("1.01")
    assert round_ore(Decimal("-1.005")) == Decimal("-1.01")
    assert round_krona(Decimal("1234.50")) == Decimal("1235.00")
    assert round_krona(Decimal("1234.49")) == Decimal("1234.00")
    assert round_krona(Decimal("-10.50")) == Decimal("-11.00")
    assert payable_rounding(Decimal("3954.86")) == Decimal("0.14")
    assert payable_rounding(Decimal("100.40")) == Decimal("-0.40")
    assert payable_rounding(Decimal("100.00")) == Decimal("0.00")


def test_format_sek() -> None:
    assert format_sek(Decimal("12345.5")) == "12 345,50 kr"
    assert format_sek(Decimal("0")) == "0,00 kr"
    assert format_sek(Decimal("999.999")) == "1 000,00 kr"
    assert format_sek(Decimal("-1234567.8")) == "-1 234 567,80 kr"
    assert format_sek(7) == "7,00 kr"
    assert format_number_sv(Decimal("1234.5"), 2, grouping=False) == "1234,50"
    assert format_number_sv(Decimal("25"), 0) == "25"


def test_xml_amount_and_hours() -> None:
    assert xml_amount(Decimal("12345.5")) == "12345.50"
    assert minutes_to_hours(20) == Decimal("0.3333")
    assert minutes_to_hours(90) == Decimal("1.5000")
    assert minutes_to_hours(20, 2) == Decimal("0.33")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        to_decimal(0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        to_decimal("tolv")
    with pytest.raises(ValueError):
        to_decimal(Decimal("NaN"))


@pytest.mark.django_db
def test_the_price_page_prints_years_as_years(tk, client_as):
    """A year is not an amount: "2026", never "2 026" with a thousands separator."""
    from samverkan.purchases.rates import SCHABLONBELOPP

    page = client_as(tk.ekonom).get("/tjanstekop/priser/").content.decode()
    year = max(SCHABLONBELOPP)
    assert f"<td>{year}</td>" in page
    assert f"<td>{year // 1000}\xa0{year % 1000:03d}</td>" not in page
    assert f"<td>{year // 1000} {year % 1000:03d}</td>" not in page
