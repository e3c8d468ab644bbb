"""The small-cell rule: 1–4 persons hidden, 0 and 5+ shown; one hidden cell in a group
takes the next smallest with it; the same text in page, CSV and PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest

from samverkan.followup.suppression import HIDDEN_TEXT, Cell, format_number, is_small, protect


@pytest.mark.parametrize(("units", "small"), [(0, False), (1, True), (4, True), (5, False)])
def test_is_small(units: int, small: bool) -> None:
    assert is_small(units) is small


def test_cells_rest_on_persons_not_on_the_value() -> None:
    assert Cell.count(12, units=3).hidden  # 12 decisions about 3 persons
    assert not Cell.count(3, units=0).hidden
    assert not Cell.count(0).hidden and Cell.count(0).text() == "0"
    hidden = Cell.measure(Decimal("123456.78"), 2, "sek")
    assert hidden.text() == HIDDEN_TEXT and hidden.csv() == HIDDEN_TEXT and hidden.shown is None


def test_complementary_suppression_hides_the_next_smallest() -> None:
    cells = protect([Cell.count(40), Cell.count(3), Cell.count(7), Cell.count(0)])
    assert [c.hidden for c in cells] == [False, True, True, False]
    # Two hidden already: nothing more to do.
    cells = protect([Cell.count(40), Cell.count(3), Cell.count(2)])
    assert [c.hidden for c in cells] == [False, True, True]
    # Nothing to pair with: left as it is (the total must then not be shown by itself).
    assert [c.hidden for c in protect([Cell.count(3), Cell.count(0)])] == [True, False]


def test_swedish_number_formats() -> None:
    assert format_number(1234567) == "1\u00a0234\u00a0567"
    assert format_number(Decimal("5850.00"), "sek") == "5\u00a0850\u00a0kr"
    assert format_number(83.33, "percent") == "83\u00a0%"
    assert Cell.measure(Decimal("5850.00"), 6, "sek").csv() == "5850,00"
    assert Cell.measure(13.5, 6, "hours").csv() == "13,5"


def test_a_hidden_amount_says_so_in_words_not_as_an_amount():
    """ "fakturerade <5" reads as "under five kronor": a hidden cell says why, in words,
    whatever it measures (issue 13, the forum's report)."""
    from samverkan.followup.suppression import Cell

    for cell in (Cell.measure(12_500, 2, "sek"), Cell.measure(3.5, 3, "hours"), Cell.count(4)):
        assert cell.text() == "färre än 5 personer" and cell.csv() == "färre än 5 personer"
        assert "<" not in cell.text()


def test_a_chart_with_every_cell_suppressed_says_why() -> None:
    # Issue 13: a chart empty because everything is suppressed drew an empty frame.
    from samverkan.followup import charts
    from samverkan.followup.report import Chart
    from samverkan.followup.suppression import Cell

    hidden = Chart(
        "k", "Beslut per kommun", ["Krokom", "Berg"], [("Beslut", [Cell.count(3), Cell.count(0)])]
    )
    assert charts.all_hidden(hidden)
    drawn = charts.svg(hidden)  # one <text> per wrapped line
    assert "Inget diagram: alla tal här bygger" in drawn and "visas inte" in drawn
    shown = Chart(
        "k", "Beslut per kommun", ["Krokom", "Berg"], [("Beslut", [Cell.count(3), Cell.count(7)])]
    )
    assert not charts.all_hidden(shown) and "Inget diagram" not in charts.svg(shown)
