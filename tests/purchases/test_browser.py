"""Tjänsteköp in a real browser at tablet size: a nurse registers, the ekonom invoices and
downloads the e-invoice."""

from __future__ import annotations

import pytest

from samverkan.purchases.models import Invoice, ServiceRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_on_a_tablet_then_invoice_and_download(
    page, login, tk, screenshot, tmp_path
) -> None:
    page.set_viewport_size({"width": 768, "height": 1024})  # tablet, portrait
    login(page, tk.nurse)
    page.goto("/tjanstekop/")
    page.get_by_label("Datum").fill("2026-03-10")
    page.locator("#id_start").fill("15:30")
    page.locator("#id_end").fill("18:15")
    page.get_by_label("Person").select_option(
        label=f"{tk.p1.family_name}, {tk.p1.given_name} ({tk.p1.birth_date:%Y})"
    )
    page.locator("#id_intervention").select_option("nursing")
    screenshot(page, "1-registrera")
    page.get_by_role("button", name="Spara insatsen").click()
    page.wait_for_load_state()
    assert "Insatsen är registrerad" in page.content()
    assert ServiceRecord.objects.count() == 2
    screenshot(page, "2-registrerad")

    page.get_by_role("button", name="Logga ut").click()
    page.set_viewport_size({"width": 1024, "height": 768})  # tablet, landscape
    login(page, tk.ekonom)
    page.goto("/tjanstekop/manad/?month=2026-03")
    # Wait for the approval's answer: going on at once would cancel the POST.
    with page.expect_navigation():
        page.get_by_role("button", name="Godkänn alla utkast för fakturering").click()
    screenshot(page, "3-manad")

    page.goto("/tjanstekop/fakturering/")
    page.get_by_label("Månad").fill("2026-03")
    page.get_by_label("Köpare").select_option(label="Region Jämtland Härjedalen")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa vad som faktureras").click()
    assert not Invoice.objects.exists()  # the preview writes nothing
    # Wait for the answer to the run, not for the page already loaded (PostgreSQL is slower).
    with page.expect_navigation():
        page.get_by_role("button", name="Bekräfta: skapa fakturor och lås månaden").click()
    assert Invoice.objects.exists(), page.locator("main").inner_text()[:3000]
    invoice = Invoice.objects.get()
    assert invoice.number in page.content()
    screenshot(page, "4-fakturering")

    page.get_by_role("link", name=f"Faktura {invoice.number}").first.click()
    page.wait_for_load_state()
    screenshot(page, "5-faktura")
    # At 768 px the lines are cards: the amount was cut off at the right edge, unseen
    page.set_viewport_size({"width": 768, "height": 1024})
    amount = page.locator("main table tbody tr").first.locator("td").last.bounding_box()
    assert amount is not None and amount["x"] + amount["width"] <= 768
    screenshot(page, "5-faktura-768")
    page.set_viewport_size({"width": 1024, "height": 768})
    with page.expect_download() as info:
        page.get_by_role("link", name="E-faktura (Peppol BIS 3.0)").click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename == f"{invoice.number}.xml"
    assert b"urn:fdc:peppol.eu:2017:poacc:billing:3.0" in target.read_bytes()
    with page.expect_download() as info:
        page.get_by_role("link", name="Bilaga (CSV)").click()
    assert info.value.suggested_filename == f"{invoice.number}-bilaga.csv"
