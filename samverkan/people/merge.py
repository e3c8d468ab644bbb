"""What happens to every reference to a person when two records of one person are merged.

Every foreign key to `Person` (and to `PersonIdentity`) in every room is declared here, by
model label and field (``"purchases.ServiceRecord.person"``), as one of:

- MOVE: live records follow the surviving person (``live`` narrows which rows are live;
  the rest are history). `merge_persons` moves them in its transaction.
- HOOK: a function of the room moves them (it is registered in ``MERGE_HOOKS`` and called
  as ``hook(source, target, user)``), e.g. SIP, whose plans keep their own timestamps; or the
  people room's own handling (identities and facts, which keep history while they move).
- HISTORY: rows never changed in place (issued invoices and their lines, the person map of
  an invoice): they keep the merged-away person and resolve to the survivor when read
  (`samverkan.people.selectors.survivor_ids`, `person_ids_seen_as`).

`tests/people/test_merge_coverage.py` walks every model and fails on a foreign key to a
person that is not declared here: a new room declares its keys (``declare(...)``, a line in
its ``apps.py`` or an entry below) or its records are left behind by a merge.

Decision snapshots (`ResponsibilityDecision`, `purchases.DecisionSnapshot`) and the audit
log hold no foreign key to a person: they reach one through an intervention or a service
record (which move) or by reference text (which the log keeps as written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Q

__all__ = [
    "HISTORY",
    "HOOK",
    "MERGE_HOOKS",
    "MOVE",
    "REFERENCES",
    "PersonReference",
    "declare",
    "move_live_references",
]

MOVE = "move"
HOOK = "hook"
HISTORY = "history"

#: Rooms that move their own rows: hook(source, target, user), inside the merge transaction.
MERGE_HOOKS: list[Callable[[Any, Any, Any], None]] = []


@dataclass(frozen=True)
class PersonReference:
    label: str  # "app_label.Model.field"
    policy: str  # MOVE, HOOK or HISTORY
    why: str
    live: Q | None = None  # MOVE: the rows that are live (None: all)

    @property
    def model_label(self) -> str:
        return self.label.rsplit(".", 1)[0]

    @property
    def field(self) -> str:
        return self.label.rsplit(".", 1)[1]


REFERENCES: dict[str, PersonReference] = {}


def declare(label: str, policy: str, why: str, *, live: Q | None = None) -> PersonReference:
    """Declare what a merge does with the foreign key ``label`` ("app.Model.field")."""
    if policy not in (MOVE, HOOK, HISTORY):
        raise ValueError(f"unknown merge policy {policy!r} for {label}")
    if live is not None and policy != MOVE:
        raise ValueError(f"{label}: only moved references have live rows")
    reference = PersonReference(label, policy, why, live)
    REFERENCES[label] = reference
    return reference


def move_live_references(source: Any, target: Any) -> dict[str, int]:
    """Move every MOVE reference's live rows from ``source`` to ``target`` (rows moved per
    label). Persons merged into ``source`` earlier now point at ``target`` (no chains)."""
    moved: dict[str, int] = {}
    for reference in REFERENCES.values():
        if reference.policy != MOVE:
            continue
        model = apps.get_model(reference.model_label)
        rows = model._default_manager.filter(**{reference.field: source})
        if reference.live is not None:
            rows = rows.filter(reference.live)
        moved[reference.label] = rows.update(**{reference.field: target})
    return moved


# --- the declarations ------------------------------------------------------------------------

# people: identities and facts move with their own rules (services/merge.py); the rest moves.
declare(
    "people.PersonIdentity.person",
    HOOK,
    "merge_persons moves identities; those the survivor already has a better kind of end",
)
declare(
    "people.FactRecord.person",
    HOOK,
    "merge_persons moves facts; where both have a current value the survivor's wins",
)
declare("people.Person.merged_into", MOVE, "records merged into the source follow: no chains")
declare("people.CareRelation.person", MOVE, "care relations give the survivor's access")
declare("people.Intervention.person", MOVE, "interventions move with their decisions")
declare("people.SelfCareAssessment.person", MOVE, "egenvård assessments are the person's")
declare("people.Task.person", MOVE, "tasks in the work queues")
declare("people.AccessBlock.person", MOVE, "a spärr the person asked for protects the survivor too")
declare("people.IdentityProtection.person", MOVE, "a protected identity protects the survivor")
declare(
    "people.EmergencyAccess.person",
    MOVE,
    "an emergency access and its review follow the survivor (the owner still reviews it)",
)
# sip: its hook (sip/apps.py) also stamps the plans as updated.
declare("sip.Sip.person", HOOK, "sip.services.move_sips_on_merge")
# purchases: records not yet on an invoice are live; invoiced (and credited) records and
# everything on an issued invoice are history, resolved to the survivor when read.
declare(
    "purchases.ServiceRecord.person",
    MOVE,
    "records not yet invoiced follow; invoiced and credited ones are history",
    live=~Q(status__in=("invoiced", "credited")),
)
declare("purchases.InvoicePerson.person", HISTORY, "the person map of an issued invoice")
declare("purchases.InvoiceLine.person", HISTORY, "a line of an issued invoice")
# deviations and disputes are open cases: they follow the person.
declare("deviations.Deviation.person", MOVE, "deviations follow the person")
declare("deviations.Dispute.person", MOVE, "disputes follow the person")
