"""Migration deviations 0007: dispute steps stored with the old title "närmsta chef (§8)"
are renamed to "närmaste chef (§8)", the one term; other steps are untouched."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samverkan.deviations.models import DisputeStep
from tests.deviations.test_disputes import open_case

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("deviations", "0006_serious_deviation_contacts_and_subject")
AFTER = ("deviations", "0007_dispute_steps_say_naermaste_chef")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_stored_steps_say_naermaste_chef(people, orgs):
    case = open_case(people.kommun_nurse, orgs)
    old_step = case.steps.get()
    other = DisputeStep.objects.create(
        dispute=case,
        by=people.kommun_nurse,
        organisation=orgs.ostersund,
        what=DisputeStep.What.NOTE,
        level=1,
        step="respektive ansvarig överordnad chef",
    )
    _migrate(BEFORE)
    DisputeStep.objects.filter(pk=old_step.pk).update(step="närmsta chef (§8)")
    _migrate(AFTER)
    assert DisputeStep.objects.get(pk=old_step.pk).step == "närmaste chef (§8)"
    assert DisputeStep.objects.get(pk=other.pk).step == "respektive ansvarig överordnad chef"
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
