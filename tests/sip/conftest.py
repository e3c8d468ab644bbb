"""Fixtures for the SIP tests: units in five organisations, staff, persons, plans."""

from __future__ import annotations

import datetime as dt
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.people import services as people_services
from samverkan.people.testpersons import synthetic_persons, test_personnummer
from samverkan.sip import services
from samverkan.sip.models import Huvudman
from samverkan.sip.plan import ActionRow, ContactRow, PlanData

_NUMBERS = test_personnummer(60, seed=2024)


def _unit(org, name: str, kind: str) -> Unit:
    return Unit.objects.get_or_create(organisation=org, name=name, defaults={"kind": kind})[0]


@pytest.fixture
def units(orgs) -> SimpleNamespace:
    return SimpleNamespace(
        ost_home=_unit(orgs.ostersund, "Hemsjukvården Östersund", UnitKind.HOME_HEALTH_CARE),
        ost_social=_unit(orgs.ostersund, "Biståndsenheten", UnitKind.SOCIAL_SERVICES),
        krokom_social=_unit(orgs.krokom, "Biståndsenheten", UnitKind.SOCIAL_SERVICES),
        krokom_home=_unit(orgs.krokom, "Hemsjukvården Krokom", UnitKind.HOME_HEALTH_CARE),
        jh_hc=_unit(orgs.region_jh, "Hälsocentral Centrum", UnitKind.PRIMARY_CARE),
        jh_psych=_unit(orgs.region_jh, "Vuxenpsykiatriska mottagningen", UnitKind.ADULT_PSYCHIATRY),
        gvb_hc=_unit(orgs.region_gvb, "Hälsocentral Söder", UnitKind.PRIMARY_CARE),
        gvb_ward=_unit(orgs.region_gvb, "Geriatriska kliniken", UnitKind.SPECIALIST_CARE),
        gavle_home=_unit(orgs.gavle, "Hemsjukvården Gävle", UnitKind.HOME_HEALTH_CARE),
    )


@pytest.fixture
def staff(make_staff, orgs, units) -> SimpleNamespace:
    """ost: Östersund nurse (initiator in most tests); krokom: Krokom needs assessor (the
    other kommun's unit that is invited); region: Region JH physician; gavle: Gävle nurse;
    gvb: Region Gävleborg physician."""
    return SimpleNamespace(
        ost=make_staff(
            Role.NURSE,
            orgs.ostersund,
            "ssk.ost",
            unit=units.ost_home,
            first_name="Lena",
            last_name="Ostman",
        ),  # fmt: skip
        krokom=make_staff(
            Role.NEEDS_ASSESSOR,
            orgs.krokom,
            "bistand.krokom",
            unit=units.krokom_social,
            first_name="Karin",
            last_name="Krok",
        ),  # fmt: skip
        region=make_staff(Role.PHYSICIAN, orgs.region_jh, "lakare.jh", unit=units.jh_hc),
        gavle=make_staff(Role.NURSE, orgs.gavle, "ssk.gavle", unit=units.gavle_home),
        gvb=make_staff(Role.PHYSICIAN, orgs.region_gvb, "lakare.gvb", unit=units.gvb_hc),
    )


@pytest.fixture
def make_person(staff) -> Any:
    numbers = count()

    def make(actor: Any = None, municipality: str = "2380", **names: str) -> Any:
        person, _ = people_services.create_person(
            actor or staff.ost,
            identifier=_NUMBERS[next(numbers)],
            given_name=names.get("given_name", "Sigrid"),
            family_name=names.get("family_name", "Planström"),
            home_municipality=municipality,
            confirm_care_relation=True,
            reason="Test",
        )
        return person

    return make


@pytest.fixture
def person(make_person) -> Any:
    return make_person()


@pytest.fixture
def sip(staff, person) -> Any:
    """A draft SIP started by the Östersund nurse."""
    return services.start_sip(staff.ost, person, agreement="jh-hemsjukvard")


def simple_plan(orgs: Any, units: Any, **overrides: Any) -> PlanData:
    """A complete plan: goals, needs, two actions (kommun and region), a contact, follow-up."""
    plan = PlanData(
        goals=["Jag vill kunna bo kvar hemma", "Jag vill orka gå till affären"],
        needs=["Hjälp med läkemedel", "Stöd vid dusch"],
        overall_responsible_organisation=orgs.ostersund,
        overall_responsible_unit=units.ost_home,
        overall_responsibility_note="Sjuksköterska i hemsjukvården",
        follow_up_date=timezone.localdate() + dt.timedelta(days=30),
        actions=[
            ActionRow(
                "Läkemedelsgenomgång",
                Huvudman.REGION,
                orgs.region_jh,
                units.jh_hc,
                timezone.localdate() + dt.timedelta(days=7),
            ),
            ActionRow(
                "Hemtjänst vid dusch två gånger i veckan",
                Huvudman.MUNICIPALITY,
                orgs.ostersund,
                units.ost_social,
                timezone.localdate() + dt.timedelta(days=10),
            ),
        ],
        care_contacts=[
            ContactRow(orgs.region_jh, "Distriktsläkare", units.jh_hc, is_physician=True),
            ContactRow(orgs.ostersund, "Distriktssköterska", units.ost_home),
        ],
    )
    for name, value in overrides.items():
        setattr(plan, name, value)
    return plan


@pytest.fixture
def plan_factory(orgs, units) -> Any:
    return lambda **overrides: simple_plan(orgs, units, **overrides)


@pytest.fixture
def shared_sip(sip, staff, orgs, units, plan_factory) -> Any:
    """The draft SIP with a plan, consent for all invited, and Krokom's Biståndsenheten
    invited (the other kommun's unit)."""
    services.save_plan(staff.ost, sip, plan_factory(), base_version=sip.version)
    services.record_consent(staff.ost, sip, given_by="person")
    services.invite(
        staff.ost,
        sip,
        organisation=orgs.krokom,
        unit=units.krokom_social,
        meeting_at=timezone.now() + dt.timedelta(days=3),
        meeting_place="Krokoms kommunhus",
    )
    return sip


@pytest.fixture
def child(staff) -> Any:
    """A person under 18 (a synthetic person on a Skatteverket test number)."""
    today = timezone.localdate()
    found = next(
        p
        for p in synthetic_persons(200, seed=5)
        if p["birth_date"] > today.replace(year=today.year - 15)
    )
    person, _ = people_services.create_person(
        staff.ost,
        identifier=found["personnummer"],
        given_name=found["given"],
        family_name=found["family"],
        home_municipality="2380",
        confirm_care_relation=True,
        reason="Inskrivning",
    )
    return person


@pytest.fixture
def child_sip(staff, child) -> Any:
    return services.start_sip(staff.ost, child, agreement="jh-hemsjukvard")
