"""The batch path gives the same answers as the single path (hypothesis property)."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.rules import batch, engine
from samverkan.rules.facts import FACTS, InvalidFacts, Kind
from samverkan.rules.outcome import DIMENSIONS

from .strategies import facts_objects

_RAW_DTYPES = {
    Kind.ENUM: pl.String,
    Kind.CODE: pl.String,
    Kind.BOOL: pl.Boolean,
    Kind.INT: pl.Int64,
    Kind.DATE: pl.String,
    Kind.TIME: pl.String,
    Kind.SET: pl.List(pl.String),
    Kind.TEXT: pl.String,
}


def frame_of(cases: list[dict[str, Any]]) -> pl.DataFrame:
    """The JSON facts objects as a frame, the way a CSV or Parquet file would carry them."""
    return pl.DataFrame(
        {name: [case.get(name) for case in cases] for name in FACTS},
        schema={name: _RAW_DTYPES[spec.kind] for name, spec in FACTS.items()},
    )


def single_answer(case: dict[str, Any]) -> dict[str, Any]:
    d = engine.decide(case)
    out: dict[str, Any] = {"status": d.status, "in_force": d.in_force, "actions": d.actions}
    for dim in DIMENSIONS:
        out[dim] = d.outcome[dim]
        out[f"{dim}__rule"] = d.rules[dim]
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_objects(), min_size=1, max_size=40))
def test_batch_agrees_with_single_on_partially_unknown_facts(cases: list[dict[str, Any]]) -> None:
    result = batch.decide(frame_of(cases), action_list=True)
    columns = ["status", "in_force", *(c for d in DIMENSIONS for c in (d, f"{d}__rule")), "actions"]
    for case, row in zip(cases, result.select(columns).iter_rows(named=True), strict=True):
        assert row == single_answer(case), case


@settings(max_examples=40, deadline=None)
@given(st.lists(facts_objects(unknown=0.0), min_size=1, max_size=20))
def test_batch_agrees_with_single_on_complete_facts(cases: list[dict[str, Any]]) -> None:
    result = batch.decide(frame_of(cases), action_list=True)
    for case, row in zip(cases, result.iter_rows(named=True), strict=True):
        expected = single_answer(case)
        assert {k: row[k] for k in expected} == expected, case


@pytest.mark.parametrize("select_cost", [0, 10**6])  # one test per run / one per value
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases=st.lists(facts_objects(), min_size=1, max_size=40))
def test_both_value_compilations_agree_with_single(
    select_cost: int, cases: list[dict[str, Any]]
) -> None:
    columns = ["status", *(c for d in DIMENSIONS for c in (d, f"{d}__rule"))]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "_SELECT_COST", select_cost)
        result = batch.decide(frame_of(cases))
    for case, row in zip(cases, result.select(columns).iter_rows(named=True), strict=True):
        expected = single_answer(case)
        assert row == {k: expected[k] for k in columns}, case


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_objects(), min_size=1, max_size=40))
def test_batch_agrees_with_single_under_one_health_centres_local_agreement(
    cases: list[dict[str, Any]],
) -> None:
    """Issue 14: a local agreement for the persons listed at one hälsocentral (a fact the
    rules compare as text) is followed alike by both paths, the listing known or not."""
    import datetime as dt

    from samverkan.rules import AdoptedRevision, use_revisions

    from .strategies import HEALTH_CENTRES

    jh, day = "jamtland-harjedalen", dt.date(2016, 1, 1)
    change = {
        "op": "local_agreement", "point": "specialist_care_routing", "title": "Nattkontakt",
        "agreed_on": "2016-01-01", "health_centre": HEALTH_CENTRES[0],
    }  # fmt: skip
    local = AdoptedRevision(
        "9", "jh-primarvard-kommun", jh, (change,), {jh: day, "2380": day, "2309": day}, "9",
        kind="lokal",
    )  # fmt: skip
    use_revisions(lambda: [local])
    try:
        result = batch.decide(frame_of(cases), action_list=True)
        columns = ["status", "in_force", *(c for d in DIMENSIONS for c in (d, f"{d}__rule"))]
        for case, row in zip(
            cases, result.select([*columns, "actions"]).iter_rows(named=True), strict=True
        ):
            assert row == single_answer(case), case
    finally:
        use_revisions(None)


def test_batch_keeps_row_order_and_input_facts() -> None:
    cases = [
        {"region": "gavleborg", "date": "2019-01-01", "age": 40},
        {"region": None, "date": "2022-01-01"},
        {"region": "jamtland-harjedalen", "date": "2022-01-01", "intervention": "physician"},
    ]
    result = batch.decide(frame_of(cases), action_list=True)
    assert result["region"].to_list() == ["gavleborg", None, "jamtland-harjedalen"]
    assert result["status"][1] == "incomplete"


def test_batch_reads_csv_with_semicolon_separated_sets(tmp_path: Any) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(
        "region,date,time,housing,adl_needs_over_time,intervention\n"
        "jamtland-harjedalen,2022-02-01,09:30,ordinary,dressing;eating,nursing\n"
        "jamtland-harjedalen,2022-02-01,,ordinary,[],nursing\n"
        "jamtland-harjedalen,2022-02-01,,ordinary,,nursing\n",
        encoding="utf-8",
    )
    result = batch.decide(batch.read_cases(path), action_list=True)
    # an empty cell is unknown, like every other column; [] is the empty set; members come
    # in the domain model's order, as POST /api/decisions/batch writes them (one reader)
    assert result["adl_needs_over_time"].to_list() == [["eating", "dressing"], [], None]
    assert result["time"].to_list() == [570, None, None]
    expected = [
        single_answer(
            {
                "region": "jamtland-harjedalen",
                "date": "2022-02-01",
                "time": "09:30",
                "housing": "ordinary",
                "adl_needs_over_time": ["dressing", "eating"],
                "intervention": "nursing",
            }
        ),
        single_answer(
            {
                "region": "jamtland-harjedalen",
                "date": "2022-02-01",
                "housing": "ordinary",
                "adl_needs_over_time": [],
                "intervention": "nursing",
            }
        ),
    ]
    for row, exp in zip(result.head(2).iter_rows(named=True), expected, strict=True):
        assert {k: row[k] for k in exp} == exp


@pytest.mark.parametrize(
    ("column", "values", "field", "code"),
    [
        ("housing", ["ordinary", "castle"], "housing", "invalid_choice"),
        ("age", [40, -3], "age", "out_of_range"),
        ("municipality", ["2380", "9999"], "municipality", "unknown_municipality"),
        ("municipality", ["2380", "2104"], "municipality", "municipality_not_in_region"),
        (
            "adl_needs_over_time",
            [["eating"], ["eating", "flying"]],
            "adl_needs_over_time",
            "invalid_choice",
        ),
        ("colour", ["red", "blue"], "colour", "unknown_fact"),
    ],
)
def test_batch_rejects_bad_values_naming_field_and_row(
    column: str, values: list[Any], field: str, code: str
) -> None:
    frame = pl.DataFrame({"region": ["jamtland-harjedalen"] * 2, column: values})
    with pytest.raises(InvalidFacts) as info:
        batch.decide(frame)
    error = info.value.errors[0]
    assert (error.field, error.code) == (field, code)
    if code != "unknown_fact":
        assert "rad 2" in error.message
