"""Named, dated parameters (issue 14): the loader, rules reading them by name, variants
changing them from a date, and the batch path agreeing with the single path on them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.rules import batch, conditions, engine, params, variants
from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.conditions import AtLeast, Below, CountAtLeast, P, TimeWithin, from_dict
from samverkan.rules.ruleset import build
from tests.rules.scenarios.helpers import GVB_BASE, JH_BASE

from .strategies import facts_objects
from .test_batch_property import frame_of, single_answer

JH = "jamtland-harjedalen"


def test_every_parameter_has_label_unit_clause_and_dated_values() -> None:
    every = params.parameters()
    assert {p.name for p in every} >= {
        "jh_hsv.adult_age",
        "jh_hsv.adl_needs_min",
        "jh_pvk.night_start",
        "jh_pvk.day_start",
        "jh_psyk.adult_age",
        "gvb.adult_age",
    }
    from samverkan.rules.clauses.library import clauses

    known = clauses()
    for p in every:
        assert p.label and p.unit and p.values, p.name
        assert p.clause in known or "Lag (" in p.clause, (p.name, p.clause)
        assert [d for d, _ in p.values] == sorted(d for d, _ in p.values)


def test_parameter_door_api() -> None:
    from samverkan import rules

    assert rules.parameter("jh_hsv.adult_age", dt.date(2022, 2, 1)) == 18
    assert rules.parameter("jh_pvk.night_start", dt.date(2022, 2, 1)) == dt.time(17, 0)
    assert [p.name for p in rules.parameters("jh_pvk")] == [
        "jh_pvk.day_start",
        "jh_pvk.night_start",
    ]
    with pytest.raises(KeyError, match="okänd parameter"):
        rules.parameter("jh_hsv.no_such", dt.date(2022, 2, 1))
    with pytest.raises(LookupError, match="inget värde"):
        rules.parameter("jh_hsv.adult_age", dt.date(2000, 1, 1))
    assert isinstance(rules.parameters()[0], rules.Parameter)


def test_a_bad_parameter_file_is_refused_naming_file_and_parameter(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[x.y]\nlabel = "X"\nunit = "år"\nclause = "c"\nvalues = [ { from = 2020-01-01 } ]\n'
    )
    with pytest.raises(params.ParameterFileError, match="bad.toml: x.y"):
        params._parse(bad)
    bad.write_text(
        '[x.y]\nlabel = "X"\nunit = "år"\nclause = "c"\n'
        "values = [ { from = 2021-01-01, value = 1 }, { from = 2020-01-01, value = 2 } ]\n"
    )
    with pytest.raises(params.ParameterFileError, match="datumordning"):
        params._parse(bad)


def _numbers(cond: conditions.Cond) -> list[Any]:
    out = []
    for leaf in conditions.leaves(cond):
        if isinstance(leaf, AtLeast | Below | CountAtLeast):
            out.append(leaf.n)
        elif isinstance(leaf, TimeWithin):
            out += [leaf.start, leaf.end]
    return out


def test_rules_state_no_number_of_their_own() -> None:
    """Ages, counts and clock times are read by name: no literal is left in a rule."""
    for v in ALL_VERSIONS:
        for cond in (v.scope, *(r.when for r in v.rules)):
            literal = [n for n in _numbers(cond) if not isinstance(n, P)]
            assert literal == [], (v.key, literal)


def test_age_18_is_one_parameter_per_agreement() -> None:
    used: dict[str, set[str]] = {}
    for v in ALL_VERSIONS:
        for r in v.rules:
            for n in _numbers(r.when):
                if isinstance(n, P) and n.at(v.starts) == 18:
                    used.setdefault(v.agreement, set()).add(n.name)
    assert all(len(names) == 1 for names in used.values()), used


def test_parameter_reference_round_trips_as_json() -> None:
    c = AtLeast("age", P("jh_hsv.adult_age", ((dt.date(2027, 1, 1), 21),)))
    assert from_dict(c.to_dict()) == c
    assert "Åldersgräns" in c.describe()


def _variant(*changes: dict[str, Any]) -> tuple[Any, ...]:
    return variants.apply(ALL_VERSIONS, variants.Variant.from_dict({"changes": list(changes)}))


def test_variant_sets_a_parameter_by_name_from_a_date() -> None:
    """'New age limit' is one change, in every rule that reads the parameter, from a date."""
    versions = _variant(
        {"op": "set_parameter", "name": "jh_hsv.adl_needs_min", "value": 2, "from": "2022-01-01"}
    )
    ruleset = build(versions, JH)
    case = JH_BASE | {"adl_needs_over_time": ["eating"]}
    before = engine.decide(case | {"date": "2021-12-31"}, ruleset)
    after = engine.decide(case | {"date": "2022-01-01"}, ruleset)
    assert before.outcome["health_care_responsibility"] == "municipality"
    assert after.outcome["health_care_responsibility"] == "region"
    # history is never edited: the declared rule set still says one need
    assert engine.decide(case | {"date": "2022-01-01"}).outcome["health_care_responsibility"] == (
        "municipality"
    )


def test_variant_clock_time_by_name() -> None:
    versions = _variant(
        {
            "op": "set_parameter",
            "name": "jh_pvk.night_start",
            "value": "18:00",
            "from": "2020-01-01",
        }
    )
    ruleset = build(versions, JH)
    assert engine.decide(JH_BASE | {"time": "17:30"}, ruleset).outcome["performer"] == "region"
    assert (
        engine.decide(JH_BASE | {"time": "18:00"}, ruleset).outcome["performer"] == "municipality"
    )


def test_old_set_parameter_form_keeps_working() -> None:
    versions = _variant(
        {
            "op": "set_parameter",
            "rule": "jh-hsv.responsibility.ordinary_with_needs",
            "kind": "count_at_least",
            "fact": "adl_needs_over_time",
            "n": 2,
        }
    )
    ruleset = build(versions, JH)
    d = engine.decide(JH_BASE | {"adl_needs_over_time": ["eating"]}, ruleset)
    assert d.outcome["health_care_responsibility"] != "municipality"


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"name": "no.such", "value": 1, "from": "2022-01-01"}, "unknown_parameter", "name"),
        ({"name": "jh_hsv.adult_age", "value": 1, "from": "i morgon"}, "invalid_date", "from"),
        (
            {"name": "jh_hsv.adult_age", "value": "arton", "from": "2022-01-01"},
            "invalid_value",
            "value",
        ),
        ({"name": "jh_hsv.adult_age", "value": 400, "from": "2022-01-01"}, "out_of_range", "value"),
        (
            {"name": "jh_pvk.day_start", "value": "25:00", "from": "2022-01-01"},
            "invalid_value",
            "value",
        ),
        (
            {"name": "gvb.invoice_day", "value": 20, "from": "2022-01-01"},
            "unused_parameter",
            "name",
        ),
    ],
)
def test_bad_parameter_change_names_the_field(
    change: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(variants.VariantError) as err:
        _variant({"op": "set_parameter", **change})
    assert (err.value.code, err.value.field) == (code, field)
    assert err.value.path == f"changes.0.{field}"


_DATED = _variant(
    {"op": "set_parameter", "name": "jh_hsv.adult_age", "value": 21, "from": "2019-01-01"},
    {"op": "set_parameter", "name": "jh_hsv.adl_needs_min", "value": 2, "from": "2020-06-01"},
    {"op": "set_parameter", "name": "jh_pvk.night_start", "value": "18:30", "from": "2019-06-01"},
    {"op": "set_parameter", "name": "jh_psyk.adult_age", "value": 20, "from": "2018-06-01"},
    {"op": "set_parameter", "name": "gvb.adult_age", "value": 19, "from": "2019-01-01"},
)
_DATED_RULESETS = {r: build(_DATED, r) for r in (JH, "gavleborg")}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(facts_objects(), min_size=1, max_size=20))
def test_batch_agrees_with_single_when_parameters_change_by_date(
    cases: list[dict[str, Any]],
) -> None:
    rows = (
        cases
        + [
            JH_BASE | {"date": d, "age": a, "time": t, "adl_needs_over_time": ["eating"]}
            for d in ("2018-12-31", "2019-01-01", "2020-06-01")
            for a in (17, 18, 20, 21)
            for t in ("17:59", "18:30")
        ]
        + [GVB_BASE | {"date": d, "age": a} for d in ("2018-12-31", "2019-01-01") for a in (18, 19)]
    )
    result = batch.decide(frame_of(rows), _DATED_RULESETS, action_list=True)
    for case, row in zip(rows, result.iter_rows(named=True), strict=True):
        region = case.get("region")
        expected = (
            single_answer(case)
            if region not in _DATED_RULESETS
            else _single(case, _DATED_RULESETS[region])
        )
        got = {k: row[k] for k in expected}
        assert got == expected, case


def _single(case: dict[str, Any], ruleset: Any) -> dict[str, Any]:
    from samverkan.rules.facts import InvalidFacts
    from samverkan.rules.outcome import DIMENSIONS

    try:
        d = engine.decide(case, ruleset)
    except InvalidFacts:
        return single_answer(case)
    out: dict[str, Any] = {"status": d.status, "in_force": d.in_force, "actions": d.actions}
    for dim in DIMENSIONS:
        out[dim] = d.outcome[dim]
        out[f"{dim}__rule"] = d.rules[dim]
    return out


def test_labels_replace_the_long_override_lists() -> None:
    """Exceptions by label (issue 14): no rule lists more than six ids it overrides, and a
    refined label is carried by some rule."""
    rules = [r for v in ALL_VERSIONS for r in v.rules]
    labels = {r.label for r in rules if r.label}
    assert {"jh-hsv.by_housing", "jh-hsv.by_residence", "jh-hsv.self_care"} <= labels
    for r in rules:
        assert len(r.overrides) <= 6, r.id
        assert set(r.refines) <= labels, r.id
    by_id = {r.id: r for r in rules}
    assert set(by_id["jh-psyk.responsibility.home_care_not_regulated"].refines) == {
        "jh-hsv.by_housing",
        "jh-hsv.by_residence",
        "jh-hsv.self_care",
    }


def test_refining_an_unknown_label_is_refused() -> None:
    from samverkan.rules.declarations import rule

    bad = variants.apply(
        ALL_VERSIONS,
        variants.Variant.from_dict(
            {
                "changes": [
                    {
                        "op": "add_rule",
                        "agreement": "jh-hemsjukvard",
                        "rule": {
                            "id": "jh-hsv.responsibility.extra",
                            "clause": "jh-hemsjukvard §7.3",
                            "anchor": "Kommunens ansvar avser",
                            "decides": {"health_care_responsibility": "region"},
                            "refines": ["jh-hsv.no_such_label"],
                        },
                    }
                ]
            }
        ),
    )
    with pytest.raises(ValueError, match="okänd etikett"):
        build(bad, JH)
    assert rule("x.y.z", "c", "a", decides={"cost": "region"}, refines="l").refines == ("l",)


def test_disabling_every_rule_of_a_label_drops_its_refinements() -> None:
    changes = [
        {"op": "disable", "rule": f"jh-hsv.responsibility.{r}"}
        for r in ("medication_without_risk", "self_care")
    ]
    versions = _variant(*changes)
    build(versions, JH)  # no "okänd etikett"
