"""The administrator's table of SSO logins (admin page, audited) and the password switch."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from samverkan.accounts.models import Role, SsoRoleMapping
from samverkan.audit.models import Action, AuditEvent
from tests.access_matrix import ROLE_TABLE

TABLE = "/admin/accounts/ssorolemapping/"


def test_only_an_administrator_with_admin_access_opens_the_table(make_staff, orgs, client_as):
    # Every role of the role table, in an own and an unrelated organisation: no admin access.
    refused = []
    for rights in ROLE_TABLE:
        for organisation in (orgs.ostersund, orgs.gavle):
            user = make_staff(rights.role, organisation)
            response = client_as(user).get(TABLE)
            if not (response.status_code == 302 and "/admin/login/" in response.url):
                refused.append((rights.role, organisation.name, response.status_code))
    assert refused == []


def test_the_table_is_kept_on_its_admin_page_and_every_change_is_logged(superuser, client_as, orgs):
    client = client_as(superuser)
    assert client.get(TABLE).status_code == 200
    response = client.post(
        f"{TABLE}add/",
        {
            "idp": "",
            "subject": "ekonom@krokom.se",
            "organisation": orgs.krokom.pk,
            "unit": "",
            "role": Role.FINANCE_OFFICER,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = SsoRoleMapping.objects.get(subject="ekonom@krokom.se")
    created = AuditEvent.objects.get(
        action=Action.CREATE, object_id=str(row.pk), why__startswith="inloggningskoppling"
    )
    assert "inloggningskoppling skapad" in created.why and "roll: ekonom" in created.why
    assert created.user == superuser
    row.role = Role.FORUM_MEMBER
    row.save()
    changed = AuditEvent.objects.get(
        action=Action.UPDATE, object_id=str(row.pk), why__startswith="inloggningskoppling"
    )
    assert "roll: ekonom → forumsledamot" in changed.why


def test_a_unit_of_another_organisation_is_refused_naming_the_field(superuser, client_as, orgs):
    from samverkan.accounts.models import Unit, UnitKind

    unit = Unit.objects.create(
        organisation=orgs.gavle, name="Gävle HSV", kind=UnitKind.HOME_HEALTH_CARE
    )
    response = client_as(superuser).post(
        f"{TABLE}add/",
        {"subject": "x", "organisation": orgs.krokom.pk, "unit": unit.pk,
         "role": Role.NURSE, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Enheten hör inte till organisationen." in response.content.decode()
    assert not SsoRoleMapping.objects.exists()


@pytest.fixture
def passwords_off(settings):
    settings.SAMVERKAN_PASSWORD_LOGIN = False


def test_with_passwords_off_the_right_password_does_not_log_in(
    client, nurse, password, passwords_off
):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' not in page
    response = client.post("/accounts/login/", {"username": "ssk.test", "password": password})
    assert response.status_code == 403
    assert "Inloggning med lösenord är avstängd" in response.content.decode()
    assert client.get("/").status_code == 302
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_with_passwords_off_no_password_authenticates_anywhere(
    superuser, password, client, passwords_off
):
    # django-axes (the first backend) needs the request to count failures.
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="super.test", password=password) is None
    response = client.post(
        "/admin/login/", {"username": "super.test", "password": password, "next": "/admin/"}
    )
    assert response.status_code == 200  # the form again, not logged in
    assert client.get("/admin/").status_code == 302


def test_passwords_are_on_by_default_for_demo_and_development(nurse, password, client):
    response = client.post("/accounts/login/", {"username": "ssk.test", "password": password})
    assert response.status_code == 302
