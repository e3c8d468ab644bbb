"""The demo loader: idempotent, Skatteverket test numbers only, decided interventions."""

from __future__ import annotations

import pytest

from samverkan.people.demo import CASES, DEMO_RESERVNUMMER, load_demo
from samverkan.people.models import Person, PersonIdentity, ResponsibilityDecision, Task
from samverkan.people.testpersons import load_test_personnummer

pytestmark = pytest.mark.django_db


def test_load_demo_is_idempotent_and_uses_test_numbers_only():
    first = load_demo()
    assert first["created"] == len(CASES) + 1
    second = load_demo()
    assert second == {"created": 0, "persons": first["persons"]}
    test_numbers = set(load_test_personnummer())
    for identity in PersonIdentity.objects.all():
        if identity.system == "personnummer":
            assert identity.value in test_numbers
        else:
            assert identity.value == DEMO_RESERVNUMMER
    assert Person.objects.count() == len(CASES) + 1
    decisions = ResponsibilityDecision.objects.all()
    # One case is re-decided after a move, one with its egenvård assessment (issue 10).
    assert decisions.count() == len(CASES) + 3
    assert all(d.status == "decided" and d.in_force for d in decisions)
    assert all(not d.missing_facts for d in decisions)
    kinds = set(Task.objects.values_list("kind", flat=True))
    assert {"self_care_assessment", "sip", "named_care_contact", "bill_home_region"} <= kinds
    assert ResponsibilityDecision.objects.filter(supersedes__isnull=False).exists()
