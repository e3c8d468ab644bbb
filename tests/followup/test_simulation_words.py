"""The simulation speaks the forum's language (issue 13, demo walk with forms): the rule
picker, the chosen rule and the result's "Ändringen" named rules by their ids
("Regeln jh-hsv.responsibility.self_care tas bort.")."""

from __future__ import annotations

import re

import pytest

from samverkan.followup import simulation as sim
from samverkan.followup.forms import rule_choices

pytestmark = pytest.mark.django_db

RULE_ID = re.compile(r"\b(?:jh|gvb)-[a-z-]+\.[a-z_.]+\b|\b[a-z]+_[a-z_]+\b")


def _a_rule_with_a_parameter():
    return next(r for r in sim.rule_catalogue() if r.parameters)


def test_every_change_is_described_without_rule_ids_or_codes() -> None:
    rule = _a_rule_with_a_parameter()
    parameter = rule.parameters[0]
    changes = [
        {"op": "disable", "rule": rule.id},
        {"op": "set_outcome", "rule": rule.id, "dimension": "cost", "value": "region"},
        parameter.change(rule.id, parameter.value + 1),
        {"op": "add_rule", "agreement": rule.agreement, "rule": {"id": "ny.regel_x"}},
    ]
    for change in changes:
        text = sim.describe_change(change)
        assert not RULE_ID.findall(text), text
    assert sim.describe_change(changes[0]) == f"Regeln »{rule.summary}« ({_clause(rule)}) tas bort."
    assert f"»{parameter.text}«" in sim.describe_change(changes[2])


def test_the_rule_picker_shows_the_rules_in_words() -> None:
    labels = [
        label for _group, rules in rule_choices(["jamtland-harjedalen"]) for _id, label in rules
    ]
    assert labels and not [label for label in labels if RULE_ID.search(label)]


def _clause(rule) -> str:
    from samverkan.rules import clause_label

    return clause_label(rule.clause)
