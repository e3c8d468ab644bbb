"""tools/scenarios_to_data.py: a Python scenario test becomes TOML scenarios that load and
pass; a test it cannot read is reported, and scenarios written by hand survive a rerun."""

from __future__ import annotations

import importlib.util
import sys
import tomllib
from pathlib import Path

from samverkan.rules import check_scenario, load_scenario_file
from samverkan.rules.scenarios import model

ROOT = Path(__file__).resolve().parents[3]


def tool():
    spec = importlib.util.spec_from_file_location(
        "scenarios_to_data", ROOT / "tools" / "scenarios_to_data.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["scenarios_to_data"] = module
    spec.loader.exec_module(module)
    return module


PYTHON = '''
import pytest

from .helpers import assert_quotes, jh, outcome

HCR = "health_care_responsibility"


@pytest.mark.parametrize("need", ["eating", "moving"])
def test_7_3_one_need(need: str) -> None:
    """jh-hemsjukvard §7.3 and §1: ett behov över tid räcker; egenvård bedöms först."""
    d = jh(adl_needs_over_time=[need])
    assert d.outcome[HCR] == "municipality"
    assert outcome(d, "cost", "performer") == ("municipality", "municipality")
    assert "assess_self_care_first" in d.actions
    assert d.missing_facts == []
    assert_quotes(d, HCR, "jh-hemsjukvard §7.3", "personer i ordinärt boende")


def test_7_3_unknown_needs() -> None:
    """jh-hemsjukvard §7.3: okända behov."""
    d = jh(adl_needs_over_time=None)
    assert d.rules[HCR] is None
    assert d.missing_facts == ["adl_needs_over_time"]


def test_something_else() -> None:
    """jh-hemsjukvard §7.3: not data."""
    assert sorted([2, 1]) == [1, 2]
'''


def test_a_python_scenario_file_becomes_scenarios_that_pass(tmp_path: Path) -> None:
    source = tmp_path / "test_jh_hemsjukvard.py"
    source.write_text(PYTHON, encoding="utf-8")
    rendered, skipped = tool().convert([source])
    assert [s.split(":")[2].strip() for s in skipped] == ["test_something_else"]
    text = rendered[Path("jh-hemsjukvard/7.3.toml")]
    data = tomllib.loads(text)
    assert data["clause"] == "jh-hemsjukvard §7.3" and data["baseline"] == "jh"
    first, second, third = data["scenario"]
    assert first["facts"] == {"adl_needs_over_time": ["eating"]}
    assert first["also"] == ["jh-hemsjukvard §1"]
    assert first["expected"] == {
        "health_care_responsibility": "municipality",
        "cost": "municipality",
        "performer": "municipality",
    }
    assert first["includes_actions"] == ["assess_self_care_first"]
    assert first["missing"] == []
    assert second["facts"] == {"adl_needs_over_time": ["moving"]}
    assert first["name"] != second["name"]
    assert third["unknown"] == ["adl_needs_over_time"]
    assert third["rules"] == {"health_care_responsibility": ""}
    # the written file loads and every scenario passes
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "7.3.toml"
    out.write_text(text, encoding="utf-8")
    baselines = model.load_baselines(model.scenario_dir() / "baselines.toml")
    loaded = load_scenario_file(out, baselines)
    assert len(loaded) == 3
    assert [check_scenario(s) for s in loaded] == [[], [], []]


def test_hand_written_scenarios_survive_a_rerun(tmp_path: Path) -> None:
    target = tmp_path / "7.3.toml"
    target.write_text(
        'clause = "jh-hemsjukvard §7.3"\n\n[[scenario]]\nname = "Genererat"\n'
        "# från test_x.py::test_y\non = 2022-02-01\n\n"
        '[[scenario]]\nname = "För hand"\non = 2022-02-01\n',
        encoding="utf-8",
    )
    kept = tool().handwritten(target)
    assert "För hand" in kept and "Genererat" not in kept
