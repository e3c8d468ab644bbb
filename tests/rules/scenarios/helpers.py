"""Complete baseline cases per region and assertions on the reasons a decision quotes.

Every fact a rule could read is known in the baselines, so a scenario that leaves one fact
unknown can assert the exact ``missing_facts``.
"""

from __future__ import annotations

from typing import Any

from samverkan.rules import engine
from samverkan.rules.clauses.library import clauses
from samverkan.rules.engine import Decision
from tests.baselines import JH_CASE

JH = "jamtland-harjedalen"
GVB = "gavleborg"

JH_BASE: dict[str, Any] = dict(JH_CASE)

GVB_BASE: dict[str, Any] = {
    "region": GVB,
    "date": "2019-02-01",
    "municipality": "2180",
    "residence": "registered_in_county",
    "age": 45,
    "housing": "ordinary",
    "extensive_home_care": "respirator",
    "intervention": "nursing",
    "treatment_responsibility": "specialist_care",
    "self_care_assessment": "health_care",
    "discharge_from_inpatient_care": False,
    "needs_health_and_social_care": True,  # the target group's first half (h1, issue 14)
}


def jh(**facts: Any) -> Decision:
    """A Jämtland Härjedalen case: the baseline with these facts changed (None = unknown)."""
    return engine.decide(JH_BASE | facts)


def gvb(**facts: Any) -> Decision:
    """A Gävleborg case: the baseline with these facts changed (None = unknown)."""
    return engine.decide(GVB_BASE | facts)


def reason(decision: Decision, dimension: str, action: str | None = None) -> engine.Reason:
    found = [
        r
        for r in decision.reasons
        if r.dimension == dimension and (action is None or r.action == action)
    ]
    assert len(found) == 1, (dimension, action, decision.reasons)
    return found[0]


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


def assert_quotes(
    decision: Decision, dimension: str, clause: str, words: str, action: str | None = None
) -> None:
    """The reason for ``dimension`` (or ``action``) cites ``clause`` and quotes its paragraphs
    verbatim (one, or a run of consecutive ones), containing ``words``."""
    r = reason(decision, dimension, action)
    assert r.clause == clause, (dimension, r.clause, r.rule)
    assert r.text in "\n".join(clauses()[clause].paragraphs), r.text
    assert _words(words) in _words(r.text), (words, r.text)


def outcome(decision: Decision, *dimensions: str) -> tuple[str, ...]:
    return tuple(decision.outcome[d] for d in dimensions)
