"""The JSON API: start, consent, invite, respond, plan versions with If-Match and 409 diff."""

from __future__ import annotations

import json

import pytest

from samverkan.audit.models import AuditEvent
from samverkan.sip.models import Participant, Sip

pytestmark = pytest.mark.django_db


def _post(client, url, body, if_match=None):
    headers = {"If-Match": if_match} if if_match else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def _plan_body(orgs, units, **extra):
    body = {
        "goals": ["Jag vill klara mig själv hemma"],
        "needs": ["Stöd med mat"],
        "overall_responsible_organisation_id": orgs.ostersund.pk,
        "follow_up_date": "2030-06-01",
        "actions": [
            {
                "description": "Matdistribution",
                "huvudman": "municipality",
                "organisation_id": orgs.ostersund.pk,
                "unit_id": units.ost_social.pk,
                "due": "2030-02-01",
            }
        ],
        "care_contacts": [
            {"name_or_role": "Läkare", "organisation_id": orgs.region_jh.pk, "is_physician": True}
        ],
    }
    body.update(extra)
    return body


def _as_input(plan: dict) -> dict:
    """A GET plan as a PlanIn body (rows keep their keys)."""

    def ref(row, name):
        return (row.get(name) or {}).get("id")

    return {
        "base_version": plan["number"],
        "goals": plan["goals"],
        "needs": plan["needs"],
        "overall_responsible_organisation_id": ref(plan, "overall_responsible_organisation"),
        "overall_responsible_unit_id": ref(plan, "overall_responsible_unit"),
        "follow_up_date": plan["follow_up_date"],
        "actions": [
            {
                "key": a["key"],
                "description": a["description"],
                "huvudman": a["huvudman"],
                "organisation_id": a["organisation"]["id"],
                "unit_id": ref(a, "unit"),
                "due": a["due"],
                "status": a["status"],
            }
            for a in plan["actions"]
        ],
        "care_contacts": [
            {
                "key": c["key"],
                "name_or_role": c["name_or_role"],
                "organisation_id": c["organisation"]["id"],
                "unit_id": ref(c, "unit"),
                "is_physician": c["is_physician"],
            }
            for c in plan["care_contacts"]
        ],
    }


