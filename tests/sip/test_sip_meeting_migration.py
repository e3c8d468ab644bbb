"""Migration sip 0003: the meeting times stored per invitation become the SIP's one meeting
(the earliest time set, a declined invitation's last), and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("sip", "0002_consent_basis_and_assessment")
AFTER = ("sip", "0003_one_meeting_letters_contact_phone")
EARLY = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2026, 12, 9, 13, 0, tzinfo=dt.UTC)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_per_invitation_times_become_the_sips_meeting(person, staff, orgs, units):
    old = _migrate(BEFORE)
    Sip, Participant = old.get_model("sip", "Sip"), old.get_model("sip", "Participant")
    sip = Sip.objects.create(person_id=person.pk, initiated_by_organisation_id=orgs.ostersund.pk)
    untimed = Sip.objects.create(
        person_id=person.pk, initiated_by_organisation_id=orgs.ostersund.pk
    )
    common = {"sip": sip, "invited_by_id": staff.ost.pk}
    Participant.objects.create(
        **common, organisation_id=orgs.gavle.pk, meeting_at=EARLY - dt.timedelta(days=1),
        meeting_place="Gävle", response="declined",
    )  # fmt: skip
    Participant.objects.create(
        **common, organisation_id=orgs.krokom.pk, meeting_at=LATE, meeting_place="Kommunhuset"
    )
    Participant.objects.create(
        **common, organisation_id=orgs.region_jh.pk, meeting_at=EARLY, meeting_place=""
    )
    Participant.objects.create(
        sip=untimed, invited_by_id=staff.ost.pk, organisation_id=orgs.krokom.pk,
        meeting_place="Rum 2",
    )  # fmt: skip

    new = _migrate(AFTER)
    Sip = new.get_model("sip", "Sip")
    migrated = Sip.objects.get(pk=sip.pk)
    assert migrated.meeting_at == EARLY
    assert migrated.meeting_place == "Kommunhuset"  # the first place given
    placed = Sip.objects.get(pk=untimed.pk)
    assert (placed.meeting_at, placed.meeting_place) == (None, "Rum 2")

    old = _migrate(BEFORE)  # and back: every invitation carries the SIP's meeting
    Participant = old.get_model("sip", "Participant")
    assert set(Participant.objects.filter(sip_id=sip.pk).values_list("meeting_at", flat=True)) == {
        EARLY
    }
    _migrate_all_forward()


def _migrate_all_forward() -> None:
    """Every app back to its latest migration (going back to sip 0002 also unapplied the
    migrations that depend on 0003, in other apps): later tests need the whole schema."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
