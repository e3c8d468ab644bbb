"""Revision simulation: the variant moves exactly the expected cases; the baseline is
batch.decide's answer; the diff table adds up; the three examples run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import pytest

from samverkan.followup import prices
from samverkan.followup import simulation as sim
from samverkan.rules import batch, population
from samverkan.rules.variants import Variant, VariantError

JH, GVB = "jamtland-harjedalen", "gavleborg"
HCR, COST = sim.HCR, sim.COST


def case(**facts: Any) -> dict[str, Any]:
    base = {
        "region": JH,
        "date": "2026-01-01",
        "municipality": "2380",
        "residence": "registered_in_county",
        "age": 80,
        "housing": "ordinary",
        "intervention": "nursing",
        "adl_needs_over_time": [],
        "time": "10:00",
        "day_activity": False,
        "personal_assistance_lss": False,
        "psychiatric_disability": False,
        "medication_risk_remains": False,
        "extensive_home_care": "none",
        "compulsory_care": "none",
    }
    base.update(facts)
    return base


# id -> (facts, expected baseline hcr, expected variant hcr) under "två ADL-behov"
ADL_CASES: dict[str, tuple[dict[str, Any], str, str]] = {
    "one_need": (case(adl_needs_over_time=["dressing"]), "municipality", "region"),
    "one_need_krokom": (
        case(municipality="2309", adl_needs_over_time=["hygiene"]),
        "municipality",
        "region",
    ),
    "two_needs": (case(adl_needs_over_time=["dressing", "moving"]), "municipality", "municipality"),
    "no_need": (case(), "region", "region"),
    "physician_one_need": (
        case(intervention="physician", adl_needs_over_time=["eating"]),
        "region",
        "region",
    ),
    "special_housing_one_need": (
        case(housing="special_housing", adl_needs_over_time=["eating"]),
        "municipality",
        "municipality",
    ),
    "self_care_one_need": (
        case(adl_needs_over_time=["eating"], self_care_assessment="self_care"),
        "self_care",
        "self_care",
    ),
    # jh-psykisk governs housing support; it ended 2020-12-31, so nothing is decided.
    "psychiatric_agreement_ended": (
        case(intervention="housing_support", adl_needs_over_time=["eating"]),
        "undetermined",
        "undetermined",
    ),
}


def frame(cases: list[dict[str, Any]]) -> pl.DataFrame:
    return batch.normalise(pl.DataFrame(cases, infer_schema_length=None))


def example_variant(key: str) -> Variant:
    return Variant.from_dict(sim.example(key).variant)


@pytest.fixture(scope="module")
def baseline():
    return sim.baseline_rulesets()


def test_two_adl_needs_moves_exactly_the_cases_with_one_need(baseline) -> None:
    names = list(ADL_CASES)
    facts = frame([ADL_CASES[n][0] for n in names])
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    both = sim.decide_both(facts, baseline, variant)
    got = dict(zip(names, both.select(sim.base_col(HCR), sim.var_col(HCR)).rows(), strict=True))
    expected = {n: (b, v) for n, (_, b, v) in ADL_CASES.items()}
    assert got == expected
    # The cost follows the responsibility for the moved cases.
    moved = both.filter(pl.col(sim.base_col(HCR)) != pl.col(sim.var_col(HCR)))
    assert moved[sim.base_col(COST)].to_list() == ["municipality", "municipality"]
    assert moved[sim.var_col(COST)].to_list() == ["region", "region"]


@pytest.mark.parametrize("compress", [True, False])
def test_diff_table_of_the_hand_built_population(baseline, compress: bool) -> None:
    facts = frame([f for f, _, _ in ADL_CASES.values()])
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    table = sim.diff_plan(facts, baseline, variant, compress=compress).collect()
    result = sim.Result(table)
    assert result.total_cases() == len(ADL_CASES)
    moved = result.moved(HCR)
    assert sorted(moved["municipality"].to_list()) == ["2309", "2380"]
    assert set(moved["intervention"].to_list()) == {"nursing"}
    assert moved[sim.CASES].sum() == 2
    transitions = result.transitions(HCR)
    assert transitions.rows() == [("municipality", "region", 2)]


def test_lss_housing_moves_to_the_kommun(baseline) -> None:
    cases = [
        case(housing="lss_housing", age=40),
        case(housing="lss_housing", age=40, intervention="physician"),
        case(housing="special_housing"),
    ]
    variant = sim.variant_rulesets(example_variant("lss-housing-to-municipality"))
    both = sim.decide_both(frame(cases), baseline, variant)
    assert both.select(sim.base_col(HCR), sim.var_col(HCR)).rows() == [
        ("region", "municipality"),
        ("region", "region"),
        ("municipality", "municipality"),
    ]


def test_new_age_limit_in_gavleborg(baseline) -> None:
    def gvb(age: int, **facts: Any) -> dict[str, Any]:
        return case(
            region=GVB,
            municipality="2180",
            date="2019-06-01",
            age=age,
            extensive_home_care="respirator",
            needs_health_and_social_care=True,
            treatment_responsibility="primary_care",
            **facts,
        )

    cases = [gvb(17), gvb(18), gvb(20), gvb(21), gvb(19, intervention="physician")]
    variant = sim.variant_rulesets(example_variant("new-age-limit"))
    both = sim.decide_both(frame(cases), baseline, variant)
    assert both.select(sim.base_col(HCR), sim.var_col(HCR)).rows() == [
        ("region", "region"),
        ("municipality", "region"),
        ("municipality", "region"),
        ("municipality", "municipality"),
        ("region", "region"),
    ]


@pytest.mark.parametrize("unknown_share", [0.0, 0.3])
def test_baseline_equals_batch_decide(baseline, unknown_share: float) -> None:
    cases = population.generate(20_000, seed=7, date="2019-06-01", unknown_share=unknown_share)
    decided = batch.decide(cases)
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    both = sim.decide_both(cases, baseline, variant)
    for dim in sim.SIMULATED:
        assert both[sim.base_col(dim)].to_list() == decided[dim].cast(pl.String).to_list()


def test_identity_variant_moves_nobody(baseline) -> None:
    cases = population.generate(20_000, seed=3, date="2026-01-01")
    table = sim.diff_plan(cases, baseline, baseline).collect()
    for dim in sim.SIMULATED:
        assert (table[sim.base_col(dim)] == table[sim.var_col(dim)]).all()
    assert table[sim.CASES].sum() == 20_000


@pytest.mark.parametrize("key", [e.key for e in sim.EXAMPLES])
def test_the_examples_run_and_the_diff_table_adds_up(baseline, key: str) -> None:
    example = sim.example(key)
    variant = sim.variant_rulesets(example_variant(key))
    day = dt.date.fromisoformat(example.date)
    cases = population.generate(50_000, region=example.region, seed=11, date=day)
    price_rows = prices.prices(2024)
    table = sim.diff_plan(cases, baseline, variant, prices=prices.price_frame(price_rows)).collect()
    per_case = sim.decide_both(cases, baseline, variant)
    # Compressed profiles give exactly the per-case counts.
    expected = (
        per_case.with_columns(pl.col("municipality", "intervention").cast(pl.String))
        .group_by(
            "municipality",
            "intervention",
            *(sim.base_col(d) for d in sim.SIMULATED),
            *(sim.var_col(d) for d in sim.SIMULATED),
        )
        .len(name=sim.CASES)
    )
    keys = [c for c in expected.columns if c != sim.CASES]
    joined = table.select(*keys, sim.CASES).join(
        expected, on=keys, how="full", coalesce=True, suffix="_expected"
    )
    assert (joined[sim.CASES] == joined[f"{sim.CASES}_expected"]).all()
    assert table[sim.CASES].sum() == 50_000
    result = sim.Result(table)
    moved_per_case = per_case.filter(pl.col(sim.base_col(HCR)) != pl.col(sim.var_col(HCR))).height
    assert result.moved_cases(HCR) == moved_per_case
    assert result.transitions(HCR)[sim.CASES].sum() == moved_per_case
    assert result.by("municipality")[sim.CASES].sum() == moved_per_case
    assert result.by("intervention")[sim.CASES].sum() == moved_per_case
    # Hours and SEK: cases × hours per case × price, summed.
    hours = {p.intervention: p.hours_per_case for p in price_rows}
    assert table[sim.HOURS].sum() == pytest.approx(
        sum(hours[i] * n for i, n in table.select("intervention", sim.CASES).rows())
    )
    if key != "new-age-limit":  # 50 000 Gävleborg cases hold hardly any respirator patient
        assert moved_per_case > 0


def test_weighted_rows_count_their_weight(baseline) -> None:
    facts = frame([ADL_CASES["one_need"][0], ADL_CASES["no_need"][0]]).with_columns(
        pl.Series("_weight", [3, 5])
    )
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    result = sim.Result(sim.diff_plan(facts, baseline, variant).collect())
    assert result.total_cases() == 8
    assert result.moved_cases(HCR) == 3


def test_persons_are_counted_distinct_per_cell(baseline) -> None:
    one = ADL_CASES["one_need"][0]
    facts = frame([one, {**one, "intervention": "rehabilitation"}, one]).with_columns(
        pl.Series("_person", ["a", "a", "b"])
    )
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    per_case = sim.evaluated_plan(facts, baseline, variant, compress=False).collect()
    table = sim.diff_plan(facts, baseline, variant, compress=False).collect()
    result = sim.Result(table, per_case=per_case)
    assert table.filter(pl.col("intervention") == "nursing")[sim.PERSONS].to_list() == [2]
    assert result.total(HCR)[sim.PERSONS] == 2  # not 3: person a has two interventions
    assert result.transitions(HCR)[sim.PERSONS].to_list() == [2]


def test_prices_sek_and_cost_shift(baseline) -> None:
    facts = frame([ADL_CASES["one_need"][0], ADL_CASES["one_need_krokom"][0]])
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    rows = prices.prices(2024)
    fk = next(p.price_per_hour for p in rows if p.intervention == "nursing")
    assert fk is not None and str(fk) == "332.60"
    table = sim.diff_plan(facts, baseline, variant, prices=prices.price_frame(rows)).collect()
    result = sim.Result(table)
    hours = 2 * prices.HOURS_PER_CASE["nursing"]
    shift = result.cost_shift()
    assert shift["hours"] == pytest.approx(-hours)
    assert shift["sek"] == pytest.approx(-hours * 332.60)
    by_kommun = result.by("municipality")
    assert by_kommun["net_cases"].sum() == -2


def test_missing_price_is_missing_not_guessed(baseline) -> None:
    rows = prices.prices(2026)  # the 2026 schablonbelopp is not in the table
    assert all(p.price_per_hour is None and p.source == prices.SOURCE_MISSING for p in rows)
    listed = prices.prices(2026, {"nursing": prices.Decimal("700")})
    nursing = next(p for p in listed if p.intervention == "nursing")
    assert nursing.source == prices.SOURCE_PRICE_LIST and nursing.price_per_hour == 700
    facts = frame(
        [
            ADL_CASES["one_need"][0],
            case(intervention="rehabilitation", adl_needs_over_time=["eating"]),
        ]
    )
    variant = sim.variant_rulesets(example_variant("two-adl-needs"))
    table = sim.diff_plan(facts, baseline, variant, prices=prices.price_frame(listed)).collect()
    result = sim.Result(table)
    assert result.cost_shift()["sek"] is None  # rehabilitation has no price
    assert result.cost_shift()["sek_partial"] == pytest.approx(-52 * 700)
    assert result.transitions(HCR)[sim.SEK].to_list() == [None]


def test_variant_errors_name_the_change() -> None:
    with pytest.raises(VariantError) as err:
        sim.parse_variant({"name": "x", "changes": [{"op": "disable", "rule": "no.such.rule"}]})
    assert err.value.code == "unknown_rule"
    with pytest.raises(VariantError) as err:
        sim.parse_variant("{not json")
    assert err.value.code == "invalid_json"
    with pytest.raises(VariantError) as err:
        sim.parse_variant({"name": "x", "changes": []})
    assert err.value.code == "no_changes"
    bad_param = {
        "op": "set_parameter",
        "rule": "jh-hsv.responsibility.lss_housing",
        "kind": "count_at_least",
        "fact": "adl_needs_over_time",
        "n": 2,
    }
    with pytest.raises(VariantError) as err:
        sim.parse_variant({"name": "x", "changes": [bad_param]})
    assert err.value.code == "no_such_condition"


def test_rule_catalogue_offers_the_examples_parameters() -> None:
    info = sim.rule_info("jh-hsv.responsibility.ordinary_with_needs")
    assert info is not None and info.summary and "Behov av stöd över tid" in info.condition
    keys = [p.key for p in info.parameters]
    assert "count_at_least:adl_needs_over_time:n" in keys
    change = info.parameters[keys.index("count_at_least:adl_needs_over_time:n")].change(info.id, 2)
    assert change == sim.example("two-adl-needs").variant["changes"][0]
    child = sim.rule_info("gvb.responsibility.child")
    assert child is not None and child.parameters[0].key == "below:age:n"
