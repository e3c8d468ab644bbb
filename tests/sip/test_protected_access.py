"""The access matrix of the protected-identity and spärr pages and endpoints
(`people/api_protection.py`, `people/views_protection.py`): every role group × the person's
own organisation, a SIP participant with consent, one without consent and an unrelated
organisation. Only the own organisation's write roles record, end or lift; a participant
who may see the person sees the marker but never the spärrar; nothing reveals another
vårdgivare's spärr. Emergency access (helper h5) adds its column when it exists."""

from __future__ import annotations

import json

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.people import access
from samverkan.people import services as people_services
from samverkan.people.models import AccessBlock, IdentityProtection
from samverkan.sip import services
from samverkan.sip.models import ConsentScope
from tests.access_matrix import GROUPS, Failures, roles_where

pytestmark = pytest.mark.django_db

READ_ROLES = roles_where(reads_persons=True)
WRITE_ROLES = roles_where(changes_persons=True)
RELATIONS = ["own", "participating_with_consent", "participating_without_consent", "unrelated"]


@pytest.fixture
def protected_case(sip, staff, orgs, units, plan_factory, make_staff):
    # The kommun's social services have the person as a client too (a care relation opens
    # its own verksamhet only; the needs assessor is social services).
    people_services.add_care_relation(
        make_staff(Role.NEEDS_ASSESSOR, orgs.ostersund), sip.person, reason="Biståndsärende"
    )
    services.save_plan(staff.ost, sip, plan_factory(), base_version=1)
    services.activate(staff.ost, sip)
    services.record_consent(
        staff.ost, sip, given_by="person", scope=ConsentScope.LISTED, organisations=[orgs.krokom]
    )
    services.invite(staff.ost, sip, organisation=orgs.krokom, unit=units.krokom_social)
    services.invite(staff.ost, sip, organisation=orgs.region_jh, unit=units.jh_hc)
    person = sip.person
    protection = people_services.mark_protected(staff.ost, person, kind="protected_registration")
    block = people_services.record_block(
        staff.ost, person, kind="shared", requested_by_person=True, reason="Begärt vid besök"
    )
    return person, protection, block


def _endpoints(person, protection, block):
    p, base = person.pk, f"/api/persons/{person.pk}"
    return [
        # (name, method, url, kind, allowed status, body)
        ("page", "get", f"/personer/{p}/skydd/", "write", 200, None),
        ("page mark (invalid)", "post", f"/personer/{p}/skydd/", "write", 200,
         {"action": "mark", "skydd-kind": "bogus"}),
        ("page end confirm", "get", f"/personer/{p}/skydd/{protection.pk}/avsluta/", "write",
         200, None),
        ("page end (unconfirmed)", "post", f"/personer/{p}/skydd/{protection.pk}/avsluta/",
         "write", 200, {"reason": "x"}),
        ("page lift confirm", "get", f"/personer/{p}/sparr/{block.pk}/hav/", "write", 200, None),
        ("page lift (unconfirmed)", "post", f"/personer/{p}/sparr/{block.pk}/hav/", "write",
         200, {"reason": "x"}),
        ("api state", "api-get", f"{base}/protection", "read", 200, None),
        ("api mark (invalid)", "api-post", f"{base}/protections", "write", 422, {"kind": "x"}),
        ("api end (unconfirmed)", "api-post", f"{base}/protections/{protection.pk}/end",
         "write", 422, {"reason": "x"}),
        ("api block (invalid)", "api-post", f"{base}/blocks", "write", 422,
         {"kind": "x", "reason": "x"}),
        ("api lift (unconfirmed)", "api-post", f"{base}/blocks/{block.pk}/lift", "write", 422,
         {"reason": "x"}),
    ]  # fmt: skip


def _expected(relation: str, role: Role, kind: str, allowed: int, sees: bool) -> int:
    if role not in (READ_ROLES if kind == "read" else WRITE_ROLES):
        return 403
    if relation == "own":
        return allowed
    # Reading follows the person door (a participant with consent, as people.access says);
    # changing is the own vårdgivare's only.
    return allowed if kind == "read" and sees else 404


