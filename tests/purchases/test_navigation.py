"""Tjänsteköp's sub-navigation links only pages the user's role may open (issue 13: walking
every role found a nurse offered "Fakturering", "Prislistor" and "Fakturamottagare" and an
administrator "Månadsgranskning" and "Import (CSV)", each answering 403 "Åtkomst nekad")."""

from __future__ import annotations

import re

import pytest

from samverkan.accounts.models import Role

SUBNAV = re.compile(r'<nav aria-label="Tjänsteköp">(.*?)</nav>', re.S)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("county", ["ostersund", "region_jh"])
def test_every_subnav_link_opens(role, county, make_staff, orgs, client_as) -> None:
    client = client_as(make_staff(role, getattr(orgs, county)))
    start = client.get("/tjanstekop/")
    if start.status_code == 403:
        return  # the role has no Tjänsteköp at all (and no link to it in the main navigation)
    assert start.status_code == 200
    nav = SUBNAV.search(start.content.decode())
    assert nav, "the page has no Tjänsteköp navigation"
    links = re.findall(r'href="([^"]+)"', nav.group(1))
    assert "/tjanstekop/" in links
    refused = {link: client.get(link).status_code for link in links}
    refused = {link: status for link, status in refused.items() if status != 200}
    assert not refused, f"{role.label} is offered pages it may not open: {refused}"


def test_an_administrator_is_not_sent_to_the_month_review(make_staff, orgs, client_as) -> None:
    """The administrator's Tjänsteköp page said "Använd månadsgranskning, fakturering eller
    prislistor" though the month review answers 403 to the role."""
    client = client_as(make_staff(Role.ADMINISTRATOR, orgs.gavle))
    page = client.get("/tjanstekop/").content.decode()
    assert "Din roll registrerar inte insatser. Välj en av sidorna ovan." in page
    assert "Använd månadsgranskning" not in page and "Månadsgranskning" not in page
