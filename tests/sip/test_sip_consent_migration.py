"""Migration sip 0004: where several consents of a SIP were in force, the last recorded
replaces the earlier ones (a withdrawn one stays withdrawn, another SIP's is untouched)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("sip", "0003_one_meeting_letters_contact_phone")
AFTER = ("sip", "0004_consent_superseded_by_a_later_one")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def test_the_last_recorded_consent_stays_in_force(person, staff, orgs):
    old = _migrate(BEFORE)
    Sip, Consent = old.get_model("sip", "Sip"), old.get_model("sip", "Consent")
    sip = Sip.objects.create(person_id=person.pk, initiated_by_organisation_id=orgs.ostersund.pk)
    other = Sip.objects.create(person_id=person.pk, initiated_by_organisation_id=orgs.ostersund.pk)
    common = {"sip": sip, "given_by": "person", "recorded_by_id": staff.ost.pk}
    first = Consent.objects.create(**common)
    withdrawn = Consent.objects.create(**common, withdrawn_at=first.given_at)
    last = Consent.objects.create(**common)
    alone = Consent.objects.create(sip=other, given_by="person", recorded_by_id=staff.ost.pk)

    new = _migrate(AFTER)
    Consent = new.get_model("sip", "Consent")
    superseded = dict(Consent.objects.values_list("pk", "superseded_by_id"))
    assert superseded[first.pk] == last.pk
    assert superseded[last.pk] is None and superseded[alone.pk] is None
    assert superseded[withdrawn.pk] is None
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
