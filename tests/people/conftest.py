"""Fixtures for the people app: Skatteverket test persons registered through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from samverkan.people import services
from samverkan.people.models import Person
from samverkan.people.testpersons import synthetic_persons
from tests.baselines import JH_INTERVENTION, JH_PERSON


@pytest.fixture
def testpersons() -> list[dict[str, Any]]:
    """40 synthetic persons on Skatteverket's test personnummer (distinct numbers)."""
    return synthetic_persons(40, seed=20261124)


@pytest.fixture
def make_person(testpersons) -> Callable[..., Person]:
    """make_person(user, index=0, **fields) registers test person `index` as `user`."""

    def make(user: Any, index: int = 0, **fields: Any) -> Person:
        data = testpersons[index]
        fields.setdefault("given_name", data["given"])
        fields.setdefault("family_name", data["family"])
        fields.setdefault("home_municipality", "2380")
        person, created = services.create_person(
            user,
            identifier=data["personnummer"],
            **fields,
            confirm_care_relation=True,
            reason="Test",
        )
        assert created
        return person

    return make


@pytest.fixture
def jh_person_facts() -> dict[str, Any]:
    return dict(JH_PERSON)


@pytest.fixture
def jh_intervention_facts() -> dict[str, Any]:
    return dict(JH_INTERVENTION)


@pytest.fixture
def relate() -> Callable[..., Any]:
    """relate(person, organisation, verksamhet="health_care", unit=None): an active care
    relation, written directly (as a test's given, not through the registration flow)."""
    from samverkan.accounts.models import Verksamhet
    from samverkan.people.models import CareRelation

    def make(person: Person, organisation: Any, verksamhet: str = Verksamhet.HEALTH_CARE,
             unit: Any = None) -> Any:  # fmt: skip
        return CareRelation.objects.create(
            person=person, organisation=organisation, unit=unit, verksamhet=verksamhet,
            reason="Test",
        )  # fmt: skip

    return make
