"""/api/persons: the same work as the pages, through the access layer, with the API's error
shape. Identifiers are Skatteverket test numbers (and the shared FHIR examples)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import services
from samverkan.people.models import Person, ResponsibilityDecision, Task

pytestmark = pytest.mark.django_db
JSON = "application/json"


#: What every registration declares (a care relation of the own verksamhet, its reason).
REGISTRATION = {"confirm_care_relation": True, "reason": "Inskrivning i hemsjukvården"}


def _post(client, url, body):
    if url == "/api/persons":  # a registration: declared unless the test says otherwise
        body = REGISTRATION | body
    return client.post(url, body, content_type=JSON)


def _error(response) -> dict:
    detail = response.json()["detail"]
    assert len(detail) == 1 and set(detail[0]) == {"field", "code", "message"}
    return detail[0]


def test_create_search_get_with_every_written_form(api_client, nurse, testpersons):
    client = api_client(nurse)
    data = testpersons[5]
    number = data["personnummer"]
    response = _post(
        client,
        "/api/persons",
        {
            "identifier": f"{number[2:8]}-{number[8:]}" if int(number[:4]) > 1930 else number,
            "given_name": data["given"],
            "family_name": data["family"],
            "home_municipality": "2380",
        },  # fmt: skip
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identity"] == {
        "system": "personnummer", "value": number, "display": f"{number[:8]}-{number[8:]}",
        "primary": True, "added_on": timezone.localdate().isoformat(), "ended_on": None,
    }  # fmt: skip
    assert body["birth_date"] == data["birth_date"].isoformat()
    assert body["facts"] == {"municipality": "2380"} and body["can_change"] is True
    for query in (number, f"{number[:8]}-{number[8:]}", data["family"]):
        found = client.get("/api/persons", {"q": query}).json()
        assert [p["id"] for p in found] == [body["id"]], query
    assert client.get(f"/api/persons/{body['id']}").json()["id"] == body["id"]
    assert AuditEvent.objects.filter(person_ref=number, action=Action.VIEW).exists()


@pytest.mark.parametrize(
    ("identifier", "id_system", "code"),
    [
        ("19411321-9202", None, "invalid_date"),  # test number 194103219202, month 13
        ("196109732393", "personnummer", "system_mismatch"),
        ("12-34", "lma", "invalid_format"),
        ("K069", "reservnummer", "invalid_format"),
        ("196109732393", "passport", "invalid_choice"),
    ],
)
def test_create_errors_name_field_and_rule(api_client, nurse, identifier, id_system, code):
    response = _post(
        api_client(nurse),
        "/api/persons",
        {"identifier": identifier, "id_system": id_system, "family_name": "X"},
    )
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == code
    assert error["field"] in {"identifier", "id_system"}
    assert identifier.replace("-", "") not in error["message"]


def test_conflicts_are_409(api_client, make_staff, orgs, testpersons):
    """Only the own verksamhet's relation is a conflict; a number held elsewhere registers as
    an unknown one would (issue 11: no `registered_elsewhere`, see test_registration.py)."""
    own = api_client(make_staff(Role.NURSE, orgs.ostersund))
    other = api_client(make_staff(Role.NURSE, orgs.region_jh))
    number = testpersons[0]["personnummer"]
    assert _post(own, "/api/persons", {"identifier": number, "family_name": "A"}).status_code == 201
    again = _post(own, "/api/persons", {"identifier": number, "family_name": "A"})
    assert again.status_code == 409 and _error(again)["code"] == "already_registered"
    elsewhere = _post(other, "/api/persons", {"identifier": number, "family_name": "A"})
    assert elsewhere.status_code == 201


def test_facts_interventions_decisions_and_diff(api_client, nurse, testpersons, jh_person_facts,
                                               jh_intervention_facts):  # fmt: skip
    client = api_client(nurse)
    pid = _post(
        client, "/api/persons",
        {"identifier": testpersons[0]["personnummer"], "family_name": "A", "home_municipality": "2380"},
    ).json()["id"]  # fmt: skip
    for name, value in (jh_person_facts | {"adl_needs_over_time": ["dressing"]}).items():
        response = _post(client, f"/api/persons/{pid}/facts", {"name": name, "value": value,
                                                               "valid_from": "2022-01-01"})  # fmt: skip
        assert response.status_code == 201, (name, response.content)
    bad = _post(client, f"/api/persons/{pid}/facts", {"name": "housing", "value": "castle"})
    assert bad.status_code == 422 and _error(bad)["code"] == "invalid_choice"
    response = _post(
        client, f"/api/persons/{pid}/interventions",
        {"kind": "nursing", "start": "2022-02-01", "facts": jh_intervention_facts, "decide": True},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    intervention = response.json()
    latest = intervention["latest_decision"]
    assert latest["outcome"]["health_care_responsibility"] == "municipality"
    assert latest["actions"] == ["assess_self_care_first"]
    assert latest["decision"]["reasons"][0]["text"]
    assert "jh-hemsjukvard 2020-03-01" in latest["agreement_version"]
    iid = intervention["id"]
    _post(client, f"/api/persons/{pid}/facts", {"name": "housing", "value": "lss_housing"})
    # Issue 10: the fact change re-decides the intervention in the same transaction.
    auto = client.get(f"/api/persons/{pid}/interventions/{iid}/decisions").json()[0]
    assert auto["supersedes"] == latest["id"]
    redecided = _post(client, f"/api/persons/{pid}/interventions/{iid}/redecide", {})
    assert redecided.status_code == 201
    body = redecided.json()
    assert body["decision"]["supersedes"] == auto["id"]
    assert body["diff"]["changed"] is False  # nothing new since the automatic re-decision
    diff = services.diff_decisions(
        ResponsibilityDecision.objects.get(pk=latest["id"]),
        ResponsibilityDecision.objects.get(pk=auto["id"]),
    ).as_dict()
    assert diff["changed"] is True
    assert {"dimension": "health_care_responsibility", "before": "municipality",
            "after": "region"} in diff["outcome"]  # fmt: skip
    assert diff["actions"]["removed"] == ["assess_self_care_first"]
    assert {"fact": "housing", "before": "ordinary", "after": "lss_housing"} in diff["facts"]
    decisions = client.get(f"/api/persons/{pid}/interventions/{iid}/decisions").json()
    assert [d["id"] for d in decisions] == [body["decision"]["id"], auto["id"], latest["id"]]
    dated = _post(client, f"/api/persons/{pid}/interventions/{iid}/decide?on=2016-01-01", {})
    assert dated.status_code == 201
    assert dated.json()["decision"]["facts_used"]["date"] == "2016-01-01"
    assert dated.json()["decision"]["in_force"] is False
    assert ResponsibilityDecision.objects.get(pk=latest["id"]).outcome == latest["outcome"]
    history = client.get(f"/api/persons/{pid}/facts").json()
    assert history["current"]["housing"] == "lss_housing"
    assert [r["value"] for r in history["history"] if r["name"] == "housing"] == [
        "lss_housing", "ordinary",
    ]  # fmt: skip
    patched = client.patch(
        f"/api/persons/{pid}/interventions/{iid}",
        {"facts": {"urgent": True}, "status": "ended", "end": "2022-03-01"},
        content_type=JSON,
    )
    assert patched.status_code == 200 and patched.json()["facts"]["urgent"] is True


def test_assessments_tasks_and_merge(api_client, make_staff, orgs, testpersons, jh_person_facts,
                                     jh_intervention_facts, relate):  # fmt: skip
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    assessor = make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund)
    client = api_client(nurse)
    pid = _post(
        client, "/api/persons", {"identifier": "20210325K069", "id_system": "reservnummer",
                                 "family_name": "Reserv", "home_municipality": "2380"},
    ).json()["id"]  # fmt: skip
    for name, value in (jh_person_facts | {"adl_needs_over_time": ["dressing"]}).items():
        _post(client, f"/api/persons/{pid}/facts", {"name": name, "value": value})
    intervention = _post(
        client, f"/api/persons/{pid}/interventions",
        {"kind": "nursing", "start": "2022-02-01", "facts": jh_intervention_facts, "decide": True},
    ).json()  # fmt: skip
    review_date = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    body = {"intervention_id": intervention["id"], "measure": "Stödstrumpor", "result": "self_care",
            "performed_by_person_or_others": "Personen själv", "review_date": review_date}  # fmt: skip
    # The biståndshandläggare reaches the person by the social services' own relation.
    relate(Person.objects.get(pk=pid), orgs.ostersund, "social_services")
    # (The nursing intervention is not hers to reach: she asks about the kind.)
    unlinked = {k: v for k, v in body.items() if k != "intervention_id"} | {
        "intervention_kind": "nursing"
    }
    refused = _post(api_client(assessor), f"/api/persons/{pid}/assessments", unlinked)
    assert refused.status_code == 422
    assert _error(refused) | {"message": ""} == {
        "field": "assessed_by", "code": "not_licensed", "message": "",
    }  # fmt: skip
    assert "legitimerad" in _error(refused)["message"]
    created = _post(client, f"/api/persons/{pid}/assessments", body)
    assert created.status_code == 201, created.content
    assessment = created.json()
    assert assessment["intervention_kind"] == "nursing" and assessment["status"] == "active"
    # The egenvård task of the decision was closed by the assessment.
    tasks = client.get("/api/persons/tasks").json()
    assert all(t["kind"] != "self_care_assessment" for t in tasks)
    reviewed = _post(
        client, f"/api/persons/{pid}/assessments/{assessment['id']}/review",
        {"new_performer": "Hemtjänsten"},
    )  # fmt: skip
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "needs_review"
    tasks = client.get("/api/persons/tasks").json()
    review_task = next(t for t in tasks if t["kind"] == "review_assessment")
    assert review_task["person_id"] == pid and review_task["person_visible"]
    done = _post(client, f"/api/persons/tasks/{review_task['id']}/complete", {"note": "Bokat"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = _post(client, f"/api/persons/tasks/{review_task['id']}/complete", {})
    assert again.status_code == 422
    stranger = api_client(make_staff(Role.NURSE, orgs.gavle))
    assert (
        _post(stranger, f"/api/persons/tasks/{review_task['id']}/complete", {}).status_code == 404
    )
    # The person later gets a personnummer registered as a separate record: merge.
    number = testpersons[7]["personnummer"]
    target = _post(client, "/api/persons", {"identifier": number, "family_name": "Reserv"}).json()
    merged = _post(client, f"/api/persons/{target['id']}/merge", {"source_id": pid})
    assert merged.status_code == 200, merged.content
    systems = {i["system"]: i for i in merged.json()["identities"]}
    assert systems["reservnummer"]["ended_on"] is not None
    assert systems["personnummer"]["primary"]
    # The old id answers for the survivor.
    old = client.get(f"/api/persons/{pid}").json()
    assert old["id"] == target["id"]
    assert Person.objects.get(pk=pid).merged_into_id is not None
    assert len(client.get(f"/api/persons/{target['id']}/interventions").json()) == 1
    assert Task.objects.filter(person_id=pid).count() == 0


def test_openapi_lists_the_person_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/persons",
        "/api/persons/tasks",
        "/api/persons/{person_id}/facts",
        "/api/persons/{person_id}/interventions/{intervention_id}/redecide",
        "/api/persons/{person_id}/assessments/{assessment_id}/review",
    ):
        assert path in paths
