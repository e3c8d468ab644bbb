import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from samverkan.accounts.models import (
    LICENSED_ROLES,
    ApiToken,
    Organisation,
    OrganisationKind,
    Role,
    StaffProfile,
    Unit,
    UnitKind,
    is_licensed,
)
from samverkan.accounts.services import create_token, organisation_of, role_of, user_for_token


def test_licensed_roles_are_exactly_the_legitimerade():
    licensed = {r for r in Role if is_licensed(r)}
    assert licensed == {
        Role.NURSE,
        Role.PHYSICIAN,
        Role.OCCUPATIONAL_THERAPIST,
        Role.PHYSIOTHERAPIST,
        Role.MAS,
        Role.CHIEF_PHYSICIAN,
    }
    assert licensed == LICENSED_ROLES
    assert not is_licensed(None)
    assert not is_licensed("finance_officer")


def test_role_labels_are_swedish():
    assert Role.NURSE.label == "sjuksköterska"
    assert Role.NEEDS_ASSESSOR.label == "biståndshandläggare"
    assert Role.ADMINISTRATOR.label == "administratör"


@pytest.mark.django_db
def test_kommun_must_belong_to_its_region():
    org = Organisation(
        name="Gävle kommun", kind=OrganisationKind.MUNICIPALITY, scb_code="2180",
        region="jamtland-harjedalen",
    )  # fmt: skip
    with pytest.raises(ValidationError) as excinfo:
        org.full_clean()
    assert "scb_code" in excinfo.value.message_dict


@pytest.mark.django_db
def test_region_needs_its_county_code():
    org = Organisation(
        name="Region X", kind=OrganisationKind.REGION, scb_code="21", region="jamtland-harjedalen"
    )
    with pytest.raises(ValidationError):
        org.full_clean()
    Organisation(
        name="Region Jämtland Härjedalen", kind=OrganisationKind.REGION, scb_code="23",
        region="jamtland-harjedalen",
    ).full_clean()  # fmt: skip


def test_scb_code_is_unique(orgs):
    with pytest.raises(IntegrityError):
        Organisation.objects.create(
            name="Dubblett", kind=OrganisationKind.MUNICIPALITY, scb_code="2380",
            region="jamtland-harjedalen",
        )  # fmt: skip


def test_staff_unit_must_belong_to_the_organisation(nurse, orgs):
    other = Unit.objects.create(
        organisation=orgs.krokom, name="Hemsjukvården", kind=UnitKind.HOME_HEALTH_CARE
    )
    profile = StaffProfile.objects.get(user=nurse)
    profile.unit = other
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_organisation_and_role_of(nurse, orgs, django_user_model):
    assert organisation_of(nurse) == orgs.ostersund
    assert role_of(nurse) is Role.NURSE
    bare = django_user_model.objects.create_user("utan.profil", password="x")
    assert organisation_of(bare) is None
    assert role_of(bare) is None
    assert organisation_of(AnonymousUser()) is None
    assert role_of(None) is None


def test_create_token_returns_the_plain_text_once(nurse):
    token, plain = create_token(nurse, "integration")
    stored = ApiToken.objects.get(pk=token.pk)
    assert plain.startswith("smv_") and len(plain) > 40
    assert plain not in (stored.token_hash, stored.prefix)
    assert stored.prefix == plain[:10]
    assert stored.last_used is None
    assert user_for_token(plain) == nurse
    stored.refresh_from_db()
    assert stored.last_used is not None


def test_unknown_or_inactive_tokens_give_no_user(nurse):
    _, plain = create_token(nurse, "x")
    assert user_for_token(plain + "x") is None
    assert user_for_token("not-a-token") is None
    nurse.is_active = False
    nurse.save()
    assert user_for_token(plain) is None


def test_last_used_is_written_at_most_every_few_minutes(nurse):
    token, plain = create_token(nurse, "x")
    assert user_for_token(plain) == nurse
    first = ApiToken.objects.get(pk=token.pk).last_used
    assert user_for_token(plain) == nurse
    assert ApiToken.objects.get(pk=token.pk).last_used == first
    stale = first - dt.timedelta(minutes=6)
    ApiToken.objects.filter(pk=token.pk).update(last_used=stale)
    assert user_for_token(plain) == nurse
    assert ApiToken.objects.get(pk=token.pk).last_used > first
