"""Access matrix of the notice pages and endpoint (issue 13), from the role table: per role
group, for the own party, another party of the same agreement and an organisation of
another region. Only the party's administrator (or a holder of `speak_for_party`) may give,
withdraw or correct that party's notice; everyone else is refused (403, audited) and an
organisation outside the agreement's region does not see the agreement (404). The pages
hold no personal data, so consent and emergency access do not apply to them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from samverkan.accounts.models import Role
from samverkan.agreements.models import Notice
from samverkan.audit.models import Action, AuditEvent
from tests.access_matrix import GROUPS, Failures

pytestmark = pytest.mark.django_db
AGREEMENT = "jh-hemsjukvard"
BASE = f"/avvikelser/avtal/{AGREEMENT}/uppsagning/"
API = f"/api/deviations/agreements/{AGREEMENT}/notices"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def given(make_staff, orgs):
    """Krokom's notice, given by Krokom's administrator."""
    admin = make_staff(Role.ADMINISTRATOR, orgs.krokom, "admin.krokom.given")
    return Notice.objects.create(agreement=AGREEMENT, given_by=orgs.krokom,
                                 given_on=dt.date(2026, 12, 2), document_ref="KS 1",
                                 recorded_by=admin)  # fmt: skip


def _attempts(client, api, orgs, notice):
    data = {"given_by": orgs.krokom.pk, "given_on": "2026-12-02", "document_ref": "KS 2",
            "confirm": "1"}  # fmt: skip
    payload = {"given_by_id": orgs.krokom.pk, "given_on": "2026-12-02",
               "document_ref": "KS 2", "confirm": True}  # fmt: skip
    yield "anmälan (sida)", client.post(BASE, data).status_code
    yield "återkalla", client.post(f"{BASE}{notice.pk}/aterkalla/", {"reason": "x"}).status_code
    yield (
        "rätta",
        client.post(
            f"{BASE}{notice.pk}/ratta/", {"document_ref": "KS 3", "reason": "x"}
        ).status_code,
    )
    yield "anmälan (API)", api.post(API, payload, content_type="application/json").status_code


@pytest.mark.parametrize("group", list(GROUPS))
@pytest.mark.parametrize("relation", ["own_party", "other_party", "other_region"])
def test_notice_matrix(client_as, api_client, make_staff, orgs, given, group, relation):
    org = {"own_party": orgs.krokom, "other_party": orgs.ostersund, "other_region": orgs.gavle}[
        relation
    ]
    failures = Failures()
    for role in GROUPS[group]:
        user = make_staff(role, org)
        if relation == "own_party" and role == Role.ADMINISTRATOR:
            continue  # the allowed case, below
        want = {404} if relation == "other_region" else {403}
        for what, status in _attempts(client_as(user), api_client(user), orgs, given):
            allowed = want
            if (
                what == "anmälan (sida)"
                and role == Role.ADMINISTRATOR
                and relation != "other_region"
            ):
                allowed = {422}  # she speaks for her own party only: Krokom is not offered
            failures.check(status in allowed, f"{role} {relation} {what}: {status}")
    failures.assert_none()
    given.refresh_from_db()
    assert given.in_effect and Notice.objects.count() == 1
    if GROUPS[group] != (Role.ADMINISTRATOR,) or relation != "own_party":
        assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).exists()


def test_the_partys_administrator_may(client_as, make_staff, orgs, given):
    admin = make_staff(Role.ADMINISTRATOR, orgs.krokom)
    c = client_as(admin)
    assert (
        c.post(f"{BASE}{given.pk}/ratta/", {"document_ref": "KS 3", "reason": "fel"}).status_code
        == 302
    )
    corrected = Notice.objects.get(replaces=given)
    assert c.post(f"{BASE}{corrected.pk}/aterkalla/", {"reason": "SVOM"}).status_code == 302
    corrected.refresh_from_db()
    assert not corrected.in_effect