def test_the_whole_flow_through_the_api(api_client, staff, person, orgs, units):
    nurse, krokom = api_client(staff.ost), api_client(staff.krokom)
    created = _post(
        nurse, "/api/sips", {"person_id": str(person.pk), "agreement": "jh-hemsjukvard"}
    )
    assert created.status_code == 201, created.content
    sip = created.json()
    assert (sip["status"], sip["version"], sip["has_consent"]) == ("draft", 1, False)
    url = f"/api/sips/{sip['id']}"

    invite = _post(
        nurse,
        f"{url}/participants",
        {"unit_id": units.krokom_social.pk, "meeting_at": "2030-01-10T09:00:00+01:00"},
    )
    assert invite.status_code == 201, invite.content
    assert invite.json()["organisation"]["name"] == "Krokoms kommun"
    assert krokom.get(url).status_code == 404  # no consent yet

    consent = _post(nurse, f"{url}/consents", {"given_by": "person"})
    assert consent.status_code == 201
    detail = krokom.get(url)
    assert detail.status_code == 200
    assert detail["ETag"] == '"1"'

    answer = _post(krokom, f"{url}/participants/{invite.json()['id']}/response", {"accept": True})
    assert answer.json()["response"] == "accepted"

    # No base version: 428. With If-Match: saved as version 2.
    assert _post(nurse, f"{url}/versions", _plan_body(orgs, units)).status_code == 428
    saved = _post(nurse, f"{url}/versions", _plan_body(orgs, units), if_match='"1"')
    assert saved.status_code == 201, saved.content
    assert saved.json()["number"] == 2
    assert saved["ETag"] == '"2"'

    # Krokom edits from version 2 and saves first; the nurse, also on 2, gets 409 + diff.
    body = _as_input(krokom.get(url).json()["plan"])
    body["goals"] = ["Jag vill laga mat själv"]
    assert _post(krokom, f"{url}/versions", body).status_code == 201
    stale = _post(nurse, f"{url}/versions", _plan_body(orgs, units, base_version=2, needs=["x"]))
    assert stale.status_code == 409
    conflict = stale.json()
    assert conflict["detail"][0]["code"] == "version_conflict"
    assert (conflict["base_version"], conflict["current_version"]) == (2, 3)
    assert {
        "section": "Planen",
        "label": "Mina mål",
        "old": "Jag vill klara mig själv hemma",
        "new": "Jag vill laga mat själv",
    } in conflict["changes"]

    diff = nurse.get(f"{url}/diff?old=2&new=3").json()
    assert [c["label"] for c in diff["changes"]] == ["Mina mål"]

    assert _post(nurse, f"{url}/status", {"status": "active"}).json()["status"] == "active"
    actions = nurse.get(f"{url}/actions").json()
    patched = nurse.patch(
        f"{url}/actions/{actions[0]['key']}",
        json.dumps({"base_version": 3, "status": "done"}),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["actions"][0]["status"] == "done"
    follow = _post(
        nurse,
        f"{url}/follow-ups",
        {"base_version": 4, "notes": "Bra", "next_follow_up": "2030-12-01"},
    )
    assert follow.status_code == 201 and follow.json()["kind"] == "follow_up"
    assert [v["number"] for v in nurse.get(f"{url}/versions").json()] == [1, 2, 3, 4, 5]
    assert nurse.get(url).json()["status"] == "followed_up"

    assert [s["id"] for s in krokom.get(f"/api/sips?person_id={person.pk}").json()] == [sip["id"]]
    assert Sip.objects.get(pk=sip["id"]).version == 5


def test_rule_errors_are_422_with_the_clause(api_client, staff, sip, orgs, units):
    body = _plan_body(orgs, units, base_version=1, end_of_life=True, care_contacts=[])
    response = _post(api_client(staff.ost), f"/api/sips/{sip.pk}/versions", body)
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["code"] == "end_of_life_physician"
    assert "Hemsjukvårdsavtalet §6.2" in error["message"]


def test_several_rule_errors_come_together(api_client, staff, sip, orgs, units):
    body = _plan_body(
        orgs, units, base_version=1, compulsory_care="open_lrv", chief_physician_name=""
    )
    response = _post(api_client(staff.ost), f"/api/sips/{sip.pk}/versions", body)
    assert response.status_code == 422
    assert {e["code"] for e in response.json()["detail"]} == {
        "chief_physician_required",
        "chief_physician_region",
    }


def test_if_match_and_body_must_agree(api_client, staff, sip, orgs, units):
    body = _plan_body(orgs, units, base_version=1)
    response = _post(api_client(staff.ost), f"/api/sips/{sip.pk}/versions", body, if_match='"2"')
    assert response.status_code == 400


def test_invite_refuses_another_countys_organisation(
    api_client, staff, sip, orgs, units, private_provider
):
    """Before: only the form was narrowed; the API invited Gävle kommun and Region
    Gävleborg's unit to a Jämtland SIP. Now the service refuses them for both."""
    nurse = api_client(staff.ost)
    url = f"/api/sips/{sip.pk}/participants"
    for body in ({"organisation_id": orgs.gavle.pk}, {"unit_id": units.gvb_hc.pk}):
        response = _post(nurse, url, body)
        assert response.status_code == 400, response.content
        (error,) = response.json()["detail"]
        assert (error["field"], error["code"]) == ("organisation", "participant_outside_county")
        assert error["message"].startswith("Organisation: ")
        assert "hör inte till länet där planen görs" in error["message"]
    sip.refresh_from_db()
    assert not sip.participants.exists() and sip.status == "draft"
    assert not AuditEvent.objects.filter(action="create", why="Kallelse till SIP").exists()
    # The county's own: the region, a kommun, a provider contracted by the region.
    for body in (
        {"organisation_id": orgs.region_jh.pk},
        {"unit_id": units.krokom_social.pk},
        {"organisation_id": private_provider.pk},
    ):
        assert _post(nurse, url, body).status_code == 201
    # Invited before the rule (older data): still offered, so another of its units may come.
    Participant.objects.create(
        sip=sip, organisation=orgs.region_gvb, unit=units.gvb_hc, invited_by=staff.ost
    )
    assert _post(nurse, url, {"unit_id": units.gvb_ward.pk}).status_code == 201
