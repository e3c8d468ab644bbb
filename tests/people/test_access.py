"""The access matrix: every person page and API endpoint, as every role of the person's own
organisation and of an unrelated organisation. 200 (or 201) only for the own organisation's
roles that may see (or change) persons; 403 for roles without access to personal data; 404
for another organisation (whether the person exists is not revealed). Every look, change and
refusal is in the audit log.

The SIP app adds the participating-organisation column in its own tests (through
`people.access.EXTRA_VISIBILITY`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db.models import Q
from django.utils import timezone

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import access, services
from samverkan.people.access import READ_ROLES, WRITE_ROLES
from samverkan.people.models import Person, Task

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)


@pytest.fixture
def case(make_staff, orgs, make_person, jh_person_facts, jh_intervention_facts):
    """A person of Östersunds kommun with an intervention decided twice, an assessment and
    a task."""
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    person = make_person(nurse)
    for name, value in (jh_person_facts | {"adl_needs_over_time": ["dressing"]}).items():
        services.set_fact(nurse, person, name, value, valid_from=dt.date(2022, 1, 1))
    intervention = services.create_intervention(
        nurse, person, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
    )
    services.decide_intervention(nurse, intervention)
    decision, _diff = services.redecide_intervention(nurse, intervention)
    assessment = services.create_assessment(
        nurse, person, intervention_kind="medication_management", measure="Insulin",
        result="health_care", review_date=timezone.localdate() + dt.timedelta(days=30),
    )  # fmt: skip
    task = Task.objects.filter(person=person).first()
    assert task is not None
    return SimpleNamespace(
        person=person, intervention=intervention, decision=decision, assessment=assessment,
        task=task,
    )  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str  # "read" (READ_ROLES see it) or "write" (WRITE_ROLES)
    method: str
    url: str
    body: dict | None = None
    ok: int = 200


def page_endpoints(c) -> list[Endpoint]:
    p, i = c.person.pk, c.intervention.pk
    return [
        Endpoint("person page", "read", "get", f"/personer/{p}/"),
        Endpoint("show identities", "read", "get", f"/personer/{p}/?visa=identiteter"),
        Endpoint("intervention", "read", "get", f"/personer/{p}/insats/{i}/"),
        Endpoint("decision diff", "read", "get", f"/personer/{p}/beslut/{c.decision.pk}/"),
        Endpoint("assessment", "read", "get", f"/personer/{p}/egenvard/{c.assessment.pk}/"),
        Endpoint("set fact form", "write", "get", f"/personer/{p}/uppgift/?name=housing"),
        Endpoint("add identity form", "write", "get", f"/personer/{p}/identitet/"),
        Endpoint("merge form", "write", "get", f"/personer/{p}/sammanfor/"),
        Endpoint("new intervention form", "write", "get", f"/personer/{p}/insats/ny/"),
        Endpoint("edit intervention form", "write", "get", f"/personer/{p}/insats/{i}/andra/"),
        Endpoint("new assessment form", "write", "get", f"/personer/{p}/egenvard/ny/"),
        Endpoint(
            "set fact",
            "write",
            "post",
            f"/personer/{p}/uppgift/",
            {"name": "housing", "value": "ordinary"},
            ok=302,
        ),  # fmt: skip
        Endpoint("decide", "write", "post", f"/personer/{p}/insats/{i}/besluta/", {}, ok=302),
    ]


def api_endpoints(c) -> list[Endpoint]:
    p, i = c.person.pk, c.intervention.pk
    base = f"/api/persons/{p}"
    return [
        Endpoint("get person", "read", "get", base),
        Endpoint("facts", "read", "get", f"{base}/facts"),
        Endpoint("interventions", "read", "get", f"{base}/interventions"),
        Endpoint("intervention", "read", "get", f"{base}/interventions/{i}"),
        Endpoint("decisions", "read", "get", f"{base}/interventions/{i}/decisions"),
        Endpoint("assessments", "read", "get", f"{base}/assessments"),
        Endpoint(
            "set fact",
            "write",
            "post",
            f"{base}/facts",
            {"name": "housing", "value": "ordinary"},
            ok=201,
        ),  # fmt: skip
        Endpoint("decide", "write", "post", f"{base}/interventions/{i}/decide", {}, ok=201),
        Endpoint("redecide", "write", "post", f"{base}/interventions/{i}/redecide", {}, ok=201),
        Endpoint(
            "patch intervention",
            "write",
            "patch",
            f"{base}/interventions/{i}",
            {"facts": {"time": "10:00"}},
        ),  # fmt: skip
        Endpoint(
            "review assessment",
            "write",
            "post",
            f"{base}/assessments/{c.assessment.pk}/review",
            {"reason": "Kontroll"},
        ),  # fmt: skip
        Endpoint(
            "add identity",
            "write",
            "post",
            f"{base}/identities",
            {"identifier": "NOT-A-NUMBER"},
            ok=422,  # reaching validation = access granted
        ),  # fmt: skip
    ]


def expected(endpoint: Endpoint, role: Role, own: bool) -> int:
    allowed_roles = READ_ROLES if endpoint.kind == "read" else WRITE_ROLES
    if role not in allowed_roles:
        return 403
    return endpoint.ok if own else 404


def _call(client, endpoint: Endpoint):
    if endpoint.method == "get":
        return client.get(endpoint.url)
    if endpoint.url.startswith("/api/"):
        return getattr(client, endpoint.method)(
            endpoint.url, endpoint.body or {}, content_type="application/json"
        )
    return client.post(endpoint.url, endpoint.body or {})


@pytest.mark.parametrize("own", [True, False], ids=["own", "unrelated"])
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_page_matrix(case, make_staff, orgs, client_as, role, own):
    user = make_staff(role, orgs.ostersund if own else orgs.gavle)
    client = client_as(user)
    ref = case.person.ref
    for endpoint in page_endpoints(case):
        response = _call(client, endpoint)
        want = expected(endpoint, role, own)
        assert response.status_code == want, (endpoint.name, role, own, response.status_code)
        events = AuditEvent.objects.filter(user=user)
        if want in (200, 302):
            assert events.filter(person_ref=ref, action__in=[Action.VIEW, Action.UPDATE,
                                                             Action.CREATE]).exists()  # fmt: skip
        else:
            assert events.filter(action=Action.ACCESS_DENIED).exists(), endpoint.name
        if response.status_code == 200:
            body = response.content.decode()
            assert case.person.family_name in body
    # Nothing of the person leaks into a refusal.
    if not own or role not in READ_ROLES:
        response = client.get(f"/personer/{case.person.pk}/")
        assert case.person.family_name not in response.content.decode()


@pytest.mark.parametrize("own", [True, False], ids=["own", "unrelated"])
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_api_matrix(case, make_staff, orgs, api_client, role, own):
    user = make_staff(role, orgs.ostersund if own else orgs.gavle)
    client = api_client(user)
    ref = case.person.ref
    for endpoint in api_endpoints(case):
        response = _call(client, endpoint)
        want = expected(endpoint, role, own)
        assert response.status_code == want, (endpoint.name, role, own, response.content)
        body = response.json()
        if want >= 400 and want != 422:
            assert set(body) == {"detail"}
            assert body["detail"][0]["code"] in {"forbidden", "not_found"}
            assert case.person.family_name not in response.content.decode()
            assert AuditEvent.objects.filter(user=user, action=Action.ACCESS_DENIED).exists()
        elif want < 300:
            assert AuditEvent.objects.filter(user=user, person_ref=ref).exists(), endpoint.name


@pytest.mark.parametrize("own", [True, False], ids=["own", "unrelated"])
@pytest.mark.parametrize("role", ALL_ROLES, ids=[r.value for r in ALL_ROLES])
def test_search_and_tasks_matrix(case, make_staff, orgs, client_as, api_client, role, own):
    """Search finds the person only for the own organisation; tasks are the organisation's."""
    user = make_staff(role, orgs.ostersund if own else orgs.gavle)
    client, api = client_as(user), api_client(user)
    number = case.person.primary_identity().value
    readable = role in READ_ROLES
    for url in (f"/personer/?q={number}", f"/personer/?q={case.person.family_name}"):
        response = client.get(url)
        assert response.status_code == (200 if readable else 403)
        found = str(case.person.pk) in response.content.decode()
        assert found == (readable and own), url
    response = api.get(f"/api/persons?q={number}")
    assert response.status_code == (200 if readable else 403)
    if readable:
        assert [p["id"] for p in response.json()] == ([str(case.person.pk)] if own else [])
        assert AuditEvent.objects.filter(user=user, action=Action.SEARCH, person_ref=number)
    task_page = client.get(f"/personer/uppgifter/{case.task.pk}/")
    assert task_page.status_code == (403 if not readable else 200 if own else 404)
    assert client.get("/personer/uppgifter/").status_code == (200 if readable else 403)
    assert api.get("/api/persons/tasks").status_code == (200 if readable else 403)


