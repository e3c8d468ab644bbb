"""OpenID Connect login against a real provider on loopback (tests/accounts/oidc_provider.py):
the authorization code flow walked through Django's test client, on the same mapping as SAML
(samverkan.accounts.sso)."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import urllib.parse

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from samverkan.accounts import oidc
from samverkan.accounts.models import (
    ExternalIdentity,
    Role,
    SsoRoleMapping,
    StaffProfile,
    Unit,
    UnitKind,
)
from samverkan.audit.models import Action, AuditEvent
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, LoopbackProvider, NextLogin

UNIT_HSA = "SE2321000016-UNIT"
NURSE_HSA = "SE2321000016-N001"
LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
LOA2 = "http://id.elegnamnden.se/loa/1.0/loa2"
CLOCK = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(CLOCK, tick=True) as traveller:
        yield traveller


@pytest.fixture
def unit(orgs):
    return Unit.objects.create(
        organisation=orgs.ostersund, name="Hemsjukvården Östersund",
        kind=UnitKind.HOME_HEALTH_CARE, hsa_id=UNIT_HSA,
    )  # fmt: skip


def configure(settings, provider: LoopbackProvider, **extra) -> None:
    oidc._clients.clear()
    settings.SAMVERKAN_OIDC = {
        "base_url": "http://testserver",
        "providers": [
            {
                "name": "region", "title": "Regionens inloggning (OIDC)",
                "discovery_url": provider.discovery_url, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET, "acr_values": [LOA3], **extra,
            }
        ],
    }  # fmt: skip


@pytest.fixture
def provider(settings, db, clock):
    server = LoopbackProvider()
    configure(settings, server)
    server.start()
    yield server
    server.stop()
    oidc._clients.clear()


def location(url: str) -> str:
    """The Location the provider answers with (not followed)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.request("GET", f"{parts.path}?{parts.query}")
    answer = connection.getresponse()
    found = answer.getheader("Location") or ""
    connection.close()
    return found


def oidc_login(client: Client, provider: LoopbackProvider, login: NextLogin, name="region"):
    provider.next = login
    started = client.get(f"/accounts/oidc/{name}/login/", {"next": "/sip/"})
    assert started.status_code == 302, started.content[:300]
    assert started["Location"].startswith(f"{provider.base}/authorize?")
    back = location(started["Location"])
    assert back.startswith(f"http://testserver/accounts/oidc/{name}/callback/?code=")
    return client.get(back.removeprefix("http://testserver"))


def care(**extra) -> dict:
    return {
        "employeeHsaId": NURSE_HSA, "given_name": "Testa", "family_name": "Testsson",
        "healthCareProfessionalLicence": "SJ", **extra,
    }  # fmt: skip


def commission(unit_hsa: str = UNIT_HSA, purpose: str = "Vård och behandling") -> dict:
    return {
        "careUnitHsaId": unit_hsa, "commissionPurpose": purpose,
        "commissionHsaId": "SE2321000016-C001",
    }  # fmt: skip


def test_accepted_login_provisions_the_care_user_with_unit_and_purpose(client, provider, unit):
    response = oidc_login(client, provider, NextLogin(claims=care(**commission()), acr=LOA3))
    assert response.status_code == 302 and response.url == "/sip/"
    user = get_user_model().objects.get(username=NURSE_HSA)
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Testa", "Testsson")
    profile = StaffProfile.objects.get(user=user)
    assert (profile.organisation, profile.unit, profile.role) == (
        unit.organisation, unit, Role.NURSE,
    )  # fmt: skip
    identity = ExternalIdentity.objects.get(user=user)
    assert (identity.idp, identity.hsa_id) == (provider.issuer, NURSE_HSA)
    assert identity.commission_purpose == "Vård och behandling"
    login = AuditEvent.objects.get(action=Action.LOGIN, user=user)
    assert (login.unit, login.process) == (unit, "uppdrag: Vård och behandling")
    assert client.get("/api/me").json()["unit"] == unit.name
    assert provider.token_requests == 1


