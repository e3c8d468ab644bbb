"""Citations that carry the answer (issue 14): each rule's quote contains words of what it
decides, and docs/citations.md is the current table of every rule's citation."""

from __future__ import annotations

from pathlib import Path

import pytest

from samverkan.rules.agreements import ALL_VERSIONS
from samverkan.rules.citations import DELIBERATE, carries, quoted, table

RULES = [r for v in ALL_VERSIONS for r in v.rules]
DOC = Path(__file__).resolve().parents[2] / "docs" / "citations.md"


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_every_quote_carries_what_its_rule_decides(r) -> None:
    if r.id in DELIBERATE:
        assert not carries(r), f"{r.id} bär nu svaret; ta bort undantaget"
    else:
        assert carries(r), (r.id, r.decides, r.actions, quoted(r))


def test_deliberate_exceptions_name_rules_with_a_reason() -> None:
    ids = {r.id for r in RULES}
    for rule_id, reason in DELIBERATE.items():
        assert rule_id in ids and len(reason) > 20, rule_id


def test_silent_rules_say_that_the_agreement_is_silent() -> None:
    silent = [r for r in RULES if r.silent]
    assert {r.id for r in silent} >= {
        "jh-hsv.compensation.none",
        "jh-hsv.region_unit.none",
        "jh-hsv.cost.region",
        "jh-hsv.cost.municipality",
        "gvb.compensation.none",
    }
    for r in silent:
        assert r.silent.startswith(("Avtalet anger ingen", "Överenskommelsen anger ingen")), r.id


def test_the_citation_table_is_current() -> None:
    """Regenerate with: ./dev python -m samverkan.rules.citations > docs/citations.md"""
    assert DOC.read_text(encoding="utf-8") == table(ALL_VERSIONS)
