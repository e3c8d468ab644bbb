"""Access and audit: the forum's roles see aggregates of their region; everyone else 403.

Decision (samverkan/followup/access.py): forum members, MAS, chefsläkare and ekonomer see
the yearly report and the simulation for the agreements of their own region; clinical and
case-handling roles and administrators get 403 (audited); anonymous users go to the login.
"""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.followup.models import Simulation
from tests.access_matrix import GROUPS, Failures, roles_where
from tests.followup.conftest import YEAR

pytestmark = pytest.mark.django_db
REPORT = f"/uppfoljning/rapport/jh-hemsjukvard/{YEAR}/"


def test_forum_member_sees_the_report_and_the_view_is_audited(client_as, forum_member) -> None:
    response = client_as(forum_member).get(REPORT)
    assert response.status_code == 200
    assert "Årsuppföljning" in response.content.decode()
    event = AuditEvent.objects.filter(
        action=Action.VIEW, object_type="followup.yearly_report"
    ).get()
    assert event.object_id == f"jh-hemsjukvard/{YEAR}"
    assert event.user == forum_member and event.role == Role.FORUM_MEMBER
    assert event.person_ref is None


@pytest.mark.parametrize("suffix", ["csv", "pdf"])
def test_exports_are_audited_as_exports(client_as, forum_member, suffix: str) -> None:
    response = client_as(forum_member).get(f"{REPORT}{suffix}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_type="followup.yearly_report", user=forum_member
    ).exists()


# From the role table (tests/access_matrix.py), grouped: one test per role group.
FOLLOWUP_ROLES = roles_where(followup=True)
REFUSED_URLS = (
    "/uppfoljning/",
    REPORT,
    f"{REPORT}csv",
    f"{REPORT}pdf",
    "/uppfoljning/simulering/",
    "/uppfoljning/simulering/regel?rule=gvb.responsibility.child",
    "/uppfoljning/simulering/1/",
    "/uppfoljning/simulering/1/csv",
    "/uppfoljning/simulering/1/pdf",
    "/api/followup/named-parameters",  # the simulation's named numbers: as the page
)


@pytest.mark.parametrize("group", [g for g, roles in GROUPS.items() if set(roles) & FOLLOWUP_ROLES])
def test_the_forums_roles_may_open_the_app(client_as, make_staff, orgs, group) -> None:
    saved = Simulation.objects.create(
        name="Prövning", variant={"changes": []}, source="synthetic", region="jamtland-harjedalen"
    )
    # the discharge question's saved result (issue 16) has its own view and exports
    days = Simulation.objects.create(
        name="Fem dagar",
        variant={"changes": [{"op": "set_discharge_days", "days": 5}]},
        source="discharges",
        region="jamtland-harjedalen",
        population={"source": "discharges", "region": "jamtland-harjedalen", "year": YEAR - 1},
        result={"kind": "discharge_days", "days": 5, "year": YEAR - 1, "summary": {"stays": 0}},
    )
    simulation = f"/uppfoljning/simulering/{saved.pk}/"
    discharge = f"/uppfoljning/simulering/{days.pk}/"
    urls = ("/uppfoljning/", REPORT, "/uppfoljning/simulering/", simulation, discharge)
    failures = Failures()
    for role in GROUPS[group]:
        client = client_as(make_staff(role, orgs.krokom))
        api = "/api/followup/named-parameters"
        exports = (f"{simulation}csv", f"{simulation}pdf", f"{discharge}csv", f"{discharge}pdf")
        for url in (*urls, *exports, api, f"/api/followup/simulations/{days.pk}"):
            failures.expect(client.get(url).status_code, 200, f"{role.value} {url}")
    failures.assert_none()


@pytest.mark.parametrize(
    "group", [g for g, roles in GROUPS.items() if not set(roles) & FOLLOWUP_ROLES]
)
def test_other_roles_get_403_and_the_refusal_is_audited(client_as, make_staff, orgs, group) -> None:
    failures = Failures()
    for role in GROUPS[group]:
        user = make_staff(role, orgs.ostersund)
        client = client_as(user)
        for url in REFUSED_URLS:
            failures.expect(client.get(url).status_code, 403, f"{role.value} {url}")
        refusals = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, user=user).count()
        failures.expect(refusals, len(REFUSED_URLS), f"{role.value}: audited refusals")
        failures.check(
            not AuditEvent.objects.filter(action=Action.VIEW, user=user).exists(),
            f"{role.value}: a view was audited",
        )
    failures.assert_none()


