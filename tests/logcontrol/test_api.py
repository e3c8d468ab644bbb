"""/api/logcontrol: the same reads and spot-check writes, in the API's one error shape."""

from __future__ import annotations

import pytest

from samverkan.audit.models import Action, AuditEvent
from samverkan.logcontrol.models import SpotCheck

pytestmark = pytest.mark.django_db
API = "/api/logcontrol"


def test_events_are_the_owners_view_with_flags(api_client, case):
    data = api_client(case.admin).get(f"{API}/events", {"person": case.ref}).json()
    ids = {e["id"] for e in data["items"]}
    assert {case.own.pk, case.via_sip.pk, case.emergency.pk} <= ids
    assert case.unrelated.pk not in ids
    emergency = next(e for e in data["items"] if e["id"] == case.emergency.pk)
    assert "emergency" in {f["code"] for f in emergency["flags"]}
    assert (
        AuditEvent.objects.filter(user=case.admin, action=Action.SEARCH).get().person_ref
        == case.ref
    )


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ({"person": "123"}, "person", "invalid_identifier"),
        ({"flag": "nope"}, "flag", "invalid"),
        ({"limit": 0}, "limit", "out_of_range"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to", "before_start"),
    ],
)
def test_bad_queries_get_the_error_shape(api_client, case, query, field, code):
    response = api_client(case.admin).get(f"{API}/events", query)
    assert response.status_code == 422
    assert response.json()["detail"][0] == {
        "field": field,
        "code": code,
        "message": response.json()["detail"][0]["message"],
    }


def test_person_accesses_json_and_csv(api_client, case):
    client = api_client(case.admin)
    rows = client.get(f"{API}/accesses", {"person": case.ref}).json()
    assert {r["organisation"] for r in rows} >= {"Krokoms kommun", "Region Jämtland Härjedalen"}
    assert all("user" not in r for r in rows)
    csv = client.get(f"{API}/accesses", {"person": case.ref, "format": "csv"})
    assert csv.content.startswith("\ufeff".encode())
    assert AuditEvent.objects.filter(user=case.admin, action=Action.EXPORT).exists()


def test_spot_check_writes(api_client, case):
    client = api_client(case.admin)
    created = client.post(
        f"{API}/spot-checks/sample",
        {"subject": "users", "period_start": "2026-03-10", "period_end": "2026-03-10",
         "sample_size": 1, "seed": 3},
        content_type="application/json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    check = created.json()
    assert check["seed"] == 3 and check["criteria"]["population_size"] == 3
    detail = client.get(f"{API}/spot-checks/{check['id']}").json()
    item = detail["items"][0]["id"]
    reviewed = client.post(
        f"{API}/spot-checks/{check['id']}/items/{item}/review",
        {"conclusion": "no_remark"},
        content_type="application/json",
    )
    assert reviewed.status_code == 200 and reviewed.json()["conclusion"] == "no_remark"
    unconfirmed = client.post(
        f"{API}/spot-checks/{check['id']}/close", {"conclusion": "no_remark"},
        content_type="application/json",
    )  # fmt: skip
    assert unconfirmed.status_code == 422
    assert unconfirmed.json()["detail"][0]["code"] == "confirm_required"
    closed = client.post(
        f"{API}/spot-checks/{check['id']}/close", {"conclusion": "no_remark", "confirm": True},
        content_type="application/json",
    )  # fmt: skip
    assert closed.json()["status"] == "closed"
    again = client.post(
        f"{API}/spot-checks/{check['id']}/items/{item}/review", {"conclusion": "no_remark"},
        content_type="application/json",
    )  # fmt: skip
    assert again.status_code == 409 and again.json()["detail"][0]["code"] == "closed"
    listing = client.get(f"{API}/spot-checks").json()
    assert listing["interval_days"] == 30 and [c["id"] for c in listing["items"]] == [check["id"]]


def test_a_bad_draw_is_422_and_saves_nothing(api_client, case):
    response = api_client(case.admin).post(
        f"{API}/spot-checks/sample",
        {"subject": "users", "period_start": "2026-03-10", "period_end": "2026-03-10",
         "sample_size": 999},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "sample_size"
    assert not SpotCheck.objects.exists()


def test_nurse_gets_403_and_the_refusal_is_logged(api_client, case):
    response = api_client(case.own_nurse).get(f"{API}/events")
    assert response.status_code == 403
    assert response.json()["detail"][0]["code"] == "forbidden"
    assert AuditEvent.objects.filter(user=case.own_nurse, action=Action.ACCESS_DENIED).exists()


def test_anonymous_gets_401(client):
    assert client.get(f"{API}/events").status_code == 401


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/spot-checks/sample", {"seed": 2**70}, "seed"),
        ("/spot-checks/suspicion", {"reason": "a\x00b", "username": "ssk.krokom"}, "reason"),
    ],
)
def test_values_the_database_cannot_hold_are_422_not_500(api_client, case, url, body, field):
    payload = {"subject": "users", "period_start": "2026-03-10", "period_end": "2026-03-10",
               "sample_size": 1, **body}  # fmt: skip
    response = api_client(case.admin).post(f"{API}{url}", payload, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field
    assert not SpotCheck.objects.exists()


def test_a_nul_in_a_query_is_422(api_client, case):
    response = api_client(case.admin).get(f"{API}/events", {"user": "a\x00"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "user"
