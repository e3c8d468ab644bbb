"""A case for log control: Östersund's patient, reached by Östersund's own nurse, by
Krokom's nurse through a SIP (owner Östersund) and by the region's physician in an
emergency; Krokom's own patient, read by Krokom's nurse (none of Östersund's business)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.people import services
from samverkan.people.testpersons import synthetic_persons

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# A Tuesday, in working hours.
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def testpersons():
    return synthetic_persons(40, seed=20261202)


@pytest.fixture
def make_person(testpersons):
    def make(user, index=0):
        data = testpersons[index]
        person, created = services.create_person(
            user,
            identifier=data["personnummer"],
            given_name=data["given"],
            family_name=data["family"],
            home_municipality="2380",
            confirm_care_relation=True,
            reason="Inskriven i hemsjukvården",
        )
        assert created
        return person

    return make


@pytest.fixture
def case(clock, make_staff, orgs, make_person, administrator):
    own_nurse = make_staff(Role.NURSE, orgs.ostersund, "ssk.ostersund")
    other_nurse = make_staff(Role.NURSE, orgs.krokom, "ssk.krokom")
    region_physician = make_staff(Role.PHYSICIAN, orgs.region_jh, "lakare.region")
    patient = make_person(own_nurse, 0)
    krokom_patient = make_person(other_nurse, 1)
    ref, krokom_ref = patient.ref, krokom_patient.ref
    own = record(own_nurse, Action.VIEW, "people.person", patient.pk, person_ref=ref, why="Läsa")
    via_sip = record(
        other_nurse, Action.VIEW, "people.person", patient.pk, person_ref=ref,
        why="SIP", owner=orgs.ostersund, process="sip:1",
    )  # fmt: skip
    emergency = record(
        region_physician, Action.VIEW, "people.person", patient.pk, person_ref=ref,
        why="Akut", owner=orgs.ostersund, process="nödåtkomst",
    )  # fmt: skip
    unrelated = record(
        other_nurse, Action.VIEW, "people.person", krokom_patient.pk, person_ref=krokom_ref,
        why="Egen patient",
    )  # fmt: skip
    return SimpleNamespace(
        admin=administrator,
        own_nurse=own_nurse,
        other_nurse=other_nurse,
        region_physician=region_physician,
        patient=patient,
        krokom_patient=krokom_patient,
        ref=ref,
        krokom_ref=krokom_ref,
        own=own,
        via_sip=via_sip,
        emergency=emergency,
        unrelated=unrelated,
    )


def listed(response):
    return list(response.context["page"].object_list)


def log_looks(user):
    return AuditEvent.objects.filter(user=user, object_type="audit.auditevent")
