"""The yearly report's queries on local agreements (jh-hemsjukvard §8.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.agreements import selectors, services

pytestmark = pytest.mark.django_db


def test_local_agreements_in_year(people, orgs, units):
    reg = services.register_local_agreement
    reg(people.forum, point="lab_service", municipality=orgs.ostersund, title="Lab",
        agreed_on=dt.date(2023, 5, 1), valid_to=dt.date(2024, 4, 30))  # fmt: skip
    reg(people.forum, point="cosmic_access", municipality=orgs.krokom, title="Cosmic",
        agreed_on=dt.date(2025, 2, 1))  # fmt: skip
    assert [r.title for r in selectors.local_agreements_in_year("jh-hemsjukvard", 2024)] == ["Lab"]
    assert [r.point_label for r in selectors.local_agreements_in_year("jh-hemsjukvard", 2025)] == [
        "Rutin för behörigheter i Cosmic"
    ]
