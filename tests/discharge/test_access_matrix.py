"""The access matrix: every discharge page and API endpoint, as every role (by group) of the
region holding the stay, a receiving kommun with the person's consent to share the planning
basis, a receiving kommun without it, an unrelated kommun, and another vårdgivare whose
licensed staff opened emergency access (nödåtkomst) to the person's SIP.

Write requests pass the door and then fail on their content (or change nothing that
matters), so one stay serves the walk: what is tested is whether the door opens (the
expected status) or not (403/404). Beside the statuses, what the board and the stay show:
the stay on the board only where it is visible, the region's planning basis to a receiver
only with consent. The payment view of a stay and the month list are seen also by the
ekonom of either party; the dispute about a stay's days is the receiving kommun's (its staff
who see the stay, and its ekonom).
"""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.accounts.models import LICENSED_ROLES, Role, Verksamhet, verksamhet_of
from samverkan.discharge import local_terms, services
from samverkan.discharge.access import DISCHARGE_ROLES, READY_ROLES
from samverkan.discharge.local_terms import TERMS_ROLES
from samverkan.discharge.models import LocalTermsConfirmation, LocalTermsVersion, StayDispute
from samverkan.people import emergency
from samverkan.sip import services as sip_services
from tests.access_matrix import GROUPS, Failures, roles_where

pytestmark = pytest.mark.django_db

# The discharge room's roles are the SIP column of the role table (care and medical lead).
assert roles_where(sip=True) == DISCHARGE_ROLES

RELATIONS = ["own", "receiver_with_consent", "receiver_without_consent", "unrelated", "emergency"]
FUTURE = "2030-01-01T08:00:00+00:00"


