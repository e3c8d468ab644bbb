"""Every clause is encoded or prose; every rule cites a clause and a passage that exist."""

from __future__ import annotations

import pytest

from samverkan import cli
from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.clauses import classification, library

RULES = [(v, r) for v in ALL_VERSIONS for r in v.rules]


def cited() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for _, r in RULES:
        out.setdefault(r.clause, []).append(r.id)
    return out


def test_no_clause_is_unclassified_and_none_is_both() -> None:
    rows = classification.coverage(cited())
    assert [r.clause_id for r in rows if r.status == "unclassified"] == []
    assert {r.clause_id for r in rows if r.status == "encoded"} == set(
        classification.EXPECTED_ENCODED
    )


@pytest.mark.parametrize(("version", "rule"), RULES, ids=[r.id for _, r in RULES])
def test_rule_cites_an_existing_clause_of_its_own_agreement_and_a_unique_passage(
    version, rule
) -> None:
    clause = library.get(rule.clause)
    assert clause.id == rule.clause, "cite the canonical id"
    assert clause.agreement == version.agreement
    assert library.passage(rule.clause, rule.anchor)


def test_coverage_command_ends_with_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["clauses", "coverage"]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    encoded, prose = len(classification.EXPECTED_ENCODED), len(classification.PROSE)
    assert last == f"encoded {encoded}, prose {prose}, unclassified 0"
