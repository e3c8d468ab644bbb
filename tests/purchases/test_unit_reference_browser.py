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
