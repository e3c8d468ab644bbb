"""Fixtures for the discharge tests: a region ward and health centre, a kommun's social
services and home health care, an unrelated kommun and region; a person the ward treats; a
fixed clock (today in the product is 2026-12-02)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine

from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.discharge import services
from samverkan.people import services as people_services
from samverkan.people.testpersons import test_personnummer

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
_NUMBERS = test_personnummer(30, seed=1612)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def _unit(org: Any, name: str, kind: str, hsa: str = "") -> Unit:
    return Unit.objects.get_or_create(
        organisation=org, name=name, defaults={"kind": kind, "hsa_id": hsa}
    )[0]


@pytest.fixture
def units(orgs) -> SimpleNamespace:
    return SimpleNamespace(
        ward=_unit(
            orgs.region_jh, "Medicinavdelning 5", UnitKind.SPECIALIST_CARE, "SE2321000207-W5"
        ),
        hc=_unit(orgs.region_jh, "Hälsocentral Centrum", UnitKind.PRIMARY_CARE, "SE2321000207-HC1"),
        ost_social=_unit(orgs.ostersund, "Biståndsenheten", UnitKind.SOCIAL_SERVICES),
        ost_home=_unit(orgs.ostersund, "Hemsjukvården Östersund", UnitKind.HOME_HEALTH_CARE),
        krokom_social=_unit(orgs.krokom, "Biståndsenheten Krokom", UnitKind.SOCIAL_SERVICES),
        gvb_ward=_unit(orgs.region_gvb, "Geriatriska kliniken", UnitKind.SPECIALIST_CARE),
    )


@pytest.fixture
def staff(make_staff, orgs, units) -> SimpleNamespace:
    return SimpleNamespace(
        doctor=make_staff(Role.PHYSICIAN, orgs.region_jh, "lakare.avd5", unit=units.ward),
        ward_nurse=make_staff(Role.NURSE, orgs.region_jh, "ssk.avd5", unit=units.ward),
        hc_nurse=make_staff(Role.NURSE, orgs.region_jh, "ssk.hc", unit=units.hc),
        assessor=make_staff(
            Role.NEEDS_ASSESSOR, orgs.ostersund, "bistand.ost", unit=units.ost_social
        ),
        home_nurse=make_staff(Role.NURSE, orgs.ostersund, "ssk.ost", unit=units.ost_home),
        krokom=make_staff(
            Role.NEEDS_ASSESSOR, orgs.krokom, "bistand.krokom", unit=units.krokom_social
        ),
        gvb=make_staff(Role.PHYSICIAN, orgs.region_gvb, "lakare.gvb", unit=units.gvb_ward),
    )


@pytest.fixture
def make_person(staff) -> Any:
    numbers = count()

    def make(actor: Any = None, municipality: str = "2380") -> Any:
        person, _ = people_services.create_person(
            actor or staff.ward_nurse,
            identifier=_NUMBERS[next(numbers)],
            given_name="Sigrid",
            family_name="Utskrivsson",
            home_municipality=municipality,
            confirm_care_relation=True,
            reason="Inskriven på avdelning 5",
        )
        return person

    return make


@pytest.fixture
def person(make_person) -> Any:
    return make_person()


@pytest.fixture
def stay(staff, orgs, units, person) -> Any:
    """Admitted 2026-11-30 08:00 at ward 5, Östersund the kommun, needing its insatser."""
    return services.admit(
        staff.ward_nurse,
        person,
        unit=units.ward,
        municipality=orgs.ostersund,
        care_type="somatic",
        admitted_at=dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC),
        needs_municipal_insatser=True,
    )


@pytest.fixture
def noticed(stay, staff) -> Any:
    """The stay with inskrivningsmeddelanden to all three receivers, 2 hours after admission."""
    services.send_admission_notice(
        staff.ward_nurse,
        stay,
        receivers=["municipal_social_services", "municipal_health_care", "region_open_care"],
        sent_at=dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC),
    )
    return stay
