"""Private providers ("privat utförare med avtal"): their own vårdgivare, acting for their
contracting huvudman wherever the agreements need a region or a kommun (issue 11)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from samverkan.accounts.models import (
    Organisation,
    OrganisationKind,
    Role,
    acting_as,
    acting_for,
)

pytestmark = pytest.mark.django_db


def _provider(**fields: object) -> Organisation:
    values: dict[str, object] = {
        "name": "Privata hemtjänsten AB",
        "kind": OrganisationKind.PRIVATE_PROVIDER,
        "region": "jamtland-harjedalen",
        "org_number": "559900-0025",
    }
    values.update(fields)
    return Organisation(**values)


def test_a_private_provider_needs_a_huvudman_and_its_own_org_number(orgs):
    with pytest.raises(ValidationError) as excinfo:
        _provider(org_number="").full_clean()
    assert set(excinfo.value.message_dict) == {"contracted_by", "org_number"}
    assert "huvudmannen" in excinfo.value.message_dict["contracted_by"][0]
    _provider(contracted_by=orgs.ostersund).full_clean()


def test_a_private_provider_has_no_scb_code_of_its_own(orgs):
    with pytest.raises(ValidationError) as excinfo:
        _provider(contracted_by=orgs.ostersund, scb_code="2380").full_clean()
    assert "ingen egen SCB-kod" in excinfo.value.message_dict["scb_code"][0]


def test_its_huvudman_is_a_region_or_kommun_of_its_own_region(orgs, private_provider):
    with pytest.raises(ValidationError) as excinfo:
        _provider(contracted_by=private_provider).full_clean()
    assert "region eller en kommun" in excinfo.value.message_dict["contracted_by"][0]
    with pytest.raises(ValidationError) as excinfo:
        _provider(contracted_by=orgs.gavle).full_clean()
    assert "region" in excinfo.value.message_dict


def test_region_and_kommun_need_their_scb_code_and_no_huvudman(orgs):
    kommun = Organisation(
        name="Åre kommun", kind=OrganisationKind.MUNICIPALITY, region="jamtland-harjedalen"
    )
    with pytest.raises(ValidationError) as excinfo:
        kommun.full_clean()
    assert "scb_code" in excinfo.value.message_dict
    kommun.scb_code, kommun.contracted_by = "2321", orgs.region_jh
    with pytest.raises(ValidationError) as excinfo:
        kommun.full_clean()
    assert "contracted_by" in excinfo.value.message_dict


def test_the_database_keeps_the_kinds_apart(orgs, private_provider):
    # two private providers share the empty SCB code; a kommun without one is refused
    Organisation.objects.create(
        name="Annan AB", kind=OrganisationKind.PRIVATE_PROVIDER, region="jamtland-harjedalen",
        org_number="559900-0033", contracted_by=orgs.krokom,
    )  # fmt: skip
    with transaction.atomic(), pytest.raises(IntegrityError):
        Organisation.objects.create(
            name="Utan kod", kind=OrganisationKind.MUNICIPALITY, region="jamtland-harjedalen"
        )
    with transaction.atomic(), pytest.raises(IntegrityError):
        Organisation.objects.create(
            name="Utan huvudman", kind=OrganisationKind.PRIVATE_PROVIDER,
            region="jamtland-harjedalen", org_number="559900-0041",
        )  # fmt: skip


def test_huvudman_is_the_one_shared_answer(orgs, private_provider):
    assert private_provider.huvudman == orgs.region_jh
    assert orgs.ostersund.huvudman == orgs.ostersund
    assert private_provider.is_private_provider and private_provider.is_region
    assert not private_provider.is_municipality
    assert private_provider.huvudman_kind == OrganisationKind.REGION
    assert private_provider.code == "5599000017"
    assert set(Organisation.objects.filter(acting_as(OrganisationKind.REGION))) == {
        orgs.region_jh,
        orgs.region_gvb,
        private_provider,
    }
    assert acting_for(orgs.region_jh.pk) == [orgs.region_jh.pk, private_provider.pk]
    assert acting_for(orgs.ostersund.pk) == [orgs.ostersund.pk]


def test_the_rules_name_a_private_provider_as_its_huvudman(orgs, private_provider):
    from samverkan.agreements.revisions import party_code

    assert party_code(private_provider) == "jamtland-harjedalen"
    kommun_provider = Organisation.objects.create(
        name="Hemtjänst AB", kind=OrganisationKind.PRIVATE_PROVIDER, region="jamtland-harjedalen",
        org_number="559900-0058", contracted_by=orgs.krokom,
    )  # fmt: skip
    assert party_code(kommun_provider) == "2309"


def test_a_private_provider_keeps_no_agreement_records_and_gives_no_notice(
    make_staff, private_provider
):
    from samverkan.agreements.access import may_keep_records, may_speak_for

    admin = make_staff(Role.ADMINISTRATOR, private_provider)
    assert not may_keep_records(admin, "jamtland-harjedalen")
    assert not may_speak_for(admin, private_provider)


def test_deviations_go_to_the_other_huvudman(orgs, private_provider):
    from samverkan.deviations.services import counterparts

    assert set(counterparts(private_provider)) == set(
        Organisation.objects.filter(
            kind=OrganisationKind.MUNICIPALITY, region="jamtland-harjedalen"
        )
    )


def test_a_sip_action_of_a_private_provider_is_its_huvudmans(orgs, private_provider):
    from types import SimpleNamespace

    from samverkan.accounts.models import Unit
    from samverkan.sip.models import Huvudman
    from samverkan.sip.plan import check_plan
    from tests.sip.conftest import simple_plan

    units = SimpleNamespace(
        jh_hc=Unit.objects.create(organisation=orgs.region_jh, name="HC", kind="primary_care"),
        ost_home=Unit.objects.create(
            organisation=orgs.ostersund, name="Hemsjukvården", kind="home_health_care"
        ),
        ost_social=Unit.objects.create(
            organisation=orgs.ostersund, name="Bistånd", kind="social_services"
        ),
    )
    plan = simple_plan(orgs, units)
    provider_unit = private_provider.units.get()
    action = plan.actions[0]
    action.organisation, action.unit = private_provider, provider_unit
    assert check_plan(plan) == []  # the region's action, performed by its private hälsocentral
    action.huvudman = Huvudman.MUNICIPALITY
    (error,) = [e for e in check_plan(plan) if e.code == "huvudman_organisation"]
    assert "privat utförare åt Region Jämtland Härjedalen (en region)" in error.message


def test_a_private_provider_opens_a_dispute_for_its_huvudman(make_staff, orgs, private_provider):
    from samverkan.deviations import access as deviation_access
    from samverkan.deviations.disputes import open_dispute

    nurse = make_staff(Role.NURSE, private_provider)
    dispute = open_dispute(
        nurse, counterparty=orgs.krokom, question="Vem ansvarar för såromläggningen?",
        acting_organisation=private_provider, acting_note="Hälsocentralen lägger om tills vidare.",
    )  # fmt: skip
    assert (dispute.region_party, dispute.municipality_party) == (orgs.region_jh, orgs.krokom)
    assert dispute in deviation_access.disputes_visible_to(nurse)
    # the huvudman decides, not the provider
    provider_lead = make_staff(Role.CHIEF_PHYSICIAN, private_provider)
    region_lead = make_staff(Role.CHIEF_PHYSICIAN, orgs.region_jh)
    assert not deviation_access.may_decide_for_party(provider_lead, dispute)
    assert deviation_access.may_decide_for_party(region_lead, dispute)


def test_the_demo_private_providers_nurse_walks_the_rooms(client_as):
    """The demo's private hälsocentral: its nurse opens every room without an error, and
    the rooms that list organisations by SCB code (buyers) leave it out."""
    from django.contrib.auth import get_user_model

    from samverkan.accounts.demo import load_demo

    load_demo()
    provider = Organisation.objects.get(kind=OrganisationKind.PRIVATE_PROVIDER)
    assert provider.huvudman.name == "Region Jämtland Härjedalen"
    nurse = get_user_model().objects.get(username="ssk.lillsjon")
    assert nurse.staff_profile.organisation == provider
    assert nurse.staff_profile.unit.name == "Lillsjöns hälsocentral"
    client = client_as(nurse)
    for url in (
        "/", "/personer/", "/personer/ny/", "/personer/uppgifter/", "/sip/", "/utskrivning/",
        "/utskrivning/villkor/", "/tjanstekop/", "/tjanstekop/manad/", "/avvikelser/",
        "/guide/", "/avtal/",
    ):  # fmt: skip
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
    admin = get_user_model().objects.get(username="admin")
    buyers = client_as(admin).get("/tjanstekop/fakturamottagare/")
    assert buyers.status_code == 200 and provider.name not in buyers.content.decode()
