"""Ansvarsguiden in a real browser: log in, answer to a decision, open a cited clause."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _warm_up(client):
    """Import every app's URLs and build the search index before the browser's 10 s clock runs."""
    for url in ("/guide/?region=jamtland-harjedalen", "/avtal/klausul/jh-hemsjukvard-7.3"):
        client.get(url)


# How a nurse answers the Jämtland case, per question (fact name -> what to do on the page).
ANSWERS = {
    "intervention": ("radio", "Sjuksköterskeinsats"),
    "time": ("fill", "10:00"),
    "residence": ("radio", "Folkbokförd i länet"),
    "housing": ("radio", "Ordinärt boende"),
    "day_activity": ("radio", "Nej"),
    "personal_assistance_lss": ("radio", "Nej"),
    "adl_needs_over_time": ("check", "Klä sig"),
    "end_of_life": ("radio", "Nej"),
    "wishes_health_centre": ("radio", "Nej"),
    "needs_health_and_social_care": ("radio", "Nej"),
    "discharge_from_inpatient_care": ("radio", "Nej"),
    "age": ("fill", "82"),
    "municipality": ("select", "2380"),
}
CURRENT_FACT = "document.querySelector('.question-form [name]:not([type=hidden])')?.name ?? ''"


def _current_fact(page) -> str:
    return page.evaluate(CURRENT_FACT)


def _answer(page, fact: str) -> None:
    how, value = ANSWERS[fact]
    form = page.locator(".question-form")
    if how in ("radio", "check"):
        form.get_by_label(value, exact=True).check()
    elif how == "select":
        form.locator("select").select_option(value)
    else:
        form.locator(f"[name={fact}]").fill(value)
    form.get_by_role("button", name="Nästa").click()
    # A function, not an expression: an expression is eval'ed, which the CSP forbids.
    page.wait_for_function(f"() => ({CURRENT_FACT}) !== '{fact}'")


def _answer_until_decided(page, screenshot) -> list[str]:
    asked = []
    for _ in range(30):
        fact = _current_fact(page)
        if not fact:
            break
        asked.append(fact)
        _answer(page, fact)
        if len(asked) == 3:
            screenshot(page, "underway")
    return asked


def test_nurse_answers_the_guide_and_opens_a_cited_clause(page, login, nurse, screenshot):
    login(page, nurse)
    page.goto("/guide/")
    page.get_by_label("Region Jämtland Härjedalen").check()
    page.get_by_role("button", name="Börja").click()
    page.wait_for_selector("text=Nästa fråga")
    screenshot(page, "first-question")

    asked = _answer_until_decided(page, screenshot)
    assert asked[0] == "intervention"
    page.wait_for_selector("text=Inga fler frågor")
    assert "Avgjort enligt avtal som gäller" in page.inner_text(".answer-status")
    assert "intervention=nursing" in page.url  # htmx pushed the state into the address
    assert page.locator("#dela-lank").input_value().endswith(page.url.split("/guide/")[1])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Kopiera länk").click()
    page.wait_for_selector("text=Länken är kopierad.")
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    screenshot(page, "decided")

    page.emulate_media(media="print")
    assert not page.locator(".question-form, .site-header").first.is_visible()
    screenshot(page, "print")
    page.emulate_media(media="screen")

    page.set_viewport_size({"width": 768, "height": 1024})
    screenshot(page, "decided-768")

    page.get_by_role("link", name="Hemsjukvårdsavtalet §7.3").first.click()
    page.wait_for_url("**/avtal/klausul/jh-hemsjukvard-7.3")
    assert "Regler som citerar klausulen" in page.content()
    screenshot(page, "cited-clause")


def test_the_guide_works_without_javascript(chromium_browser, live_server, screenshot):
    context = chromium_browser.new_context(
        java_script_enabled=False,
        viewport={"width": 768, "height": 1024},
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        base_url=live_server.url,
    )
    page = context.new_page()
    try:
        page.goto("/guide/")
        page.get_by_label("Region Gävleborg").check()
        page.get_by_label("Vilket datum gäller frågan?").fill("2019-03-01")
        page.get_by_role("button", name="Börja").click()
        page.wait_for_load_state()
        assert "region=gavleborg" in page.url and "date=2019-03-01" in page.url
        fact = page.locator(".question-form [name]:not([type=hidden])").first.get_attribute("name")
        page.get_by_role("button", name="Vet inte – hoppa över").click()
        page.wait_for_load_state()
        assert f"skip={fact}" in page.url
        assert not page.get_by_role("button", name="Kopiera länk").is_visible()
        screenshot(page, "no-js")
    finally:
        context.close()
