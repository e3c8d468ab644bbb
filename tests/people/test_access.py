"""The access matrix: every person page and API endpoint, as every role in four relations to
the person (issue 11: vårdgivare × verksamhet):

- ``own``: the person's own vårdgivare (Östersunds kommun), the role's own verksamhet, with
  an active care relation there;
- ``other_verksamhet``: the same vårdgivare, but only the other verksamhet has a care
  relation (OSL 8 kap. 2 §: health care and social services are separate);
- ``elsewhere``: another vårdgivare (Krokoms kommun) with a care relation it declared
  itself: it sees the person and its own records, none of Östersund's;
- ``private_provider``: a private provider contracted by the region (Lillsjöns hälsocentral
  AB, its own vårdgivare) with a care relation of its own: like ``elsewhere``, it sees the
  person and its own records, none of Östersund's (and, in
  ``test_a_private_provider_and_its_region_keep_their_records_apart``, none of the
  region's, nor the region its);
- ``unrelated``: another vårdgivare without any relation;
- ``participating_with_consent``: Krokom, invited to Östersund's SIP on the person under a
  consent that names it: the consent opens the plan (in the SIP room), not the record;
- ``participating_without_consent``: Region Jämtland Härjedalen, invited, not named;
- ``emergency``: Gävle kommun, whose licensed staff opened emergency access (PDL 6 kap. 3 §):
  it opens the plan, the fast vårdkontakt and the contacts, not the record.

The case's records are Östersund's health care's (a nurse's facts, a nursing intervention
decided twice, an assessment, a task) plus one fact of Östersund's social services. Person
endpoints answer whoever sees the person; record endpoints (an intervention, its decisions,
an assessment) only the vårdgivare × verksamhet that owns the record, else 404 as for a
missing one. 403 for roles without access to personal data. Every look, change and refusal
is in the audit log; list answers hold only the viewer's own records.

The SIP pages themselves (what consent and emergency access open) are in tests/sip; here each
SIP relation is first shown to hold (the plan opens) and then to open none of the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.utils import timezone

from samverkan.accounts.models import Role, Unit, UnitKind, Verksamhet, is_licensed, verksamhet_of
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import emergency, services
from samverkan.people.models import CareRelation, FactRecord, Person, Task
from samverkan.sip import services as sip_services
from samverkan.sip.models import ConsentScope
from tests.access_matrix import GROUP_NAMES, GROUPS, RIGHTS, Failures, roles_where
from tests.sip.conftest import simple_plan

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)
# The expectations come from the role table (tests/access_matrix.py), not from the app's sets;
# tests/test_access_table.py checks that the two agree.
READ_ROLES = roles_where(reads_persons=True)
WRITE_ROLES = roles_where(changes_persons=True)
RELATIONS = (
    "own",
    "other_verksamhet",
    "elsewhere",
    "private_provider",
    "unrelated",
    "participating_with_consent",
    "participating_without_consent",
    "emergency",
)
SIP_RELATIONS = RELATIONS[5:]
#: Another vårdgivare that declared a care relation of its own.
OWN_RELATION_ELSEWHERE = ("elsewhere", "private_provider")


@pytest.fixture
def case(make_staff, orgs, make_person, jh_person_facts, jh_intervention_facts):
    """A person of Östersunds kommun with health-care records (facts, an intervention decided
    twice, an assessment, a task) and a social-services relation with one fact."""
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
    assessor = make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund)
    CareRelation.objects.create(
        person=person, organisation=orgs.ostersund, verksamhet=Verksamhet.SOCIAL_SERVICES,
        reason="Ansökan om bistånd",
    )  # fmt: skip
    social_fact = services.set_fact(assessor, person, "housing", "special_housing")
    sip = _sip_with_consent(nurse, person, orgs)
    return SimpleNamespace(
        person=person, intervention=intervention, decision=decision, assessment=assessment,
        task=task, social_fact=social_fact, sip=sip,
    )  # fmt: skip


def _unit(organisation, name: str, kind: str) -> Unit:
    return Unit.objects.get_or_create(organisation=organisation, name=name, kind=kind)[0]


def _sip_with_consent(nurse, person, orgs):
    """Östersund's active SIP on the person: Krokom and the region invited, the consent names
    Krokom only."""
    units = SimpleNamespace(
        ost_home=_unit(orgs.ostersund, "Hemsjukvården Östersund", UnitKind.HOME_HEALTH_CARE),
        ost_social=_unit(orgs.ostersund, "Biståndsenheten", UnitKind.SOCIAL_SERVICES),
        jh_hc=_unit(orgs.region_jh, "Hälsocentral Centrum", UnitKind.PRIMARY_CARE),
        krokom_home=_unit(orgs.krokom, "Hemsjukvården Krokom", UnitKind.HOME_HEALTH_CARE),
    )
    sip = sip_services.start_sip(nurse, person, agreement="jh-hemsjukvard")
    sip_services.save_plan(nurse, sip, simple_plan(orgs, units), base_version=1)
    sip_services.activate(nurse, sip)
    sip_services.record_consent(
        nurse, sip, given_by="person", scope=ConsentScope.LISTED, organisations=[orgs.krokom]
    )
    sip_services.invite(nurse, sip, organisation=orgs.krokom, unit=units.krokom_home)
    sip_services.invite(nurse, sip, organisation=orgs.region_jh, unit=units.jh_hc)
    return sip


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str  # "read" (READ_ROLES see it) or "write" (WRITE_ROLES)
    method: str
    url: str
    body: dict | None = None
    ok: int = 200
    record: bool = False  # one of the case's health-care records (not the person as such)


def page_endpoints(c) -> list[Endpoint]:
    p, i = c.person.pk, c.intervention.pk
    return [
        Endpoint("person page", "read", "get", f"/personer/{p}/"),
        Endpoint("person overview", "read", "get", f"/personer/{p}/oversikt/"),
        Endpoint("show identities", "read", "get", f"/personer/{p}/?visa=identiteter"),
        Endpoint("intervention", "read", "get", f"/personer/{p}/insats/{i}/", record=True),
        Endpoint(
            "decision diff", "read", "get", f"/personer/{p}/beslut/{c.decision.pk}/", record=True
        ),
        Endpoint(
            "assessment", "read", "get", f"/personer/{p}/egenvard/{c.assessment.pk}/", record=True
        ),
        Endpoint("set fact form", "write", "get", f"/personer/{p}/uppgift/?name=housing"),
        Endpoint("add identity form", "write", "get", f"/personer/{p}/identitet/"),
        Endpoint("merge form", "write", "get", f"/personer/{p}/sammanfor/"),
        Endpoint("new intervention form", "write", "get", f"/personer/{p}/insats/ny/"),
        Endpoint(
            "edit intervention form",
            "write",
            "get",
            f"/personer/{p}/insats/{i}/andra/",
            record=True,
        ),
        Endpoint("new assessment form", "write", "get", f"/personer/{p}/egenvard/ny/"),
        Endpoint(
            "answer questions", "write", "get", f"/personer/{p}/insats/{i}/fragor/", record=True
        ),
        Endpoint(
            "set fact",
            "write",
            "post",
            f"/personer/{p}/uppgift/",
            {"name": "housing", "value": "ordinary"},
            ok=302,
        ),  # fmt: skip
        Endpoint(
            "decide", "write", "post", f"/personer/{p}/insats/{i}/besluta/", {}, ok=302, record=True
        ),
    ]


def api_endpoints(c) -> list[Endpoint]:
    p, i = c.person.pk, c.intervention.pk
    base = f"/api/persons/{p}"
    return [
        Endpoint("get person", "read", "get", base),
        Endpoint("facts", "read", "get", f"{base}/facts"),
        Endpoint("interventions", "read", "get", f"{base}/interventions"),
        Endpoint("intervention", "read", "get", f"{base}/interventions/{i}", record=True),
        Endpoint("decisions", "read", "get", f"{base}/interventions/{i}/decisions", record=True),
        Endpoint("assessments", "read", "get", f"{base}/assessments"),
        Endpoint(
            "set fact",
            "write",
            "post",
            f"{base}/facts",
            {"name": "housing", "value": "ordinary"},
            ok=201,
        ),  # fmt: skip
        Endpoint(
            "decide", "write", "post", f"{base}/interventions/{i}/decide", {}, ok=201, record=True
        ),
        Endpoint(
            "redecide",
            "write",
            "post",
            f"{base}/interventions/{i}/redecide",
            {},
            ok=201,
            record=True,
        ),
        Endpoint(
            "patch intervention",
            "write",
            "patch",
            f"{base}/interventions/{i}",
            {"facts": {"time": "10:00"}},
            record=True,
        ),  # fmt: skip
        Endpoint(
            "review assessment",
            "write",
            "post",
            f"{base}/assessments/{c.assessment.pk}/review",
            {"reason": "Kontroll"},
            record=True,
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


def _verksamhet(role: Role) -> str | None:
    return verksamhet_of(role)


def sees_person(role: Role, relation: str) -> bool:
    """The role's user sees the person: a care relation of her vårdgivare in her verksamhet."""
    return role in READ_ROLES and relation in ("own", *OWN_RELATION_ELSEWHERE)


