"""Access matrix of log control, from the role table (tests/access_matrix.py): every role
group, in the owner organisation (Östersund) and in another (Krokom). Only administrators
open it, and each sees its own organisation's data: own staff's accesses, another
organisation's accesses through a SIP with consent, emergency access (without consent) —
and never an unrelated organisation's patient. Everyone else: 403, the refusal logged."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.logcontrol.access import LOG_CONTROL_ROLES
from tests.access_matrix import GROUPS, Failures

pytestmark = pytest.mark.django_db

PAGES = ("/loggkontroll/", "/loggkontroll/kontroller/", "/loggkontroll/utdrag/")
ENDPOINTS = ("/api/logcontrol/events", "/api/logcontrol/spot-checks")


def _ids(response):
    return {e["id"] for e in response.json()["items"]}


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("where", ["own", "other"])
def test_log_control_matrix(client_as, api_client, make_staff, orgs, case, group, where):
    organisation = orgs.ostersund if where == "own" else orgs.krokom
    failures = Failures()
    for role in GROUPS[group]:
        user = make_staff(role, organisation)
        client, api = client_as(user), api_client(user)
        allowed = role in LOG_CONTROL_ROLES
        want = 200 if allowed else 403
        for url in PAGES:
            failures.expect(client.get(url).status_code, want, f"{role.value}@{where} {url}")
        for url in ENDPOINTS:
            response = api.get(url)
            failures.expect(response.status_code, want, f"{role.value}@{where} {url}")
            if not allowed:
                failures.expect(
                    response.json()["detail"][0]["code"], "forbidden", f"{role.value} {url}"
                )
        if not allowed:
            refusals = AuditEvent.objects.filter(user=user, action=Action.ACCESS_DENIED).count()
            failures.expect(refusals, len(PAGES) + len(ENDPOINTS), f"{role.value}: logged refusals")
            continue
        seen = _ids(api.get("/api/logcontrol/events"))
        ostersund = {case.own.pk, case.via_sip.pk, case.emergency.pk}
        if where == "own":
            failures.check(ostersund <= seen, f"{role.value}@own: own, SIP and emergency accesses")
            failures.check(
                case.unrelated.pk not in seen, f"{role.value}@own: unrelated patient shown"
            )
        else:
            failures.check(not (ostersund & seen), f"{role.value}@other: Östersund's data shown")
            failures.check(case.unrelated.pk in seen, f"{role.value}@other: its own data missing")
        export = client.get("/loggkontroll/utdrag/", {"person": case.ref, "format": "csv"})
        lines = export.content.decode("utf-8").count("\r\n")
        failures.check(
            (lines > 1) == (where == "own"), f"{role.value}@{where}: extract of Östersund's patient"
        )
    failures.assert_none()


def test_superuser_without_the_role_is_refused(client_as, make_staff, orgs, case):
    technician = make_staff(Role.FORUM_MEMBER, orgs.ostersund, is_superuser=True, is_staff=True)
    for url in PAGES:
        assert client_as(technician).get(url).status_code == 403
