""" "Besvara frågorna" on a person: the guide's one-question flow for a decision's missing facts.

Issue 13: a new intervention with unknown facts said "ansvaret beslutat" while every answer
was "Kan inte avgöras"; the missing facts were twelve separate one-fact pages with "Gäller
från" empty and the home kommun not pre-filled, and nothing led back to the intervention.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from samverkan.people import services
from samverkan.people.models import ResponsibilityDecision

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 2)
# The person as she is: every fact the engine could ask (person's and intervention's).
TRUTH = {
    "residence": "registered_in_county",
    "housing": "special_housing",
    "day_activity": "false",
    "personal_assistance_lss": "false",
    "end_of_life": "false",
    "wishes_health_centre": "false",
    "needs_health_and_social_care": "true",
    "discharge_from_inpatient_care": "false",
    "service_purchase_requested": "false",
    "urgent": "false",
    "psychiatric_disability": "false",
    "time": "10:00",
    "prescriber": "municipality",
    "medication_risk_remains": "false",
    "asylum_entitlement": "false",
    "extensive_home_care": "none",
    "compulsory_care": "none",
    "treatment_responsibility": "primary_care",
    "parties_disagree": "false",
    "question_of_principle": "false",
    "serious_deviation": "false",
    "habilitation_type": "medical",
    "specialist_care_needed": "false",
}


@pytest.fixture
def case(nurse, make_person):
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        person = make_person(nurse, 0)
        intervention = services.create_intervention(nurse, person, kind="nursing", start=TODAY)
        decision = services.decide_intervention(nurse, intervention)
    return person, intervention, decision


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_the_missing_facts_are_asked_one_at_a_time_and_the_decision_follows(client_as, nurse, case):
    person, intervention, first = case
    assert "undetermined" in first.outcome.values()
    client = client_as(nurse)
    detail = client.get(f"/personer/{person.pk}/insats/{intervention.pk}/").content.decode()
    url = f"/personer/{person.pk}/insats/{intervention.pk}/fragor/"
    assert f'href="{url}?fran={first.pk}"' in detail  # from the decision's missing facts

    asked: list[str] = []
    response = client.get(f"{url}?fran={first.pk}")
    for _ in range(len(TRUTH) + 1):
        page = response.content.decode()
        if "Frågorna är besvarade" in page:
            break
        assert response.status_code == 200
        fact = re.search(r'data-fact="([a-z_]+)"', page).group(1)  # type: ignore[union-attr]
        asked.append(fact)
        if fact in services.PERSON_FACTS:
            # "Gäller från" is today unless she says otherwise.
            assert 'name="valid_from" value="2026-12-02"' in page
        body = {"svara": "1", "fran": str(first.pk), "value": TRUTH[fact]}
        if fact in services.PERSON_FACTS:
            body["valid_from"] = "2026-12-02"
        answered = client.post(url, body)
        assert answered.status_code == 302, answered.content.decode()[:3000]
        response = client.get(answered["Location"])
    else:
        pytest.fail(f"never finished: {asked}")
    # Särskilt boende makes the time of day moot; the home kommun is known from registration.
    assert not {"intervention", "time", "municipality"} & set(asked), asked
    assert len(asked) <= 8, asked
    latest = intervention.latest_decision()
    assert latest.pk != first.pk and "undetermined" not in latest.outcome.values()
    assert latest.outcome["health_care_responsibility"] == "municipality"
    # The decision at the start beside the one now, with what changed.
    assert "Förra beslutet" in page and "Ändrat ansvar" in page
    assert ResponsibilityDecision.objects.filter(intervention=intervention).count() >= 2


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_skipping_moves_on_and_a_bad_answer_is_refused(client_as, nurse, case):
    person, intervention, first = case
    client = client_as(nurse)
    url = f"/personer/{person.pk}/insats/{intervention.pk}/fragor/"
    page = client.get(url).content.decode()
    fact = re.search(r'data-fact="([a-z_]+)"', page).group(1)  # type: ignore[union-attr]
    skipped = client.post(url, {"hoppa_over": "1", "fran": str(first.pk)})
    assert skipped.status_code == 302 and f"hoppa={fact}" in skipped["Location"]
    after = client.get(skipped["Location"]).content.decode()
    assert f'data-fact="{fact}"' not in after
    # An answer that is not one of the values is refused with the field named, nothing saved.
    refused = client.post(url, {"svara": "1", "fran": str(first.pk), "value": "nonsense"})
    assert refused.status_code == 200 and "field--error" in refused.content.decode()
    assert intervention.latest_decision().pk == first.pk


@time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False)
def test_saving_an_intervention_with_unknown_facts_says_what_is_missing(
    client_as, nurse, make_person
):
    """Issue 13 (demo walk with forms): the form said "ansvaret beslutat" under six
    "Kan inte avgöras"; it now says that the answer waits for the missing facts."""
    person = make_person(nurse, 0)
    client = client_as(nurse)
    response = client.post(
        f"/personer/{person.pk}/insats/ny/",
        {"kind": "nursing", "start": "2026-12-02", "status": "active", "decide_now": "on"},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    decision = ResponsibilityDecision.objects.get(intervention__person=person)
    missing = len(decision.missing_facts)
    assert missing > 1 and "undetermined" in decision.outcome.values()
    assert "ansvaret beslutat" not in page
    assert f"ansvaret kan inte avgöras än: {missing} uppgifter saknas" in page
