"""Revision variants change rules as data; the baseline is never touched."""

from __future__ import annotations

import pytest

from samverkan.rules import engine, ruleset, variants
from samverkan.rules.conditions import CountAtLeast

from .test_engine import REGION, VERSION


@pytest.fixture(autouse=True)
def _quote_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "passage", lambda clause, anchor, context=0: clause)


def decide(versions: tuple, **facts: object) -> engine.Decision:
    rules = ruleset.build(versions, REGION)
    return engine.decide({"region": REGION, "date": "2021-06-01"} | facts, rules)


ONE_NEED = {"intervention": "nursing", "housing": "ordinary", "adl_needs_over_time": ["eating"]}


def test_two_adl_needs_instead_of_one_moves_the_case_back_to_the_region() -> None:
    variant = variants.Variant.from_dict(
        {
            "name": "Två ADL-behov",
            "changes": [
                {
                    "op": "set_parameter",
                    "rule": "t.adl",
                    "kind": "count_at_least",
                    "fact": "adl_needs_over_time",
                    "n": 2,
                }
            ],
        }
    )
    changed = variants.apply((VERSION,), variant)
    assert decide((VERSION,), **ONE_NEED).outcome["health_care_responsibility"] == "municipality"
    assert decide(changed, **ONE_NEED).outcome["health_care_responsibility"] == "region"
    two = ONE_NEED | {"adl_needs_over_time": ["eating", "moving"]}
    assert decide(changed, **two).outcome["health_care_responsibility"] == "municipality"
    # the declaration itself is unchanged
    adl = next(r for r in VERSION.rules if r.id == "t.adl")
    assert CountAtLeast("adl_needs_over_time", 1) in adl.when.parts  # type: ignore[attr-defined]


def test_set_outcome_disable_and_add_rule() -> None:
    changed = variants.apply(
        (VERSION,),
        variants.Variant(
            "x",
            (
                {
                    "op": "set_outcome",
                    "rule": "t.default",
                    "dimension": "health_care_responsibility",
                    "value": "municipality",
                },
                {"op": "disable", "rule": "t.physician"},
                {
                    "op": "add_rule",
                    "agreement": "test-avtal",
                    "rule": {
                        "id": "t.new",
                        "clause": "jh-hemsjukvard §7.7",
                        "anchor": "x",
                        "when": {"kind": "is", "fact": "prescriber", "value": "region"},
                        "decides": {"cost": "region"},
                        "overrides": ["t.cost"],
                    },
                },
            ),
        ),
    )
    plain = decide(changed, intervention="nursing", housing="special_housing", prescriber="region")
    assert plain.outcome["health_care_responsibility"] == "municipality"
    assert plain.outcome["cost"] == "region"
    physician = decide(changed, **(ONE_NEED | {"intervention": "physician"}))
    assert physician.rules["health_care_responsibility"] == "t.adl"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"op": "rename"}, "unknown_op"),
        ({"op": "disable", "rule": "nope"}, "unknown_rule"),
        (
            {"op": "set_parameter", "rule": "t.adl", "kind": "below", "fact": "age", "n": 3},
            "no_such_condition",
        ),
        (
            {"op": "set_outcome", "rule": "t.adl", "dimension": "cost", "value": "moon"},
            "invalid_outcome",
        ),
        ({"op": "add_rule", "agreement": "test-avtal", "rule": {"id": "x"}}, "invalid_rule"),
    ],
)
def test_bad_changes_are_refused_with_a_code(change: dict, code: str) -> None:
    with pytest.raises(variants.VariantError) as info:
        variants.apply((VERSION,), variants.Variant("x", (change,)))
    assert info.value.code == code
