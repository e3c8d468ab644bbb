"""The guide asks first what settles most, and never what cannot change the answer now.

Issue 13: the särskilt boende case took eight screens to an answer, with the time of day
asked second although Bilaga 2's nights and days decide nothing for a resident there.
Each case below is a person whose every fact is known; the guide is walked as a user
would, answering only what it asks, and the screens to the first full answer counted.
"""

from __future__ import annotations

import pytest

from samverkan.rules import DECIDED, decide
from samverkan.rules import next_question as next_fact
from samverkan.rules import question_values as candidate_values

BASE = {
    "region": "jamtland-harjedalen",
    "date": "2026-12-02",
    "intervention": "nursing",
    "time": "22:00",
    "municipality": "2380",
    "residence": "registered_in_county",
    "age": 84,
    "housing": "special_housing",
    "day_activity": False,
    "personal_assistance_lss": False,
    "adl_needs_over_time": ["hygiene"],
    "end_of_life": False,
    "wishes_health_centre": False,
    "urgent": False,
    "needs_health_and_social_care": True,
    "discharge_from_inpatient_care": False,
    "service_purchase_requested": False,
    "asylum_entitlement": False,
    "psychiatric_disability": False,
    "self_care_assessment": "health_care",
    "prescriber": "region",
    "medication_risk_remains": False,
    "treatment_responsibility": "primary_care",
    "parties_disagree": False,
    "compulsory_care": "none",
    "habilitation_type": "medical",
    "question_of_principle": False,
    "serious_deviation": False,
    "extensive_home_care": "none",
    "psychiatric_care_area": "other",
    "needs_beyond_parental_responsibility": False,
    "stay_meant_to_be_temporary": False,
    "specialist_care_needed": False,
}


def walk(truth: dict) -> tuple[list[str], int | None]:
    """The facts asked, in order, and after how many the outcome was fully determined."""
    answers = {"region": truth["region"], "date": truth["date"]}
    asked: list[str] = []
    first: int | None = None
    for _ in range(len(truth)):
        decision = decide(answers)
        if first is None and "undetermined" not in decision.outcome.values() and asked:
            first = len(asked)
        if decision.status == DECIDED and not decision.missing_facts:
            break
        fact = next_fact(answers, decision.missing_facts, ())
        if fact is None:
            break
        asked.append(fact)
        answers[fact] = truth[fact]
    return asked, first


@pytest.mark.parametrize(
    ("case", "changes", "at_most"),
    [
        ("särskilt boende, natt", {}, 5),
        ("särskilt boende, dag", {"time": "10:00"}, 5),
        ("ordinärt boende", {"housing": "ordinary", "time": "10:00", "adl_needs_over_time": []}, 8),
        (
            "asylsökande vuxen",
            {
                "residence": "asylum_seeker",
                "housing": "ordinary",
                "age": 30,
                "asylum_entitlement": True,
            },
            6,
        ),
    ],
)
def test_the_answer_comes_in_few_screens(case, changes, at_most):
    # With the fixed order these took 7, 7, 11 and 15 screens.
    asked, first = walk(BASE | changes)
    assert first is not None and first <= at_most, (case, asked)


def test_the_time_of_day_is_not_asked_where_it_cannot_change_the_answer():
    asked, _ = walk(BASE)
    assert "time" not in asked, asked
    assert asked[0] == "intervention"


def test_a_fact_that_settles_nothing_now_waits():
    """Before the housing is known the time is among the missing facts (the fixed order asked
    it first); the housing settles more, and once it is särskilt boende the time is moot."""
    answers = {k: BASE[k] for k in ("region", "date", "intervention", "residence")}
    missing = decide(answers).missing_facts
    assert missing.index("time") < missing.index("housing")
    assert next_fact(answers, missing, ()) != "time"
    assert "time" not in decide(answers | {"housing": "special_housing"}).missing_facts


def test_skipped_facts_are_not_asked_and_none_left_gives_none():
    answers = {k: BASE[k] for k in ("region", "date")}
    missing = decide(answers).missing_facts
    assert next_fact(answers, missing, ("intervention",)) != "intervention"
    assert next_fact(answers, ["time"], ("time",)) is None


def test_candidate_values_cover_every_choice_and_the_limits():
    assert set(candidate_values("housing", {})) == {
        "ordinary",
        "special_housing",
        "lss_housing",
        "temporary_stay",
    }
    assert {17, 18, 64, 65, 66, 67} <= set(candidate_values("age", {}))
    assert {"07:59", "08:00", "16:59", "17:00"} <= set(candidate_values("time", {}))
    assert set(candidate_values("municipality", {"region": "gavleborg"})) >= {"2180", "2184"}
