"""The tjänsteköp demo loads, is idempotent and seeds its persons through the people room."""

from __future__ import annotations

import pytest

from samverkan.people.models import CareRelation, Person, PersonIdentity
from samverkan.purchases.demo import load_demo

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_seeds_persons_with_a_care_relation():
    first = load_demo()
    assert first["records"] == 9 and first["service_records"] == 9
    persons = list(Person.objects.all())
    assert len(persons) == 4
    for person in persons:
        identity = PersonIdentity.objects.get(person=person)
        assert identity.system == "personnummer" and identity.is_primary
        relation = CareRelation.objects.get(person=person)
        assert relation.organisation.scb_code == person.home_municipality
        assert relation.organisation.scb_code in {"2380", "2180"}
    again = load_demo()
    assert again["records"] == 0 and again["service_records"] == 9
    assert Person.objects.count() == 4 and CareRelation.objects.count() == 4
