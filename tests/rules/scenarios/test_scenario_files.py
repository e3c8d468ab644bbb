"""A bad scenario file is refused with an error naming the file, the scenario and the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import samverkan.rules.scenarios
from samverkan.rules import ScenarioError, check_scenario, load_scenario_dir

BASELINES = (Path(samverkan.rules.scenarios.__file__).parent / "baselines.toml").read_text(
    encoding="utf-8"
)

GOOD = """\
clause = "jh-hemsjukvard §7.3"
baseline = "jh"

[[scenario]]
name = "Ett behov över tid ger kommunen"
on = 2022-02-01
facts = { adl_needs_over_time = ["dressing"] }
expected = { health_care_responsibility = "municipality" }
"""


def write(tmp_path: Path, text: str, name: str = "jh-hemsjukvard/7.3.toml") -> Path:
    (tmp_path / "baselines.toml").write_text(BASELINES, encoding="utf-8")
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> ScenarioError:
    write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario_dir(tmp_path)
    err = caught.value
    assert err.file == "jh-hemsjukvard/7.3.toml"
    assert err.file in str(err)
    return err


def test_a_good_file_loads_with_its_baseline_and_date(tmp_path: Path) -> None:
    write(tmp_path, GOOD)
    [s] = load_scenario_dir(tmp_path)
    assert s.name == "Ett behov över tid ger kommunen"
    assert s.on == dt.date(2022, 2, 1)
    assert s.clause == "jh-hemsjukvard §7.3"
    assert s.facts["date"] == "2022-02-01"
    assert s.facts["adl_needs_over_time"] == ["dressing"]
    assert s.facts["housing"] == "ordinary"  # from the baseline
    assert s.given == {"adl_needs_over_time": ["dressing"]}
    assert s.test_id == "jh-hemsjukvard/7.3#1-ett-behov-over-tid-ger-kommunen"


def test_a_wrong_expectation_is_reported_not_passed(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace('= "municipality" }', '= "region" }'))
    [s] = load_scenario_dir(tmp_path)
    assert check_scenario(s) == [
        "utfall health_care_responsibility: väntat 'region', fick 'municipality'"
    ]


@pytest.mark.parametrize(
    ("change", "scenario", "key", "words"),
    [
        (('name = "Ett', 'namn = "Ett'), "nr 1", "name", "namn"),
        (("expected =", "expect ="), "Ett behov över tid ger kommunen", "expect", "okänd nyckel"),
        (("on = 2022-02-01", 'on = "igår"'), "Ett behov över tid ger kommunen", "on", "datum"),
        (("on = 2022-02-01\n", ""), "Ett behov över tid ger kommunen", "on", "datum"),
        (
            ('["dressing"]', '["dansa"]'),
            "Ett behov över tid ger kommunen",
            "facts.adl_needs_over_time",
            "",
        ),
        (
            ("adl_needs_over_time =", "adl ="),
            "Ett behov över tid ger kommunen",
            "facts.adl",
            "Okänd uppgift",
        ),
        (
            ('= "municipality" }', '= "kommunen" }'),
            "Ett behov över tid ger kommunen",
            "expected.health_care_responsibility",
            "okänt värde",
        ),
        (
            ("health_care_responsibility =", "ansvar ="),
            "Ett behov över tid ger kommunen",
            "expected.ansvar",
            "okänd dimension",
        ),
        (('baseline = "jh"', 'baseline = "x"'), None, "baseline", "okänt utgångsläge"),
        (
            ('clause = "jh-hemsjukvard §7.3"', 'clause = "jh-hemsjukvard §70"'),
            None,
            "clause",
            "Okänd klausul",
        ),
        (
            ("facts = {", 'unknown = ["age"]\nfacts = { age = 3, '),
            "Ett behov över tid ger kommunen",
            "unknown",
            "både given och okänd",
        ),
        (
            ("facts = {", 'actions = ["ring"]\nfacts = {'),
            "Ett behov över tid ger kommunen",
            "actions",
            "'ring'",
        ),
        (
            ("facts = {", "facts = { date = 2022-02-02, "),
            "Ett behov över tid ger kommunen",
            "facts.date",
            "'on'",
        ),
    ],
)
def test_a_bad_file_names_file_scenario_and_key(
    tmp_path: Path, change: tuple[str, str], scenario: str | None, key: str, words: str
) -> None:
    assert change[0] in GOOD
    err = refused(tmp_path, GOOD.replace(change[0], change[1], 1))
    assert (err.scenario, err.key) == (scenario, key), str(err)
    assert words in err.message
    assert key in str(err)


def test_two_scenarios_with_one_name(tmp_path: Path) -> None:
    second = GOOD.split("\n\n", 1)[1]
    err = refused(tmp_path, GOOD + "\n" + second)
    assert (err.scenario, err.key) == ("Ett behov över tid ger kommunen", "name")


def test_not_toml_names_the_file(tmp_path: Path) -> None:
    err = refused(tmp_path, GOOD.replace("on = 2022-02-01", "on = = 2022"))
    assert err.scenario is None and "TOML" in err.message


def test_a_quote_must_name_an_action_only_for_actions(tmp_path: Path) -> None:
    text = (
        GOOD
        + '\n[[scenario.quotes]]\ndimension = "cost"\nclause = "jh-hemsjukvard §7.1"\nwords = "x"\naction = "offer_sip"\n'
    )
    err = refused(tmp_path, text)
    assert err.key == "quotes.0.action"
