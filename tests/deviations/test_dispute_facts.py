"""Disputes decide on the person's recorded facts (issue 10, "one person, one truth"): the
question the opener enters is completed with the person's facts on the question's date
through `people.selectors.facts_on`; an entered fact wins; a question the completed facts
settle is not opened as unclear (the engine's answer is quoted)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from samverkan.deviations import services
from samverkan.deviations.disputes import DisputeError
from samverkan.deviations.models import Dispute
from samverkan.people import services as people_services
from tests.baselines import JH_CASE

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 6, 3, 10, 0, tzinfo=dt.UTC)
PERSONNUMMER = "194208269128"  # the `person` fixture (Skatteverket's test number)

# A disputed aid (the parties disagree: costs shared equally) without the person's housing:
# on the entered facts alone the responsibility is undetermined.
QUESTION = {k: v for k, v in JH_CASE.items() if k != "housing"} | {
    "date": "2024-03-01",
    "prescriber": "municipality",
    "intervention": "aids_and_materials",
    "parties_disagree": True,
}
# The same question where the parties do not (yet) disagree: with the housing it is clear.
CLEAR_WITH_HOUSING = QUESTION | {"parties_disagree": False}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def special_housing(person, people):
    """The person lives in special housing (SoL) since 2024-01-01."""
    people_services.set_fact(
        people.kommun_nurse, person, "housing", "special_housing", valid_from=dt.date(2024, 1, 1)
    )
    return person


def _case(orgs, **kwargs):
    return {
        "counterparty": orgs.region_jh,
        "question": "Vem bekostar den förskrivna madrassen?",
        "acting_organisation": orgs.ostersund,
        "acting_note": "Kommunen lånar ut en madrass tills vidare.",
    } | kwargs


def _payload(orgs, facts, person=PERSONNUMMER):
    body = {
        "counterparty_id": orgs.region_jh.pk,
        "question": "Vem bekostar den förskrivna madrassen?",
        "acting_organisation_id": orgs.ostersund.pk,
        "acting_note": "Kommunen lånar ut en madrass tills vidare.",
        "facts": facts,
    }
    if person:
        body["person"] = person
    return body


def _form(orgs, facts, person=PERSONNUMMER):
    return {
        "counterparty": orgs.region_jh.pk,
        "agreement": "jh-hemsjukvard",
        "question": "Vem bekostar den förskrivna madrassen?",
        "acting_organisation": orgs.ostersund.pk,
        "acting_note": "Kommunen lånar ut en madrass tills vidare.",
        "facts": json.dumps(facts),
        "person": person,
    }


# --- the service --------------------------------------------------------------------------


def test_recorded_housing_completes_the_question(people, orgs, special_housing):
    case = services.open_dispute(
        people.kommun_nurse, **_case(orgs, facts=QUESTION, person=special_housing)
    )
    decision = case.engine_decision
    assert decision["facts"]["housing"] == "special_housing"
    assert decision["outcome"]["health_care_responsibility"] == "municipality"
    assert decision["outcome"]["cost"] == "shared_equally"
    assert case.trigger == "cost=shared_equally"
    assert case.facts_from_record == ["housing"]


def test_entered_fact_overrides_the_recorded_one(people, orgs, special_housing):
    case = services.open_dispute(
        people.kommun_nurse,
        **_case(orgs, facts=QUESTION | {"housing": "ordinary"}, person=special_housing),
    )
    assert case.engine_decision["facts"]["housing"] == "ordinary"
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "region"
    assert "housing" not in case.facts_from_record


def test_recorded_facts_are_read_on_the_question_date(people, orgs, special_housing):
    # Before the person moved to special housing, nothing about housing was recorded.
    case = services.open_dispute(
        people.kommun_nurse,
        **_case(orgs, facts=QUESTION | {"date": "2023-12-01"}, person=special_housing),
    )
    assert "housing" not in case.engine_decision["facts"]
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "undetermined"
    assert case.facts_from_record == []


def test_a_question_the_record_settles_is_not_opened_as_unclear(people, orgs, special_housing):
    # Without the person the question is undetermined (housing unknown) and opens a case.
    unclear = services.open_dispute(people.kommun_nurse, **_case(orgs, facts=CLEAR_WITH_HOUSING))
    assert "health_care_responsibility=undetermined" in unclear.trigger
    before = Dispute.objects.count()
    with pytest.raises(DisputeError) as exc:
        services.open_dispute(
            people.kommun_nurse, **_case(orgs, facts=CLEAR_WITH_HOUSING, person=special_housing)
        )
    assert exc.value.field == "facts" and exc.value.code == "determined_by_record"
    message = exc.value.message
    assert "Boendeform: Särskilt boende (SoL)" in message  # which facts came from the record
    assert "Hälso- och sjukvårdsansvar: Kommunen" in message  # the engine's answer
    assert "jh-hemsjukvard §7.3" in message  # and the clause behind it
    assert Dispute.objects.count() == before  # nothing half-saved


def test_without_a_person_the_entered_facts_decide(people, orgs, special_housing):
    case = services.open_dispute(people.kommun_nurse, **_case(orgs, facts=QUESTION))
    assert "housing" not in case.engine_decision["facts"]
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "undetermined"
    assert case.facts_from_record == []


def test_a_person_the_opener_may_not_see_is_refused_before_any_fact_is_read(
    people, orgs, special_housing, monkeypatch
):
    from django.http import Http404

    from samverkan.people import selectors

    def never(*args, **kwargs):
        raise AssertionError("facts read of a person the actor may not see")

    monkeypatch.setattr(selectors, "facts_on", never)
    with pytest.raises(Http404):
        services.open_dispute(
            people.krokom_nurse,
            **_case(
                orgs,
                facts=QUESTION,
                person=special_housing,
                acting_organisation=orgs.krokom,
            ),
        )


# --- the API ------------------------------------------------------------------------------


def test_api_decides_with_the_recorded_housing(
    people, orgs, special_housing, api_client, client_as
):
    client = api_client(people.kommun_nurse)
    response = client.post(
        "/api/deviations/disputes", _payload(orgs, QUESTION), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["trigger"] == "cost=shared_equally"
    assert body["facts_from_record"] == [
        {"name": "housing", "label": "Boendeform", "value": "special_housing"}
    ]
    case = Dispute.objects.get(pk=body["id"])
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "municipality"
    # The other party (no care relation with the person) sees which fact came from the
    # record, not its value: values only with the person (people.access).
    other = api_client(people.region_nurse).get(f"/api/deviations/disputes/{case.pk}").json()
    assert other["person"] is None
    assert other["facts_from_record"] == [{"name": "housing", "label": "Boendeform", "value": None}]
    page = client_as(people.region_nurse).get(f"/avvikelser/tvister/{case.pk}/").content.decode()
    assert "Fakta ur personens register" in page and "Särskilt boende" not in page


def test_api_entered_fact_wins(people, orgs, special_housing, api_client):
    response = api_client(people.kommun_nurse).post(
        "/api/deviations/disputes",
        _payload(orgs, QUESTION | {"housing": "ordinary"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["facts_from_record"] == []
    case = Dispute.objects.get(pk=body["id"])
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "region"


def test_api_refuses_a_question_the_record_settles(people, orgs, special_housing, api_client):
    response = api_client(people.kommun_nurse).post(
        "/api/deviations/disputes",
        _payload(orgs, CLEAR_WITH_HOUSING),
        content_type="application/json",
    )
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert item["field"] == "facts" and item["code"] == "determined_by_record"
    assert "Hälso- och sjukvårdsansvar: Kommunen" in item["message"]
    assert item["from_record"] == ["housing"]
    assert item["outcome"]["health_care_responsibility"] == "municipality"
    assert not Dispute.objects.exists()


def test_api_invalid_entered_fact_names_the_field(people, orgs, special_housing, api_client):
    response = api_client(people.kommun_nurse).post(
        "/api/deviations/disputes",
        _payload(orgs, QUESTION | {"housing": "castle"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    [item] = response.json()["detail"]
    assert (item["field"], item["code"]) == ("facts.housing", "invalid_choice")


def test_api_refusals_have_stable_codes(people, orgs, api_client):
    response = api_client(people.kommun_nurse).post(
        "/api/deviations/disputes",
        _payload(orgs, None, person=None) | {"acting_note": " ", "question": ""},
        content_type="application/json",
    )
    assert response.status_code == 422
    codes = {(i["field"], i["code"]) for i in response.json()["detail"]}
    assert codes == {("acting_note", "missing"), ("question", "missing")}


# --- the page -----------------------------------------------------------------------------


def test_page_decides_with_the_recorded_housing(people, orgs, special_housing, client_as):
    client = client_as(people.kommun_nurse)
    response = client.post("/avvikelser/tvister/ny/", _form(orgs, QUESTION))
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Dispute.objects.get()
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "municipality"
    page = client.get(response["Location"]).content.decode()
    assert "Fakta ur personens register" in page
    assert "Boendeform: Särskilt boende (SoL)" in page
    assert "Kostnadsansvar: Delas lika" in page
    assert "cost=shared_equally" not in page  # no engine codes in the UI


def test_page_entered_fact_wins(people, orgs, special_housing, client_as):
    response = client_as(people.kommun_nurse).post(
        "/avvikelser/tvister/ny/", _form(orgs, QUESTION | {"housing": "ordinary"})
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Dispute.objects.get()
    assert case.engine_decision["outcome"]["health_care_responsibility"] == "region"
    assert case.facts_from_record == []


def test_page_refuses_a_question_the_record_settles(people, orgs, special_housing, client_as):
    response = client_as(people.kommun_nurse).post(
        "/avvikelser/tvister/ny/", _form(orgs, CLEAR_WITH_HOUSING)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Med personens registrerade fakta" in page
    assert "Boendeform: Särskilt boende (SoL)" in page
    assert "determined_by_record" not in page
    assert not Dispute.objects.exists()


def test_page_invalid_entered_fact_is_shown_on_the_facts_field(people, orgs, client_as):
    response = client_as(people.kommun_nurse).post(
        "/avvikelser/tvister/ny/", _form(orgs, QUESTION | {"housing": "castle"}, person="")
    )
    assert response.status_code == 200
    assert "Ogiltigt värde" in response.content.decode()
    assert response.context["form"].errors["facts"]
