"""The Fakturamottagare page of a buyer whose sources disagree, at 1280 and 768 px: the
notice and the rule form fit, nothing is cut off."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Organisation, OrganisationKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bergs_page_says_the_sources_disagree(page, login, tk, screenshot) -> None:
    Organisation.objects.create(
        name="Bergs kommun",
        kind=OrganisationKind.MUNICIPALITY,
        scb_code="2326",
        region="jamtland-harjedalen",
        org_number="212000-2502",
        org_number_source="own_page",
    )
    login(page, tk.admin)
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/tjanstekop/fakturamottagare/2326/")
        notice = page.get_by_role("status").filter(has_text="Källorna är oeniga")
        assert notice.is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, width
        button = page.get_by_role("button", name="Spara reglerna").bounding_box()
        assert button and button["height"] >= 44 and button["width"] >= 44
        screenshot(page, f"bergs-{width}")
