"""Changes to users, roles and organisations are logged like everything else (issue 11):
by model signals, so the admin, the API and the shell are all covered."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from samverkan.accounts.models import ApiToken, Organisation, Role, StaffProfile, Unit, UnitKind
from samverkan.accounts.services import create_token
from samverkan.audit.models import Action, AuditEvent

User = get_user_model()


def _events(obj_type: str, obj_id: object, action: str | None = None):
    events = AuditEvent.objects.filter(object_type=obj_type, object_id=str(obj_id))
    if action:
        events = events.filter(action=action)
    return list(events.order_by("sequence"))


def _whys(obj_type: str, obj_id: object, action: str | None = None) -> list[str]:
    return [e.why for e in _events(obj_type, obj_id, action)]


def test_creating_a_user_and_a_profile_is_logged(nurse):
    assert _whys("auth.user", nurse.pk, Action.CREATE) == [
        "användare skapad",
        "personalprofil skapad (roll: sjuksköterska; organisation: Östersunds kommun; enhet: –)",
    ]


def test_a_password_change_is_logged_without_the_hash(nurse):
    old_hash = nurse.password
    nurse.set_password("ett-nytt-lösen-2026")
    nurse.save()
    events = _events("auth.user", nurse.pk, Action.PASSWORD_CHANGE)
    assert [e.why for e in events] == ["lösenord ändrat"]
    text = " ".join(
        str(v) for row in AuditEvent.objects.values_list() for v in row if v is not None
    )
    assert nurse.password not in text and old_hash not in text
    assert "ett-nytt-lösen" not in text


def test_flags_are_logged_old_to_new(nurse):
    nurse.is_active = False
    nurse.is_superuser = True
    nurse.first_name = "Annan"
    nurse.save()
    assert _whys("auth.user", nurse.pk, Action.UPDATE) == [
        "användare ändrad: förnamn; aktiv: ja → nej; superanvändare: nej → ja"
    ]


def test_update_fields_limits_what_is_compared_and_last_login_is_not_an_event(nurse):
    before = AuditEvent.objects.count()
    nurse.is_staff = True  # not saved: update_fields names only last_login
    nurse.save(update_fields=["last_login"])
    assert AuditEvent.objects.count() == before


def test_a_role_organisation_and_unit_change_is_logged(nurse, orgs):
    unit = Unit.objects.create(organisation=orgs.krokom, name="Hemsjukvård Krokom",
                               kind=UnitKind.HOME_HEALTH_CARE)  # fmt: skip
    profile = StaffProfile.objects.get(user=nurse)
    profile.role, profile.organisation, profile.unit = Role.MAS, orgs.krokom, unit
    profile.save()
    assert _whys("auth.user", nurse.pk, Action.UPDATE) == [
        "personalprofil ändrad: roll: sjuksköterska → MAS (medicinskt ansvarig sjuksköterska); "
        "organisation: Östersunds kommun → Krokoms kommun; enhet: – → Hemsjukvård Krokom"
    ]


def test_a_deleted_profile_is_logged(nurse):
    StaffProfile.objects.filter(user=nurse).delete()
    assert _whys("auth.user", nurse.pk, Action.DELETE) == [
        "personalprofil borttagen (roll: sjuksköterska; organisation: Östersunds kommun)"
    ]


def test_organisation_and_unit_changes_are_logged(orgs):
    orgs.krokom.invoice_reference = "KST 123"
    orgs.krokom.save()
    assert _whys("accounts.organisation", orgs.krokom.pk, Action.UPDATE) == [
        "organisation ändrad: fakturareferens"
    ]
    unit = Unit.objects.create(organisation=orgs.krokom, name="Enhet", kind=UnitKind.FINANCE)
    unit.kind = UnitKind.MANAGEMENT
    unit.save()
    unit_id = unit.pk
    unit.delete()
    assert _whys("accounts.unit", unit_id) == [
        "enhet skapad",
        "enhet ändrad: typ: finance → management",
        "enhet borttagen",
    ]
    new = Organisation.objects.create(name="Bergs kommun", kind="municipality", scb_code="2326",
                                      region="jamtland-harjedalen")  # fmt: skip
    assert _whys("accounts.organisation", new.pk, Action.CREATE) == ["organisation skapad"]


def test_group_and_permission_changes_are_logged(nurse):
    group = Group.objects.create(name="Loggkontroll")
    view = Permission.objects.get(codename="view_auditevent")
    group.permissions.add(view)
    nurse.groups.add(group)
    nurse.user_permissions.add(view)
    nurse.groups.remove(group)
    group.user_set.add(nurse)
    nurse.user_permissions.clear()
    group.user_set.clear()
    assert _whys("auth.group", group.pk) == [
        "behörighetsgrupp skapad",
        "behörighetsgrupp ändrad: behörigheter lagt till: se granskningshändelse",
    ]
    assert _whys("auth.user", nurse.pk, Action.UPDATE) == [
        "användare ändrad: behörighetsgrupper lagt till: Loggkontroll",
        "användare ändrad: behörigheter lagt till: se granskningshändelse",
        "användare ändrad: behörighetsgrupper tagit bort: Loggkontroll",
        "användare ändrad: behörighetsgrupper lagt till: Loggkontroll",
        "användare ändrad: behörigheter tagit bort: se granskningshändelse",
        "användare ändrad: behörighetsgrupper tagit bort: Loggkontroll",
    ]


def test_token_creation_and_revocation_are_logged_once(nurse, client_as):
    token, _ = create_token(nurse, "integration")
    assert _whys("accounts.apitoken", token.pk) == [
        f"API-token skapad för användaren {nurse.username}"
    ]
    client = client_as(nurse)
    created = client.post("/api/tokens", {"name": "via API"}, content_type="application/json")
    assert created.status_code == 201
    via_api = created.json()["id"]
    assert client.delete(f"/api/tokens/{via_api}").status_code == 204
    events = _events("accounts.apitoken", via_api)
    assert [(e.action, e.user) for e in events] == [
        (Action.CREATE, nurse),
        (Action.DELETE, nurse),
    ]
    assert not ApiToken.objects.filter(pk=via_api).exists()


def test_a_change_in_the_django_admin_names_who_made_it(client_as, superuser, nurse):
    client = client_as(superuser)
    page = client.get(f"/admin/auth/user/{nurse.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": nurse.username,
            "is_active": "on",
            "is_superuser": "on",
            "date_joined_0": nurse.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": nurse.date_joined.strftime("%H:%M:%S"),
            "last_login_0": "",
            "last_login_1": "",
            "groups": [],
            "user_permissions": [],
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "1",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-id": StaffProfile.objects.get(user=nurse).pk,
            "staff_profile-0-user": nurse.pk,
            "staff_profile-0-organisation": StaffProfile.objects.get(user=nurse).organisation_id,
            "staff_profile-0-unit": "",
            "staff_profile-0-role": Role.PHYSICIAN,
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = client.post(f"/admin/auth/user/{nurse.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    events = _events("auth.user", nurse.pk, Action.UPDATE)
    assert [(e.user, e.why) for e in events] == [
        (superuser, "användare ändrad: superanvändare: nej → ja"),
        (superuser, "personalprofil ändrad: roll: sjuksköterska → läkare"),
    ]


@pytest.mark.django_db
def test_a_change_outside_a_request_names_no_user(orgs):
    orgs.gavle.city = "Gävle"
    orgs.gavle.save()
    (event,) = _events("accounts.organisation", orgs.gavle.pk, Action.UPDATE)
    assert event.user is None and event.why == "organisation ändrad: postort"