def _endpoints(stay, units, hc_unit):
    s = stay.pk
    communication = {
        "resourceType": "Communication",
        "identifier": [{"system": "urn:test", "value": "c-1"}],
        "status": "completed",
        "category": [
            {
                "coding": [
                    {
                        "system": "https://localhost/fhir/CodeSystem/discharge-notice",
                        "code": "ready",
                    }
                ]
            }
        ],
        "sent": "2026-12-01T10:00:00+01:00",
        "about": [{"identifier": {"system": "urn:test", "value": "no-such-encounter"}}],
    }
    return [
        # (name, method, url, door, allowed status, data)
        ("board", "get", "/utskrivning/", "board", 200, None),
        ("admit form", "get", "/utskrivning/ny/", "region", 200, None),
        ("import form", "get", "/utskrivning/import/", "region", 200, None),
        ("detail", "get", f"/utskrivning/{s}/", "read", 200, None),
        ("send (no receivers)", "post", f"/utskrivning/{s}/meddelande/", "manage", 302, {}),
        ("answer (empty)", "post", f"/utskrivning/{s}/svar/", "answer", 302, {}),
        ("ready (no confirm)", "post", f"/utskrivning/{s}/utskrivningsklar/", "ready", 302, {}),
        ("discharge (no confirm)", "post", f"/utskrivning/{s}/utskrivning/", "manage", 302, {}),
        ("death (no confirm)", "post", f"/utskrivning/{s}/dodsfall/", "manage", 302, {}),
        ("report (no unit)", "post", f"/utskrivning/{s}/utan-vardkontakt/", "report", 302, {}),
        ("call sip (not discharged)", "post", f"/utskrivning/{s}/sip/", "manage", 302, {}),
        ("api board", "api-get", "/api/discharge/stays", "any", 200, None),
        ("api detail", "api-get", f"/api/discharge/stays/{s}", "read", 200, None),
        (
            "api notice (future)",
            "api-post",
            f"/api/discharge/stays/{s}/admission-notices",
            "manage",
            422,
            {"receivers": ["municipal_social_services"], "sent_at": FUTURE},
        ),
        (
            "api answer (future)",
            "api-post",
            f"/api/discharge/stays/{s}/answers",
            "answer",
            422,
            {"text": "x", "sent_at": FUTURE},
        ),
        (
            "api care contact (kommun unit)",
            "api-post",
            f"/api/discharge/stays/{s}/care-contact",
            "manage",
            422,
            {"unit_id": units.ost_home.pk, "name": "x"},
        ),
        (
            "api date (before admission)",
            "api-post",
            f"/api/discharge/stays/{s}/preliminary-date",
            "manage",
            422,
            {"on": "2020-01-01"},
        ),
        (
            "api consent (assessment without note)",
            "api-post",
            f"/api/discharge/stays/{s}/consents",
            "manage",
            422,
            {"given_by": "assessment"},
        ),
        (
            "api needs (as it is)",
            "api-post",
            f"/api/discharge/stays/{s}/needs",
            "manage",
            200,
            {"needs_municipal_insatser": False},
        ),
        ("page needs (empty)", "post", f"/utskrivning/{s}/behov/", "manage", 302, {}),
        ("page date (empty)", "post", f"/utskrivning/{s}/datum/", "manage", 302, {}),
        ("page contact (empty)", "post", f"/utskrivning/{s}/vardkontakt/", "manage", 302, {}),
        ("page consent (empty)", "post", f"/utskrivning/{s}/samtycke/", "manage", 302, {}),
        ("page withdraw (none)", "post", f"/utskrivning/{s}/aterkalla/", "manage", 302, {}),
        ("page planning (empty)", "post", f"/utskrivning/{s}/underlag/", "answer", 302, {}),
        ("api ready (no confirm)", "api-post", f"/api/discharge/stays/{s}/ready", "ready", 422, {}),
        (
            "api discharge (no confirm)",
            "api-post",
            f"/api/discharge/stays/{s}/discharge",
            "manage",
            422,
            {},
        ),
        (
            "api death (no confirm)",
            "api-post",
            f"/api/discharge/stays/{s}/death",
            "manage",
            422,
            {},
        ),
        (
            "api report (ward)",
            "api-post",
            f"/api/discharge/stays/{s}/home-without-care-contact",
            "report",
            422,
            {"health_centre_id": units.ward.pk},
        ),
        (
            "api call sip (not discharged)",
            "api-post",
            f"/api/discharge/stays/{s}/sip",
            "manage",
            409,
            None,
        ),
        # The payment view of a stay and the kommun's dispute about its days.
        ("payment month list", "get", "/utskrivning/betalning/", "payments", 200, None),
        ("payment page", "get", f"/utskrivning/{s}/betalning/", "payment", 200, None),
        ("dispute step", "get", f"/utskrivning/{s}/betalning/bestrid/", "dispute", 200, None),
        ("dispute (empty)", "post", f"/utskrivning/{s}/betalning/bestrid/", "dispute", 200, {}),
        ("api payment", "api-get", f"/api/discharge/stays/{s}/payment", "payment", 200, None),
        (
            "api dispute (no reason, no confirm)",
            "api-post",
            f"/api/discharge/stays/{s}/payment-disputes",
            "dispute",
            422,
            {"reason": ""},
        ),
        (
            "api fhir (unknown encounter)",
            "api-post",
            "/api/discharge/fhir",
            "region",
            422,
            communication,
        ),
    ]


