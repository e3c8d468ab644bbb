"""SAML2 login against a real pysaml2 identity provider on loopback (tests/accounts/saml_idp.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from saml2.metadata import entity_descriptor

from samverkan.accounts.models import (
    ExternalIdentity,
    Role,
    SsoRoleMapping,
    StaffProfile,
    Unit,
    UnitKind,
)
from samverkan.accounts.saml import DEFAULT_ATTRIBUTES as A
from samverkan.accounts.saml import sp_config
from samverkan.audit.models import Action, AuditEvent
from tests.accounts.saml_idp import LOA2, LOA3, LoopbackIdP, NextLogin, fetch, form_fields

XMLSEC = shutil.which("xmlsec1")
pytestmark = pytest.mark.skipif(XMLSEC is None, reason="xmlsec1 is not installed")

UNIT_HSA = "SE2321000016-UNIT"
NURSE_HSA = "SE2321000016-N001"
CLOCK = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(CLOCK, tick=True) as traveller:
        yield traveller


@pytest.fixture
def unit(orgs):
    return Unit.objects.create(
        organisation=orgs.ostersund,
        name="Hemsjukvården Östersund",
        kind=UnitKind.HOME_HEALTH_CARE,
        hsa_id=UNIT_HSA,
    )


@pytest.fixture
def idp(settings, tmp_path, db, clock):
    from tests.accounts.saml_idp import make_keypair

    server = LoopbackIdP(tmp_path, XMLSEC or "")
    sp_key, sp_cert = make_keypair(tmp_path, "sp")
    settings.SAMVERKAN_SAML = {
        "idp_metadata": [server.metadata_file()],
        "base_url": "http://testserver",
        "key_file": sp_key,
        "cert_file": sp_cert,
        "assurance": [LOA3],
    }
    server.trust(str(entity_descriptor(sp_config())))
    server.start()
    yield server
    server.stop()


def care_attributes(**extra: list[str]) -> dict[str, list[str]]:
    return {
        A["employee_hsa_id"]: [NURSE_HSA],
        A["given_name"]: ["Testa"],
        A["surname"]: ["Testsson"],
        A["profession"]: ["SJ"],
        **extra,
    }


def commission(unit_hsa: str = UNIT_HSA, purpose: str = "Vård och behandling") -> dict:
    return {
        A["care_unit_hsa_id"]: [unit_hsa],
        A["commission_purpose"]: [purpose],
        A["commission_hsa_id"]: ["SE2321000016-C001"],
    }


def sso_login(client: Client, idp: LoopbackIdP, login: NextLogin, before_acs=None):
    idp.next = login
    started = client.get("/accounts/saml2/login/", {"idp": idp.entity_id, "next": "/"})
    assert started.status_code == 302, started.content
    assert started["Location"].startswith(f"{idp.base}/sso?SAMLRequest=")
    fields = form_fields(fetch(started["Location"]))
    assert "SAMLResponse" in fields
    if before_acs is not None:
        before_acs()
    return client.post("/accounts/saml2/acs/", fields)


def test_care_user_with_commission_is_provisioned_with_unit_and_purpose(client, idp, unit):
    response = sso_login(
        client, idp, NextLogin(name_id="n1", attributes=care_attributes(**commission()))
    )
    assert response.status_code == 302 and response.url == "/"
    user = get_user_model().objects.get(username=NURSE_HSA)
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Testa", "Testsson")
    profile = StaffProfile.objects.get(user=user)
    assert (profile.organisation, profile.unit, profile.role) == (
        unit.organisation,
        unit,
        Role.NURSE,
    )
    identity = ExternalIdentity.objects.get(user=user)
    assert identity.hsa_id == NURSE_HSA and identity.idp == idp.entity_id
    assert identity.commission_purpose == "Vård och behandling"
    assert identity.commission_hsa_id == "SE2321000016-C001"
    login = AuditEvent.objects.get(action=Action.LOGIN, user=user)
    assert login.unit == unit and login.organisation == unit.organisation
    assert client.get("/").status_code == 200


def test_second_login_follows_the_commission_without_a_second_account(client, idp, unit, orgs):
    other = Unit.objects.create(
        organisation=orgs.krokom, name="Hemsjukvården Krokom", kind="home_health_care",
        hsa_id="SE2321000016-UNIT2",
    )  # fmt: skip
    sso_login(client, idp, NextLogin(attributes=care_attributes(**commission())))
    client.post("/accounts/logout/")
    again = Client()
    response = sso_login(
        again, idp, NextLogin(attributes=care_attributes(**commission("SE2321000016-UNIT2")))
    )
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username=NURSE_HSA)
    assert (profile.organisation, profile.unit) == (orgs.krokom, other)
    assert get_user_model().objects.filter(external_identity__hsa_id=NURSE_HSA).count() == 1
    assert AuditEvent.objects.filter(action=Action.UPDATE, why__contains="enhet").exists()


def test_commission_missing_from_assertion_is_looked_up_in_hsa(
    client, idp, unit, settings, tmp_path
):
    directory = tmp_path / "hsa.json"
    directory.write_text(
        json.dumps(
            {
                NURSE_HSA: {
                    "profession": "Läkare",
                    "commissions": [
                        {"hsa_id": "C9", "care_unit_hsa_id": "SE-OKAND", "purpose": "Vård och behandling"},
                        {"hsa_id": "C8", "care_unit_hsa_id": UNIT_HSA, "purpose": "Administration"},
                        {"hsa_id": "C7", "care_unit_hsa_id": UNIT_HSA, "purpose": "Vård och behandling"},
                    ],
                }
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    settings.SAMVERKAN_HSA_DIRECTORY = "samverkan.accounts.hsa.JsonFileDirectory"
    settings.SAMVERKAN_HSA_DIRECTORY_FILE = str(directory)
    attributes = care_attributes()
    del attributes[A["profession"]]
    response = sso_login(client, idp, NextLogin(attributes=attributes))
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__username=NURSE_HSA)
    assert (profile.unit, profile.role) == (unit, Role.PHYSICIAN)
    assert ExternalIdentity.objects.get(hsa_id=NURSE_HSA).commission_hsa_id == "C7"


def test_care_user_without_commission_for_any_known_unit_is_refused(client, idp, unit):
    response = sso_login(
        client, idp, NextLogin(attributes=care_attributes(**commission("SE2321000016-OKAND")))
    )
    assert response.status_code == 403
    assert "inget medarbetaruppdrag" in response.content.decode()
    assert not get_user_model().objects.filter(username=NURSE_HSA).exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 1
    assert client.get("/").status_code == 302  # not logged in


def test_commission_for_another_purpose_opens_nothing(client, idp, unit):
    response = sso_login(
        client,
        idp,
        NextLogin(attributes=care_attributes(**commission(purpose="Statistik"))),
    )
    assert response.status_code == 403
    assert not ExternalIdentity.objects.exists()


def test_non_care_user_is_mapped_by_the_administrators_table(client, idp, orgs):
    SsoRoleMapping.objects.create(
        idp=idp.entity_id, subject="ekonom@krokom", organisation=orgs.krokom,
        role=Role.FINANCE_OFFICER,
    )  # fmt: skip
    response = sso_login(client, idp, NextLogin(name_id="ekonom@krokom", attributes={}))
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__external_identity__subject="ekonom@krokom")
    assert (profile.organisation, profile.unit, profile.role) == (
        orgs.krokom,
        None,
        Role.FINANCE_OFFICER,
    )


def test_table_row_for_another_idp_does_not_apply(client, idp, orgs):
    SsoRoleMapping.objects.create(
        idp="https://idp.annan-kommun.example/", subject="ekonom@krokom",
        organisation=orgs.krokom, role=Role.FINANCE_OFFICER,
    )  # fmt: skip
    response = sso_login(client, idp, NextLogin(name_id="ekonom@krokom", attributes={}))
    assert response.status_code == 403
    assert "inte kopplad" in response.content.decode()
    assert not StaffProfile.objects.exists()


def test_inactive_table_row_does_not_apply(client, idp, orgs):
    SsoRoleMapping.objects.create(
        subject="forum@region", organisation=orgs.region_jh, role=Role.FORUM_MEMBER,
        active=False,
    )  # fmt: skip
    response = sso_login(client, idp, NextLogin(name_id="forum@region", attributes={}))
    assert response.status_code == 403


def test_sso_does_not_take_over_a_password_account_with_the_same_name(client, idp, nurse, orgs):
    SsoRoleMapping.objects.create(subject="ssk.test", organisation=orgs.krokom, role=Role.MAS)
    response = sso_login(client, idp, NextLogin(name_id="ssk.test", attributes={}))
    assert response.status_code == 302
    identity = ExternalIdentity.objects.get(subject="ssk.test")
    assert identity.user != nurse and identity.user.username == "ssk.test-2"
    assert StaffProfile.objects.get(user=nurse).role == Role.NURSE


@pytest.mark.parametrize("how", ["tamper", "rogue"])
def test_a_bad_signature_is_rejected(client, idp, unit, how):
    login = NextLogin(attributes=care_attributes(**commission()), **{how: True})
    response = sso_login(client, idp, login)
    assert response.status_code == 403
    assert "Inloggningen kunde inte godkännas" in response.content.decode()
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 1


def test_an_expired_assertion_is_rejected(client, idp, unit, clock):
    login = NextLogin(attributes=care_attributes(**commission()))
    response = sso_login(client, idp, login, before_acs=lambda: clock.shift(dt.timedelta(hours=1)))
    assert response.status_code == 403
    assert not ExternalIdentity.objects.exists()


def test_a_lower_assurance_level_is_refused(client, idp, unit):
    login = NextLogin(attributes=care_attributes(**commission()), class_ref=LOA2)
    response = sso_login(client, idp, login)
    assert response.status_code == 403
    assert "säkerhetsnivå" in response.content.decode()
    assert not ExternalIdentity.objects.exists()


def test_an_unsolicited_response_is_rejected(client, idp, unit):
    # A response to a request made by another browser (its session) is not accepted here.
    other = Client()
    idp.next = NextLogin(attributes=care_attributes(**commission()))
    started = other.get("/accounts/saml2/login/", {"idp": idp.entity_id})
    fields = form_fields(fetch(started["Location"]))
    assert client.post("/accounts/saml2/acs/", fields).status_code == 403


def test_logout_is_single_logout_at_the_idp(client, idp, unit):
    sso_login(client, idp, NextLogin(name_id="n-slo", attributes=care_attributes(**commission())))
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"].startswith(f"{idp.base}/slo?")
    assert client.get("/").status_code == 302  # the local session has ended already
    back = fetch_redirect(response["Location"])
    assert back.startswith("http://testserver/accounts/saml2/ls/")
    done = client.get(back.removeprefix("http://testserver"))
    assert done.status_code == 302
    assert idp.logout_requests == ["n-slo"]
    assert AuditEvent.objects.filter(action=Action.LOGOUT).count() == 1


def test_logout_is_local_when_the_idp_offers_no_single_logout(
    client, settings, tmp_path, db, clock, unit
):
    from tests.accounts.saml_idp import make_keypair

    server = LoopbackIdP(tmp_path, XMLSEC or "")
    server.with_slo = False
    sp_key, sp_cert = make_keypair(tmp_path, "sp")
    settings.SAMVERKAN_SAML = {
        "idp_metadata": [server.metadata_file()], "base_url": "http://testserver",
        "key_file": sp_key, "cert_file": sp_cert, "assurance": [LOA3],
    }  # fmt: skip
    server.trust(str(entity_descriptor(sp_config())))
    server.start()
    try:
        sso_login(client, server, NextLogin(attributes=care_attributes(**commission())))
        response = client.post("/accounts/logout/")
        assert response.status_code == 302 and response.url == "/accounts/login/"
        assert client.get("/").status_code == 302
    finally:
        server.stop()


def fetch_redirect(url: str) -> str:
    """The Location the IdP answers with (not followed)."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    answer = connection.getresponse()
    location = answer.getheader("Location") or ""
    connection.close()
    return location