def reaches_records(role: Role, relation: str) -> bool:
    """The case's records are Östersund's health care's."""
    return relation == "own" and _verksamhet(role) == Verksamhet.HEALTH_CARE


def expected(endpoint: Endpoint, role: Role, relation: str) -> int:
    allowed_roles = READ_ROLES if endpoint.kind == "read" else WRITE_ROLES
    if role not in allowed_roles:
        return 403
    if not sees_person(role, relation):
        return 404
    if endpoint.record and not reaches_records(role, relation):
        return 404
    return endpoint.ok


def _call(client, endpoint: Endpoint):
    if endpoint.method == "get":
        return client.get(endpoint.url)
    if endpoint.url.startswith("/api/"):
        return getattr(client, endpoint.method)(
            endpoint.url, endpoint.body or {}, content_type="application/json"
        )
    return client.post(endpoint.url, endpoint.body or {})


def _page_checks(failures: Failures, client, user, role, relation: str, c) -> None:
    ref = c.person.ref
    for endpoint in page_endpoints(c):
        response = _call(client, endpoint)
        want = expected(endpoint, role, relation)
        where = f"{role.value} {relation} page {endpoint.name}"
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
    for url in (f"/personer/{c.person.pk}/", f"/personer/{c.person.pk}/oversikt/"):
        page = client.get(url).content.decode()
        if not sees_person(role, relation):
            # Nothing of the person leaks into a refusal.
            failures.check(c.person.family_name not in page, f"{role.value} {relation}: name leaks")
        elif not reaches_records(role, relation):
            # The person page and the overview show none of Östersund's health-care records.
            for leak in (
                f"/insats/{c.intervention.pk}/",
                f"/egenvard/{c.assessment.pk}/",
                "Insulin",
            ):
                failures.check(leak not in page, f"{role.value} {relation}: {url} shows {leak}")


