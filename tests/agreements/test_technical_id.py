"""Issue 14: an agreement's technical id and version key are behind "Visa teknisk
information" (a closed details element), not in the page's main text: the agreements room's
agreement page and the library's clause page."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from samverkan.accounts.models import Role

pytestmark = pytest.mark.django_db


def plain_view(html: str) -> str:
    """The page as a reader sees it without opening "Visa teknisk information"."""
    without = re.sub(r"<details class=\"technical\">.*?</details>", "", html, flags=re.S)
    without = re.sub(r"<[^>]+>", " ", without)
    return " ".join(html_lib.unescape(without).split())


def test_the_agreement_page_shows_the_id_only_behind_the_technical_details(
    client_as, make_staff, orgs
):
    page = client_as(make_staff(Role.ADMINISTRATOR, orgs.region_jh))
    html = page.get("/avvikelser/avtal/jh-hemsjukvard/").content.decode()
    text = plain_view(html)
    assert "jh-hemsjukvard" not in text and "Avtals-id" not in text
    assert "Version 2020-03-01" in text  # the version as a date, in plain words
    (details,) = re.findall(r"<details class=\"technical\">.*?</details>", html, flags=re.S)
    assert '<details class="technical" open' not in html  # closed
    assert "Visa teknisk information" in details
    assert "<code>jh-hemsjukvard@2020-03-01</code>" in details


def test_the_clause_page_names_the_agreement_in_words_and_its_id_behind_details(client):
    html = client.get("/avtal/klausul/jh-hemsjukvard-7.3").content.decode()
    text = plain_view(html)
    assert "jh-hemsjukvard (version" not in text
    assert "Avtal Hemsjukvårdsavtalet, version 2020-03-01" in text
    assert "jh-hemsjukvard (version 2020-03-01)" in html  # behind the technical details
