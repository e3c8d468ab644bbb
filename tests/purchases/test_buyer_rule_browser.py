"""The Fakturamottagare page of a buyer whose sources disagree, at 1280 and 768 px: the
notices (reference format, invoice address with its sources) and the rule form fit, nothing
is cut off."""

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
        notices = page.get_by_role("status").filter(has_text="Källorna är oeniga")
        assert notices.count() == 2  # the reference's format and the invoice address
        assert all(notices.nth(i).is_visible() for i in range(2))
        # each source of the address is a link a finger can hit
        for link in page.locator("#fakturaadress-kallor a").all():
            box = link.bounding_box()
            assert box and box["height"] >= 44, link.inner_text()
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, width
        button = page.get_by_role("button", name="Spara reglerna").bounding_box()
        assert button and button["height"] >= 44 and button["width"] >= 44
        screenshot(page, f"bergs-{width}")
