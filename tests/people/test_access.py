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
from samverkan.people.models import Person, Task
from tests.access_matrix import GROUP_NAMES, GROUPS, Failures, roles_where

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)
# The expectations come from the role table (tests/access_matrix.py), not from the app's sets;
# tests/test_access_table.py checks that the two agree.
READ_ROLES = roles_where(reads_persons=True)
WRITE_ROLES = roles_where(changes_persons=True)


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


def _page_checks(failures: Failures, client, user, role, own: bool, c) -> None:
    ref = c.person.ref
    for endpoint in page_endpoints(c):
        response = _call(client, endpoint)
        want = expected(endpoint, role, own)
        where = f"{role.value} {'own' if own else 'unrelated'} page {endpoint.name}"
        failures.expect(response.status_code, want, where)
        events = AuditEvent.objects.filter(user=user)
        if want in (200, 302):
            failures.check(
                events.filter(
                    person_ref=ref, action__in=[Action.VIEW, Action.UPDATE, Action.CREATE]
                ).exists(),
                f"{where}: not in the audit log",
            )
        else:
            failures.check(
                events.filter(action=Action.ACCESS_DENIED).exists(), f"{where}: refusal not audited"
            )
        if response.status_code == 200:
            failures.check(c.person.family_name in response.content.decode(), f"{where}: no name")
    # Nothing of the person leaks into a refusal.
    if not own or role not in READ_ROLES:
        response = client.get(f"/personer/{c.person.pk}/")
        failures.check(
            c.person.family_name not in response.content.decode(), f"{role.value}: name leaks"
        )


def _api_checks(failures: Failures, api, user, role, own: bool, c) -> None:
    ref = c.person.ref
    for endpoint in api_endpoints(c):
        response = _call(api, endpoint)
        want = expected(endpoint, role, own)
        where = f"{role.value} {'own' if own else 'unrelated'} API {endpoint.name}"
        failures.expect(response.status_code, want, where)
        if response.status_code != want:
            continue
        body = response.json()
        if want >= 400 and want != 422:
            failures.expect(set(body), {"detail"}, f"{where}: error shape")
            failures.check(
                body["detail"][0]["code"] in {"forbidden", "not_found"}, f"{where}: error code"
            )
            failures.check(
                c.person.family_name not in response.content.decode(), f"{where}: name leaks"
            )
            failures.check(
                AuditEvent.objects.filter(user=user, action=Action.ACCESS_DENIED).exists(),
                f"{where}: refusal not audited",
            )
        elif want < 300:
            failures.check(
                AuditEvent.objects.filter(user=user, person_ref=ref).exists(),
                f"{where}: not in the audit log",
            )


def _search_and_task_checks(failures: Failures, client, api, role, own: bool, c) -> None:
    """Search finds the person only for the own organisation; tasks are the organisation's."""
    user_filter = {"user__staff_profile__role": role}
    number = c.person.primary_identity().value
    readable = role in READ_ROLES
    where = f"{role.value} {'own' if own else 'unrelated'}"
    for url in (f"/personer/?q={number}", f"/personer/?q={c.person.family_name}"):
        response = client.get(url)
        failures.expect(response.status_code, 200 if readable else 403, f"{where} {url}")
        found = str(c.person.pk) in response.content.decode()
        failures.expect(found, readable and own, f"{where} {url} finds the person")
    response = api.get(f"/api/persons?q={number}")
    failures.expect(response.status_code, 200 if readable else 403, f"{where} API search")
    if readable and response.status_code == 200:
        ids = [p["id"] for p in response.json()]
        failures.expect(ids, [str(c.person.pk)] if own else [], f"{where} API search hits")
        failures.check(
            AuditEvent.objects.filter(
                action=Action.SEARCH, person_ref=number, **user_filter
            ).exists(),
            f"{where}: search not audited",
        )
    task_page = client.get(f"/personer/uppgifter/{c.task.pk}/")
    failures.expect(
        task_page.status_code, 403 if not readable else 200 if own else 404, f"{where} task page"
    )
    failures.expect(
        client.get("/personer/uppgifter/").status_code, 200 if readable else 403, f"{where} tasks"
    )
    failures.expect(
        api.get("/api/persons/tasks").status_code, 200 if readable else 403, f"{where} API tasks"
    )


@pytest.mark.parametrize("own", [True, False], ids=["own", "unrelated"])
@pytest.mark.parametrize("group", GROUP_NAMES)
def test_person_matrix(case, make_staff, orgs, client_as, api_client, group, own):
    """Every role of the group × every person page, API endpoint, search and task list, as
    staff of the person's own organisation or of an unrelated one; one case serves them all."""
    failures = Failures()
    for role in GROUPS[group]:
        user = make_staff(role, orgs.ostersund if own else orgs.gavle)
        client, api = client_as(user), api_client(user)
        _page_checks(failures, client, user, role, own, case)
        _api_checks(failures, api, user, role, own, case)
        _search_and_task_checks(failures, client, api, role, own, case)
    failures.assert_none()


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
