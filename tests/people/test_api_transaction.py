"""Issue 15: POST …/interventions with decide: true is one transaction."""

from __future__ import annotations


def test_intervention_with_a_failing_decision_leaves_no_orphan(
    api_client, nurse, testpersons, monkeypatch
):
    from samverkan.people import api as people_api
    from samverkan.people.models import Intervention
    from samverkan.people.services import PeopleError

    client = api_client(nurse)
    person = client.post(
        "/api/persons",
        {"identifier": testpersons[0]["personnummer"], "family_name": "A", "home_municipality": "2380",
         "confirm_care_relation": True, "reason": "Inskrivning i hemsjukvården"},
        content_type="application/json",
    )  # fmt: skip
    assert person.status_code == 201, person.content

    def refuse(*args, **kwargs):
        raise PeopleError("facts", "missing_facts", "Fakta saknas för beslutet.")

    monkeypatch.setattr(people_api.services, "decide_intervention", refuse)
    for _ in range(2):  # a client retrying
        response = client.post(
            f"/api/persons/{person.json()['id']}/interventions",
            {"kind": "nursing", "start": "2022-02-01", "decide": True},
            content_type="application/json",
        )
        assert response.status_code == 422, response.content
    assert not Intervention.objects.exists()