def test_create_pages_and_api_by_role(make_staff, orgs, client_as, api_client):
    for role in ALL_ROLES:
        user = make_staff(role, orgs.ostersund)
        want = 200 if role in WRITE_ROLES else 403
        assert client_as(user).get("/personer/ny/").status_code == want
        response = api_client(user).post(
            "/api/persons", {"identifier": "x"}, content_type="application/json"
        )
        assert response.status_code == (422 if role in WRITE_ROLES else 403), role


def test_unauthenticated_is_sent_to_login_or_401(case, client):
    response = client.get(f"/personer/{case.person.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/api/persons/{case.person.pk}").status_code == 401


def test_an_ended_care_relation_ends_access(case, make_staff, orgs, client_as):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    client = client_as(nurse)
    assert client.get(f"/personer/{case.person.pk}/").status_code == 200
    case.person.care_relations.update(until=timezone.localdate() - dt.timedelta(days=1))
    assert client.get(f"/personer/{case.person.pk}/").status_code == 404


def test_unknown_and_malformed_ids_are_404(make_staff, orgs, client_as, api_client):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    missing = "00000000-0000-0000-0000-000000000000"
    assert client_as(nurse).get(f"/personer/{missing}/").status_code == 404
    assert api_client(nurse).get(f"/api/persons/{missing}").status_code == 404
    assert api_client(nurse).get("/api/persons/not-a-uuid").status_code == 404


