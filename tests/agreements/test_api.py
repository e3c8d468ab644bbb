"""The API's lifecycle endpoints and its schema."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_lists_the_routes(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/deviations",
        "/api/deviations/{deviation_id}",
        "/api/deviations/followup",
        "/api/deviations/disputes/{dispute_id}/decision",
        "/api/deviations/agreements/{agreement}/notices",
        "/api/deviations/local-agreements",
        "/api/deviations/routines",
        "/api/deviations/lists/{list_id}/fix",
    ):
        assert path in paths, path


def test_anonymous_gets_401(client):
    assert client.get("/api/deviations").status_code == 401
    assert client.get("/api/deviations/agreements").status_code == 401


def test_lifecycle_endpoints(people, orgs, units, api_client, make_staff):
    from samverkan.accounts.models import Role

    forum = api_client(people.forum)
    agreements = forum.get("/api/deviations/agreements?on=2026-05-01").json()
    hsv = next(a for a in agreements if a["id"] == "jh-hemsjukvard")
    assert hsv["next_notice_deadline"] == "2026-06-30" and hsv["forum"] == "SVOM/Fredagsgruppen"
    assert [r["kind"] for r in hsv["reminders"]] == ["notice_deadline"]
    assert {a["id"] for a in agreements} == {"jh-hemsjukvard", "jh-primarvard-kommun", "jh-psykisk"}
    settings = forum.put(
        "/api/deviations/agreements/jh-hemsjukvard/settings",
        {"reminder_lead_days": 10, "responsible_role": "mas"},
        content_type="application/json",
    )
    assert settings.status_code == 200 and settings.json()["reminder_lead_days"] == 10
    bad = forum.put(
        "/api/deviations/agreements/jh-hemsjukvard/settings",
        {"reminder_lead_days": 0},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "reminder_lead_days"
    points = forum.get("/api/deviations/local-points").json()
    assert len(points) == 7 and sum(p["required_routine"] for p in points) == 4
    # six of §8.3, one Bilaga 2 opens itself ("om annat ej överenskommits")
    assert [p["clause"] for p in points].count("jh-hemsjukvard §8.3") == 6
    made = forum.post(
        "/api/deviations/local-agreements",
        {"point": "lab_service", "municipality_id": orgs.ostersund.pk, "health_centre_id": units.hc_centrum.pk,
         "title": "Lab", "agreed_on": "2024-01-01"},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201
    routines = forum.get("/api/deviations/routines?on=2024-06-01").json()
    cell = next(
        c
        for r in routines["rows"]
        if r["health_centre"] == "Hälsocentral Centrum"
        and r["municipality"]["name"] == "Östersunds kommun"
        for c in r["cells"]
        if c["point"] == "lab_service"
    )
    assert cell["present"] is True
    region_rep = make_staff(Role.MAS, orgs.region_jh, "mas.region.api")
    lst = forum.post("/api/deviations/lists", {"kind": "basic_equipment", "year": 2025, "items": "Termometer"},
                     content_type="application/json")  # fmt: skip
    assert lst.status_code == 201
    list_id = lst.json()["id"]
    for user in (region_rep, people.kommun_mas):
        forum.post(
            f"/api/deviations/lists/{list_id}/members",
            {"user_id": user.pk},
            content_type="application/json",
        )
    assert forum.post(f"/api/deviations/lists/{list_id}/fix").status_code == 422
    for user in (region_rep, people.kommun_mas):
        assert api_client(user).post(f"/api/deviations/lists/{list_id}/sign").status_code == 200
    fixed = forum.post(f"/api/deviations/lists/{list_id}/fix").json()
    assert fixed["fixed_at"] and all(m["signed_at"] for m in fixed["members"])
    assert (
        api_client(people.kommun_nurse).post(f"/api/deviations/lists/{list_id}/fix").status_code
        == 403
    )