def test_the_commission_missing_from_the_token_is_looked_up_in_hsa(
    client, provider, unit, settings, tmp_path
):
    directory = tmp_path / "hsa.json"
    directory.write_text(json.dumps({NURSE_HSA: {"profession": "Läkare", "commissions": [
        {"hsa_id": "C7", "care_unit_hsa_id": UNIT_HSA, "purpose": "Vård och behandling"},
    ]}}), encoding="utf-8")  # fmt: skip
    settings.SAMVERKAN_HSA_DIRECTORY = "samverkan.accounts.hsa.JsonFileDirectory"
    settings.SAMVERKAN_HSA_DIRECTORY_FILE = str(directory)
    claims = care()
    del claims["healthCareProfessionalLicence"]
    assert oidc_login(client, provider, NextLogin(claims=claims, acr=LOA3)).status_code == 302
    profile = StaffProfile.objects.get(user__username=NURSE_HSA)
    assert (profile.unit, profile.role) == (unit, Role.PHYSICIAN)


@pytest.mark.parametrize(
    "fault",
    [{"rogue": True}, {"expired": True}, {"audience": "another-client"}, {"nonce": "replayed"}],
    ids=["wrong-key", "expired", "wrong-audience", "wrong-nonce"],
)
def test_an_invalid_id_token_is_refused(client, provider, unit, fault):
    response = oidc_login(
        client, provider, NextLogin(claims=care(**commission()), acr=LOA3, **fault)
    )
    assert response.status_code == 403
    assert "Inloggningen kunde inte godkännas" in response.content.decode()
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 1
    assert client.get("/").status_code == 302  # not logged in


def test_care_user_without_a_commission_for_any_known_unit_is_refused(client, provider, unit):
    login = NextLogin(claims=care(**commission("SE2321000016-OKAND")), acr=LOA3)
    response = oidc_login(client, provider, login)
    assert response.status_code == 403
    assert "inget medarbetaruppdrag" in response.content.decode()
    assert not get_user_model().objects.filter(username=NURSE_HSA).exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 1


def test_non_care_user_is_mapped_by_the_administrators_table(client, provider, orgs):
    SsoRoleMapping.objects.create(
        idp=provider.issuer, subject="ekonom@krokom", organisation=orgs.krokom,
        role=Role.FINANCE_OFFICER,
    )  # fmt: skip
    response = oidc_login(client, provider, NextLogin(sub="ekonom@krokom", acr=LOA3))
    assert response.status_code == 302
    profile = StaffProfile.objects.get(user__external_identity__subject="ekonom@krokom")
    assert (profile.organisation, profile.unit, profile.role) == (
        orgs.krokom, None, Role.FINANCE_OFFICER,
    )  # fmt: skip


def test_unknown_subject_without_table_row_is_refused(client, provider, orgs):
    response = oidc_login(client, provider, NextLogin(sub="okand@krokom", acr=LOA3))
    assert response.status_code == 403
    assert "inte kopplad" in response.content.decode()
    assert not StaffProfile.objects.exists()


def test_a_lower_assurance_level_is_refused(client, provider, unit):
    response = oidc_login(client, provider, NextLogin(claims=care(**commission()), acr=LOA2))
    assert response.status_code == 403
    assert "säkerhetsnivå" in response.content.decode()
    assert not ExternalIdentity.objects.exists()


def test_an_answer_to_another_browsers_request_is_refused(client, provider, unit):
    other = Client()
    provider.next = NextLogin(claims=care(**commission()), acr=LOA3)
    started = other.get("/accounts/oidc/region/login/")
    back = location(started["Location"])
    response = client.get(back.removeprefix("http://testserver"))
    assert response.status_code == 403
    assert provider.token_requests == 0  # the code was never redeemed
    assert not ExternalIdentity.objects.exists()


def test_logout_is_rp_initiated_at_the_provider(client, provider, unit):
    oidc_login(client, provider, NextLogin(claims=care(**commission()), acr=LOA3))
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    target = urllib.parse.urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.base}/logout"
    query = dict(urllib.parse.parse_qsl(target.query))
    assert query["post_logout_redirect_uri"] == "http://testserver/accounts/login/"
    assert query["id_token_hint"].count(".") == 2 and query["client_id"] == CLIENT_ID
    assert client.get("/").status_code == 302  # the local session has ended already
    assert location(response["Location"]) == "http://testserver/accounts/login/"
    assert AuditEvent.objects.filter(action=Action.LOGOUT).count() == 1


