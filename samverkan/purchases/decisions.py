"""The rules engine's answer for a service record: who pays, and how.

For every segment of a service (one time band on one day) the engine is asked with the
facts of that segment: region (the performing organisation's), date, time (the segment's
start, Europe/Stockholm), municipality (where the service is given), intervention, the
person's own facts valid that day (``people.FactRecord``, age from the birth date) and the
facts the chosen basis states (e.g. ``service_purchase_requested``), the person's facts
winning over the basis'.

From the outcome (domain model): ``cost = home_region`` → home_region;
``compensation`` service_purchase / hourly_share_50 → that; ``cost = shared_equally`` →
shared; ``compensation = none`` → none. When the engine cannot decide (facts missing), the
basis decides for the band (e.g. Bilaga 2: evening and night without compensation), and the
snapshot says so (``source = "basis"``) with the engine's ``missing_facts``.

Speed: an import of 100,000 rows would take ~40 s at 0.4 ms per decision, so decisions
are cached, with two exact reductions of the key. The only clock rules in the agreements
are 08.00 and 17.00 (Bilaga 2), the same boundaries timesplit cuts at, so the time is
replaced by the start of its part of the day (00:00, 08:00, 17:00). Ages are only compared
with thresholds (16, 18, 20, 21, 26 today), so an age is replaced by the lowest age with the
same comparisons. Both thresholds are read from the rules (``rules.equivalent_facts``).
Same answers, far fewer calls. The stored snapshot keeps no date or time (the record
has them), so records with the same decision share one snapshot row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from samverkan.people.selectors import facts_from_rows
from samverkan.purchases.bases import (
    HOME_REGION,
    HOURLY_SHARE_50,
    NONE,
    SERVICE_PURCHASE,
    SHARED,
    Basis,
)
from samverkan.rules import (
    FACTS,
    Decision,
    InvalidFacts,
    decide,
    equivalent_facts,
    facts_to_json,
)

__all__ = [
    "SegmentDecision",
    "decide_segment",
    "payment_from_outcome",
    "person_facts_on",
    "snapshot_digest",
]

# Facts that come from the record itself, never from the person or the basis.
RECORD_FACTS = ("region", "date", "time", "municipality", "intervention")


@dataclass(frozen=True)
class SegmentDecision:
    payment: str
    source: str  # "engine" or "basis"
    status: str
    in_force: bool
    agreements: tuple[dict[str, Any], ...]
    snapshot: dict[str, Any]
    digest: str


def payment_from_outcome(outcome: Mapping[str, str]) -> str | None:
    """The payment mode the engine's outcome gives, or None if it is undetermined."""
    cost = outcome.get("cost")
    compensation = outcome.get("compensation")
    if cost == "home_region":
        return HOME_REGION
    if compensation in (SERVICE_PURCHASE, HOURLY_SHARE_50):
        return compensation
    if cost == "shared_equally":
        return SHARED
    if compensation == "none":
        return NONE
    return None


def _hashable(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(str(v) for v in value))
    return value


@lru_cache(maxsize=65536)
def _decide_cached(key: tuple[tuple[str, Any], ...]) -> Decision:
    facts = {k: (list(v) if isinstance(v, tuple) else v) for k, v in key}
    return decide(facts)


def _decide(facts: Mapping[str, Any]) -> Decision:
    keyed = equivalent_facts(facts)  # the same answers, far fewer distinct keys
    key = tuple(sorted((k, _hashable(v)) for k, v in keyed.items() if v is not None))
    return _decide_cached(key)


def snapshot_digest(data: Mapping[str, Any]) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decide_segment(
    *,
    basis: Basis,
    band: str,
    region: str,
    date: dt.date,
    time: str,
    municipality: str | None,
    intervention: str,
    person_facts: Mapping[str, Any] | None = None,
) -> SegmentDecision:
    """Ask the engine about one segment; raises ``InvalidFacts`` on facts it refuses."""
    facts: dict[str, Any] = dict(basis.facts)
    for name, value in (person_facts or {}).items():
        if name in FACTS and name not in RECORD_FACTS and value is not None:
            facts[name] = value
    facts.update(
        {
            "region": region,
            "date": date.isoformat(),
            "time": time,
            "municipality": municipality,
            "intervention": intervention,
        }
    )
    decision = _decide(facts)
    engine_payment = payment_from_outcome(decision.outcome)
    payment = engine_payment or basis.mode_for(band)
    source = "engine" if engine_payment else "basis"
    stored_facts = {
        k: v for k, v in facts_to_json(decision.facts).items() if k not in ("date", "time")
    }
    if facts.get("age") is not None:  # the person's own age, not the bucket decided on
        stored_facts["age"] = facts["age"]
    snapshot: dict[str, Any] = {
        "basis": basis.id,
        "band": band,
        "payment": payment,
        "source": source,
        "status": decision.status,
        "in_force": decision.in_force,
        "agreements": [
            {k: a.get(k) for k in ("id", "version", "valid_from", "valid_to")}
            for a in decision.agreements
        ],
        "outcome": dict(decision.outcome),
        "rules": dict(decision.rules),
        "actions": list(decision.actions),
        "missing_facts": list(decision.missing_facts),
        "reasons": [
            {"dimension": r.dimension, "rule": r.rule, "clause": r.clause} for r in decision.reasons
        ],
        "facts": stored_facts,
    }
    return SegmentDecision(
        payment=payment,
        source=source,
        status=decision.status,
        in_force=decision.in_force,
        agreements=tuple(snapshot["agreements"]),
        snapshot=snapshot,
        digest=snapshot_digest(snapshot),
    )


def person_facts_on(
    fact_rows: Iterable[tuple[str, Any, dt.date, dt.date | None, Any]],
    birth_date: dt.date | None,
    day: dt.date,
    *,
    assessments: Mapping[str, str] | None = None,
    intervention: str | None = None,
) -> dict[str, Any]:
    """The person's facts valid on ``day``: the people room's one assembler
    (``samverkan.people.selectors.facts_from_rows``), so that a service record is decided on
    the same facts as the person page, the egenvård assessment of ``intervention`` included
    (``assessments``: intervention kind -> result, ``selectors.assessments_of``)."""
    return facts_from_rows(
        fact_rows, birth_date, day, assessments=assessments, intervention=intervention
    )


__all__ += ["InvalidFacts"]
