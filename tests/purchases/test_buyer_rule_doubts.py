"""What the reference data is unsure of is shown as such (issue 12): Bergs kommun's invoice
address, where its sources disagree (the current page states none, the 2018 page "FE 299, 838
80 Frösön"), and Hudiksvalls kommun's rule and address, which come from a page reviewed in
2011. Both are shown on the Fakturamottagare pages with every source; the uncertain rule is
also a warning when invoicing, until someone checks the rule and saves it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from samverkan.accounts.models import Organisation, OrganisationKind
from samverkan.accounts.reference import DISAGREE, OUTDATED, REFERENCE
from samverkan.purchases import buyers, services
from samverkan.purchases.models import DetailChannel

REFERENCE_FILE = (
    Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "organisations.csv"
)
DAY = dt.date(2026, 3, 10)


def _rows() -> dict[str, dict[str, str]]:
    with REFERENCE_FILE.open(encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def test_the_address_statuses_follow_the_reference_file() -> None:
    rows = _rows()
    disagreeing = {
        code
        for code, row in rows.items()
        if "current page" in row["invoice_address"] and "older page" in row["invoice_address"]
    }
    outdated = {code for code, row in rows.items() if "may be outdated" in row["invoice_address"]}
    assert disagreeing == {"2326"} and outdated == {"2184"}  # Bergs, Hudiksvall
    assert {c for c, r in REFERENCE.items() if r.address_status == DISAGREE} == disagreeing
    assert {c for c, r in REFERENCE.items() if r.address_status == OUTDATED} == outdated
    for code in disagreeing | outdated:
        readings = REFERENCE[code].invoice_address_readings
        urls = rows[code]["source_urls"].split()
        assert readings and all(r.url in urls for r in readings), code
    bergs = REFERENCE["2326"].invoice_address_readings
    assert len({r.url for r in bergs}) == 2
    assert "FE 299" in rows["2326"]["invoice_address"]
    assert any("FE 299, 838 80 Frösön" in r.value for r in bergs)
    assert any("ingen fakturaadress" in r.value for r in bergs)  # "current page: not stated"


def test_the_seeds_mark_the_rule_from_the_2011_page_as_uncertain() -> None:
    rows = _rows()
    old = {code for code, row in rows.items() if "(2011 page)" in row["invoice_rules"]}
    assert old == {"2184"}
    assert {c for c, seed in buyers.SEEDS.items() if seed.uncertain} == old
    assert "2011" in buyers.SEEDS["2184"].uncertain


def _org(code: str, name: str) -> Organisation:
    return Organisation.objects.create(
        name=name, kind=OrganisationKind.MUNICIPALITY, scb_code=code, region="gavleborg"
    )


@pytest.mark.django_db
def test_the_pages_show_bergs_address_disagreement_with_both_sources(tk, client_as) -> None:
    _org("2326", "Bergs kommun")
    page = client_as(tk.admin).get(reverse("purchases:buyer", args=["2326"])).content.decode()
    block = page[page.index('id="fakturaadress-kallor"') :].split("</div>", 1)[0]
    assert "Källorna är oeniga" in block and "om fakturaadressen" in block
    assert "kommunens nuvarande sida</a>: anger ingen fakturaadress" in block
    assert "(uppdaterad 2018-06-28)</a>: Bergs kommun, FE 299, 838 80 Frösön" in block
    for reading in REFERENCE["2326"].invoice_address_readings:
        assert f'href="{reading.url}"' in block
    listing = client_as(tk.admin).get(reverse("purchases:buyers")).content.decode()
    row = listing[listing.index("Bergs kommun") :].split("</tr>", 1)[0]
    assert "Fakturaadress: källorna är oeniga" in row
    # a buyer whose address the file has from its own page shows no doubt
    gavle = client_as(tk.admin).get(reverse("purchases:buyer", args=["2180"])).content.decode()
    assert 'id="fakturaadress-kallor"' not in gavle and "Osäker" not in gavle


@pytest.mark.django_db
def test_hudiksvalls_rule_and_address_are_shown_as_uncertain_until_checked(tk, client_as) -> None:
    hudiksvall = _org("2184", "Hudiksvalls kommun")
    client = client_as(tk.admin)
    page = client.get(reverse("purchases:buyer", args=["2184"])).content.decode()
    assert 'id="osaker-regel"' in page and "granskad 2011-08-22" in page
    block = page[page.index('id="fakturaadress-kallor"') :].split("</div>", 1)[0]
    assert "Osäker fakturaadress" in block and "Box 329, 824 27 Hudiksvall" in block
    listing = client.get(reverse("purchases:buyers")).content.decode()
    row = listing[listing.index("Hudiksvalls kommun") :].split("</tr>", 1)[0]
    assert "Osäker regel" in row and "Osäker fakturaadress" in row
    (rule, address) = buyers.rule_warnings(hudiksvall)
    assert rule.startswith("Osäker regel för fakturor till Hudiksvalls kommun") and "2011" in rule
    assert "Fakturaadressen till Hudiksvalls kommun är osäker" in address

    # checked and saved by an administrator: no longer unsure
    buyers.save_rule(
        tk.admin,
        hudiksvall,
        reference_format="alnum8",
        attachment_types="",
        detail_channel=DetailChannel.SEPARATE,
        invoice_reference="HUD123",
        source="Hudiksvalls kommun per telefon 2026-12-04",
    )
    assert buyers.rule_warnings(hudiksvall) == []
    page = client.get(reverse("purchases:buyer", args=["2184"])).content.decode()
    assert 'id="osaker-regel"' not in page and 'id="fakturaadress-kallor"' not in page


@pytest.mark.django_db
def test_an_uncertain_rule_is_a_warning_when_invoicing(
    tk, register, monkeypatch, api_client
) -> None:
    """The preview and the run's result say it; the invoice is still issued."""
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    seed = dataclasses.replace(buyers.SEEDS["23"], uncertain=buyers.SEEDS["2184"].uncertain)
    monkeypatch.setitem(buyers.SEEDS, "23", seed)
    kw = {"seller": tk.orgs.ostersund, "buyer": tk.orgs.region_jh, "month": DAY}
    preview = services.preview_run(tk.ekonom, **kw)
    assert not preview.blocking
    (warning,) = preview.warnings
    assert "Osäker regel för fakturor till Region Jämtland Härjedalen" in warning
    assert "granskad 2011-08-22" in warning
    response = api_client(tk.ekonom).get(
        "/api/purchases/runs/preview", {"buyer": "23", "month": "2026-03"}
    )
    assert response.status_code == 200 and response.json()["warnings"] == [warning]
    result = services.run_invoices(tk.ekonom, **kw, today=dt.date(2026, 4, 2))
    assert result.status == "created" and len(result.created) == 1
    assert warning in result.messages


@pytest.mark.django_db
def test_a_buyer_without_doubts_gets_no_warning(tk, register) -> None:
    register(tk.nurse, tk.p1, DAY, "09:00", "10:00", approve_by=tk.ekonom)
    preview = services.preview_run(
        tk.ekonom, seller=tk.orgs.ostersund, buyer=tk.orgs.region_jh, month=DAY
    )
    assert preview.warnings == []