def test_logout_is_local_when_the_provider_offers_no_end_session(client, settings, db, clock, unit):
    server = LoopbackProvider(with_logout=False)
    configure(settings, server)
    server.start()
    try:
        oidc_login(client, server, NextLogin(claims=care(**commission()), acr=LOA3))
        response = client.post("/accounts/logout/")
        assert response.status_code == 302 and response.url == "/accounts/login/"
        assert client.get("/").status_code == 302
    finally:
        server.stop()


def test_login_page_offers_the_provider_and_an_unknown_one_answers_404(client, provider):
    page = client.get("/accounts/login/?next=/sip/").content.decode()
    assert "Logga in via Regionens inloggning (OIDC)" in page
    assert 'href="/accounts/oidc/region/login/?next=%2Fsip%2F"' in page
    response = client.get("/accounts/oidc/okand/login/")
    assert response.status_code == 404 and "inte ansluten" in response.content.decode()


def test_a_provider_that_does_not_answer_gets_a_swedish_page(client, settings, db):
    server = LoopbackProvider()
    configure(settings, server)
    server.httpd.server_close()  # nobody listens on its port
    response = client.get("/accounts/oidc/region/login/")
    assert response.status_code == 503
    assert "svarar inte" in response.content.decode()


def test_an_offsite_next_is_not_followed(client, provider, unit):
    provider.next = NextLogin(claims=care(**commission()), acr=LOA3)
    started = client.get("/accounts/oidc/region/login/", {"next": "https://evil.example/"})
    response = client.get(location(started["Location"]).removeprefix("http://testserver"))
    assert response.status_code == 302 and response.url == "/"


def test_claims_missing_from_the_id_token_are_taken_from_userinfo(client, provider, unit):
    login = NextLogin(claims={}, userinfo=care(**commission()), acr=LOA3)
    response = oidc_login(client, provider, login)
    assert response.status_code == 302 and response.url == "/sip/"
    profile = StaffProfile.objects.get(user__username=NURSE_HSA)
    assert (profile.unit, profile.role) == (unit, Role.NURSE)
    assert ExternalIdentity.objects.get().commission_purpose == "Vård och behandling"
    assert provider.userinfo_requests == 1


def test_the_id_tokens_claims_win_over_userinfo(client, provider, unit):
    login = NextLogin(
        claims=care(),  # the commission only at userinfo
        userinfo={"family_name": "Annan", "healthCareProfessionalLicence": "LK", **commission()},
        acr=LOA3,
    )
    assert oidc_login(client, provider, login).status_code == 302
    user = get_user_model().objects.get(username=NURSE_HSA)
    assert user.last_name == "Testsson"
    profile = StaffProfile.objects.get(user=user)
    assert (profile.unit, profile.role) == (unit, Role.NURSE)  # SJ of the token, not LK
    assert provider.userinfo_requests == 1


def test_userinfo_for_another_subject_is_refused(client, provider, unit):
    login = NextLogin(claims={}, userinfo=care(**commission()), userinfo_sub="sub-2", acr=LOA3)
    response = oidc_login(client, provider, login)
    assert response.status_code == 403
    assert "Inloggningen kunde inte godkännas" in response.content.decode()
    assert not ExternalIdentity.objects.exists()
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).count() == 1


def test_connected_oidc_addresses_open_without_login_in_the_access_matrix(client, provider):
    """With a provider connected (the unconnected row: tests/accounts/test_login_urls_access.py):
    the login goes to the provider, a callback nobody asked for is refused, POST is 405."""
    started = client.get("/accounts/oidc/region/login/")
    assert started.status_code == 302 and started["Location"].startswith(provider.base)
    stray = client.get("/accounts/oidc/region/callback/", {"code": "x", "state": "y"})
    assert stray.status_code == 403
    assert "Inloggningen kunde inte godkännas" in stray.content.decode()
    assert client.post("/accounts/oidc/region/login/").status_code == 405
    assert client.post("/accounts/oidc/region/callback/").status_code == 405
    assert provider.token_requests == 0
