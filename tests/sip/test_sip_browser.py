"""In a real browser: a kommun nurse starts a SIP with consent and invites another
kommun's unit; that unit's staff logs in, finds the invitation and sees the plan."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver

from samverkan.sip.models import Sip

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_sip_with_consent_and_the_invited_kommun_sees_it(
    page, login, screenshot, staff, person, units
):
    # Import every app's views here, so the live server's first page loads in time.
    get_resolver().url_patterns  # noqa: B018
    login(page, staff.ost)
    page.goto(f"/personer/{person.pk}/")
    page.get_by_role("link", name="Starta SIP", exact=True).click()
    page.get_by_label("Avtal som planen görs enligt").select_option("jh-hemsjukvard")
    screenshot(page, "1-start")
    page.get_by_role("button", name="Starta SIP").click()
    page.wait_for_url(re.compile(r"/sip/\d+/$"))
    sip = Sip.objects.get()
    assert "Inget gällande samtycke" in page.content()

    page.get_by_role("link", name="Registrera samtycke").click()
    page.get_by_label("personens eget samtycke").check()
    page.get_by_label("alla kallade deltagare").check()
    screenshot(page, "2-consent")
    page.get_by_role("button", name="Registrera", exact=True).click()
    page.wait_for_url(re.compile(rf"/sip/{sip.pk}/$"))
    assert "Samtycket är registrerat" in page.content()

    # One meeting for the SIP, then the invitations to it.
    page.get_by_role("link", name="Ändra tid och plats").click()
    page.get_by_label("Mötestid").fill("2030-03-04T13:30")
    page.get_by_label("Mötesplats").fill("Krokoms kommunhus")
    page.get_by_role("button", name="Spara mötet").click()
    page.wait_for_url(re.compile(rf"/sip/{sip.pk}/#mote$"))
    assert "2030-03-04 13:30" in page.locator("#mote").locator("..").inner_text()

    page.get_by_role("link", name="Kalla deltagare").click()
    # HTMX binds the organisation field when the page has loaded; a change before that
    # (a slow machine) would be missed.
    page.wait_for_url(re.compile(rf"/sip/{sip.pk}/kalla/$"))
    page.wait_for_load_state("load")
    page.get_by_label("Organisation").select_option(label="Krokoms kommun")
    # HTMX narrows the units to Krokom's.
    unit_select = page.get_by_label("Enhet")
    page.wait_for_function(
        "() => !document.querySelector('#id_unit').textContent.includes('Östersund')"
    )
    unit_select.select_option(label="Biståndsenheten")
    screenshot(page, "3-invite")
    page.get_by_role("button", name="Skicka kallelse").click()
    page.wait_for_url(re.compile(rf"/sip/{sip.pk}/#deltagare$"))
    assert "Kallelsen är skickad" in page.content()
    participant = sip.participants.get()  # ids differ between databases: ask, don't assume
    participants = page.locator(f"#deltagare-{participant.pk}")
    assert "Biståndsenheten, Krokoms kommun" in participants.inner_text()
    screenshot(page, "4-sip-initiator")

    page.get_by_role("button", name="Logga ut").click()
    login(page, staff.krokom)
    link = page.get_by_role("link", name=f"Kallelse till SIP nr {sip.pk} att besvara")
    screenshot(page, "5-krokom-start")
    link.click()
    page.wait_for_url(re.compile(rf"/sip/{sip.pk}/"))
    content = page.content()
    assert "Sigrid Planström" in content
    assert "Registrera samtycke" not in content  # consent is the initiator's
    page.get_by_role("button", name="Acceptera kallelsen").click()
    page.get_by_text("Du har accepterat kallelsen.").wait_for()
    screenshot(page, "6-krokom-sip")
    assert sip.participants.get().response == "accepted"

    # The invited unit takes part in the plan: a goal in the person's words and its action.
    page.get_by_role("link", name="Redigera planen").click()
    page.locator('[name="goals"]').fill("Jag vill klara mig hemma med lite hjälp")
    page.locator('[name="actions-0-description"]').fill("Biståndsbedömning av hemtjänst")
    page.locator('[name="actions-0-huvudman"]').select_option("municipality")
    page.locator('[name="actions-0-organisation"]').select_option(label="Krokoms kommun")
    page.locator('[name="actions-0-unit"]').select_option(str(units.krokom_social.pk))
    page.locator('[name="actions-0-due"]').fill("2030-03-20")
    screenshot(page, "7-krokom-editor")
    page.get_by_role("button", name="Spara ny version").click()
    page.wait_for_url(re.compile(rf"/sip/{sip.pk}/$"))
    assert "Planen är sparad som version 2" in page.content()
    assert "Biståndsbedömning av hemtjänst" in page.locator("#insatser").locator("..").inner_text()
    screenshot(page, "8-krokom-saved")
