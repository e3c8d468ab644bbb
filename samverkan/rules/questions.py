"""Which question settles most: the order in which the guide (and the person page's
"Besvara frågorna") ask for the facts a decision still needs.

The engine lists the facts it still needs (``missing_facts``). Not all of them can still
change the answer: given what is already known, some would give the same answer whatever
the person answers. For each missing fact the guide tries the values it can take (every
choice; for ages and times the values around the agreements' limits) and asks first the
one that

1. can change the answer at all (two values give different answers), and then
2. leaves the fewest dimensions undetermined on average over its values (settles most),
3. ties in the fixed ``QUESTION_ORDER``.

A fact that cannot change the answer on its own is asked only when no other can (a
combination may still matter), in ``QUESTION_ORDER`` (region, date, intervention, then the
facts in their order). This costs one engine call per
candidate value (about a millisecond each).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from samverkan.rules.engine import decide
from samverkan.rules.facts import FACT_ORDER, FACTS, InvalidFacts, Kind
from samverkan.rules.regions import REGIONS

QUESTION_ORDER: tuple[str, ...] = (
    "region",
    "date",
    "intervention",
    *(name for name in FACT_ORDER if name not in ("region", "date", "intervention")),
)

# Values tried for numbers and times: both sides of every limit the agreements use (ages
# 16, 18, 20, 25, 65, 67; Bilaga 2's 08:00 and 17:00) and some ordinary values between.
AGES = (0, 10, 15, 16, 17, 18, 19, 20, 24, 25, 26, 40, 64, 65, 66, 67, 68, 85)
TIMES = ("03:00", "07:59", "08:00", "12:00", "16:59", "17:00", "21:00")


def question_values(fact: str, answers: Mapping[str, Any]) -> tuple[Any, ...]:
    spec = FACTS[fact]
    if spec.kind is Kind.BOOL:
        return (True, False)
    if spec.kind is Kind.ENUM:
        return spec.values
    if spec.kind is Kind.SET:
        return ([], *([v] for v in spec.values))
    if spec.kind is Kind.INT:
        return AGES
    if spec.kind is Kind.TIME:
        return TIMES
    if spec.kind is Kind.CODE and fact == "municipality":
        region = REGIONS.get(str(answers.get("region", "")))
        return tuple(region.municipalities) if region else ()
    return ()


def _answer(decision: Any) -> tuple[Any, ...]:
    return (decision.status, tuple(sorted(decision.outcome.items())), tuple(decision.actions))


def _undetermined(decision: Any) -> int:
    return sum(1 for value in decision.outcome.values() if value == "undetermined")


def next_question(
    answers: Mapping[str, Any], missing: Iterable[str], skipped: Iterable[str] = ()
) -> str | None:
    """The fact to ask next of those `missing` (not `skipped`), given the `answers` so far
    (the engine's JSON form of facts); None when nothing is left to ask."""
    left = [name for name in QUESTION_ORDER if name in set(missing) - set(skipped)]
    if not left:
        return None
    best: tuple[float, int] | None = None
    chosen: str | None = None
    for position, fact in enumerate(left):
        values = question_values(fact, answers)
        if not values:
            continue
        decisions = []
        for value in values:
            try:
                decisions.append(decide({**answers, fact: value}))
            except InvalidFacts:  # e.g. a kommun outside the chosen region
                continue
        if len({_answer(d) for d in decisions}) < 2:
            continue  # whatever the answer, the same result: not worth a screen now
        score = (sum(_undetermined(d) for d in decisions) / len(decisions), position)
        if best is None or score < best:
            best, chosen = score, fact
    return chosen if chosen is not None else left[0]
