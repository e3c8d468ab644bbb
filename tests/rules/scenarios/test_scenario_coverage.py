"""Scenario coverage per clause: every encoded clause has at least one scenario that tests it,
and ``samverkan clauses coverage`` reports the count per encoded clause."""

from __future__ import annotations

import pytest

from samverkan import cli
from samverkan.rules import ALL_VERSIONS, all_clauses, all_scenarios, coverage
from samverkan.rules.scenarios import model


def cited() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for version in ALL_VERSIONS:
        for r in version.rules:
            out.setdefault(r.clause, []).append(r.id)
    return out


def test_every_encoded_clause_has_a_scenario() -> None:
    rows = [r for r in coverage(cited()) if r.status == "encoded"]
    assert rows
    assert [r.clause_id for r in rows if r.scenarios == 0] == []


def test_every_clause_a_scenario_names_exists_and_the_counts_add_up() -> None:
    known = set(all_clauses())
    by_clause = model.scenarios_by_clause()
    assert set(by_clause) <= known
    for row in coverage(cited()):
        assert row.scenarios == len(by_clause.get(row.clause_id, []))
    assert sum(len(v) for v in by_clause.values()) >= len(all_scenarios())


def test_the_command_reports_scenarios_per_encoded_clause(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["clauses", "coverage"]) == 0
    lines = capsys.readouterr().out.splitlines()
    n = len(model.scenarios_by_clause()["jh-hemsjukvard §7.3"])
    [row] = [
        line
        for line in lines
        if line.split()[:2] == ["encoded", "jh-hemsjukvard"] and "§7.3 " in line
    ]
    assert f"scenarios {n:>3}" in row
    assert lines[-2] == "encoded clauses without a scenario: none"


def test_an_encoded_clause_without_a_scenario_fails_the_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    full = model.scenarios_by_clause()
    without = {k: v for k, v in full.items() if k != "jh-hemsjukvard §7.7"}
    monkeypatch.setattr(model, "scenarios_by_clause", lambda items=None: without)
    assert cli.main(["clauses", "coverage"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2] == "encoded clauses without a scenario: jh-hemsjukvard §7.7"
