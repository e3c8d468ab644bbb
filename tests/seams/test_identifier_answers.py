"""The same identifier through every door gives the same answer to an organisation that
may not see the person: a number held by another organisation answers exactly as an unused
one (person search, CSV import, deviations, the people room's resolver)."""

from __future__ import annotations

import pytest
from django.http import Http404

from samverkan.deviations import services as deviations
from samverkan.people import selectors
from samverkan.people import services as people
from samverkan.people.testpersons import synthetic_persons
from samverkan.purchases import services as purchases

pytestmark = pytest.mark.django_db
HEADER = "externt_id;datum;starttid;sluttid;person;insats;avtalsgrund;utförare\n"


def _unused(tk) -> str:
    used = set(tk.pnr.values())
    return next(
        p["personnummer"] for p in synthetic_persons(40, seed=7) if p["personnummer"] not in used
    )


def _answers(tk, number: str) -> dict[str, object]:
    """What an Östersund user learns about `number` through each door."""
    found = people.search_persons(tk.nurse, number)
    content = HEADER + f"X1;2026-03-10;09:00;10:00;{number};nursing;jh-tjanstekop;ssk.ost\n"
    report = purchases.import_csv(tk.ekonom, content.encode(), mode="all_or_nothing")
    try:
        deviations.find_person(tk.nurse, number, why="Avvikelse: koppla person")
        deviation = "found"
    except Http404:
        deviation = "404"
    return {
        "search": [p.pk for p in found],
        "csv": [(e.field, e.code, e.message) for e in report.errors],
        "deviations": deviation,
        "resolver": selectors.resolve_identifier(tk.nurse, number),
        "resolver_bulk": selectors.resolve_identifiers(tk.ekonom, [number]),
    }


def test_a_number_held_elsewhere_answers_as_an_unused_one(tk) -> None:
    held_in_gavle = tk.pnr[tk.pg1.pk]
    elsewhere, unused = _answers(tk, held_in_gavle), _answers(tk, _unused(tk))
    assert elsewhere == unused
    assert [code for _, code, _ in unused["csv"]] == ["person_unknown"]


def test_a_visible_person_is_found_through_every_door(tk) -> None:
    number = tk.pnr[tk.p1.pk]
    answers = _answers(tk, number)
    assert answers["search"] == [tk.p1.pk]
    assert answers["deviations"] == "found"
    assert answers["resolver"] == tk.p1
    assert answers["csv"] == []
