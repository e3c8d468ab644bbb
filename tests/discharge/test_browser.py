"""The parties in a real browser (issue 16): the region's forum member enters a version of
the local terms, the kommun's forum member confirms it after the confirmation step; at
1280 px and at 768 px, nothing cut off and every control at least 44 px."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role
from samverkan.discharge.models import LocalTermsConfirmation, LocalTermsVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth > document.documentElement.clientWidth"
SMALL_CONTROLS = """() => [...document.querySelectorAll(
  'main button, main input:not([type=hidden]), main select, main a.button, main .checks label')]
  .filter(e => { const r = e.getBoundingClientRect(); return r.width && r.height < 44; })
  .map(e => e.outerHTML.slice(0, 80))"""


@pytest.mark.parametrize("width", [1280, 768])
def test_region_enters_and_kommun_confirms(
    width, page, login, make_staff, orgs, screenshot
) -> None:
    region = make_staff(Role.FORUM_MEMBER, orgs.region_jh, f"forum.jh.{width}")
    kommun = make_staff(Role.FORUM_MEMBER, orgs.ostersund, f"forum.ost.{width}")
    page.set_viewport_size({"width": width, "height": 900})
    login(page, region)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Utskrivning").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Lokala villkor för betalningsansvar").is_visible()
    page.get_by_label("Gäller från (ÅÅÅÅ-MM-DD)").fill("2026-11-01")
    page.get_by_label("Överenskommelsens namn").fill("Överenskommelse om utskrivning")
    page.get_by_label("Gäller för").select_option(label="Östersunds kommun")
    page.locator("#days-somatic").fill("tre")
    page.get_by_role("button", name="Lägg in versionen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dagar efter meddelandet, somatisk vård: ange ett heltal.").is_visible()
    assert not LocalTermsVersion.objects.exists()
    page.locator("#days-somatic").fill("2")
    page.locator("#amount-somatic").fill("8500")
    page.get_by_role("button", name="Lägg in versionen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Versionen är inlagd.").is_visible()
    assert page.locator(".terms-table").get_by_text("Ej bekräftad").is_visible()
    assert not page.evaluate(OVERFLOW)
    assert page.evaluate(SMALL_CONTROLS) == []
    screenshot(page, f"entered-{width}")

    page.context.clear_cookies()
    login(page, kommun)
    page.goto("/utskrivning/villkor/")
    page.get_by_role("link", name="Granska och bekräfta").click()
    page.wait_for_load_state()
    assert page.get_by_text("En bekräftelse kan inte ångras.", exact=False).is_visible()
    page.get_by_role("button", name="Bekräfta versionen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Bekräfta att villkoren stämmer").is_visible()
    assert not LocalTermsConfirmation.objects.exists()
    assert page.evaluate(SMALL_CONTROLS) == []
    screenshot(page, f"confirm-{width}")
    page.get_by_label("Villkoren stämmer med den undertecknade överenskommelsen").check()
    page.get_by_role("button", name="Bekräfta versionen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Versionen är bekräftad.").is_visible()
    assert page.locator(".terms-table").get_by_text("Bekräftad av Östersunds kommun").is_visible()
    assert not page.evaluate(OVERFLOW)
    screenshot(page, f"confirmed-{width}")
    assert LocalTermsConfirmation.objects.get().confirmed_by_organisation == orgs.ostersund
