"""Egenvård assessments: recording, review, a new performer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from samverkan.accounts.models import Organisation, is_licensed
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access
from samverkan.people.access import can_change, record_change
from samverkan.people.models import (
    AssessmentStatus,
    Intervention,
    Person,
    SelfCareAssessment,
    SelfCareResult,
    Task,
    TaskKind,
    TaskStatus,
)
from samverkan.people.selectors import ASSESSMENT_FACT
from samverkan.people.services._common import (
    PeopleError,
    _age_on,
    _profile_or_refuse,
)
from samverkan.people.services.interventions import redecide_reading
from samverkan.rules import INTERVENTIONS

# --- egenvård assessments -------------------------------------------------------------


REVIEW_DUE_DAYS = 14


def _review_task(assessment: SelfCareAssessment, from_org: Organisation | None) -> Task:
    existing = Task.objects.filter(
        kind=TaskKind.REVIEW_ASSESSMENT,
        source_assessment=assessment,
        status=TaskStatus.OPEN,
    ).first()
    if existing:
        return existing
    profile = profile_of(assessment.assessed_by)
    return Task.objects.create(
        kind=TaskKind.REVIEW_ASSESSMENT,
        person=assessment.person,
        organisation=assessment.assessed_by_organisation,
        unit=profile.unit
        if profile and profile.organisation_id == assessment.assessed_by_organisation_id
        else None,
        assignee=assessment.assessed_by,
        due=timezone.localdate() + dt.timedelta(days=REVIEW_DUE_DAYS),
        intervention=assessment.intervention,
        source_assessment=assessment,
        from_organisation=from_org,
    )


@transaction.atomic
def flag_assessment_for_review(
    actor: Any,
    assessment: SelfCareAssessment,
    *,
    reason: str,
    why: str = "Ompröva egenvård",
    redecide: bool = True,
) -> SelfCareAssessment:
    """Mark an active assessment `needs_review` with the reason; a review task follows.
    An assessment under review counts as not assessed: the open interventions of its kind
    are re-decided (unless ``redecide=False``: the caller re-decides once for all)."""
    user = access._user(actor)
    if not access.reach_of(actor).owns_assessment(assessment):
        raise PermissionDenied
    if assessment.status == AssessmentStatus.REPLACED:
        raise PeopleError("status", "replaced", "Bedömningen är redan ersatt av en ny.")
    assessment.status = AssessmentStatus.NEEDS_REVIEW
    assessment.review_reason = (
        f"{assessment.review_reason}\n{reason}".strip() if assessment.review_reason else reason
    )
    assessment.save(update_fields=["status", "review_reason"])
    profile = profile_of(user)
    _review_task(assessment, profile.organisation if profile else None)
    record_change(actor, assessment.person, "people.selfcareassessment", why, obj_id=assessment.pk)
    if redecide:
        redecide_reading(
            actor,
            assessment.person,
            {ASSESSMENT_FACT},
            intervention_kind=assessment.intervention_kind,
            why=f"{why}: bedömningen omprövas",
        )
    return assessment


GAVLEBORG_HANDOVER_REASON = (
    "Den praktiska vården lämnas över till en ny utförare. Att lämna över den praktiska "
    "vården innebär inte att ansvaret lämnas över: en ny egenvårdsbedömning krävs (Gävleborg)."
)


@transaction.atomic
def report_performer_change(
    actor: Any,
    assessment: SelfCareAssessment,
    new_performer: str,
    *,
    why: str = "Ny utförare av egenvård",
) -> SelfCareAssessment:
    """The practical care passes to someone else: the assessment must be made anew.

    The old assessment is not edited (it says who performed it then); it is flagged
    `needs_review` and the new performer goes into the review reason.
    """
    user = access._user(actor)
    if not can_change(user, assessment.person) or not access.reach_of(actor).owns_assessment(
        assessment
    ):
        raise PermissionDenied
    new_performer = new_performer.strip()
    if not new_performer:
        raise PeopleError("new_performer", "required", "Ange vem som ska utföra åtgärden.")
    return flag_assessment_for_review(
        actor,
        assessment,
        reason=f"{GAVLEBORG_HANDOVER_REASON} Ny utförare: {new_performer}.",
        why=why,
    )


def create_assessment(
    actor: Any,
    person: Person,
    *,
    intervention_kind: str,
    measure: str,
    result: str,
    review_date: dt.date | None,
    performed_by_person_or_others: str = "",
    guardians: list[Any] | None = None,
    intervention: Intervention | None = None,
    notes: str = "",
    why: str = "Egenvårdsbedömning",
) -> SelfCareAssessment:
    """Record an egenvård assessment; replaces earlier ones for the same intervention kind.

    Only licensed staff (legitimerad hälso- och sjukvårdspersonal) may assess. Children
    (under 18) need their guardians. Open egenvård tasks for the person and kind in the
    user's organisation are marked done.
    """
    user = access._user(actor)
    profile = _profile_or_refuse(user)
    if not is_licensed(profile.role):
        # Logged outside the transaction below, so that the refusal stays in the log.
        record(actor, Action.ACCESS_DENIED, SelfCareAssessment, person_ref=person.ref, why=why)
        raise PeopleError(
            "assessed_by",
            "not_licensed",
            "Egenvårdsbedömningar får bara göras av legitimerad hälso- och sjukvårdspersonal "
            f"(din roll är {profile.get_role_display()}).",
        )
    if not can_change(user, person):
        raise PermissionDenied
    with transaction.atomic():
        return _create_assessment(
            actor, person, profile, intervention_kind=intervention_kind, measure=measure,
            result=result, review_date=review_date,
            performed_by_person_or_others=performed_by_person_or_others, guardians=guardians,
            intervention=intervention, notes=notes, why=why,
        )  # fmt: skip


def _create_assessment(
    actor: Any,
    person: Person,
    profile: Any,
    *,
    intervention_kind: str,
    measure: str,
    result: str,
    review_date: dt.date | None,
    performed_by_person_or_others: str,
    guardians: list[Any] | None,
    intervention: Intervention | None,
    notes: str,
    why: str,
) -> SelfCareAssessment:
    user = access._user(actor)
    reach = access.reach_of(actor)
    if intervention is not None:
        if intervention.person_id != person.pk:
            raise PeopleError("intervention", "other_person", "Insatsen gäller en annan person.")
        if not reach.owns_intervention(intervention):
            raise PermissionDenied
        intervention_kind = intervention_kind or intervention.kind
    if intervention_kind not in INTERVENTIONS:
        raise PeopleError("intervention_kind", "invalid_choice", "Välj en insats ur listan.")
    measure = measure.strip()
    if not measure:
        raise PeopleError("measure", "required", "Beskriv vilken åtgärd som bedömdes.")
    if result not in SelfCareResult.values:
        raise PeopleError(
            "result", "invalid_choice", "Resultatet ska vara egenvård eller hälso- och sjukvård."
        )
    today = timezone.localdate()
    if review_date is None:
        raise PeopleError("review_date", "required", "Ange när bedömningen senast ska omprövas.")
    if review_date < today:
        raise PeopleError(
            "review_date", "in_past", "Omprövningsdatumet kan inte ligga bakåt i tiden."
        )
    if result == SelfCareResult.SELF_CARE and not performed_by_person_or_others.strip():
        raise PeopleError(
            "performed_by_person_or_others",
            "required",
            "Vid egenvård: ange vad personen själv eller någon annan utför.",
        )
    guardians = [g for g in (guardians or []) if g]
    age = _age_on(person, today)
    if age is not None and age < 18 and not guardians:
        raise PeopleError(
            "guardians",
            "required_for_child",
            "Personen är under 18 år: ange vårdnadshavarna som bedömningen gjorts tillsammans med.",
        )
    # Her vårdgivare's earlier assessments are replaced; another vårdgivare's stay its own.
    previous = list(
        person.self_care_assessments.filter(
            assessed_by_organisation=profile.organisation,
            intervention_kind=intervention_kind,
            status__in=[AssessmentStatus.ACTIVE, AssessmentStatus.NEEDS_REVIEW],
        ).order_by("-assessed_at")
    )
    assessment = SelfCareAssessment.objects.create(
        person=person,
        intervention=intervention,
        intervention_kind=intervention_kind,
        measure=measure,
        assessed_by=user,
        assessed_by_role=profile.role,
        assessed_by_organisation=profile.organisation,
        result=result,
        performed_by_person_or_others=performed_by_person_or_others.strip(),
        review_date=review_date,
        guardians=guardians,
        notes=notes.strip(),
        replaces=previous[0] if previous else None,
    )
    for old in previous:
        old.status = AssessmentStatus.REPLACED
        old.save(update_fields=["status"])
    now = timezone.now()
    open_tasks = Task.objects.filter(
        person=person,
        organisation=profile.organisation,
        status=TaskStatus.OPEN,
    ).filter(
        Q(kind=TaskKind.SELF_CARE_ASSESSMENT, intervention__kind=intervention_kind)
        | Q(kind=TaskKind.REVIEW_ASSESSMENT, source_assessment__in=previous)
    )
    for task in open_tasks:
        task.status = TaskStatus.DONE
        task.completed_at = now
        task.completed_by = user
        task.note = (task.note + "\n" if task.note else "") + "Klar genom ny egenvårdsbedömning."
        task.save(update_fields=["status", "completed_at", "completed_by", "note"])
    record_change(
        actor, person, "people.selfcareassessment", why, obj_id=assessment.pk, action=Action.CREATE
    )
    # The decisions of this intervention kind read the assessment: they stay current.
    redecide_reading(
        actor,
        person,
        {ASSESSMENT_FACT},
        intervention_kind=intervention_kind,
        why=f"{why}: ny bedömning",
    )
    return assessment
