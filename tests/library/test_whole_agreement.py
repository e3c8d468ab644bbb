"""Avtalsbiblioteket: each agreement as one literate page (issue 14): the clauses in order,
their words beside the rules that implement them in Swedish, the parameters they define and
the scenarios that test them; no rule ids in plain view; public to everyone."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest

from samverkan.library import services
from samverkan.rules import AGREEMENTS, ALL_VERSIONS, all_scenarios, clauses_of
from samverkan.web import public
from tests.access_matrix import GROUPS, Failures

pytestmark = pytest.mark.django_db
URL = "/avtal/jh-hemsjukvard/hela-avtalet/"


@pytest.fixture(autouse=True)
def fresh_page():
    """Each test computes the page afresh (it is cached per agreement version)."""
    services.forget_literate()
    yield
    services.forget_literate()


def plain_view(html: str) -> str:
    """The page as a reader sees it without opening "Visa teknisk information"."""
    without = re.sub(r"<details class=\"technical\">.*?</details>", "", html, flags=re.S)
    without = re.sub(r"<[^>]+>", " ", without)
    return " ".join(html_lib.unescape(without).split()).replace(" :", ":")


def test_every_clause_in_the_agreements_order(client) -> None:
    html = client.get(URL).content.decode()
    headings = re.findall(r'<section class="whole-clause" id="([^"]+)"', html)
    assert len(headings) == len(clauses_of("jh-hemsjukvard"))
    positions = [html.index(f'id="{h}"') for h in headings]
    assert positions == sorted(positions)
    # the clause's own words are on the page
    assert "personer i ordinärt boende som har behov av stöd och hjälp över tid" in " ".join(
        html_lib.unescape(html).split()
    )


def test_rules_in_swedish_beside_the_clause_and_no_rule_ids_in_plain_view(client) -> None:
    html = client.get(URL).content.decode()
    text = plain_view(html)
    rule_ids = [r.id for v in ALL_VERSIONS if v.agreement == "jh-hemsjukvard" for r in v.rules]
    assert not [i for i in rule_ids if i in text]
    assert "Gäller när" in text and "Avgör" in text
    assert "Boendeform är Särskilt boende" in text  # a condition in Swedish
    assert "Undantag från" in text  # exceptions name what they refine
    # the ids are there, behind the technical details
    assert "jh-hsv.responsibility.special_housing" in html
    assert "Visa teknisk information" in html


def test_the_scenarios_that_test_a_clause_are_shown_with_their_result(client) -> None:
    html = client.get(URL).content.decode()
    section = html.split('id="jh-hemsjukvard-7.3"', 1)[1].split('<section class="whole-clause"', 1)[
        0
    ]
    names = [s.name for s in all_scenarios("jh-hemsjukvard §7.3")]
    assert names
    for name in names:
        assert html_lib.escape(name) in section
    text = plain_view(section)
    assert "Väntat svar" in text and "Hälso- och sjukvårdsansvar: Kommunen" in text
    assert "Ansvarsguiden svarar så." in text
    assert "Ansvarsguiden svarar annorlunda" not in text
    assert "adl_needs_over_time" not in text and "jh-hemsjukvard/7.3.toml" not in text


def test_a_scenario_the_engine_answers_differently_is_marked(client, monkeypatch) -> None:
    monkeypatch.setattr(services, "check_scenario", lambda s: ["utfall cost: väntat x"])
    text = plain_view(client.get(URL).content.decode())
    assert "Ansvarsguiden svarar annorlunda." in text
    assert "av dem får ett annat svar av ansvarsguiden" in text


def test_parameters_of_a_clause_are_shown_when_the_rules_have_them(client, monkeypatch) -> None:
    import datetime as dt
    from types import SimpleNamespace

    import samverkan.rules as door

    param = SimpleNamespace(name="jh_hsv.adult_age", label="Åldersgräns för vuxen", unit="år",
                            clause="jh-hemsjukvard §7.2", source=None, verified=False,
                            values=((dt.date(2017, 4, 1), 18),))  # fmt: skip
    law = SimpleNamespace(name="law.x", label="Lagens värde", unit="dagar",
                          clause="Lag (2017:612) 5 kap. 3 §", source=None, verified=True,
                          values=((dt.date(2018, 1, 1), 3),))  # fmt: skip
    monkeypatch.setattr(door, "parameters", lambda prefix=None: (param, law), raising=False)
    html = client.get(URL).content.decode()
    section = html.split('id="jh-hemsjukvard-7.2"', 1)[1].split('<section class="whole-clause"', 1)[
        0
    ]
    text = plain_view(section)
    assert "Åldersgräns för vuxen" in text and "18 år från 2017-04-01" in text
    assert "Ej bekräftat mot texten" in text
    assert "jh_hsv.adult_age" not in text and "jh_hsv.adult_age" in section
    assert "Lagens värde" not in html  # a law's parameter belongs to no clause of the agreement


@pytest.mark.parametrize("agreement", AGREEMENTS)
def test_every_agreement_has_its_page_and_every_encoded_clause_a_scenario(client, agreement):
    response = client.get(f"/avtal/{agreement}/hela-avtalet/")
    assert response.status_code == 200
    assert "Inget scenario prövar klausulen ännu." not in response.content.decode()


def test_unknown_agreement_is_404(client) -> None:
    assert client.get("/avtal/inget-avtal/hela-avtalet/").status_code == 404


def test_the_agreement_page_links_to_the_whole(client) -> None:
    html = client.get("/avtal/jh-hemsjukvard/").content.decode()
    assert f'href="{URL}"' in html


def test_no_inline_script_or_style(client) -> None:
    html = client.get(URL).content.decode()
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_public_without_the_registered_prefix(client, monkeypatch) -> None:
    assert public.is_public(URL)
    monkeypatch.setattr(public, "PUBLIC_PATHS", ["/accounts/login/"])
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_role_group_sees_the_same_public_page(client_as, make_staff, orgs, client, group):
    """The page holds agreement text only (no personal data): every role of every group, of
    an organisation inside and outside the agreement's region, sees it, as anonymous does."""
    anonymous = client.get(URL)
    failures = Failures()
    for role in GROUPS[group]:
        for org in (orgs.ostersund, orgs.gavle):
            got = client_as(make_staff(role, org)).get(URL)
            failures.expect(got.status_code, 200, f"{role.value} @ {org.name}")
    failures.assert_none()
    assert anonymous.status_code == 200


