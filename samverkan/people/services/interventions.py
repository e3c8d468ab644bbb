"""Interventions, their responsibility decisions, the diff between decisions, and the tasks a
decision calls for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, Unit, UnitKind
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.people import access
from samverkan.people.access import can_change, record_change
from samverkan.people.models import (
    Intervention,
    InterventionStatus,
    Person,
    ResponsibilityDecision,
    Task,
    TaskKind,
    TaskStatus,
)
from samverkan.people.selectors import facts_for_decision
from samverkan.people.services._common import (
    INTERVENTION_FACTS,
    PeopleError,
    _profile_or_refuse,
    _validate_fact,
)
from samverkan.people.services.tasks import notify_task
from samverkan.rules import FACTS, INTERVENTIONS, InvalidFacts, decide

# --- interventions and decisions ----------------------------------------------------------


@transaction.atomic
def create_intervention(
    actor: Any,
    person: Person,
    *,
    kind: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    performing_organisation: Organisation | None = None,
    performing_unit: Unit | None = None,
    ordering_organisation: Organisation | None = None,
    facts: Mapping[str, Any] | None = None,
    status: str = InterventionStatus.ACTIVE,
    why: str = "Registrera insats",
) -> Intervention:
    """An intervention; performing organisation and unit default to the user's.

    It is her vårdgivare's record: her organisation performs or orders it, and its kind is
    of her verksamhet (a biståndshandläggare records social services' interventions, a
    nurse health care's)."""
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    if not can_change(user, person):
        raise PermissionDenied
    if kind not in INTERVENTIONS:
        raise PeopleError("kind", "invalid_choice", "Välj en insats ur listan.")
    if access.intervention_verksamhet(kind) != profile.verksamhet:
        raise PeopleError(
            "kind",
            "other_verksamhet",
            "Insatsen hör till en annan verksamhet än din: den registreras av den "
            "verksamhet som ger den.",
        )
    start = start or timezone.localdate()
    if end is not None and end < start:
        raise PeopleError("end", "before_start", "Slutdatumet ligger före startdatumet.")
    if status not in InterventionStatus.values:
        raise PeopleError("status", "invalid_choice", "Ogiltig status för insatsen.")
    performing_organisation = performing_organisation or profile.organisation
    if performing_organisation.pk != profile.organisation_id and ordering_organisation is None:
        # Registering another organisation's intervention for the person is ordering it.
        ordering_organisation = profile.organisation
    ordering_id = ordering_organisation.pk if ordering_organisation is not None else None
    if profile.organisation_id not in (performing_organisation.pk, ordering_id):
        raise PeopleError(
            "performing_organisation",
            "other_organisation",
            "Din organisation måste utföra eller beställa insatsen.",
        )
    if performing_unit is None and performing_organisation.pk == profile.organisation_id:
        performing_unit = profile.unit
    if (
        performing_unit is not None
        and performing_unit.organisation_id != performing_organisation.pk
    ):
        raise PeopleError(
            "performing_unit", "wrong_organisation", "Enheten hör inte till utförande organisation."
        )
    clean_facts: dict[str, Any] = {}
    for name, value in (facts or {}).items():
        json_value = _validate_fact(name, value, INTERVENTION_FACTS, "facts")
        if json_value is not None:
            clean_facts[name] = json_value
    intervention = Intervention.objects.create(
        person=person,
        kind=kind,
        start=start,
        end=end,
        performing_organisation=performing_organisation,
        performing_unit=performing_unit,
        ordering_organisation=ordering_organisation,
        status=status,
        facts=clean_facts,
        created_by=user,
    )
    record_change(
        actor, person, "people.intervention", why, obj_id=intervention.pk, action=Action.CREATE
    )
    return intervention


@transaction.atomic
def update_intervention(
    actor: Any,
    intervention: Intervention,
    *,
    facts: Mapping[str, Any] | None = None,
    end: dt.date | None = None,
    status: str | None = None,
    why: str = "Ändra insats",
) -> Intervention:
    """Change an intervention's own facts (a value None removes it), end date or status.
    Decisions already made are not touched: re-decide to apply the change."""
    user = access._user(actor)
    if not can_change(user, intervention.person) or not access.reach_of(actor).owns_intervention(
        intervention
    ):
        raise PermissionDenied
    new_facts = dict(intervention.facts or {})
    for name, value in (facts or {}).items():
        json_value = _validate_fact(name, value, INTERVENTION_FACTS, "facts")
        if json_value is None:
            new_facts.pop(name, None)
        else:
            new_facts[name] = json_value
    if end is not None and end < intervention.start:
        raise PeopleError("end", "before_start", "Slutdatumet ligger före startdatumet.")
    if status is not None and status not in InterventionStatus.values:
        raise PeopleError("status", "invalid_choice", "Ogiltig status för insatsen.")
    intervention.facts = new_facts
    if end is not None:
        intervention.end = end
    if status is not None:
        intervention.status = status
    intervention.save(update_fields=["facts", "end", "status"])
    record_change(actor, intervention.person, "people.intervention", why, obj_id=intervention.pk)
    return intervention


# Which task an action of the engine puts in a work queue.

ACTION_TASKS: dict[str, str] = {
    "assess_self_care_first": TaskKind.SELF_CARE_ASSESSMENT,
    "offer_sip": TaskKind.SIP,
    "appoint_named_care_contact": TaskKind.NAMED_CARE_CONTACT,
    "named_care_contact_physician": TaskKind.NAMED_CARE_CONTACT,
    "bill_home_region": TaskKind.BILL_HOME_REGION,
    "risk_analysis": TaskKind.RISK_ANALYSIS,
    "discharge_checklist": TaskKind.DISCHARGE_CHECKLIST,
    "coordinated_care_plan_chief_physician": TaskKind.COORDINATED_CARE_PLAN,
    "escalate_to_manager": TaskKind.ESCALATE,
    "escalate_to_forum": TaskKind.ESCALATE,
    "contact_chief_physician_mas": TaskKind.CONTACT_CHIEF_PHYSICIAN_MAS,
}
TASK_DUE_DAYS: dict[str, int] = {
    TaskKind.SELF_CARE_ASSESSMENT: 7,
    TaskKind.SIP: 14,
    TaskKind.NAMED_CARE_CONTACT: 7,
    TaskKind.BILL_HOME_REGION: 30,
    TaskKind.RISK_ANALYSIS: 7,
    TaskKind.DISCHARGE_CHECKLIST: 3,
    TaskKind.COORDINATED_CARE_PLAN: 14,
    TaskKind.ESCALATE: 14,
    TaskKind.CONTACT_CHIEF_PHYSICIAN_MAS: 1,
}


def _unit_of_kind(organisation: Organisation, kind: str) -> Unit | None:
    return organisation.units.filter(kind=kind).order_by("name").first()


def _task_target(
    kind: str, intervention: Intervention, facts: Mapping[str, Any]
) -> tuple[Organisation, Unit | None]:
    """Whose queue a task goes to.

    Egenvård before a transfer: the kommun that would take over (the person's home kommun,
    its hemsjukvård). Bill to the home region: the performing region's ekonomi unit. The rest:
    the performing organisation and unit.
    """
    performing = intervention.performing_organisation
    if kind == TaskKind.SELF_CARE_ASSESSMENT:
        code = facts.get("municipality") or intervention.person.home_municipality
        # a private provider contracted by that kommun is the kommun's side already
        if performing.is_municipality and (not code or performing.huvudman.scb_code == code):
            kommun: Organisation | None = performing
        else:
            kommun = Organisation.objects.filter(
                kind=OrganisationKind.MUNICIPALITY, scb_code=code
            ).first()
        if kommun is not None:
            unit = _unit_of_kind(kommun, UnitKind.HOME_HEALTH_CARE)
            if kommun.pk == performing.pk and intervention.performing_unit is not None:
                unit = unit or intervention.performing_unit
            return kommun, unit
    if kind == TaskKind.BILL_HOME_REGION:
        region_org = (
            performing.huvudman  # a private provider's region bills for it
            if performing.is_region
            else Organisation.objects.filter(
                kind=OrganisationKind.REGION, region=performing.region
            ).first()
        )
        if region_org is not None:
            return region_org, _unit_of_kind(region_org, UnitKind.FINANCE)
    return performing, intervention.performing_unit


def _tasks_for_decision(
    decision: ResponsibilityDecision, intervention: Intervention, user: Any
) -> list[Task]:
    profile = profile_of(user)
    created: list[Task] = []
    start = max(timezone.localdate(), intervention.start)
    for action in decision.actions:
        kind = ACTION_TASKS.get(action)
        if kind is None:
            continue
        organisation, unit = _task_target(kind, intervention, decision.facts_used)
        duplicate = Task.objects.filter(
            kind=kind,
            intervention=intervention,
            organisation=organisation,
            status=TaskStatus.OPEN,
        ).first()
        if duplicate is not None:
            if action == "named_care_contact_physician" and "läkare" not in duplicate.note:
                duplicate.note = (
                    duplicate.note + "\n"
                ).lstrip() + "Fast vårdkontakt ska vara läkare."
                duplicate.save(update_fields=["note"])
            continue
        task = Task.objects.create(
            kind=kind,
            action=action,
            person=intervention.person,
            organisation=organisation,
            unit=unit,
            due=start + dt.timedelta(days=TASK_DUE_DAYS.get(kind, 14)),
            intervention=intervention,
            source_decision=decision,
            from_organisation=profile.organisation if profile else None,
            note="Fast vårdkontakt ska vara läkare."
            if action == "named_care_contact_physician"
            else "",
        )
        created.append(task)
        notify_task(task, user)
    return created


def _agreement_version(snapshot: Mapping[str, Any]) -> str:
    return ", ".join(f"{a.get('id')} {a.get('version')}" for a in snapshot.get("agreements", []))


@transaction.atomic
def decide_intervention(
    actor: Any,
    intervention: Intervention,
    *,
    on: dt.date | None = None,
    why: str = "Ansvarsbeslut",
) -> ResponsibilityDecision:
    """Ask the engine, store the snapshot (superseding the latest one) and create the tasks
    its actions call for. The facts that cannot be read give a PeopleError naming them."""
    user = access._user(actor)
    profile = profile_of(user)
    if not can_change(user, intervention.person) or not access.reach_of(actor).owns_intervention(
        intervention
    ):
        raise PermissionDenied
    facts = facts_for_decision(intervention, on=on)
    try:
        decision = decide(facts)
    except InvalidFacts as exc:
        error = exc.errors[0]
        raise PeopleError(f"facts.{error.field}", error.code, error.message) from None
    snapshot = decision.as_dict()
    previous = intervention.latest_decision()
    saved = ResponsibilityDecision.objects.create(
        intervention=intervention,
        decided_by=user,
        decided_by_organisation=profile.organisation if profile else None,
        facts_used=facts,
        decision=snapshot,
        agreement_version=_agreement_version(snapshot),
        outcome=snapshot["outcome"],
        actions=snapshot["actions"],
        missing_facts=snapshot["missing_facts"],
        status=snapshot.get("status", ""),
        in_force=snapshot["in_force"],
        supersedes=previous,
    )
    record_change(
        actor,
        intervention.person,
        "people.responsibilitydecision",
        why,
        obj_id=saved.pk,
        action=Action.CREATE,
    )
    _tasks_for_decision(saved, intervention, user)
    if previous is not None:
        _close_obsolete_tasks(saved, intervention, user)
    return saved


@dataclass
class DecisionDiff:
    """What changed between two decisions of one intervention."""

    previous_id: int
    current_id: int
    outcome: list[dict[str, str]]  # {"dimension", "before", "after"}
    actions_added: list[str]
    actions_removed: list[str]
    reasons_added: list[dict[str, Any]]
    reasons_removed: list[dict[str, Any]]
    agreement_before: str
    agreement_after: str
    facts: list[dict[str, Any]]  # {"fact", "before", "after"}
    missing_added: list[str]
    missing_removed: list[str]

    @property
    def agreement_changed(self) -> bool:
        return self.agreement_before != self.agreement_after

    @property
    def changed(self) -> bool:
        return bool(
            self.outcome
            or self.actions_added
            or self.actions_removed
            or self.reasons_added
            or self.reasons_removed
            or self.agreement_changed
            or self.missing_added
            or self.missing_removed
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "previous_id": self.previous_id,
            "current_id": self.current_id,
            "changed": self.changed,
            "outcome": self.outcome,
            "actions": {"added": self.actions_added, "removed": self.actions_removed},
            "reasons": {"added": self.reasons_added, "removed": self.reasons_removed},
            "agreement_version": {
                "before": self.agreement_before,
                "after": self.agreement_after,
                "changed": self.agreement_changed,
            },
            "facts": self.facts,
            "missing_facts": {"added": self.missing_added, "removed": self.missing_removed},
        }


def _reason_key(reason: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        reason.get("dimension"),
        reason.get("action"),
        reason.get("rule"),
        reason.get("clause"),
    )


def diff_decisions(
    previous: ResponsibilityDecision, current: ResponsibilityDecision
) -> DecisionDiff:
    before, after = previous.outcome or {}, current.outcome or {}
    outcome = [
        {"dimension": dim, "before": before.get(dim, ""), "after": after.get(dim, "")}
        for dim in dict.fromkeys([*before, *after])
        if before.get(dim) != after.get(dim)
    ]
    old_reasons = {_reason_key(r): r for r in previous.reasons}
    new_reasons = {_reason_key(r): r for r in current.reasons}
    old_facts, new_facts = previous.facts_used or {}, current.facts_used or {}
    facts = [
        {"fact": name, "before": old_facts.get(name), "after": new_facts.get(name)}
        for name in FACTS
        if old_facts.get(name) != new_facts.get(name)
    ]
    return DecisionDiff(
        previous_id=previous.pk,
        current_id=current.pk,
        outcome=outcome,
        actions_added=[a for a in current.actions if a not in previous.actions],
        actions_removed=[a for a in previous.actions if a not in current.actions],
        reasons_added=[r for k, r in new_reasons.items() if k not in old_reasons],
        reasons_removed=[r for k, r in old_reasons.items() if k not in new_reasons],
        agreement_before=previous.agreement_version,
        agreement_after=current.agreement_version,
        facts=facts,
        missing_added=[f for f in current.missing_facts if f not in previous.missing_facts],
        missing_removed=[f for f in previous.missing_facts if f not in current.missing_facts],
    )


def redecide_intervention(
    actor: Any,
    intervention: Intervention,
    *,
    on: dt.date | None = None,
    why: str = "Ompröva ansvarsbeslut",
) -> tuple[ResponsibilityDecision, DecisionDiff | None]:
    """A new decision superseding the latest, and its difference from it (None if first)."""
    previous = intervention.latest_decision()
    current = decide_intervention(actor, intervention, on=on, why=why)
    return current, (diff_decisions(previous, current) if previous else None)


# --- decisions stay current -------------------------------------------------------------------

#: Interventions whose decisions are kept current when what they read changes.
OPEN_INTERVENTION_STATUSES = (InterventionStatus.PLANNED, InterventionStatus.ACTIVE)
OBSOLETE_TASK_NOTE = "Uppgiften gäller inte längre: det nya ansvarsbeslutet kräver den inte."


def _close_obsolete_tasks(
    decision: ResponsibilityDecision, intervention: Intervention, user: Any
) -> list[Task]:
    """Close the intervention's open tasks that earlier decisions called for and this one
    does not (e.g. "bedöm egenvård först" once the assessment is made)."""
    still = {ACTION_TASKS[a] for a in decision.actions if a in ACTION_TASKS}
    obsolete = list(
        Task.objects.filter(
            intervention=intervention, status=TaskStatus.OPEN, source_decision__isnull=False
        )
        .exclude(source_decision=decision)
        .exclude(kind__in=still)
    )
    now = timezone.now()
    for task in obsolete:
        task.status = TaskStatus.DONE
        task.completed_at = now
        task.completed_by = user if user is not None and user.is_authenticated else None
        task.note = (task.note + "\n" if task.note else "") + OBSOLETE_TASK_NOTE
        task.save(update_fields=["status", "completed_at", "completed_by", "note"])
    return obsolete


def redecide_reading(
    actor: Any,
    person: Person,
    facts: Iterable[str],
    *,
    intervention_kind: str | None = None,
    why: str,
) -> list[tuple[ResponsibilityDecision, DecisionDiff | None]]:
    """Re-decide the person's open interventions of the actor's vårdgivare × verksamhet (her
    reach; another vårdgivare's decisions are not hers to make, nor decided on her facts)
    whose latest decision read one of ``facts``
    (it was given the fact, or missed it), in the caller's transaction: the new decision
    supersedes the old (kept as history), tasks that no longer apply are closed. With
    ``intervention_kind`` only interventions of that kind (an egenvård assessment is of one
    kind). A decision made for a given date is made again for that date."""
    wanted = set(facts)
    done: list[tuple[ResponsibilityDecision, DecisionDiff | None]] = []
    reach = access.reach_of(actor)
    interventions = reach.interventions(person).filter(status__in=OPEN_INTERVENTION_STATUSES)
    if intervention_kind is not None:
        interventions = interventions.filter(kind=intervention_kind)
    for intervention in interventions.select_related("performing_organisation", "person"):
        latest = intervention.latest_decision()
        if latest is None or not reach.owns_intervention(intervention):
            continue
        read = set(latest.facts_used or {}) | set(latest.missing_facts or [])
        if not read & wanted:
            continue
        day = (latest.facts_used or {}).get("date")
        on = dt.date.fromisoformat(day) if day else None
        done.append(redecide_intervention(actor, intervention, on=on, why=why))
    return done
