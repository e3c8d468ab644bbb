"""The simulation for a politician in five minutes (issue 13): the form asks in the forum's
words on the agreements' named numbers, with rule ids, the JSON editor and "Slumpfrö"
behind a closed "Visa teknisk information"; the synthetic population is as large as the
county by default and says what it assumes, so the result reads as an illustration, not a
forecast; counts have no decimals and changes read "ökar med"/"minskar med", never "−-3";
the result is exported as CSV and PDF through the page's access checks."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

import pytest

from samverkan.followup import presentation
from samverkan.followup import simulation as sim
from samverkan.followup.models import Simulation
from samverkan.rules import county_population, named_parameters

pytestmark = pytest.mark.django_db
URL = "/uppfoljning/simulering/"
RULE_ID = re.compile(r"\b(?:jh|gvb)-[a-z-]+\.[a-z_.]+\b|\b[a-z]+_[a-z_]+\b")
PARAMETER_NAME = re.compile(r"\b(?:jh_[a-z]+|gvb)\.[a-z_]+\b")
NBSP = "\u00a0"


class _Visible(HTMLParser):
    """The text a reader sees with every <details> closed as sent (its <summary> only),
    and which form fields sit inside a closed details."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []  # open details: (class, open)
        self.in_summary = False
        self.skip = 0  # script, style, option of a closed details
        self.text: list[str] = []
        self.hidden_fields: set[str] = set()
        self.closed_technical = 0
        self.open_technical = 0

    def _closed(self) -> bool:
        return any(not is_open for _cls, is_open in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "details":
            is_open = "open" in a
            if "technical" in a.get("class", ""):
                if is_open:
                    self.open_technical += 1
                else:
                    self.closed_technical += 1
            self.stack.append((a.get("class", ""), is_open))
        elif tag == "summary":
            self.in_summary = True
        elif tag in ("script", "style"):
            self.skip += 1
        elif tag in ("input", "select", "textarea") and self._closed() and a.get("name"):
            self.hidden_fields.add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "details" and self.stack:
            self.stack.pop()
        elif tag == "summary":
            self.in_summary = False
        elif tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self._closed() and not (self.in_summary and len(self.stack) == 1):
            return
        self.text.append(data)


def _read(html: str) -> _Visible:
    reader = _Visible()
    reader.feed(html)
    return reader


def test_the_form_asks_in_words_and_keeps_the_technical_part_closed(
    client_as, forum_member
) -> None:
    page = client_as(forum_member).get(URL).content.decode()
    seen = _read(page)
    visible = " ".join(" ".join(seen.text).split())
    assert not RULE_ID.findall(visible), RULE_ID.findall(visible)
    assert not PARAMETER_NAME.findall(visible), PARAMETER_NAME.findall(visible)
    assert "Slumpfrö" not in visible and "JSON" not in visible
    assert seen.closed_technical >= 1 and seen.open_technical == 0
    assert {"variant_json", "seed", "n"} <= seen.hidden_fields
    assert {"op", "named", "new_value"}.isdisjoint(seen.hidden_fields)
    # The forum's questions on the agreements' named numbers, with today's value.
    assert "Ändra ett tal i avtalet (t.ex. antal ADL-behov, åldersgräns)" in visible
    assert "Antal ADL-behov för kommunens hemsjukvård (i dag 1)" in visible
    assert "Åldersgräns för vuxen i hemsjukvårdsavtalet (i dag 18 år)" in visible
    assert "LSS-boende till kommunen" in visible
    # Gävleborg's number is not offered to a Jämtland member.
    assert "Gävleborgs överenskommelse" not in visible
    # The default population and what it assumes, stated on the form.
    assert "lika många som Jämtlands län har invånare, 132 600" in visible  # nbsp read as " "
    assert "ingen prognos" in visible


def test_every_named_number_has_a_question_in_words() -> None:
    for p in named_parameters():
        question, help_text = sim.parameter_question(p)
        assert question and not PARAMETER_NAME.search(question + help_text), p.name


def _run(client, **data):
    base = {
        "name": "Två ADL-behov",
        "op": "named",
        "named": "jh_hsv.adl_needs_min",
        "new_value": "2",
        "source": "synthetic",
        "region": "jamtland-harjedalen",
        "date": "2026-01-01",
    }
    response = client.post(URL, base | data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Simulation.objects.order_by("-pk").first()


def test_a_named_number_on_a_county_sized_population(client_as, forum_member) -> None:
    client = client_as(forum_member)
    saved = _run(client)
    assert saved.variant["changes"] == [
        {"op": "set_parameter", "name": "jh_hsv.adl_needs_min", "value": 2, "from": "2026-01-01"}
    ]
    county = county_population("jamtland-harjedalen")
    assert county == 132_600  # SCB 2023, rounded (rules/population.py)
    assert saved.population["n"] == county and saved.cases == county
    assert saved.moved_cases and saved.moved_cases > 0
    page = client.get(f"{URL}{saved.pk}/").content.decode()
    seen = _read(page)
    visible = " ".join(" ".join(seen.text).split())
    assert "En illustration, ingen prognos" in visible
    assert "lika många som Jämtlands län har invånare, 132 600" in visible
    assert visible.count("Bland de påhittade fallen:") == 1
    assert "Antal ADL-behov för kommunens hemsjukvård (Hemsjukvårdsavtalet): 2 i stället för 1" in (
        visible
    )
    assert "Slumpfrö" not in visible and "Beräkningstid" not in visible
    assert not RULE_ID.findall(visible) and not PARAMETER_NAME.findall(visible)
    _assert_plain_numbers(visible)


def test_a_named_number_of_another_county_is_refused_on_its_field(client_as, make_staff, orgs):
    from samverkan.accounts.models import Role

    superuser = make_staff(Role.FORUM_MEMBER, orgs.region_jh, is_superuser=True)
    response = client_as(superuser).post(
        URL,
        {
            "name": "x",
            "op": "named",
            "named": "gvb.adult_age",
            "new_value": "21",
            "source": "synthetic",
            "region": "jamtland-harjedalen",
            "date": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["named"] == [
        "Talet hör till ett avtal i Region Gävleborg; välj det länet under »Fallen«."
    ]
    assert not Simulation.objects.exists()


def _assert_plain_numbers(text: str) -> None:
    """No double negative ("−-3", "minskar med −3") and no count with decimals."""
    assert not re.search(r"[−-]\s*[−-]\s*\d", text), text
    assert not re.search(r"(ökar|minskar) med [−-]", text), text
    for figure in re.findall(r"(\d[\d\u00a0 ]*,\d+)\s*(fall|personer)", text):
        raise AssertionError(f"a count with decimals: {figure}")


def _saved_with_shares() -> Simulation:
    """A saved result where the nets are fractions (shared equally counts ½) and negative."""
    moved = {sim.CASES: 7, sim.HOURS: 120.4, sim.SEK: 55_000.6}
    row = {"municipality": "2380", sim.CASES: 7, "net_cases": -3.5, "net_hours": -120.4}
    return Simulation.objects.create(
        name="Delade fall",
        variant={"changes": [{"op": "disable", "rule": "jh-hsv.responsibility.lss_housing"}]},
        source="synthetic",
        region="jamtland-harjedalen",
        population={"date": "2026-01-01", "n": 132_600, "seed": 0},
        result={
            "dims": [sim.HCR, sim.COST],
            "rows": [],
            "tables": {
                "by_municipality": [row | {"net_sek": -55_000.6}],
                "by_intervention": [
                    {"intervention": "nursing", sim.CASES: 7, "net_cases": 2.5, "net_hours": 0.2}
                    | {"net_sek": 12.0}
                ],
            },
            "summary": {
                "cases": 132_600,
                "moved": {sim.HCR: moved, sim.COST: moved},
                "cost_shift": {"hours": -120.4, "sek": -55_000.6, "sek_partial": -55_000.6},
            },
            "prices": [],
            "price_year": 2026,
        },
    )


def test_counts_have_no_decimals_and_changes_read_in_words() -> None:
    view = presentation.simulation_view(_saved_with_shares())
    figures = dict(view.figures)
    assert figures["Kommunernas kostnad (netto per år)"] == f"minskar med 55{NBSP}001{NBSP}kr"
    assert figures["Kommunernas timmar (netto per år)"] == "minskar med 120 timmar"
    assert figures["Påhittade fall som prövades"] == f"132{NBSP}600"
    assert figures["Fall där hälso- och sjukvårdsansvar ändras"] == "7 fall, 120 timmar per år"
    by_kommun, by_intervention = view.tables[-2], view.tables[-1]
    assert by_kommun.rows == [
        [
            "Östersund",
            "7",
            "minskar med 4",
            "minskar med 120 timmar",
            f"minskar med 55{NBSP}001{NBSP}kr",
        ]
    ]
    assert by_intervention.rows[0][2:] == ["ökar med 2", "oförändrat", f"ökar med 12{NBSP}kr"]
    assert "från kommunerna till regionen" in view.headline
    _assert_plain_numbers(" ".join([view.headline, *(v for _k, v in view.figures)]))


@pytest.mark.parametrize("value", [-1234.5, -3, -0.4, 0, 0.6, 3, 1_000_000.49])
def test_a_change_in_words_never_carries_a_sign(value: float) -> None:
    for kind in ("count", "hours", "sek"):
        text = presentation.change_words(value, kind)
        assert "−" not in text and "-" not in text and "+" not in text, text
        assert text == "oförändrat" or text.startswith(("ökar med ", "minskar med ")), text
        if kind == "count":
            assert "," not in text, text


def test_the_result_as_csv(client_as, forum_member) -> None:
    from samverkan.audit.models import Action, AuditEvent

    saved = _saved_with_shares()
    response = client_as(forum_member).get(f"{URL}{saved.pk}/csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="simulering-')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text  # the Swedish-Excel dialect
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Avsnitt", "Tabell", "Rad", "Kolumn", "Värde"]
    values = {(r[0], r[2], r[3]): r[4] for r in rows[1:]}
    assert values[("Resultat", "Kommunernas kostnad (netto per år)", "")] == (
        f"minskar med 55{NBSP}001{NBSP}kr"
    )
    assert any(r[0] == "Antaganden" and "ingen prognos" in r[4] for r in rows)
    by_kommun = {r[3]: r[4] for r in rows if r[0] == "Tabeller" and r[2] == "Östersund"}
    assert by_kommun["Byter"] == "7"
    assert by_kommun["Kommunens ansvar: fall"] == "-4"  # numbers for a spreadsheet
    assert by_kommun["Kommunens ansvar: timmar/år"] == "-120,4"
    assert by_kommun["Kommunens ansvar: kr/år"] == "-55001"
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="followup.simulation", user=forum_member
    ).exists()


def test_the_result_as_pdf(client_as, forum_member) -> None:
    from tests.pdf_checks import assert_document_layer, flat

    saved = _saved_with_shares()
    response = client_as(forum_member).get(f"{URL}{saved.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = flat(
        assert_document_layer(
            response.content,
            title="Revisionssimulering: Delade fall",
            printed=("Delade fall", "En illustration, ingen prognos", "minskar med 4"),
        )
    )
    assert "Per kommun: fall som byter huvudman" in text and "Östersund" in text
    assert "minskar med 55 001 kr" in text
    assert not RULE_ID.findall(text), RULE_ID.findall(text)


def test_another_regions_simulation_exports_are_404(client_as, make_staff, orgs) -> None:
    from samverkan.accounts.models import Role

    saved = _saved_with_shares()
    gvb = client_as(make_staff(Role.FORUM_MEMBER, orgs.region_gvb))
    for suffix in ("", "csv", "pdf"):
        assert gvb.get(f"{URL}{saved.pk}/{suffix}").status_code == 404


def test_change_and_run_again_opens_the_same_question(client_as, forum_member) -> None:
    client = client_as(forum_member)
    saved = _run(client)
    form = client.get(f"{URL}?copy={saved.pk}").context["form"]
    assert form["op"].value() == "named" and form["named"].value() == "jh_hsv.adl_needs_min"
    assert form["new_value"].value() == 2 and not form["variant_json"].value()
    assert form["n"].value() is None  # the county's size stays the default


def test_the_age_limit_example_is_gavleborgs_named_age(client_as, make_staff, orgs) -> None:
    from samverkan.accounts.models import Role

    member = make_staff(Role.FORUM_MEMBER, orgs.region_gvb)
    form = client_as(member).get(f"{URL}?example=new-age-limit").context["form"]
    assert (form["op"].value(), form["named"].value()) == ("named", "gvb.adult_age")
    assert form["new_value"].value() == 21


def test_the_api_defaults_to_the_county_size(api_client, forum_member) -> None:
    body = {
        "variant": sim.example("lss-housing-to-municipality").variant,
        "population": {"region": "jamtland-harjedalen", "date": "2026-01-01"},
    }
    response = api_client(forum_member).post(
        "/api/followup/simulations", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["result"]["summary"]["cases"] == 132_600
