"""The guide's state in the query string and the controls its questions use."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from samverkan.guide.questions import display_value, question
from samverkan.guide.state import parse, to_query

TODAY = dt.date(2026, 11, 24)


def test_parse_turns_query_values_into_fact_types():
    query = QueryDict(
        "region=gavleborg&age=82&urgent=true&end_of_life=false"
        "&adl_needs_over_time=&adl_needs_over_time=eating&time=17:30&nonsense=1"
    )
    state = parse(query, TODAY)
    assert state.answers == {
        "region": "gavleborg",
        "date": "2026-11-24",
        "time": "17:30",
        "age": 82,
        "adl_needs_over_time": ["eating"],
        "end_of_life": False,
        "urgent": True,
    }


def test_bad_values_are_kept_for_the_engine_to_name():
    state = parse(QueryDict("age=-3&urgent=kanske"), TODAY)
    assert state.answers["age"] == -3 and state.answers["urgent"] == "kanske"


def test_query_round_trips():
    query = QueryDict(
        "region=jamtland-harjedalen&date=2022-02-01&intervention=nursing"
        "&adl_needs_over_time=&adl_needs_over_time=dressing&skip=end_of_life"
    )
    state = parse(query, TODAY)
    again = parse(QueryDict(to_query(state.answers, state.skipped)), TODAY)
    assert again == state


def test_controls_per_kind():
    assert question("housing", {}).control == "radio"
    assert question("urgent", {}).control == "radio"
    assert [c.label for c in question("urgent", {"urgent": True}).choices] == ["Ja", "Nej"]
    assert question("urgent", {"urgent": True}).choices[0].checked
    assert question("adl_needs_over_time", {}).control == "checkbox"
    assert question("age", {}).control == "number"
    assert question("time", {}).control == "time"
    assert question("date", {}).control == "date"


def test_kommun_select_is_filtered_by_region():
    gavleborg = question("municipality", {"region": "gavleborg"})
    assert gavleborg.control == "select"
    assert {c.value[:2] for c in gavleborg.choices} == {"21"}
    assert "Gävle (2180)" in [c.label for c in gavleborg.choices]
    jamtland = question("municipality", {"region": "jamtland-harjedalen", "municipality": "2380"})
    assert {c.value[:2] for c in jamtland.choices} == {"23"}
    assert [c.value for c in jamtland.choices if c.checked] == ["2380"]


def test_display_values_are_swedish():
    assert display_value("housing", "ordinary") == "Ordinärt boende"
    assert display_value("urgent", False) == "Nej"
    assert display_value("adl_needs_over_time", []) == "Inget av dessa"
    assert display_value("municipality", "2380") == "Östersund (2380)"
    assert display_value("age", 82) == "82 år"


def test_the_listing_is_asked_as_a_choice_of_health_centres_and_shown_by_name(db, private_provider):
    """Issue 14: ``listed_health_centre`` (a text id) is a select of the hälsocentraler, the
    private provider's included; the summary shows the name, not the id."""
    from samverkan.accounts.models import Unit

    lillsjon = Unit.objects.get(organisation=private_provider)
    q = question("listed_health_centre", {"listed_health_centre": lillsjon.fact_code})
    assert q.control == "select"
    assert [(c.label, c.checked) for c in q.choices] == [("Lillsjöns hälsocentral", True)]
    assert display_value("listed_health_centre", lillsjon.fact_code) == "Lillsjöns hälsocentral"
