"""Each agreement module declares its rules in the order of the agreement's clauses (issue 14),
and which rule a decision names never depends on that order."""

from __future__ import annotations

import dataclasses
import inspect
import sys

import pytest

from samverkan.rules import engine
from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.clauses.library import for_agreement
from samverkan.rules.declarations import AgreementVersion
from samverkan.rules.ruleset import build
from samverkan.rules.scenarios.model import load_dir


def _module_source(version: AgreementVersion) -> str:
    module = next(
        m
        for m in list(sys.modules.values())
        if getattr(m, "VERSION", None) is version and m.__name__.startswith("samverkan.rules.")
    )
    return inspect.getsource(module)


@pytest.mark.parametrize("version", ALL_VERSIONS, ids=lambda v: v.key)
def test_rules_follow_the_clauses(version: AgreementVersion) -> None:
    position = {c.id: i for i, c in enumerate(for_agreement(version.agreement))}
    seen = [(position[r.clause], r.clause, r.id) for r in version.rules]
    out_of_order = [
        f"{later[2]} ({later[1]}) efter {earlier[2]} ({earlier[1]})"
        for earlier, later in zip(seen, seen[1:], strict=False)
        if later[0] < earlier[0]
    ]
    assert not out_of_order, out_of_order


@pytest.mark.parametrize("version", ALL_VERSIONS, ids=lambda v: v.key)
def test_the_module_text_is_in_the_same_order(version: AgreementVersion) -> None:
    source = _module_source(version)
    where = [source.index(f'rule(\n        "{r.id}",') for r in version.rules]
    assert where == sorted(where), "VERSION.rules lists the rules in another order than the file"


def _reversed(version: AgreementVersion) -> AgreementVersion:
    return dataclasses.replace(version, rules=tuple(reversed(version.rules)))


SCENARIOS = load_dir()


@pytest.mark.parametrize("region", ["jamtland-harjedalen", "gavleborg"])
def test_the_reported_rule_does_not_depend_on_declaration_order(region: str) -> None:
    forward = build(ALL_VERSIONS, region)
    backward = build(tuple(_reversed(v) for v in reversed(ALL_VERSIONS)), region)
    cases = [s for s in SCENARIOS if s.facts.get("region") == region]
    assert cases
    for s in cases:
        a, b = engine.decide(s.facts, forward), engine.decide(s.facts, backward)
        assert (a.outcome, a.rules, a.actions) == (b.outcome, b.rules, b.actions), s.name
        assert [r.rule for r in a.reasons if r.dimension != "actions"] == [
            r.rule for r in b.reasons if r.dimension != "actions"
        ], s.name


def test_a_more_specific_rule_is_named_before_a_general_one_of_the_same_value() -> None:
    facts = {
        "region": "gavleborg",
        "date": "2019-02-01",
        "municipality": "2180",
        "residence": "registered_in_county",
        "age": 8,
        "housing": "ordinary",
        "extensive_home_care": "tracheostomy",
        "needs_health_and_social_care": True,
        "intervention": "nursing",
        "treatment_responsibility": "primary_care",
        "self_care_assessment": "self_care",
    }
    for ruleset in (
        build(ALL_VERSIONS, "gavleborg"),
        build(tuple(_reversed(v) for v in ALL_VERSIONS), "gavleborg"),
    ):
        d = engine.decide(facts, ruleset)
        assert d.rules["health_care_responsibility"] == "gvb.responsibility.child_self_care"
        assert d.rules["performer"] == "gvb.performer.child_self_care"
