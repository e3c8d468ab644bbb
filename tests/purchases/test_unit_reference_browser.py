"""The Fakturamottagare page's references per ordering unit at 1280 and 768 px: the units'
table and the form fit, the controls are large enough for a finger, and saving a code the
buyer's rule refuses shows the field's Swedish message (issue 12)."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Unit, UnitKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_units_references_on_the_buyer_page(page, login, tk, screenshot) -> None:
    region = tk.orgs.region_jh
    Unit.objects.create(
        organisation=region, name="Hälsocentral Centrum", kind=UnitKind.PRIMARY_CARE
    )
    Unit.objects.create(organisation=region, name="Medicinkliniken", kind=UnitKind.SPECIALIST_CARE)
    login(page, tk.ekonom_region)
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/tjanstekop/fakturamottagare/23/")
        section = page.locator(
            "section", has=page.get_by_role("heading", name="Er referens per beställande enhet")
        )
        assert section.get_by_role("cell", name="Medicinkliniken").is_visible()
        for control in (
            section.get_by_label("Beställande enhet"),
            section.get_by_label("Er referens för enheten"),
            section.get_by_role("button", name="Spara enhetens referens"),
        ):
            box = control.bounding_box()
            assert box and box["height"] >= 44 and box["width"] >= 44
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, width
        screenshot(page, f"unit-references-{width}")
    section.get_by_label("Beställande enhet").select_option(label="Medicinkliniken")
    section.get_by_label("Er referens för enheten").fill("HC Lit 4120")
    section.get_by_role("button", name="Spara enhetens referens").click()
    assert page.get_by_text("ska vara sex siffror").first.is_visible()
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Er referens per beställande enhet")
    )
    section.get_by_label("Beställande enhet").select_option(label="Medicinkliniken")
    section.get_by_label("Er referens för enheten").fill("412020")
    section.get_by_role("button", name="Spara enhetens referens").click()
    assert page.get_by_role("cell", name="412020").is_visible()


def test_the_unit_list_follows_the_chosen_orderer(page, login, tk) -> None:
    """Choosing another orderer reloads the registration form's unit list (htmx) with that
    orderer's units; the no-JavaScript button "Visa enheter" is not shown."""
    from django.urls import reverse

    Unit.objects.create(
        organisation=tk.orgs.region_jh, name="Hälsocentral Centrum", kind=UnitKind.PRIMARY_CARE
    )
    Unit.objects.create(
        organisation=tk.orgs.krokom, name="Hemtjänsten Krokom", kind=UnitKind.HOME_HEALTH_CARE
    )
    login(page, tk.nurse)
    page.set_viewport_size({"width": 768, "height": 900})
    page.goto(reverse("purchases:index"))
    page.get_by_text("Beställare, beställande enhet och tvistreferens").click()
    units = page.get_by_label("Beställande enhet")
    assert units.locator("option", has_text="Hälsocentral Centrum").count() == 1
    assert not page.get_by_role("button", name="Visa enheter").is_visible()
    with page.expect_response(lambda r: "enheter=1" in r.url):
        page.locator("#id_orderer").select_option(str(tk.orgs.krokom.pk))
    units = page.get_by_label("Beställande enhet")
    assert units.locator("option", has_text="Hemtjänsten Krokom").count() == 1
    assert units.locator("option", has_text="Hälsocentral Centrum").count() == 0
    units.select_option(label="Hemtjänsten Krokom")
    box = units.bounding_box()
    assert box and box["height"] >= 44