def _own_fact_ids(user) -> set[int]:
    profile = user.staff_profile
    return set(
        FactRecord.objects.filter(
            organisation_id=profile.organisation_id, verksamhet=profile.verksamhet or "-"
        ).values_list("pk", flat=True)
    )


def _api_checks(failures: Failures, api, user, role, relation: str, c) -> None:
    ref = c.person.ref
    base = f"/api/persons/{c.person.pk}"
    for endpoint in api_endpoints(c):
        response = _call(api, endpoint)
        want = expected(endpoint, role, relation)
        where = f"{role.value} {relation} API {endpoint.name}"
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
            refusals = AuditEvent.objects.filter(user=user, action=Action.ACCESS_DENIED)
            failures.check(refusals.exists(), f"{where}: refusal not audited")
            if endpoint.record and relation in OWN_RELATION_ELSEWHERE and want == 404:
                failures.check(
                    refusals.filter(owner_id=c.person_owner).exists(),
                    f"{where}: refusal not logged for the data owner",
                )
        elif want < 300:
            failures.check(
                AuditEvent.objects.filter(user=user, person_ref=ref).exists(),
                f"{where}: not in the audit log",
            )
    if not sees_person(role, relation):
        return
    # Lists hold only the viewer's own records (by provenance).
    own_facts = _own_fact_ids(user)
    history = api.get(f"{base}/facts").json()["history"]
    failures.check(
        {f["id"] for f in history} <= own_facts, f"{role.value} {relation}: another's facts"
    )
    interventions = [i["id"] for i in api.get(f"{base}/interventions").json()]
    assessments = [a["id"] for a in api.get(f"{base}/assessments").json()]
    records = reaches_records(role, relation)
    failures.expect(
        interventions, [c.intervention.pk] if records else [], f"{role.value} {relation} list"
    )
    failures.expect(
        assessments, [c.assessment.pk] if records else [], f"{role.value} {relation} assessments"
    )
    facts = api.get(base).json()["facts"]
    if not records:
        # Only the social services' (or Krokom's) own housing record, never the nurse's.
        failures.check(set(facts) <= {"housing"}, f"{role.value} {relation}: another's facts")