def test_extra_visibility_hook_grants_read_only(case, make_staff, orgs, client_as, monkeypatch):
    """Another app (SIP) widens visibility through EXTRA_VISIBILITY, read only."""
    outsider = make_staff(Role.NURSE, orgs.gavle)
    client = client_as(outsider)
    assert client.get(f"/personer/{case.person.pk}/").status_code == 404

    def gavle_sees_it(user):
        profile = user.staff_profile
        return Q(pk=case.person.pk) if profile.organisation_id == orgs.gavle.pk else Q(pk__in=[])

    monkeypatch.setattr(access, "EXTRA_VISIBILITY", [*access.EXTRA_VISIBILITY, gavle_sees_it])
    assert access.can_see(outsider, case.person)
    assert not access.can_change(outsider, case.person)
    assert client.get(f"/personer/{case.person.pk}/").status_code == 200
    assert client.get(f"/personer/{case.person.pk}/uppgift/?name=housing").status_code == 404
    # Name search stays within the own organisation; an exact identifier finds it.
    assert (
        str(case.person.pk)
        not in client.get(f"/personer/?q={case.person.family_name}").content.decode()
    )
    number = case.person.primary_identity().value
    assert str(case.person.pk) in client.get(f"/personer/?q={number}").content.decode()


def test_merged_record_redirects_to_the_survivor(case, make_staff, orgs, make_person, client_as):
    nurse = make_staff(Role.NURSE, orgs.ostersund)
    survivor = make_person(nurse, 5)
    services.merge_persons(nurse, source=case.person, target=survivor)
    client = client_as(nurse)
    response = client.get(f"/personer/{case.person.pk}/")
    assert response.status_code == 302 and str(survivor.pk) in response["Location"]
    assert Person.objects.active().filter(pk=case.person.pk).count() == 0
    outsider = make_staff(Role.NURSE, orgs.gavle)
    assert client_as(outsider).get(f"/personer/{case.person.pk}/").status_code == 404
