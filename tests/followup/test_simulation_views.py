"""The simulation pages and API: a variant from the form or as JSON, synthetic or recorded
cases, saved to revisit, audited; recorded results follow the small-cell rule."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from samverkan.audit.models import Action, AuditEvent
from samverkan.followup import simulation as sim
from samverkan.followup.models import Simulation
from samverkan.people import services as people

pytestmark = pytest.mark.django_db
URL = "/uppfoljning/simulering/"


def post(client, **data):
    base = {
        "name": "Test",
        "source": "synthetic",
        "region": "jamtland-harjedalen",
        "date": "2026-01-01",
        "n": "20000",
        "seed": "1",
    }
    base.update(data)
    return client.post(URL, base)


def test_example_prefills_the_form_in_its_own_words(client_as, forum_member) -> None:
    # Issue 13: the example opens as the forum's question (the agreement's number of ADL
    # needs, 2), not as JSON with rule ids in an open editor.
    form = client_as(forum_member).get(f"{URL}?example=two-adl-needs").context["form"]
    assert form["name"].value() == "Två ADL-behov i stället för ett"
    assert form["op"].value() == "named"
    assert form["named"].value() == "jh_hsv.adl_needs_min" and form["new_value"].value() == 2
    assert not form["variant_json"].value()
    lss = client_as(forum_member).get(f"{URL}?example=lss-housing-to-municipality")
    assert lss.context["form"]["outcome"].value() == "health_care_responsibility=municipality"


def test_running_an_example_saves_it_and_shows_who_moves(client_as, forum_member) -> None:
    client = client_as(forum_member)
    variant = json.dumps(sim.example("two-adl-needs").variant)
    response = post(client, variant_json=variant)
    assert response.status_code == 302
    saved = Simulation.objects.get()
    assert response["Location"] == f"{URL}{saved.pk}/"
    assert saved.cases == 20_000 and saved.moved_cases and saved.moved_cases > 0
    assert saved.variant["changes"] == sim.example("two-adl-needs").variant["changes"]
    assert saved.population["n"] == 20_000
    page = client.get(response["Location"]).content.decode()
    assert "Vilka byter huvudman" in page and "Kommunen" in page and "Regionen" in page
    assert "Timmar per fall och år" in page
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="followup.simulation"
    ).exists()
    assert AuditEvent.objects.filter(action=Action.VIEW, object_type="followup.simulation").exists()
    transitions = saved.result["tables"][f"transitions:{sim.HCR}"]
    assert transitions[0][sim.base_col(sim.HCR)] == "municipality"
    assert transitions[0][sim.var_col(sim.HCR)] == "region"
    assert sum(r[sim.CASES] for r in transitions) == saved.moved_cases


def test_a_variant_from_the_form_fields(client_as, forum_member) -> None:
    client = client_as(forum_member)
    response = post(
        client,
        rule="jh-hsv.responsibility.lss_housing",
        op="set_outcome",
        outcome="health_care_responsibility=municipality",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Simulation.objects.get()
    assert saved.variant["changes"] == [
        {
            "op": "set_outcome",
            "rule": "jh-hsv.responsibility.lss_housing",
            "dimension": "health_care_responsibility",
            "value": "municipality",
        }
    ]
    response = post(
        client,
        rule="jh-hsv.responsibility.ordinary_with_needs",
        op="set_parameter",
        parameter="count_at_least:adl_needs_over_time:n",
        new_value="3",
    )
    assert response.status_code == 302
    latest = Simulation.objects.order_by("-pk").first()
    assert latest is not None and latest.variant["changes"][0]["n"] == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"variant_json": "{nope"}, "Ogiltig JSON"),
        ({"variant_json": '{"changes": [{"op": "disable", "rule": "x.y"}]}'}, "finns inte"),
        ({"rule": "jh-hsv.responsibility.lss_housing", "op": "set_parameter"}, "Välj ett av"),
        ({}, "Välj en regel"),
    ],
)
def test_invalid_variants_are_explained(client_as, forum_member, data, message) -> None:
    response = post(client_as(forum_member), **data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Simulation.objects.exists()


def test_rule_fragment_lists_the_numbers_one_can_change(client_as, forum_member) -> None:
    page = (
        client_as(forum_member)
        .get(f"{URL}regel?rule=jh-hsv.responsibility.ordinary_with_needs")
        .content.decode()
    )
    assert "count_at_least:adl_needs_over_time:n" in page
    assert "Ordinärt boende med minst ett behov" in page


def test_recorded_cases_follow_the_small_cell_rule(world, client_as) -> None:
    # Five Östersund persons' nursing is assessed as egenvård (the world's assessments are of
    # their medication, so that its decisions and tjänsteköp figures stay as they were).
    for person in world.ost_municipal[:5]:
        people.create_assessment(
            world.nurse, person, intervention_kind="nursing", measure="Insulininjektion",
            result="self_care", review_date=dt.date(world.year + 1, 6, 1),
            performed_by_person_or_others="Personen tar sprutan själv.",
        )  # fmt: skip
    client = client_as(world.forum)
    variant = json.dumps(sim.example("two-adl-needs").variant)
    response = post(client, variant_json=variant, source="recorded", date=f"{world.year}-06-01")
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Simulation.objects.get()
    summary = saved.result["summary"]
    assert summary["cases"] == 11 and summary["persons"] == 11
    # Five Östersund persons are assessed as egenvård now (their current facts), so only
    # one Östersund and three Krokom persons move: 4 persons, so every figure is "<5".
    assert summary["moved"][sim.HCR] == {"suppressed": True}
    assert summary["cost_shift_suppressed"]
    by_kommun = {r["municipality"]: r for r in saved.result["tables"]["by_municipality"]}
    assert by_kommun["2309"]["suppressed"] and by_kommun["2309"][sim.CASES] is None
    rows = saved.result["rows"]
    self_care = [r for r in rows if r[sim.base_col(sim.HCR)] == "self_care"]
    assert [(r[sim.CASES], r[sim.PERSONS]) for r in self_care] == [(5, 5)]
    assert all(r.get("suppressed") or r[sim.PERSONS] >= 5 for r in rows)
    assert sum(r[sim.CASES] or 0 for r in rows) == 5  # the rest is hidden
    page = client.get(f"{URL}{saved.pk}/").content.decode()
    assert "färre än 5 personer" in page and "&lt;5" not in page
    for p in world.persons:
        assert p.given_name not in page and p.ref not in page
    bulk = AuditEvent.objects.filter(action=Action.VIEW, object_type="people.intervention").get()
    assert bulk.person_ref is None and "11 insatser" in bulk.why


def test_api_runs_and_lists_simulations(api_client, forum_member, nurse) -> None:
    client = api_client(forum_member)
    body = {
        "variant": sim.example("lss-housing-to-municipality").variant,
        "population": {"region": "jamtland-harjedalen", "date": "2026-01-01", "n": 20000},
    }
    response = client.post("/api/followup/simulations", body, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["result"]["summary"]["cases"] == 20000
    listed = client.get("/api/followup/simulations").json()
    assert [s["id"] for s in listed] == [created["id"]]
    assert client.get(f"/api/followup/simulations/{created['id']}").status_code == 200
    bad = {**body, "variant": {"changes": [{"op": "disable", "rule": "nope"}]}}
    response = client.post("/api/followup/simulations", bad, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["code"] == "unknown_rule"
    other = {**body, "population": {**body["population"], "region": "gavleborg"}}
    response = client.post("/api/followup/simulations", other, content_type="application/json")
    assert response.status_code == 403
    rules = client.get("/api/followup/rules").json()
    assert all(r["region"] == "jamtland-harjedalen" for r in rules)
    assert api_client(nurse).get("/api/followup/simulations").status_code == 403


def test_gavleborg_forum_member_runs_the_new_age_limit_example(client_as, make_staff, orgs):
    from samverkan.accounts.models import Role

    member = make_staff(Role.FORUM_MEMBER, orgs.region_gvb)
    client = client_as(member)
    index = client.get("/uppfoljning/").content.decode()
    assert "Ny åldersgräns" in index and "Två ADL-behov" not in index
    assert "Överenskommelse svårt sjuka" in index and "2019" in index
    page = client.get(f"{URL}?example=new-age-limit").content.decode()
    assert 'value="gavleborg" selected' in page and 'value="2019-06-01"' in page
    response = client.post(
        URL,
        {
            "name": "Ny åldersgräns",
            "variant_json": json.dumps(sim.example("new-age-limit").variant),
            "source": "synthetic",
            "region": "gavleborg",
            "date": "2019-06-01",
            "n": "20000",
        },
    )
    assert response.status_code == 302
    saved = Simulation.objects.get()
    assert saved.region == "gavleborg" and saved.result["price_year"] == 2019
    assert client.get("/uppfoljning/rapport/gvb-svart-sjuka/2019/").status_code == 200
