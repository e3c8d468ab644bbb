"""samverkan.rules as THE DOOR: every name resolves, importing it stays cheap, and the door's
own functions (status_on, equivalent_facts, the condition questions, simulate) answer as the
internals they stand for."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from itertools import product

import polars as pl
import pytest

import samverkan.rules as door
from samverkan.rules import _EXPORTS, conditions, engine, population, validity
from samverkan.rules.agreements import ALL_VERSIONS

ON = dt.date(2026, 11, 24)  # a fixed day, never today


def test_every_door_name_resolves_and_is_listed() -> None:
    assert sorted(door.__all__) == sorted(_EXPORTS)
    for name in _EXPORTS:
        assert getattr(door, name) is not None, name
    assert door.decide is engine.decide
    assert door.render_decision.__module__ == "samverkan.rules.explain"


def test_unknown_names_fall_back_to_submodules() -> None:
    from samverkan.rules import batch  # a submodule, inside rules/ and its tests

    assert batch.__name__ == "samverkan.rules.batch"
    with pytest.raises(AttributeError):
        door.no_such_name  # noqa: B018


def test_importing_the_vocabulary_does_not_load_the_engine_or_polars() -> None:
    code = (
        "import sys\n"
        "from samverkan.rules import FACTS, REGIONS, INTERVENTIONS\n"
        "print(sorted(m for m in sys.modules if m == 'polars' or m.startswith('samverkan.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.replace("'", '"'))
    assert "polars" not in loaded
    assert "samverkan.rules.engine" not in loaded


def test_status_on_is_every_version_with_its_status() -> None:
    rows = door.status_on(ON, notices={})
    assert [v for v, _ in rows] == list(ALL_VERSIONS)
    assert [s for _, s in rows] == [validity.status(v, ON, {}) for v in ALL_VERSIONS]


def test_children_walk_reads_and_decides() -> None:
    adl = conditions.CountAtLeast("adl_needs_over_time", 1)
    ordinary = conditions.Is("housing", "ordinary")
    cond = conditions.all_of(ordinary, conditions.Not(adl), conditions.Decided("cost", "region"))
    assert door.children(cond) == (
        ordinary,
        conditions.Not(adl),
        conditions.Decided("cost", "region"),
    )
    assert list(door.leaves(cond)) == [ordinary, adl, conditions.Decided("cost", "region")]
    assert len(list(door.walk(cond))) == 5
    assert door.reads(cond) == {"housing", "adl_needs_over_time"}
    assert door.depends_on(cond) == {"cost"}
    rule = next(r for v in ALL_VERSIONS for r in v.rules if r.decides)
    assert door.decides(rule) == set(rule.decides)
    assert door.reads(rule) == rule.when.fact_names()
    doubled = conditions.rewrite(
        cond, lambda c: conditions.CountAtLeast(c.fact, 2) if c == adl else c
    )
    assert list(door.leaves(doubled))[1] == conditions.CountAtLeast("adl_needs_over_time", 2)


BASE = {
    "date": "2022-02-01",
    "residence": "registered_in_county",
    "housing": "ordinary",
    "adl_needs_over_time": ["dressing"],
    "personal_assistance_lss": False,
    "day_activity": False,
    "end_of_life": False,
}


@pytest.mark.parametrize("region", ["jamtland-harjedalen", "gavleborg"])
def test_equivalent_facts_decide_exactly_like_the_facts(region: str) -> None:
    date = "2022-02-01" if region == "jamtland-harjedalen" else "2019-06-01"
    times = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 59)]
    for age, time, intervention in product(
        range(0, 131, 1), times[::7], ("nursing", "physician", "rehabilitation")
    ):
        facts = BASE | {
            "region": region,
            "date": date,
            "age": age,
            "time": time,
            "intervention": intervention,
        }
        same = door.equivalent_facts(facts)
        a, b = engine.decide(facts), engine.decide(same)
        assert (a.status, a.outcome, a.actions, a.rules) == (
            b.status,
            b.outcome,
            b.actions,
            b.rules,
        ), (
            facts,
            same,
        )


def test_equivalent_facts_leave_bad_values_for_the_engine_to_refuse() -> None:
    region = "jamtland-harjedalen"
    for bad in ({"age": -3}, {"age": 200}, {"time": "25:00"}, {"time": "9.30"}, {"age": "old"}):
        facts = {"region": region, **bad}
        assert door.equivalent_facts(facts) == facts
    assert door.equivalent_facts({"region": region, "age": 84, "time": "10:15"}) == {
        "region": region,
        "age": 26,
        "time": "08:00",
    }


def test_simulate_is_the_diff_plan_of_the_variant() -> None:
    from samverkan.rules import simulation

    frame = population.generate(5_000, seed=3, date="2026-01-01")
    example = simulation.example("two-adl-needs")
    expected = simulation.diff_plan(
        frame,
        simulation.baseline_rulesets(),
        simulation.variant_rulesets(door.Variant.from_dict(example.variant)),
    ).collect()
    got = door.simulate(frame, example.variant).collect()
    assert got.equals(expected)
    assert isinstance(got, pl.DataFrame) and got.height > 0
    with pytest.raises(door.VariantError):
        door.simulate(frame, {"changes": [{"op": "disable", "rule": "no.such.rule"}]})
