"""Glue for the agreements room's revisions: what an adoption with a past in-force date, or
a local agreement registered with a past ``agreed_on``, changes (registered with
``agreements.revisions.use_retroactive`` in ``apps.py``).

This room sits above the people and purchases rooms, so it reads both through their
selectors: the latest responsibility decisions with a care date on or after the date, and the
invoiced service records on issued invoices. Each is decided again with the versions now in
force (the adoption, or the local agreement, is already recorded); a decision whose outcome
or due actions change is flagged with the difference, an invoice whose records' payment (the
outcome) would change is listed for a credit note or a dispute. Nothing is changed here: the
invoice stays as issued (never changed silently), and the new decision is made by the unit
that owns the intervention. Ids and outcomes only, never a person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan.rules import AdoptedRevision, InvalidFacts, decide


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        dim: [before.get(dim), after.get(dim)]
        for dim in sorted(set(before) | set(after))
        if before.get(dim) != after.get(dim)
    }


def _actions_changed(before: list[str], after: list[str]) -> dict[str, list[Any]]:
    """What is to be done differently ("actions": [no longer due, now due]): a revision or a
    local agreement that only changes the next step (e.g. Bilaga 2's routing of specialist
    needs at night) changes the decision all the same."""
    gone = [a for a in before if a not in after]
    new = [a for a in after if a not in before]
    return {"actions": [gone, new]} if gone or new else {}


def _decide(facts: dict[str, Any]) -> Any:
    try:
        return decide(facts)
    except InvalidFacts:
        return None


def retroactive_effect(
    actor: Any, revision: AdoptedRevision, municipality: str, since: dt.date
) -> dict[str, Any]:
    from samverkan.people.selectors import latest_decisions_since
    from samverkan.purchases.selectors import invoiced_records_since

    decisions = []
    for intervention_id, facts, outcome, version, actions in latest_decisions_since(
        revision.region, since
    ):
        if facts.get("municipality") != municipality:
            continue
        new = _decide(facts)
        if new is None:
            continue
        diff = _changed(outcome, dict(new.outcome)) | _actions_changed(actions, new.actions)
        if diff:
            after = next(
                (
                    a["version"]
                    for a in new.as_dict()["agreements"]
                    if a["id"] == revision.agreement
                ),
                "",
            )
            decisions.append(
                {
                    "intervention": intervention_id,
                    "care_date": facts.get("date"),
                    "version_before": version,
                    "version_after": after,
                    "difference": diff,
                }
            )
    invoices: dict[str, dict[str, Any]] = {}
    for number, day, time, snapshot in invoiced_records_since(revision.agreement, since):
        facts = dict(snapshot.get("facts") or {})
        if facts.get("municipality") != municipality:
            continue
        new = _decide({**facts, "date": day.isoformat(), "time": time})
        if new is None:
            continue
        diff = _changed(dict(snapshot.get("outcome") or {}), dict(new.outcome))
        if diff:
            entry = invoices.setdefault(
                number, {"invoice": number, "records": 0, "difference": diff}
            )
            entry["records"] += 1
    return {"decisions": decisions, "invoices": list(invoices.values())}
