"""Issue 15: the purpose of the medarbetaruppdrag the session acts under (from SAML/OIDC/HSA,
samverkan.accounts.sso) is recorded as the process of each access, and log control shows it
(HSLF-FS 2016:40 4 kap. 9 §)."""

from __future__ import annotations

import pytest

from samverkan.accounts.models import ExternalIdentity, Role, Unit, UnitKind
from samverkan.accounts.sso import SessionCommission, act_under
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.logcontrol.exports import process_text

pytestmark = pytest.mark.django_db

PURPOSE = "Vård och behandling"


@pytest.fixture
def commissioned(make_staff, orgs):
    user = make_staff(Role.NURSE, orgs.region_jh)
    ExternalIdentity.objects.create(
        user=user, idp="https://idp.test", subject="SE2321000016-1234",
        hsa_id="SE2321000016-1234", commission_hsa_id="SE2321000016-U1",
        commission_purpose=PURPOSE,
    )  # fmt: skip
    unit = Unit.objects.create(
        organisation=orgs.region_jh, name="Medicinavdelning", kind=UnitKind.SPECIALIST_CARE,
        hsa_id="SE2321000016-U1",
    )  # fmt: skip
    return act_under(user, SessionCommission(unit.pk, orgs.region_jh.pk, PURPOSE))


def test_the_commission_purpose_follows_the_callers_process(commissioned):
    event = record(commissioned, Action.VIEW, "sip.sip", 12, process="sip:12")
    assert AuditEvent.objects.get(pk=event.pk).process == f"sip:12 · uppdrag: {PURPOSE}"
    assert process_text(event.process) == f"SIP (samordnad individuell plan) · uppdrag: {PURPOSE}"


def test_the_commission_purpose_is_the_process_when_the_caller_gives_none(commissioned):
    event = record(commissioned, Action.VIEW, "people.person", 1)
    assert AuditEvent.objects.get(pk=event.pk).process == f"uppdrag: {PURPOSE}"


def test_the_latest_logins_commission_is_not_the_purpose_of_a_user_without_one(
    commissioned, django_user_model
):
    # The same person loaded without a session (an API token, a command) acts under none.
    plain = django_user_model.objects.get(pk=commissioned.pk)
    assert record(plain, Action.VIEW, "sip.sip", 3, process="sip:3").process == "sip:3"


def test_without_a_commission_the_process_is_as_given(make_staff, orgs):
    user = make_staff(Role.NURSE, orgs.ostersund)  # password login: no external identity
    assert record(user, Action.VIEW, "sip.sip", 3, process="sip:3").process == "sip:3"
    assert record(user, Action.VIEW, "sip.sip", 3).process == ""


def test_log_control_shows_the_purpose(api_client, make_staff, orgs, commissioned):
    record(commissioned, Action.VIEW, "sip.sip", 12, process="sip:12", owner=orgs.region_jh)
    admin = make_staff(Role.ADMINISTRATOR, orgs.region_jh)
    response = api_client(admin).get("/api/logcontrol/events")
    assert response.status_code == 200, response.content[:300]
    processes = [item["process"] for item in response.json()["items"]]
    assert f"sip:12 · uppdrag: {PURPOSE}" in processes
