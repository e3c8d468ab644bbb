"""Avtalsbiblioteket in a real browser: search, open a hit, read the clause."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _warm_up(client):
    """Import every app's URLs and build the search index before the browser's 10 s clock runs."""
    for url in ("/avtal/", "/avtal/sok?q=läkemedel"):
        client.get(url)


def test_search_the_library_and_open_a_clause(page, login, nurse, screenshot):
    login(page, nurse)
    page.goto("/avtal/?date=2022-08-01")
    assert "Avtalens status 2022-08-01" in page.content()
    screenshot(page, "index")

    page.get_by_label("Sök i avtalstexterna").fill("läkemedel dosdispensering")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**/avtal/sok?q=*")
    assert page.locator("mark", has_text="dosdispensering").count() >= 1
    screenshot(page, "search")

    page.get_by_role("link", name="Hemsjukvårdsavtalet §7.3").click()
    page.wait_for_url("**/avtal/klausul/jh-hemsjukvard-7.3")
    assert page.get_by_role("heading", name="Regler som citerar klausulen").is_visible()
    screenshot(page, "clause")


def test_library_is_readable_at_tablet_width_without_login(page, screenshot):
    page.set_viewport_size({"width": 768, "height": 1024})
    page.goto("/avtal/")
    assert "/accounts/login" not in page.url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768  # nothing forces sideways scrolling on a tablet
    screenshot(page, "index-768")