def _expected(relation: str, role: Role, door: str, allowed: int) -> int:
    if door == "board" and role in TERMS_ROLES:
        return 302  # the forum and administrators go to the local terms
    if door == "board" and role == Role.FINANCE_OFFICER:
        return 302  # the ekonom goes to the payment days
    if role == Role.FINANCE_OFFICER and door in ("payments", "payment", "dispute"):
        # The ekonom of either party sees the days (the region's, or the kommun's that was
        # sent the notices); the kommun's ekonom may dispute them, the region's may not.
        if door == "payments":
            return allowed
        if relation in ("unrelated", "emergency"):
            return 404
        if door == "dispute":
            return allowed if relation.startswith("receiver") else 403
        return allowed
    if role not in DISCHARGE_ROLES:
        return 403
    if door == "payments":
        return allowed
    if door == "board":
        return allowed
    health_care = verksamhet_of(role) == Verksamhet.HEALTH_CARE
    if door == "any":
        return allowed
    if door == "region":
        return allowed if relation == "own" and health_care else 403
    sees = (relation == "own" and health_care) or relation.startswith("receiver")
    if not sees:
        return 404
    if door in ("read", "answer", "payment"):
        return allowed
    if door == "dispute":
        return allowed if relation.startswith("receiver") else 403
    if door == "manage":
        return allowed if relation == "own" else 403
    if door == "ready":
        return allowed if relation == "own" and role in READY_ROLES else 403
    if door == "report":
        return allowed if relation.startswith("receiver") else 403
    raise AssertionError(door)


@pytest.fixture
def stays(staff, orgs, units, make_person):
    """A (with consent to share the planning basis with all receivers) and B (without), both
    noticed to Östersund's two receivers and the region's open care; each with a planning
    entry by the region; the person of A has an open SIP (for emergency access)."""
    out = []
    for consent in (True, False):
        person = make_person()
        stay = services.admit(
            staff.ward_nurse, person, unit=units.ward, municipality=orgs.ostersund,
            care_type="somatic", admitted_at=dt.datetime(2026, 11, 30, 8, tzinfo=dt.UTC),
            needs_municipal_insatser=False,
        )  # fmt: skip
        services.send_admission_notice(
            staff.ward_nurse,
            stay,
            receivers=["municipal_social_services", "municipal_health_care", "region_open_care"],
        )
        services.add_planning(staff.ward_nurse, stay, text="Regionens underlag: ADL-bedömning")
        if consent:
            services.record_consent(staff.ward_nurse, stay, given_by="person")
            sip_services.start_sip(staff.ward_nurse, person)
        out.append(stay)
    return out


@pytest.mark.parametrize("relation", RELATIONS)
def test_access_matrix(relation, stays, staff, orgs, units, make_staff, client_as, api_client):
    with_consent, without_consent = stays
    stay = without_consent if relation == "receiver_without_consent" else with_consent
    organisation = {
        "own": orgs.region_jh,
        "receiver_with_consent": orgs.ostersund,
        "receiver_without_consent": orgs.ostersund,
        "unrelated": orgs.krokom,
        "emergency": orgs.gavle,
    }[relation]
    failures = Failures()
    for group, role in ((g, r) for g, roles in GROUPS.items() for r in roles):
        user = make_staff(role, organisation)
        if relation == "emergency" and role in LICENSED_ROLES:
            emergency.open_emergency_access(
                user,
                with_consent.person.primary_identity().value,
                reason="Akut: personen är medvetslös.",
                confirmed=True,
                acute=True,
            )
        web, api = client_as(user), api_client(user)
        for name, method, url, door, allowed, data in _endpoints(stay, units, units.hc):
            client = api if method.startswith("api-") else web
            verb = method.removeprefix("api-")
            if verb == "get":
                response = client.get(url)
            elif method.startswith("api-"):
                response = client.post(url, data=data or {}, content_type="application/json")
            else:
                response = client.post(url, data=data or {})
            want = _expected(relation, role, door, allowed)
            failures.expect(response.status_code, want, f"{relation} {group}/{role} {name}")
            if name == "api board" and response.status_code == 200:
                ids = {row["id"] for row in response.json()}
                failures.expect(
                    stay.pk in ids,
                    _expected(relation, role, "read", 200) == 200,
                    f"{relation} {role}: the stay on the board",
                )
            if name == "api detail" and response.status_code == 200:
                texts = [e["text"] for e in response.json()["planning"]]
                shown = "Regionens underlag: ADL-bedömning" in texts
                failures.expect(
                    shown,
                    relation in ("own", "receiver_with_consent"),
                    f"{relation} {role}: the region's planning basis",
                )
    # Nothing the walk did changed the stays' state or opened a dispute.
    for one in stays:
        one.refresh_from_db()
        failures.expect(one.status, "admitted", f"stay {one.pk} status")
    failures.expect(StayDispute.objects.exists(), False, "a dispute about the days")
    failures.assert_none()