def _search_and_task_checks(failures: Failures, client, api, role, relation: str, c) -> None:
    """Search finds the person only where it is seen; tasks are the organisation's."""
    user_filter = {"user__staff_profile__role": role}
    number = c.person.primary_identity().value
    readable = role in READ_ROLES
    seen = sees_person(role, relation)
    where = f"{role.value} {relation}"
    for url in (f"/personer/?q={number}", f"/personer/?q={c.person.family_name}"):
        response = client.get(url)
        failures.expect(response.status_code, 200 if readable else 403, f"{where} {url}")
        found = str(c.person.pk) in response.content.decode()
        failures.expect(found, seen, f"{where} {url} finds the person")
    response = api.get(f"/api/persons?q={number}")
    failures.expect(response.status_code, 200 if readable else 403, f"{where} API search")
    if readable and response.status_code == 200:
        ids = [p["id"] for p in response.json()]
        failures.expect(ids, [str(c.person.pk)] if seen else [], f"{where} API search hits")
        failures.check(
            AuditEvent.objects.filter(
                action=Action.SEARCH, person_ref=number, **user_filter
            ).exists(),
            f"{where}: search not audited",
        )
    at_ostersund = relation in ("own", "other_verksamhet")
    task_page = client.get(f"/personer/uppgifter/{c.task.pk}/")
    failures.expect(
        task_page.status_code,
        403 if not readable else 200 if at_ostersund else 404,
        f"{where} task page",
    )
    failures.expect(
        client.get("/personer/uppgifter/").status_code, 302 if readable else 403, f"{where} tasks"
    )  # the one "Mina uppgifter" is the start page's
    failures.expect(
        api.get("/api/persons/tasks").status_code, 200 if readable else 403, f"{where} API tasks"
    )


def _arrange(c, orgs, role: Role, relation: str, private_provider=None):
    """The organisation of the role's user, with the person's relations set for `relation`."""
    verksamhet = _verksamhet(role) or Verksamhet.HEALTH_CARE
    relations = CareRelation.objects.filter(person=c.person, organisation=orgs.ostersund)
    relations.update(until=None)
    if relation == "other_verksamhet":
        relations.filter(verksamhet=verksamhet).update(
            until=timezone.localdate() - dt.timedelta(days=1)
        )
    if relation in SIP_RELATIONS:
        return {
            "participating_with_consent": orgs.krokom,
            "participating_without_consent": orgs.region_jh,
            "emergency": orgs.gavle,
        }[relation]
    if relation == "elsewhere":
        # Krokom declares a care relation of its own (as registration with
        # confirm_care_relation does): it opens Krokom's records only.
        CareRelation.objects.get_or_create(
            person=c.person, organisation=orgs.krokom, verksamhet=verksamhet,
            defaults={"reason": "Egen vårdrelation"},
        )  # fmt: skip
        return orgs.krokom
    if relation == "private_provider":
        # The region's private hälsocentral declares a care relation of its own.
        CareRelation.objects.get_or_create(
            person=c.person, organisation=private_provider, verksamhet=verksamhet,
            defaults={"reason": "Listad på hälsocentralen"},
        )  # fmt: skip
        return private_provider
    return orgs.gavle if relation == "unrelated" else orgs.ostersund


