"""The discharge question in a real browser at 1280 and 768 px: only its fields shown, the
result's tables whole (a row of "färre än 5 personer" once pushed "Skillnad" out of view at
1280 px, and at 768 px half the table was behind a scroll bar)."""

from __future__ import annotations

import pytest

from .test_discharge_figures import stays  # noqa: F401  (the shared year of stays)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year_of_stays(stays):  # noqa: F811
    return stays


@pytest.mark.parametrize("width", [1280, 768])
def test_the_forum_asks_another_number_of_days(
    page, login, year_of_stays, forum_member, screenshot, width
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    login(page, forum_member)
    page.goto("/uppfoljning/simulering/")
    page.get_by_label("Vad vill ni pröva?").select_option("discharge_days")
    assert not page.get_by_label("Talet i avtalet").is_visible()
    assert not page.get_by_label("Datum som prövas").is_visible()
    page.get_by_label("Namn på simuleringen").fill("Fem dagar")
    page.get_by_label("Dagar efter meddelandet om utskrivningsklar").fill("5")
    page.get_by_label("Dagar i sluten psykiatrisk vård").fill("30")  # asked apart
    with page.expect_navigation():
        page.get_by_role("button", name="Kör simuleringen").click()
    assert page.get_by_text("109 000 kr mindre").is_visible()
    assert page.get_by_text("5 dagar i somatisk vård, 30 i psykiatrisk vård").first.is_visible()
    assert page.get_by_text("Sluten psykiatrisk vård (30 dagar)").first.is_visible()
    screenshot(page, f"discharge-days-{width}")
    # every table whole: no table region scrolls sideways, no cell beyond the page
    cut = page.evaluate(
        """() => [...document.querySelectorAll('.table-wrap')]
             .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label'))"""
    )
    assert cut == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert page.get_by_text("Skillnad").first.is_visible()