# --- local terms: the parties' discharge agreement (issue 16) -------------------------------

TERMS_RELATIONS = ["own", "other_party", "unrelated_kommun", "other_region"]


def _terms_endpoints(version):
    v = version.pk
    invalid = {"valid_from": "2026-01-01", "name": "x", "days_after_notice": 400}
    return [
        # (name, method, url, door, allowed status, data)
        ("terms page", "get", "/utskrivning/villkor/", "read", 200, None),
        ("terms form (empty)", "post", "/utskrivning/villkor/", "enter", 200, {}),
        ("confirm step", "get", f"/utskrivning/villkor/{v}/bekrafta/", "confirm", 200, None),
        ("confirm (no tick)", "post", f"/utskrivning/villkor/{v}/bekrafta/", "confirm", 200, {}),
        ("api terms", "api-get", "/api/discharge/local-terms", "read", 200, None),
        ("api enter (invalid)", "api-post", "/api/discharge/local-terms", "enter", 422, invalid),
        (
            "api confirm (no confirm)",
            "api-post",
            f"/api/discharge/local-terms/{v}/confirm",
            "confirm",
            422,
            {},
        ),
    ]


def _terms_expected(relation: str, role: Role, door: str, allowed: int) -> int:
    reads = role in TERMS_ROLES or role in DISCHARGE_ROLES
    if not reads:
        return 403
    if door == "read":
        return allowed
    if door == "enter":
        return allowed if role in TERMS_ROLES else 403
    if door == "confirm":
        if relation == "other_region":
            return 404
        return allowed if relation == "other_party" and role in TERMS_ROLES else 403
    raise AssertionError(door)


@pytest.mark.parametrize("relation", TERMS_RELATIONS)
def test_local_terms_access_matrix(relation, orgs, make_staff, client_as, api_client):
    """A version the region entered for Östersund: the region is its own party, Östersund
    the other party (who confirms), Krokom a kommun of the region it does not concern,
    Gävleborg another region (the version is not there)."""
    entering = make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.jh.matrix")
    version = local_terms.enter_version(
        entering,
        valid_from=dt.date(2026, 1, 1),
        name="Överenskommelse om utskrivning",
        terms={"days_after_notice": 2},
        municipality=orgs.ostersund,
    )
    organisation = {
        "own": orgs.region_jh,
        "other_party": orgs.ostersund,
        "unrelated_kommun": orgs.krokom,
        "other_region": orgs.region_gvb,
    }[relation]
    failures = Failures()
    for group, role in ((g, r) for g, roles in GROUPS.items() for r in roles):
        user = make_staff(role, organisation)
        web, api = client_as(user), api_client(user)
        for name, method, url, door, allowed, data in _terms_endpoints(version):
            client = api if method.startswith("api-") else web
            verb = method.removeprefix("api-")
            if verb == "get":
                response = client.get(url)
            elif method.startswith("api-"):
                response = client.post(url, data=data or {}, content_type="application/json")
            else:
                response = client.post(url, data=data or {})
            want = _terms_expected(relation, role, door, allowed)
            failures.expect(response.status_code, want, f"{relation} {group}/{role} {name}")
            if name == "api terms" and response.status_code == 200:
                ids = [row["id"] for row in response.json()]
                failures.expect(
                    ids == ([] if relation == "other_region" else [version.pk]),
                    True,
                    f"{relation} {role}: the versions listed",
                )
    # Nothing the walk did saved a version or a confirmation.
    failures.expect(LocalTermsVersion.objects.count(), 1, "versions")
    failures.expect(LocalTermsConfirmation.objects.exists(), False, "confirmed")
    failures.assert_none()