@pytest.mark.parametrize("relation", RELATIONS)
def test_protection_access_matrix(
    relation, protected_case, orgs, make_staff, client_as, api_client
):
    person, protection, block = protected_case
    organisation = {
        "own": orgs.ostersund,
        "participating_with_consent": orgs.krokom,
        "participating_without_consent": orgs.region_jh,
        "unrelated": orgs.gavle,
    }[relation]
    failures = Failures()
    for group, role in ((g, r) for g, roles in GROUPS.items() for r in roles):
        user = make_staff(role, organisation)
        web, api = client_as(user), api_client(user)
        sees = access.can_see(user, person)
        if relation in ("participating_without_consent", "unrelated"):
            failures.check(not sees, f"{relation} {role.value}: sees the person")
        for name, method, url, kind, allowed, body in _endpoints(person, protection, block):
            client = api if method.startswith("api-") else web
            verb = method.removeprefix("api-")
            if verb == "get":
                response = client.get(url)
            elif method.startswith("api-"):
                response = client.post(url, json.dumps(body or {}), content_type="application/json")
            else:
                response = client.post(url, body or {})
            want = _expected(relation, role, kind, allowed, sees)
            where = f"{relation} {group}/{role.value} {name}"
            failures.expect(response.status_code, want, where)
            text = response.content.decode()
            if response.status_code in (403, 404):
                failures.check(person.family_name not in text, f"{where}: name leaks")
                failures.check(
                    AuditEvent.objects.filter(user=user, action=Action.ACCESS_DENIED).exists(),
                    f"{where}: refusal not audited",
                )
            if name == "api state" and response.status_code == 200:
                state = response.json()
                failures.expect(state["marker"], "Skyddad identitet", f"{where}: marker")
                own_staff = relation == "own" and role in WRITE_ROLES
                failures.expect(bool(state["blocks"]), own_staff, f"{where}: sees the spärrar")
            if name == "page" and response.status_code == 200:
                failures.check("Begärt vid besök" in text, f"{where}: spärr not listed")
    failures.assert_none()
    # Nothing was recorded, ended or lifted by the walk.
    assert IdentityProtection.objects.filter(ended_at__isnull=True).count() == 1
    assert AccessBlock.objects.filter(lifted_at__isnull=True).count() == 1


def test_participant_person_page_shows_marker_not_kommun_or_spärr(
    protected_case, staff, client_as, api_client
):
    person = protected_case[0]
    # A SIP opens the plan only (issue 11): Krokom sees the person page by its own care
    # relation, and still must not learn the kommun or Östersund's spärr.
    people_services.add_care_relation(staff.krokom, person, reason="Eget ärende")
    assert access.can_see(staff.krokom, person)
    page = client_as(staff.krokom).get(f"/personer/{person.pk}/").content.decode()
    assert "badge--protected" in page
    assert "Östersund (2380)" not in page and "Lämnas inte ut – skyddad identitet" in page
    assert "Begärt vid besök" not in page
    # Krokom cares for the person and may record its own spärr; Östersund's stays unseen.
    skydd = client_as(staff.krokom).get(f"/personer/{person.pk}/skydd/").content.decode()
    assert "Begärt vid besök" not in skydd and "Östersund (2380)" not in skydd
    body = api_client(staff.krokom).get(f"/api/persons/{person.pk}").json()
    assert body["protected"] is True
    assert body["home_municipality"] == "Lämnas inte ut – skyddad identitet"
    assert "municipality" not in body["facts"]


def test_own_person_page_shows_marker_kommun_and_section(protected_case, staff, client_as):
    person = protected_case[0]
    page = client_as(staff.ost).get(f"/personer/{person.pk}/").content.decode()
    assert "badge--protected" in page and "Hemkommun: Östersund" in page
    assert f"/personer/{person.pk}/skydd/" in page
    assert "Personen har en spärr på er organisations uppgifter." in page


def test_pages_record_end_and_lift_with_confirmation(protected_case, staff, client_as, units):
    person, protection, block = protected_case
    web = client_as(staff.ost)
    base = f"/personer/{person.pk}"
    # Ending without the confirmation box changes nothing.
    assert web.post(f"{base}/skydd/{protection.pk}/avsluta/", {"reason": "x"}).status_code == 200
    protection.refresh_from_db()
    assert protection.ended_at is None
    response = web.post(
        f"{base}/skydd/{protection.pk}/avsluta/", {"reason": "Upphört", "confirm": "on"}
    )
    assert response.status_code == 302
    protection.refresh_from_db()
    assert protection.ended_at is not None
    response = web.post(f"{base}/sparr/{block.pk}/hav/", {"reason": "Ringde", "confirm": "on"})
    assert response.status_code == 200  # the person's request is not ticked
    response = web.post(
        f"{base}/sparr/{block.pk}/hav/",
        {"reason": "Ringde", "confirm": "on", "requested_by_person": "on"},
    )
    assert response.status_code == 302
    block.refresh_from_db()
    assert block.lift_reason == "Ringde"
    response = web.post(
        f"{base}/skydd/",
        {"action": "block", "sparr-kind": "internal", "sparr-unit": units.ost_home.pk,
         "sparr-requested_by_person": "on", "sparr-reason": "Vid besök"},
    )  # fmt: skip
    assert response.status_code == 302
    assert AccessBlock.objects.filter(unit=units.ost_home, lifted_at__isnull=True).exists()
    response = web.post(
        f"{base}/skydd/", {"action": "mark", "skydd-kind": "confidentiality_marking"}
    )
    assert response.status_code == 302
    assert access.is_protected(person)
