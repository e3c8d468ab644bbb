"""Decisions stay current: when a fact or an egenvård assessment changes, the open
interventions whose decision read it are re-decided in the same transaction (the old decision
kept as history, the difference shown as for "Ompröva"), and tasks the old decision called
for that no longer apply are closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samverkan.people import services
from samverkan.people.models import (
    InterventionStatus,
    ResponsibilityDecision,
    Task,
    TaskKind,
    TaskStatus,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 20, 11, 0, tzinfo=dt.UTC)
REVIEW = dt.date(2026, 9, 1)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


@pytest.fixture
def jh_case(nurse, make_person, jh_person_facts, jh_intervention_facts):
    """An Östersund person in ordinary housing who needs help dressing; nursing since
    2022-02-01 by Östersund's hemsjukvård, decided once."""

    def make(index: int = 0):
        person = make_person(nurse, index)
        for name, value in (jh_person_facts | {"adl_needs_over_time": ["dressing"]}).items():
            services.set_fact(nurse, person, name, value, valid_from=dt.date(2022, 1, 1))
        intervention = services.create_intervention(
            nurse, person, kind="nursing", start=dt.date(2022, 2, 1), facts=jh_intervention_facts
        )
        first = services.decide_intervention(nurse, intervention)
        return person, intervention, first

    return make


def _self_care_tasks(intervention):
    return Task.objects.filter(
        intervention=intervention, kind=TaskKind.SELF_CARE_ASSESSMENT, status=TaskStatus.OPEN
    )


def test_a_changed_fact_re_decides_the_open_intervention(jh_case, nurse, client_as) -> None:
    person, intervention, first = jh_case()
    assert first.outcome["health_care_responsibility"] == "municipality"
    assert "assess_self_care_first" in first.actions and _self_care_tasks(intervention).exists()

    services.set_fact(nurse, person, "housing", "lss_housing")

    latest = intervention.latest_decision()
    assert latest.pk != first.pk and latest.supersedes_id == first.pk
    assert latest.outcome["health_care_responsibility"] == "region"
    assert latest.facts_used["housing"] == "lss_housing"
    # The old decision is kept unchanged, as history.
    assert ResponsibilityDecision.objects.get(pk=first.pk).facts_used["housing"] == "ordinary"
    diff = services.diff_decisions(first, latest)
    assert {"fact": "housing", "before": "ordinary", "after": "lss_housing"} in diff.facts
    assert diff.actions_removed == ["assess_self_care_first"]
    # The task the old decision called for no longer applies.
    assert not _self_care_tasks(intervention).exists()
    closed = Task.objects.get(intervention=intervention, kind=TaskKind.SELF_CARE_ASSESSMENT)
    assert closed.status == TaskStatus.DONE and "gäller inte längre" in closed.note
    # The intervention page shows the difference, as after "Ompröva".
    page = client_as(nurse).get(reverse("people:intervention", args=[person.pk, intervention.pk]))
    assert reverse("people:decision_diff", args=[person.pk, latest.pk]) in page.content.decode()


def test_an_assessment_re_decides_and_the_assess_first_action_goes(jh_case, nurse) -> None:
    person, intervention, first = jh_case()
    assert "assess_self_care_first" in first.actions
    services.create_assessment(
        nurse, person, intervention_kind="nursing", measure="Påklädning med stödstrumpor",
        result="self_care", review_date=REVIEW,
        performed_by_person_or_others="Maken",
    )  # fmt: skip
    latest = intervention.latest_decision()
    assert latest.supersedes_id == first.pk
    assert latest.facts_used["self_care_assessment"] == "self_care"
    assert latest.outcome["health_care_responsibility"] == "self_care"
    assert "assess_self_care_first" not in latest.actions
    assert not _self_care_tasks(intervention).exists()


def test_only_open_interventions_that_read_the_fact_are_re_decided(jh_case, nurse) -> None:
    person, intervention, first = jh_case()
    ended = services.create_intervention(
        nurse, person, kind="nursing", start=dt.date(2021, 1, 1),
        status=InterventionStatus.ENDED,
    )  # fmt: skip
    ended_decision = services.decide_intervention(nurse, ended)
    services.set_fact(nurse, person, "housing", "lss_housing")
    assert ended.latest_decision().pk == ended_decision.pk
    assert intervention.latest_decision().pk != first.pk
    # An assessment of another intervention kind leaves the nursing decision alone.
    current = intervention.latest_decision()
    services.create_assessment(
        nurse, person, intervention_kind="rehabilitation", measure="Träning",
        result="self_care", review_date=REVIEW,
        performed_by_person_or_others="Personen själv",
    )  # fmt: skip
    assert intervention.latest_decision().pk == current.pk


def test_setting_the_same_value_again_changes_no_decision(jh_case, nurse) -> None:
    person, intervention, first = jh_case()
    services.set_fact(nurse, person, "housing", "ordinary")
    assert intervention.latest_decision().pk == first.pk


def test_an_assessment_under_review_re_decides_as_not_assessed(jh_case, nurse) -> None:
    person, intervention, _ = jh_case()
    assessment = services.create_assessment(
        nurse, person, intervention_kind="nursing", measure="Påklädning med stödstrumpor",
        result="self_care", review_date=REVIEW, performed_by_person_or_others="Maken",
    )  # fmt: skip
    assessed = intervention.latest_decision()
    assert assessed.facts_used["self_care_assessment"] == "self_care"
    services.report_performer_change(nurse, assessment, "Hemtjänsten")
    latest = intervention.latest_decision()
    assert latest.supersedes_id == assessed.pk
    assert latest.facts_used["self_care_assessment"] == "not_assessed"
    assert "assess_self_care_first" in latest.actions
    assert _self_care_tasks(intervention).exists()
