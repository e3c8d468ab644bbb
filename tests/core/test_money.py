"""One money module, outside purchases: öre conversions the apps used to write each their own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samverkan.core import money


@pytest.mark.parametrize(
    ("kronor", "ore"), [("12.345", 1235), ("-12.345", -1235), (Decimal("0.004"), 0), (7, 700)]
)
def test_to_ore_rounds_half_away_from_zero(kronor, ore):
    assert money.to_ore(kronor) == ore


def test_ore_to_kronor_and_half():
    assert money.ore_to_kronor(1235) == Decimal("12.35")
    assert money.ore_to_kronor(None) == Decimal("0.00")
    assert [money.half_ore(o) for o in (125, 124, -125)] == [63, 62, -63]


def test_floats_are_refused():
    with pytest.raises(TypeError):
        money.to_ore(0.1)  # type: ignore[arg-type]
