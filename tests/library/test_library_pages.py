"""Avtalsbiblioteket over HTTP: status on dates, clause viewer, citing rules, search."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.test import Client

from samverkan.accounts.models import Role
from samverkan.library import services
from samverkan.rules.clauses.library import clauses, get

pytestmark = pytest.mark.django_db


def _rows(day: str) -> dict[str, services.AgreementRow]:
    return {row.id: row for row in services.agreements_on(dt.date.fromisoformat(day))}


def test_anonymous_user_sees_every_agreement(client):
    response = client.get("/avtal/")
    html = response.content.decode()
    assert response.status_code == 200
    for title in (
        "Samverkansavtal gällande hemsjukvård (rev. 2020-03-01)",
        "Bilaga 2 Samverkan och ansvar primärvård – kommun",
        "Överenskommelse om samverkan gällande personer med psykiska funktionsnedsättningar",
        "Överenskommelse svårt sjuka personer som vårdas i hemmet",
    ):
        assert title in html
    assert f'value="{dt.date.today().isoformat()}"' in html


def test_status_while_everything_was_in_force():
    rows = _rows("2019-06-01")
    assert all(row.status.in_force for row in rows.values())
    assert rows["jh-hemsjukvard"].status.term_end == dt.date(2020, 12, 31)
    assert rows["jh-hemsjukvard"].status.next_notice_deadline == dt.date(2020, 6, 30)
    assert rows["gvb-svart-sjuka"].status.next_notice_deadline is None


def test_status_after_renewal():
    rows = _rows("2022-02-01")
    home_care = rows["jh-hemsjukvard"]
    assert home_care.status.in_force and home_care.status.renews
    assert home_care.status.term_start == dt.date(2021, 1, 1)
    assert home_care.status.term_end == dt.date(2022, 12, 31)
    assert home_care.status.next_notice_deadline == dt.date(2022, 6, 30)
    assert home_care.notice_ends_term_on == dt.date(2022, 12, 31)
    assert rows["jh-psykisk"].status.ended and rows["gvb-svart-sjuka"].status.ended


def test_deadline_passed_moves_to_the_next_term():
    home_care = _rows("2022-08-01")["jh-hemsjukvard"]
    assert home_care.status.next_notice_deadline == dt.date(2024, 6, 30)
    assert home_care.notice_ends_term_on == dt.date(2024, 12, 31)


def test_status_page_on_a_renewal_date(client):
    html = client.get("/avtal/?date=2022-08-01").content.decode()
    assert "Avtalens status 2022-08-01" in html
    assert "2021-01-01 – 2022-12-31" in html
    assert "<strong>2024-06-30</strong>" in html and "avtalet upphör då 2024-12-31" in html
    assert "förlängs med 2 år i taget" in html
    assert "Har upphört" in html and "Gäller" in html
    assert "SVOM/Fredagsgruppen" in html
    assert "Följer huvudavtalet Hemsjukvårdsavtalet" in html
    assert "jh-hemsjukvard" not in html.replace('href="/avtal/jh-', "")  # no slug as text


def test_bad_date_gives_400_in_swedish(client):
    response = client.get("/avtal/?date=2022-13-01")
    assert response.status_code == 400
    assert "Skriv det som ÅÅÅÅ-MM-DD" in response.content.decode()


def test_agreement_page_lists_its_clauses(client):
    html = client.get("/avtal/jh-hemsjukvard/").content.decode()
    assert '<a href="/avtal/klausul/jh-hemsjukvard-7.3">Hemsjukvårdsavtalet §7.3</a>' in html
    assert "Kodad" in html and "Text" in html
    assert client.get("/avtal/okant-avtal/").status_code == 404


def test_clause_page_shows_text_source_and_citing_rules(client):
    clause = get("jh-hemsjukvard §7.3")
    response = client.get("/avtal/klausul/jh-hemsjukvard-7.3")
    html = response.content.decode()
    assert response.status_code == 200
    # The exact text, line breaks kept, footnote digits as superscripts.
    shown = re.sub(r'<sup class="footnote-ref">(\d+)</sup>', r"\1", html)
    assert html_lib.escape(clause.text, quote=False) in shown
    assert "\n" in clause.text
    assert f"{clause.source}, rad {clause.line_start}–{clause.line_end}" in html  # technical
    assert "Kodad" in html
    assert "<code>jh-hsv.responsibility.medication_risk</code>" in html  # technical
    assert "Risk kvarstår trots dosdispensering/hjälpmedel är ja" in html  # describe()
    assert "Hälso- och sjukvårdsansvar: <strong>Kommunen</strong>" in html
    assert "Går före (undantag från)" in html
    assert "jh-hsv.responsibility.ordinary_without_needs" in html


def test_prose_clause_shows_why_it_has_no_rules(client):
    html = client.get("/avtal/klausul/jh-hemsjukvard-2").content.decode()
    assert "Syfte och ledord; inga ansvarsregler." in html
    assert "Regler som citerar klausulen" not in html


@pytest.mark.parametrize(
    "path",
    [
        "/avtal/klausul/?id=jh-hemsjukvard §7.3",
        "/avtal/klausul/?id=JH-HEMSJUKVARD § 7.3",
        "/avtal/klausul/jh-hemsjukvard §7.3",
        "/avtal/klausul/JH-Hemsjukvard-7.3",
    ],
)
def test_clause_ids_in_any_spelling_redirect_to_the_viewer(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == "/avtal/klausul/jh-hemsjukvard-7.3"


def test_unknown_clause_is_404_in_swedish(client):
    response = client.get("/avtal/klausul/jh-hemsjukvard-99")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Klausulen finns inte" in html and "Okänd klausul" in html
    assert client.get("/avtal/klausul/?id=").status_code == 404


def test_every_clause_has_a_working_page(client):
    slugs = set()
    for clause_id in clauses():
        url = services.clause_url(clause_id)
        slugs.add(url)
        assert client.get(url).status_code == 200, url
    assert len(slugs) == len(clauses())


def test_search_finds_dosdispensering_in_7_3(client):
    response = client.get("/avtal/sok", {"q": "läkemedel dosdispensering"})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="/avtal/klausul/jh-hemsjukvard-7.3">Hemsjukvårdsavtalet §7.3</a>' in html
    assert "<mark>dosdispensering</mark>" in html
    hits = [r.clause.id for r in response.context["results"]]
    assert "jh-hemsjukvard §7.3" in hits[:3]


def test_search_filter_and_empty_query(client):
    response = client.get("/avtal/sok", {"q": "läkemedel", "avtal": "gvb-svart-sjuka"})
    assert all(r.clause.agreement == "gvb-svart-sjuka" for r in response.context["results"])
    assert client.get("/avtal/sok").context["results"] == []
    assert client.get("/avtal/sok", {"q": "läkemedel", "avtal": "nej"}).status_code == 200


def test_highlight_escapes_the_text():
    marked = services.highlight("<b>läkemedlen</b> & mer", {"läkemedl"})
    assert "&lt;b&gt;" in marked and "&amp;" in marked
    assert "<mark>läkemedlen</mark>" in marked


def test_logged_in_users_see_the_same_library(client_as, nurse):
    assert client_as(nurse).get("/avtal/").status_code == 200


def test_footnote_digits_are_superscripts_not_glued_to_words(client):
    """The agreements' plain text glues footnote digits to words ("sjukvårdslagen5"); a
    nurse reads them as references (issue 13, "Words a nurse understands")."""
    from django.template import Context, Template

    rendered = Template("{{ text|quoted }}").render(
        Context({"text": "enligt hälso- och sjukvårdslagen5 och K2, lag 2017:612 <b> närstående8."})
    )
    assert 'sjukvårdslagen<sup class="footnote-ref">5</sup> och K2' in rendered
    assert "2017:612 &lt;b&gt; närstående<sup" in rendered
    assert Template("{{ c|clause_name }}").render(Context({"c": "jh-psykisk §5.1"})) == (
        "Överenskommelsen om psykisk funktionsnedsättning §5.1"
    )
    page = client.get("/avtal/klausul/jh-hemsjukvard-7.3").content.decode()
    assert "Hemsjukvårdsavtalet §7.3" in page
    visible = page.split("Visa teknisk information")[0]
    assert ".txt, rad" not in visible and "jh-hsv." not in visible


def _agreement_order(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/avtal/([a-z0-9-]+)/">', html)


def test_staff_see_their_own_countys_agreements_first(client_as, make_staff, orgs):
    """Issue 13 (role walks): a Gävleborg nurse first saw Jämtland's agreements."""
    anonymous = _agreement_order(Client().get("/avtal/").content.decode())
    assert anonymous[0].startswith("jh-")  # the library's own order, unchanged
    gavle_nurse = make_staff(Role.NURSE, orgs.gavle, "gavle.sjukskoterska")
    html = client_as(gavle_nurse).get("/avtal/").content.decode()
    order = _agreement_order(html)
    assert sorted(order) == sorted(anonymous)
    gvb = [a for a in anonymous if a.startswith("gvb-")]
    assert gvb and order[: len(gvb)] == gvb
    jamtland_nurse = make_staff(Role.NURSE, orgs.ostersund, "ostersund.sjukskoterska")
    assert _agreement_order(client_as(jamtland_nurse).get("/avtal/").content.decode()) == anonymous
