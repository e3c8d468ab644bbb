"""The lists of issue 13 on a tablet (768 px): Avvikelser, Månadsgranskning and Fakturering
show every row's status and dates inside the screen (the lists become cards below 960 px),
every control and every link in a cell is at least 44×44 px, and axe finds no WCAG 2.1 AA
violation there."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.followup.conftest import YEAR, world  # noqa: F401  (a fixture: a year of cooperation)
from tests.sip.test_touch_targets_browser import SMALL
from tests.web.test_accessibility_browser import Audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Cells (with their column's name) that are not wholly inside the viewport, per table row.
CUT_OFF = """() => [...document.querySelectorAll('table.table-cards tbody tr')]
  .flatMap(tr => [...tr.children].filter(c => !c.hasAttribute('colspan')).map(c => {
    const r = c.getBoundingClientRect();
    return {label: c.dataset.label || '', left: Math.round(r.left), right: Math.round(r.right),
            w: Math.round(r.width)}; }))
  .filter(c => c.left < 0 || c.right > window.innerWidth || c.w === 0)"""
LINKS_IN_CELLS = """() => [...document.querySelectorAll('td a')]
  .filter(e => e.offsetParent !== null)
  .map(e => { const r = e.getBoundingClientRect();
    return {text: e.textContent.trim().slice(0, 30), w: Math.round(r.width), h: Math.round(r.height)}; })
  .filter(c => c.w < 44 || c.h < 44)"""


def test_lists_keep_status_and_dates_on_a_tablet(page, login, screenshot, world):  # noqa: F811
    get_resolver().url_patterns  # noqa: B018
    page.set_viewport_size({"width": 768, "height": 1024})
    audit = Audit(page)
    walks = [
        (world.nurse, [("avvikelser", "/avvikelser/")]),
        (
            world.ekonom,
            [
                ("manadsgranskning", f"/tjanstekop/manad/?month={YEAR}-02"),
                ("fakturering", "/tjanstekop/fakturering/"),
            ],
        ),
    ]
    problems: dict[str, object] = {}
    for user, urls in walks:
        page.context.clear_cookies()
        login(page, user)
        for name, url in urls:
            audit.visit(url, name)
            rows = page.locator("table.table-cards tbody tr").count()
            assert rows > 0, f"{url}: no rows to look at"
            for check, script in (
                ("cut off", CUT_OFF),
                ("small", SMALL),
                ("links", LINKS_IN_CELLS),
            ):
                found = page.evaluate(script)
                if found:
                    problems[f"{name} {check}"] = found
            # The status column is there, under its own name, on the first card.
            first = page.locator("table.table-cards tbody tr").first
            assert first.locator("[data-label='Status']").is_visible(), url
            screenshot(page, f"768-{name}")
    assert not problems, problems
    audit.assert_clean()
