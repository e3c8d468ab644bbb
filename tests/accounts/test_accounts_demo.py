from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from samverkan.accounts.demo import DEMO_PASSWORD, demo_users, demo_users_table, load_demo
from samverkan.accounts.models import Organisation, OrganisationKind, Role, StaffProfile, Unit
from samverkan.rules.regions import REGIONS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "demo-users.md"


def _counts():
    return (
        Organisation.objects.count(),
        Unit.objects.count(),
        get_user_model().objects.count(),
        StaffProfile.objects.count(),
    )


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    load_demo()
    first = _counts()
    load_demo()
    assert _counts() == first
    assert first[0] == 21  # 2 regions, 18 kommuner, 1 private provider


@pytest.mark.django_db
def test_all_18_kommuner_with_their_scb_codes():
    load_demo()
    kommuner = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    expected = {
        code: (region.id, name)
        for region in REGIONS.values()
        for code, name in region.municipalities.items()
    }
    assert len(expected) == 18
    assert {k.scb_code: (k.region, k.name) for k in kommuner} == {
        code: (region, name + ("" if name[-1] in "aeiouyåäös" else "s") + " kommun")
        for code, (region, name) in expected.items()
    }
    regions = Organisation.objects.filter(kind=OrganisationKind.REGION)
    assert {(r.region, r.scb_code) for r in regions} == {
        ("jamtland-harjedalen", "23"),
        ("gavleborg", "21"),
    }


@pytest.mark.django_db
def test_every_organisation_has_3_to_6_units():
    load_demo()
    for org in Organisation.objects.all():
        assert 3 <= org.units.count() <= 6, org


@pytest.mark.django_db
def test_demo_users_cover_every_role_in_both_regions_and_can_log_in(client):
    load_demo()
    for region in REGIONS:
        roles = set(
            StaffProfile.objects.filter(organisation__region=region).values_list("role", flat=True)
        )
        assert roles == set(Role.values), region
    for username in ["ssk.ostersund", "lakare.regionjh", "ekonom.regionjh", "forum.jh", "admin"]:
        assert get_user_model().objects.filter(username=username).exists(), username
    for profile in StaffProfile.objects.select_related("unit"):
        assert profile.unit is not None and profile.unit.organisation_id == profile.organisation_id
    assert client.login(
        request=RequestFactory().get("/"), username="ssk.krokom", password=DEMO_PASSWORD
    )
    assert get_user_model().objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_demo_keeps_a_changed_password():
    load_demo()
    user = get_user_model().objects.get(username="ssk.gavle")
    user.set_password("ett-eget-lösenord-1")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("ett-eget-lösenord-1")


def test_demo_names_are_synthetic():
    last_names = {user.last_name for user in demo_users()}
    assert last_names <= {
        "Administratörsson", "Demosson", "Testberg", "Provlund", "Exempelholm",
        "Fiktivström", "Övningsgren",
    }  # fmt: skip


def test_docs_table_matches_the_demo_users():
    assert demo_users_table() in DOCS.read_text(encoding="utf-8")
    assert DEMO_PASSWORD in DOCS.read_text(encoding="utf-8")
