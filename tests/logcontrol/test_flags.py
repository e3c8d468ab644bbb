"""Flags for unusual access, each with a Swedish explanation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from samverkan.accounts.models import Role
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.logcontrol import selectors
from samverkan.people import services
from tests.logcontrol.conftest import STOCKHOLM

pytestmark = pytest.mark.django_db


def _flags(orgs, event):
    events = list(selectors.events_for_owner(orgs.ostersund))
    return {f.code: f for f in selectors.flags_for(orgs.ostersund, events).get(event.pk, [])}


def test_emergency_access_is_flagged(orgs, case):
    flag = _flags(orgs, case.emergency)["emergency"]
    assert flag.label == "Nödåtkomst" and "nödåtkomst" in flag.explanation
    assert "emergency" not in _flags(orgs, case.own)


@pytest.mark.parametrize(
    ("moment", "outside"),
    [
        (dt.datetime(2026, 3, 10, 6, 59), True),  # Tuesday before 07
        (dt.datetime(2026, 3, 10, 7, 0), False),
        (dt.datetime(2026, 3, 10, 17, 59), False),
        (dt.datetime(2026, 3, 10, 18, 0), True),
        (dt.datetime(2026, 3, 14, 10, 0), True),  # Saturday
        (dt.datetime(2026, 4, 6, 10, 0), True),  # Annandag påsk, a Monday
        (dt.datetime(2026, 4, 7, 10, 0), False),
        (dt.datetime(2026, 6, 19, 10, 0), True),  # Midsommarafton, a Friday
        (dt.datetime(2026, 12, 23, 10, 0), False),
        (dt.datetime(2026, 12, 24, 10, 0), True),  # Julafton
    ],
)
def test_access_outside_working_hours(orgs, case, moment, outside):
    with time_machine.travel(moment.replace(tzinfo=STOCKHOLM), tick=False):
        event = record(case.own_nurse, Action.VIEW, "people.person", 1, person_ref=case.ref)
    flags = _flags(orgs, event)
    assert ("outside_hours" in flags) is outside
    if outside:
        assert "utanför arbetstid" in flags["outside_hours"].explanation


def test_working_hours_are_a_setting(orgs, case, settings):
    settings.LOGCONTROL_WORKING_HOURS = (8, 17)
    with time_machine.travel(dt.datetime(2026, 3, 10, 7, 30, tzinfo=STOCKHOLM), tick=False):
        event = record(case.own_nurse, Action.VIEW, "people.person", 1, person_ref=case.ref)
    assert "08–17" in _flags(orgs, event)["outside_hours"].explanation


def test_many_persons_in_a_short_time(orgs, case, settings):
    settings.LOGCONTROL_MANY_PERSONS = (3, 10)
    start = dt.datetime(2026, 3, 10, 11, 0, tzinfo=STOCKHOLM)
    events = []
    for i in range(4):
        with time_machine.travel(start + dt.timedelta(minutes=2 * i), tick=False):
            events.append(
                record(case.own_nurse, Action.VIEW, "people.person", i, person_ref=f"person:x{i}")
            )
    assert "many_persons" in _flags(orgs, events[-1])
    assert (
        "fler än 3 olika personer inom 10 minuter"
        in _flags(orgs, events[0])["many_persons"].explanation
    )
    # The same four persons spread over an hour (by another user) are not flagged.
    spread = []
    for i in range(4):
        with time_machine.travel(start + dt.timedelta(minutes=20 * i), tick=False):
            spread.append(
                record(case.region_physician, Action.VIEW, "x", i, person_ref=f"person:x{i}",
                       owner=orgs.ostersund)
            )  # fmt: skip
    assert not any("many_persons" in _flags(orgs, e) for e in spread)


def test_no_task_or_contact(orgs, case, make_staff):
    """Östersund's nurse who registered the patient has no task, intervention or SIP for
    the patient: her read is flagged; after an intervention by her, it is not."""
    assert "no_contact" in _flags(orgs, case.own)
    explanation = _flags(orgs, case.own)["no_contact"].explanation
    assert "ingen uppgift, insats eller SIP" in explanation
    services.create_intervention(case.own_nurse, case.patient, kind="nursing")
    assert "no_contact" not in _flags(orgs, case.own)


def test_a_task_assigned_to_the_user_is_contact(orgs, case):
    from samverkan.people.models import Task

    Task.objects.create(
        kind="other", person=case.patient, organisation=orgs.ostersund, assignee=case.own_nurse
    )
    assert "no_contact" not in _flags(orgs, case.own)


def test_sip_participation_is_contact(orgs, case):
    from samverkan.sip.models import Participant, Sip

    assert "no_contact" in _flags(orgs, case.via_sip)
    sip = Sip.objects.create(
        person=case.patient, initiated_by_organisation=orgs.ostersund, initiated_by=case.own_nurse
    )
    Participant.objects.create(sip=sip, organisation=orgs.krokom, invited_by=case.own_nurse)
    assert "no_contact" not in _flags(orgs, case.via_sip)


def test_new_care_relation_without_prior_case(orgs, case, make_staff):
    created = AuditEvent.objects.filter(
        action=Action.CREATE, object_type="people.carerelation", person_ref=case.ref
    ).get()
    flag = _flags(orgs, created)["new_relation"]
    assert "inte hade något tidigare ärende" in flag.explanation


def test_care_relation_after_a_prior_case_is_not_flagged(orgs, case, make_staff, clock):
    services.create_intervention(case.own_nurse, case.patient, kind="nursing")
    clock.shift(dt.timedelta(days=1))
    unit_nurse = make_staff(Role.NURSE, orgs.ostersund)
    from samverkan.accounts.models import Unit

    unit = Unit.objects.create(organisation=orgs.ostersund, name="Hemsjukvård Norr")
    services.add_care_relation(unit_nurse, case.patient, unit=unit, reason="Ny patient på enheten")
    second = AuditEvent.objects.filter(
        action=Action.CREATE, object_type="people.carerelation", user=unit_nurse
    ).get()
    assert "new_relation" not in _flags(orgs, second)


def test_protected_identity_is_flagged_through_the_people_door(orgs, case):
    from samverkan.people.models import IdentityProtection, ProtectionKind

    assert "protected" not in _flags(orgs, case.own)
    IdentityProtection.objects.create(
        person=case.patient, kind=ProtectionKind.PROTECTED_REGISTRATION
    )
    flag = _flags(orgs, case.own)["protected"]
    assert "skyddad identitet" in flag.explanation


def test_flags_are_shown_in_swedish_on_the_page(client_as, case):
    html = client_as(case.admin).get("/loggkontroll/", {"flag": "emergency"}).content.decode()
    assert "Nödåtkomst" in html and "emergency" not in html.split("<table")[1]
