"""In a real browser: a kommun nurse reports a serious deviation; the region's receiver
finds it in "Mina uppgifter", opens it and starts the investigation."""

from __future__ import annotations

import datetime as dt

import pytest

# Import the URLconf (and so every app's API) now: the live server's first request would
# otherwise spend longer than the page timeout importing it on a busy 2-core machine.
import samverkan.config.urls  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_serious_deviation_from_kommun_nurse_to_region_receiver(page, login, people, screenshot):
    login(page, people.kommun_nurse)
    page.get_by_role("link", name="Avvikelser", exact=True).first.click()
    page.get_by_role("link", name="Rapportera avvikelse").click()
    page.get_by_label("Till huvudman").select_option(label="Region Jämtland Härjedalen")
    page.get_by_label("Kategori").select_option(label="vårdövergång/informationsöverföring")
    page.get_by_label("Allvarlighetsgrad").select_option(label="allvarlig")
    page.get_by_label("Datum").fill((dt.date.today() - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Klockslag").fill("14:30")
    page.get_by_label("Var hände det?").fill(
        "Utskrivning från medicinkliniken till ordinärt boende"
    )
    page.get_by_label("Vad hände?").fill(
        "Patienten kom hem utan aktuell läkemedelslista; insulindosen var ändrad utan besked."
    )
    screenshot(page, "1-form")
    page.get_by_role("button", name="Skicka").click()
    page.wait_for_load_state()
    content = page.content()
    assert "Avvikelsen är skickad till Region Jämtland Härjedalen" in content
    assert "Allvarlig avvikelse: direktkontakt med chefsläkare/MAS" in content
    assert "Vid allvarliga avvikelser ska direktkontakt tas med chefsläkare/MAS." in content
    screenshot(page, "2-reported")

    page.get_by_role("button", name="Logga ut").click()
    login(page, people.region_receiver)
    task = page.get_by_role("link", name="att besvara")
    assert task.count() == 1
    screenshot(page, "3-receiver-start")
    task.click()
    page.wait_for_load_state()
    assert "du är mottagare" in page.content() and "Mottagen" in page.content()
    page.get_by_role("button", name="Påbörja utredning").click()
    page.wait_for_load_state()
    assert "Status: utreds" in page.content()
    screenshot(page, "4-receiver-investigating")