def test_login_page_offers_the_idp_and_metadata_is_public(client, idp):
    page = client.get("/accounts/login/").content.decode()
    assert "Logga in via Test-IdP Region" in page
    metadata = client.get("/accounts/saml2/metadata/")
    assert metadata.status_code == 200
    assert b"AssertionConsumerService" in metadata.content


def test_saml_login_without_configuration_answers_404(client, db, settings):
    settings.SAMVERKAN_SAML = {}
    response = client.get("/accounts/saml2/login/")
    assert response.status_code == 404
    assert "inte ansluten" in response.content.decode()


def test_two_parallel_sessions_each_act_and_log_under_their_own_commission(
    idp, unit, orgs, settings
):
    """Issue 15 (H2): the commission is the session's, not the latest login's. Before, both
    sessions acted for the unit and logged the purpose of whichever login came last."""
    settings.SAMVERKAN_SAML = {**settings.SAMVERKAN_SAML, "care_purposes": [
        "Vård och behandling", "Akut vård",
    ]}  # fmt: skip
    other = Unit.objects.create(
        organisation=orgs.krokom, name="Hemsjukvården Krokom", kind="home_health_care",
        hsa_id="SE2321000016-UNIT2",
    )  # fmt: skip
    first, second = Client(), Client()
    sso_login(first, idp, NextLogin(attributes=care_attributes(**commission())))
    sso_login(
        second,
        idp,
        NextLogin(attributes=care_attributes(**commission("SE2321000016-UNIT2", "Akut vård"))),
    )
    assert first.get("/api/me").json()["unit"] == unit.name
    assert second.get("/api/me").json()["unit"] == other.name
    assert orgs.ostersund.name in first.get("/").content.decode()
    assert orgs.krokom.name in second.get("/").content.decode()
    first.post("/accounts/logout/", {})
    second.post("/accounts/logout/", {})
    logouts = AuditEvent.objects.filter(action=Action.LOGOUT).order_by("pk")
    assert [(e.unit, e.organisation, e.process) for e in logouts] == [
        (unit, orgs.ostersund, "uppdrag: Vård och behandling"),
        (other, orgs.krokom, "uppdrag: Akut vård"),
    ]