def _sip_relation_holds(failures: Failures, client, user, role, relation: str, c) -> None:
    """The SIP relation is real before the record is tried: the consent (or the emergency
    access) opens the plan to those who may read SIPs; without consent it does not."""
    if relation not in SIP_RELATIONS or not RIGHTS[role].sip:
        return
    if relation == "emergency":
        if not is_licensed(role):
            return
        opened = emergency.open_emergency_access(
            user, c.person.primary_identity().value, reason="Akut: medvetslös.",
            confirmed=True, acute=True,
        )  # fmt: skip
        failures.check(bool(opened), f"{role.value} emergency: nothing opened")
        return
    plan = client.get(f"/sip/{c.sip.pk}/")
    want = 200 if relation == "participating_with_consent" else 404
    failures.expect(plan.status_code, want, f"{role.value} {relation}: the SIP plan")


@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("group", GROUP_NAMES)
def test_person_matrix(
    case, make_staff, orgs, private_provider, client_as, api_client, group, relation
):
    """Every role of the group × every person page, API endpoint, search and task list, in
    one relation to the person; one case serves the whole group."""
    failures = Failures()
    case.person_owner = orgs.ostersund.pk
    for role in GROUPS[group]:
        assert RIGHTS[role].group == group
        organisation = _arrange(case, orgs, role, relation, private_provider)
        user = make_staff(role, organisation)
        client, api = client_as(user), api_client(user)
        _sip_relation_holds(failures, client, user, role, relation, case)
        _page_checks(failures, client, user, role, relation, case)
        _api_checks(failures, api, user, role, relation, case)
        _search_and_task_checks(failures, client, api, role, relation, case)
    # Nothing another vårdgivare or verksamhet did touched Östersund's health-care records.
    nurse_facts = FactRecord.objects.filter(
        person=case.person, organisation=orgs.ostersund, verksamhet=Verksamhet.HEALTH_CARE
    )
    failures.expect(
        nurse_facts.filter(name="residence", valid_to__isnull=True).count(),
        1,
        f"{group} {relation}: Östersund's open residence record",
    )
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


def test_a_private_provider_and_its_region_keep_their_records_apart(
    make_staff, orgs, private_provider, make_person, testpersons, api_client
):
    """A private provider contracted by the region is its own vårdgivare ("även om vården
    utförs av privata utförare med avtal"): a care relation of its own opens its records
    only, not the region's; the region's staff do not reach its records, with or without a
    care relation of their own (no consent opens the record)."""
    region_nurse = make_staff(Role.NURSE, orgs.region_jh)
    person = make_person(region_nurse)
    region_fact = services.set_fact(region_nurse, person, "housing", "ordinary")
    intervention = services.create_intervention(
        region_nurse, person, kind="nursing", start=dt.date(2026, 11, 1)
    )
    provider_nurse = make_staff(Role.NURSE, private_provider)
    provider_api = api_client(provider_nurse)
    base = f"/api/persons/{person.pk}"
    assert provider_api.get(base).status_code == 404  # no care relation yet
    registered = provider_api.post(
        "/api/persons",
        {
            "identifier": testpersons[0]["personnummer"],
            "given_name": "Egen",
            "family_name": "Registrering",
            "confirm_care_relation": True,
            "reason": "Listad på hälsocentralen",
        },
        content_type="application/json",
    )
    assert registered.status_code == 201  # as for a number that exists nowhere
    assert CareRelation.objects.filter(person=person, organisation=private_provider).exists()
    provider_fact = services.set_fact(provider_nurse, person, "housing", "special_housing")
    assert provider_fact.organisation_id == private_provider.pk

    history = {f["id"] for f in provider_api.get(f"{base}/facts").json()["history"]}
    assert provider_fact.pk in history and region_fact.pk not in history
    assert provider_api.get(f"{base}/interventions").json() == []
    assert provider_api.get(f"{base}/interventions/{intervention.pk}").status_code == 404
    refused = AuditEvent.objects.filter(
        user=provider_nurse, action=Action.ACCESS_DENIED, owner_id=orgs.region_jh.pk
    )
    assert refused.exists()  # the region's log control sees the attempt

    region_api = api_client(region_nurse)
    history = {f["id"] for f in region_api.get(f"{base}/facts").json()["history"]}
    assert region_fact.pk in history and provider_fact.pk not in history
    assert region_api.get(base).json()["facts"]["housing"] == "ordinary"
