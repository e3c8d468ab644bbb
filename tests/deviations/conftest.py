"""Fixtures of the deviations tests: two huvudmän in Jämtland Härjedalen with receivers,
chefsläkare and MAS, and a person the kommun cares for."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from samverkan.accounts.models import Role, Unit, UnitKind
from samverkan.deviations.models import DeviationReceiver


@pytest.fixture
def units(orgs) -> SimpleNamespace:
    def unit(org, name, kind):
        return Unit.objects.get_or_create(organisation=org, name=name, defaults={"kind": kind})[0]

    return SimpleNamespace(
        safety=unit(orgs.region_jh, "Patientsäkerhetsenheten", UnitKind.MANAGEMENT),
        hc_centrum=unit(orgs.region_jh, "Hälsocentral Centrum", UnitKind.PRIMARY_CARE),
        hc_lit=unit(orgs.region_jh, "Hälsocentral Lit", UnitKind.PRIMARY_CARE),
        home_care=unit(orgs.ostersund, "Hemsjukvården Östersund", UnitKind.HOME_HEALTH_CARE),
    )


@pytest.fixture
def people(make_staff, orgs, units) -> SimpleNamespace:
    """Staff of Östersund (kommun) and the region, with the region's receiver configured."""
    DeviationReceiver.objects.create(organisation=orgs.region_jh, unit=units.safety)
    return SimpleNamespace(
        kommun_nurse=make_staff(Role.NURSE, orgs.ostersund, "ssk.ostersund", unit=units.home_care),
        kommun_mas=make_staff(Role.MAS, orgs.ostersund, "mas.ostersund"),
        region_receiver=make_staff(
            Role.NURSE, orgs.region_jh, "mottagare.region", unit=units.safety
        ),
        region_nurse=make_staff(Role.NURSE, orgs.region_jh, "ssk.region", unit=units.hc_centrum),
        region_chief=make_staff(Role.CHIEF_PHYSICIAN, orgs.region_jh, "chefslakare.region"),
        krokom_nurse=make_staff(Role.NURSE, orgs.krokom, "ssk.krokom"),
        forum=make_staff(Role.FORUM_MEMBER, orgs.region_jh, "forum.region"),
        kommun_forum=make_staff(Role.FORUM_MEMBER, orgs.ostersund, "forum.ostersund"),
        admin=make_staff(Role.ADMINISTRATOR, orgs.region_jh, "admin.region"),
    )


@pytest.fixture
def person(orgs, people):
    """A person Östersund's hemsjukvård cares for (a Skatteverket test number)."""
    from samverkan.people.models import CareRelation, Person, PersonIdentity

    p = Person.objects.create(given_name="Greta", family_name="Testsson")
    PersonIdentity.objects.create(
        person=p, system="personnummer", value="194208269128", is_primary=True
    )
    CareRelation.objects.create(person=p, organisation=orgs.ostersund, since=dt.date(2020, 1, 1))
    return p


@pytest.fixture
def report(orgs):
    """report(user, **overrides) -> Deviation, with sensible defaults (to the region)."""
    from samverkan.deviations import services

    def make(user, **kwargs):
        defaults = {
            "receiving_organisation": orgs.region_jh,
            "category": "medication",
            "severity": "minor",
            "occurred_on": dt.date.today() - dt.timedelta(days=1),
            "location": "Ordinärt boende",
            "description": "Läkemedelslistan saknades vid utskrivning.",
        }
        return services.report_deviation(user, **(defaults | kwargs))

    return make
