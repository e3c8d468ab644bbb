"""The evaluator's semantics on a small synthetic rule set (independent of the agreements)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from samverkan.rules import batch, engine, ruleset
from samverkan.rules.conditions import CountAtLeast, Decided, Is, all_of
from samverkan.rules.declarations import AgreementVersion, Term, rule
from samverkan.rules.outcome import DIMENSIONS

from .test_batch_property import frame_of

REGION = "jamtland-harjedalen"
CLAUSE = "jh-hemsjukvard §7.3"

VERSION = AgreementVersion(
    agreement="test-avtal",
    version="1",
    title="Testavtal",
    region=REGION,
    term=Term(dt.date(2020, 1, 1), dt.date(2021, 12, 31), renewal_years=0),
    scope=Is("intervention", "nursing") | Is("intervention", "physician"),
    rules=(
        rule(
            "t.default",
            CLAUSE,
            "x",
            decides={"health_care_responsibility": "region"},
            fallback=True,
        ),
        rule(
            "t.adl",
            CLAUSE,
            "x",
            all_of(Is("housing", "ordinary"), CountAtLeast("adl_needs_over_time", 1)),
            decides={"health_care_responsibility": "municipality"},
        ),
        rule(
            "t.physician",
            CLAUSE,
            "x",
            Is("intervention", "physician"),
            decides={"health_care_responsibility": "region"},
            overrides=("t.adl",),
        ),
        rule(
            "t.cost",
            CLAUSE,
            "x",
            Decided("health_care_responsibility", "municipality"),
            decides={"cost": "municipality"},
        ),
        rule(
            "t.sip", CLAUSE, "x", Is("needs_health_and_social_care", True), actions=("offer_sip",)
        ),
    ),
)
RULES = ruleset.build([VERSION], REGION)


@pytest.fixture(autouse=True)
def _quote_stub(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "passage", lambda clause, anchor, context=0: f"[{clause}]")


def decide(**facts: Any) -> engine.Decision:
    return engine.decide({"region": REGION, "date": "2021-06-01"} | facts, RULES)


def test_exception_overrides_its_base_and_fallback_fills_the_rest() -> None:
    assert (
        decide(intervention="nursing", housing="ordinary", adl_needs_over_time=["eating"]).rules[
            "health_care_responsibility"
        ]
        == "t.adl"
    )
    physician = decide(intervention="physician", housing="ordinary", adl_needs_over_time=["eating"])
    assert physician.rules["health_care_responsibility"] == "t.physician"
    plain = decide(intervention="nursing", housing="ordinary", adl_needs_over_time=[])
    assert (
        plain.outcome["health_care_responsibility"],
        plain.rules["health_care_responsibility"],
    ) == (
        "region",
        "t.default",
    )


def test_unknown_fact_leaves_dimension_undetermined_and_names_only_deciding_facts() -> None:
    d = decide(intervention="nursing", housing="ordinary")
    assert d.outcome["health_care_responsibility"] == "undetermined"
    # housing is known, so only the ADL needs decide it; the SIP action needs its own fact
    assert d.missing_facts == ["adl_needs_over_time", "needs_health_and_social_care"]


def test_a_false_conjunct_makes_other_unknowns_irrelevant() -> None:
    d = decide(
        intervention="nursing", housing="special_housing", needs_health_and_social_care=False
    )
    assert d.outcome["health_care_responsibility"] == "region"
    assert d.missing_facts == []


def test_decided_condition_propagates_undetermined() -> None:
    d = decide(intervention="nursing", needs_health_and_social_care=True)
    assert d.outcome["cost"] == "undetermined"
    assert set(d.missing_facts) == {"housing", "adl_needs_over_time"}
    assert d.actions == ["offer_sip"]


def test_out_of_scope_is_not_covered_and_out_of_term_is_not_in_force() -> None:
    assert decide(intervention="rehabilitation").status == engine.NOT_COVERED
    late = engine.decide({"region": REGION, "date": "2022-01-01", "intervention": "nursing"}, RULES)
    assert (late.status, late.in_force) == (engine.NOT_IN_FORCE, False)
    assert late.agreements[0]["valid_to"] == "2021-12-31"
    assert set(late.outcome.values()) == {"undetermined"}


def test_missing_region_or_date_asks_for_them() -> None:
    d = engine.decide({"intervention": "nursing"}, RULES)
    assert (d.status, d.missing_facts) == (engine.INCOMPLETE, ["region", "date"])


def test_reasons_quote_the_deciding_rules_clause() -> None:
    d = decide(
        intervention="nursing",
        housing="ordinary",
        adl_needs_over_time=["eating"],
        needs_health_and_social_care=True,
    )
    by_dim = {r.dimension: r for r in d.reasons}
    assert by_dim["health_care_responsibility"].rule == "t.adl"
    assert by_dim["health_care_responsibility"].text == f"[{CLAUSE}]"
    assert [r.action for r in d.reasons if r.dimension == "actions"] == ["offer_sip"]


def test_conflicting_overrides_are_rejected_when_building() -> None:
    bad = AgreementVersion(
        "x",
        "1",
        "x",
        REGION,
        Term(dt.date(2020, 1, 1), dt.date(2021, 1, 1)),
        Is("age", 1),
        (rule("a", CLAUSE, "x", decides={"cost": "region"}, overrides=("nope",)),),
    )
    with pytest.raises(ValueError, match="nope"):
        ruleset.build([bad], REGION)


def test_batch_uses_the_same_rules() -> None:
    import polars as pl

    frame = pl.DataFrame(
        {
            "region": [REGION] * 3,
            "date": ["2021-06-01"] * 3,
            "intervention": ["nursing", "physician", "nursing"],
            "housing": ["ordinary", "ordinary", None],
            "adl_needs_over_time": [["eating"], ["eating"], []],
        }
    )
    out = batch.decide(frame, {REGION: RULES})
    # no ADL need at all decides it even with housing unknown
    assert out["health_care_responsibility"].to_list() == ["municipality", "region", "region"]
    assert out["health_care_responsibility__rule"].to_list() == [
        "t.adl",
        "t.physician",
        "t.default",
    ]
    assert out["cost"].to_list() == ["municipality", "undetermined", "undetermined"]


@pytest.mark.parametrize("select_cost", [0, 10**6])
def test_batch_agrees_with_single_on_every_known_and_unknown_combination(
    select_cost: int,
) -> None:
    """test_engine's rule set (one version, so its guard is tested once per value; a
    fallback overridden by every other rule; an exception; a Decided condition) on every
    combination of known and unknown facts it reads."""
    cases = [
        {
            "region": REGION,
            "date": date,
            "intervention": intervention,
            "housing": housing,
            "adl_needs_over_time": adl,
            "needs_health_and_social_care": both,
        }
        for date in ("2020-06-01", "2019-06-01", None)
        for intervention in ("nursing", "physician", "rehabilitation", None)
        for housing in ("ordinary", "special_housing", None)
        for adl in ([], ["eating"], None)
        for both in (True, None)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "_SELECT_COST", select_cost)  # one test per run / per value
        result = batch.decide(frame_of(cases), {REGION: RULES}, action_list=True)
    for case, row in zip(cases, result.iter_rows(named=True), strict=True):
        d = engine.decide(case, RULES)
        expected = {"status": d.status, "in_force": d.in_force, "actions": d.actions}
        for dim in DIMENSIONS:
            expected[dim], expected[f"{dim}__rule"] = d.outcome[dim], d.rules[dim]
        assert {k: row[k] for k in expected} == expected, case
