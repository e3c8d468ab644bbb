"""Date fields read as a Swedish user's browser shows them (issue 13): "åååå-mm-dd".

Headless chromium showed "mm/dd/yyyy" with English part names, as the browser took its
language from the machine, not from the test's context. The shared browser fixture now
starts chromium in Swedish (tests/conftest.py: LANGUAGE, Debian's chromium-l10n) and the
context in sv-SE and Europe/Stockholm. The date field's parts are read from the browser's
accessibility tree, which is what a screen reader announces and what the screenshots show.
"""

from __future__ import annotations

import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _date_field_parts(page, selector: str) -> tuple[list[str], str]:
    """The part names (År, Månad, Dag) of the date field and its empty placeholder text."""
    handle = page.locator(selector)
    handle.scroll_into_view_if_needed()
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    by_id = {n["nodeId"]: n for n in nodes}
    name = handle.evaluate("el => el.labels[0].innerText.trim()")
    field = next(
        n
        for n in nodes
        if n.get("role", {}).get("value") == "Date"
        and n.get("name", {}).get("value", "").startswith(name.rstrip(":").split("?")[0])
    )
    parts: list[str] = []
    texts: list[str] = []

    def walk(node) -> None:
        role = node.get("role", {}).get("value")
        if role == "spinbutton":
            parts.append(node.get("name", {}).get("value", "").split()[0])
        elif role == "StaticText" and not node.get("ignored"):
            texts.append(node.get("name", {}).get("value", ""))
        for child in node.get("childIds", []):
            if child in by_id:
                walk(by_id[child])

    walk(field)
    return parts, "-".join(t for t in texts if t.strip("-"))


def test_date_fields_read_year_month_day_in_swedish(page) -> None:
    from tests.conftest import CHROMIUM_SWEDISH

    response = page.goto("/guide/")
    assert response is not None and response.ok
    assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == ("Europe/Stockholm")
    assert page.evaluate("navigator.language") == "sv-SE"
    parts, placeholder = _date_field_parts(page, "input[type=date]")
    if not CHROMIUM_SWEDISH.exists():
        if os.environ.get("SAMVERKAN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM_SWEDISH} saknas: installera Debians paket chromium-l10n")
        pytest.skip("chromium saknar svenska översättningar (apt-get install chromium-l10n)")
    assert parts == ["År", "Månad", "Dag"], parts
    # The guide's date is today, shown year first as Swedish dates are written.
    assert placeholder == page.input_value("input[type=date]") == "2026-12-02", placeholder
    page.fill("input[type=date]", "")
    _parts, placeholder = _date_field_parts(page, "input[type=date]")
    assert placeholder.upper() == "ÅÅÅÅ-MM-DD", placeholder
    page.screenshot(path=str(_shot()))


def _shot():
    from tests.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / "date-field-sv.png"
