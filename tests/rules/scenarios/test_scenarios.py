"""Every scenario data file (samverkan/rules/scenarios/**.toml) as one test per scenario.

The scenarios are a jurist's: facts, the date, the expected outcome per dimension, actions,
missing facts and the clause, in plain TOML (format in samverkan/rules/scenarios/model.py).
"""

from __future__ import annotations

import pytest

from samverkan.rules import Scenario, all_scenarios, check_scenario

ALL = all_scenarios()


def test_there_are_scenarios_for_every_agreement() -> None:
    agreements = {s.clause.split(" ")[0] for s in ALL}
    assert agreements == {
        "jh-hemsjukvard",
        "jh-primarvard-kommun",
        "jh-psykisk",
        "gvb-svart-sjuka",
    }


@pytest.mark.parametrize("scenario", ALL, ids=[s.test_id for s in ALL])
def test_scenario(scenario: Scenario) -> None:
    failures = check_scenario(scenario)
    assert not failures, f"{scenario.file} – {scenario.name}:\n" + "\n".join(failures)