def test_nurse_is_refused_the_api_too(api_client, nurse) -> None:
    response = api_client(nurse).get(f"/api/followup/reports/jh-hemsjukvard/{YEAR}")
    assert response.status_code == 403
    assert response.json()["detail"][0]["code"] == "forbidden"


def test_named_parameters_api_lists_the_own_regions_numbers(api_client, make_staff, orgs):
    """Issue 13: the simulation's named numbers (key, question, help, today's value) were on
    the page only; the API lists them for the forum's roles, of their own region."""
    jh = api_client(make_staff(Role.FORUM_MEMBER, orgs.region_jh)).get(
        "/api/followup/named-parameters"
    )
    assert jh.status_code == 200
    by_name = {p["name"]: p for p in jh.json()}
    adult = by_name["jh_psyk.adult_age"]
    assert adult["question"] == "Åldersgräns för vuxenpsykiatrin"
    assert adult["help"].startswith("Under den åldern har barn- och ungdomspsykiatrin")
    assert adult["agreement"] == "jh-psykisk" and adult["value"] == 18
    assert {p["region"] for p in by_name.values()} == {"jamtland-harjedalen"}
    assert all(p["question"] and p["rules"] for p in by_name.values())
    gvb = api_client(make_staff(Role.FORUM_MEMBER, orgs.region_gvb)).get(
        "/api/followup/named-parameters"
    )
    assert "gvb.adult_age" in {p["name"] for p in gvb.json()}
    assert "jh_psyk.adult_age" not in {p["name"] for p in gvb.json()}


def test_another_regions_agreement_is_refused(client_as, forum_member) -> None:
    response = client_as(forum_member).get("/uppfoljning/rapport/gvb-svart-sjuka/2019/")
    assert response.status_code == 403
    assert AuditEvent.objects.filter(
        action=Action.ACCESS_DENIED, object_id="gvb-svart-sjuka/2019"
    ).exists()


def test_unknown_agreement_or_year_is_404(client_as, forum_member) -> None:
    client = client_as(forum_member)
    assert client.get(f"/uppfoljning/rapport/no-such/{YEAR}/").status_code == 404
    assert client.get("/uppfoljning/rapport/jh-hemsjukvard/1999/").status_code == 404


def test_anonymous_users_are_sent_to_the_login(client) -> None:
    response = client.get(REPORT)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.get(f"/api/followup/reports/jh-hemsjukvard/{YEAR}").status_code == 401


def test_nav_shows_the_followup_link_only_to_the_forums_roles(client_as, forum_member, nurse):
    assert 'href="/uppfoljning/"' in client_as(forum_member).get("/").content.decode()
    assert 'href="/uppfoljning/"' not in client_as(nurse).get("/").content.decode()


def test_api_report_for_forum_member(api_client, forum_member) -> None:
    response = api_client(forum_member).get(f"/api/followup/reports/jh-hemsjukvard/{YEAR}")
    assert response.status_code == 200
    data = response.json()
    assert data["agreement"] == "jh-hemsjukvard"
    assert {s["key"] for s in data["sections"]} >= {"decisions", "purchases", "disputes"}


def test_saved_simulations_of_another_region_are_invisible(client_as, make_staff, orgs) -> None:
    gvb_member = make_staff(Role.FORUM_MEMBER, orgs.region_gvb)
    jh_member = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    saved = Simulation.objects.create(
        name="Gävleborg", variant={"changes": []}, source="synthetic", region="gavleborg"
    )
    assert client_as(gvb_member).get(f"/uppfoljning/simulering/{saved.pk}/").status_code == 200
    assert client_as(jh_member).get(f"/uppfoljning/simulering/{saved.pk}/").status_code == 404