def test_the_table_of_contents_names_the_preamble_once(client) -> None:
    """ "Revidering 2020" is both the preamble's name and its heading: once, not twice."""
    html = client.get(URL).content.decode()
    toc = html.split('class="whole-toc"', 1)[1].split("</nav>", 1)[0]
    entries = [plain_view(li) for li in re.findall(r"<li>(.*?)</li>", toc, flags=re.S)]
    assert any(e.endswith(" Revidering 2020") for e in entries)
    assert not [e for e in entries if e.count("Revidering 2020") > 1]
    assert any(e.endswith("KOMMUNERNAS ANSVAR") and "7.3" in e for e in entries)
    heading = plain_view(html.split('id="jh-hemsjukvard-revidering-2020"', 1)[1].split("</h2>")[0])
    assert heading.count("Revidering 2020") == 1


def test_the_page_is_kept_per_agreement_version(monkeypatch) -> None:
    """The scenarios run once per agreement version: a second rendering runs none; a new
    adopted revision of the agreement, or newly loaded scenarios, compute it again; a
    revision of another agreement does not."""
    from samverkan.rules import AdoptedRevision

    runs: list[str] = []
    real = services.check_scenario
    monkeypatch.setattr(services, "check_scenario", lambda s: runs.append(s.name) or real(s))
    adopted: list[AdoptedRevision] = []
    monkeypatch.setattr(services, "current_revisions", lambda: tuple(adopted))
    first = services.literate("jh-hemsjukvard")
    assert runs
    runs.clear()
    assert services.literate("jh-hemsjukvard") is first and runs == []

    adopted.append(AdoptedRevision("9", "jh-psykisk", "jh", (), {"jh": dt.date(2027, 1, 1)}, "9"))
    assert services.literate("jh-hemsjukvard") is first and runs == []
    adopted.append(
        AdoptedRevision("7", "jh-hemsjukvard", "jh", (), {"jh": dt.date(2027, 1, 1)}, "7")
    )
    assert services.literate("jh-hemsjukvard") is not first and runs
    runs.clear()
    adopted[-1] = AdoptedRevision(
        "7",
        "jh-hemsjukvard",
        "jh",
        (),
        {"jh": dt.date(2027, 1, 1), "2380": dt.date(2027, 2, 1)},
        "7",
    )  # one more party adopted: a new version for that party
    services.literate("jh-hemsjukvard")
    assert runs
    runs.clear()
    reloaded = tuple(list(services.all_scenarios()))  # another object, the same files
    monkeypatch.setattr(services, "all_scenarios", lambda: reloaded)
    services.literate("jh-hemsjukvard")
    assert runs
