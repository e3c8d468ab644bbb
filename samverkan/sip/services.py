"""What views, the API and other apps may do with a SIP. Every change is audited.

Callers check access first (`samverkan.sip.access`); these functions check the SIP's own
rules (status, the agreements' plan rules, concurrency) and raise `SipError` subclasses with
Swedish messages.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Organisation, Unit
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.core.errors import Detail, Problem
from samverkan.notifications.services import Kind, notify
from samverkan.people import selectors as people_selectors
from samverkan.people import services as people_services
from samverkan.people.selectors import TaskKind, open_tasks_of
from samverkan.sip.access import SIP_ROLES, audit, sip_organisation, user_of
from samverkan.sip.models import (
    AGREEMENTS_BY_REGION,
    Action,
    AgreementContext,
    AssessmentProvision,
    CompulsoryCare,
    Consent,
    ConsentGiver,
    ConsentScope,
    DischargeChecklistItem,
    LetterInvitation,
    LetterRecipient,
    NamedCareContact,
    Participant,
    ParticipantResponse,
    PlanVersion,
    RiskAnalysisItem,
    Sip,
    SipStatus,
    VersionKind,
)
from samverkan.sip.plan import (
    GVB_CHECKLIST,
    Change,
    ChecklistRow,
    Note,
    PlanData,
    RuleError,
    agreement_notes,
    check_activation,
    check_discharge,
    check_plan,
    diff,
    is_gvb_target_group,
    plan_of,
)

if TYPE_CHECKING:
    from samverkan.people.models import Person, Task

Actor = Any


class SipError(Problem):
    """A refusal with stable code(s) and Swedish messages (one item per broken rule)."""

    status = 400

    def __init__(self, errors: list[RuleError]):
        self._set(Detail(e.field, e.code, e.message) for e in errors)
        self.errors = errors

    @classmethod
    def single(cls, field: str, code: str, message: str) -> SipError:
        return cls([RuleError(field, code, message)])


class PlanRuleError(SipError):
    """The plan (or the status change asked for) breaks a rule of the agreements."""

    status = 422


class StateError(SipError):
    """Not possible in the SIP's current status."""

    status = 409


class PlanConflict(SipError):
    """Someone else saved a version after the one this edit started from."""

    status = 409

    def __init__(self, base_version: int, current_version: int, changes: list[Change]):
        super().__init__(
            [
                RuleError(
                    "base_version",
                    "version_conflict",
                    f"Planen har ändrats av någon annan medan du redigerade (du utgick från "
                    f"version {base_version}, nu gäller version {current_version}). Dina "
                    "ändringar är inte sparade.",
                )
            ]
        )
        self.base_version = base_version
        self.current_version = current_version
        self.changes = changes

    def body(self) -> dict[str, Any]:
        """The refusal, the two versions and what the other edit changed (for the API)."""
        changes = [
            {"section": c.section, "label": c.label, "old": c.old, "new": c.new}
            for c in self.changes
        ]
        return super().body() | {
            "base_version": self.base_version,
            "current_version": self.current_version,
            "changes": changes,
        }


# --- starting ------------------------------------------------------------------------------


def agreements_for(organisation: Organisation) -> tuple[str, ...]:
    return AGREEMENTS_BY_REGION.get(organisation.region, ())


def default_agreement(organisation: Organisation) -> str:
    """Gävleborg: svårt sjuka; Jämtland Härjedalen: hemsjukvård (psykisk: chosen by hand)."""
    return (agreements_for(organisation) or ("",))[0]


def circumstances_of(person: Person) -> dict[str, Any]:
    """The person's current facts the plan rules use, as PlanData field values."""
    facts = people_selectors.current_facts(person)
    extensive = facts.get("extensive_home_care")
    compulsory = facts.get("compulsory_care")
    return {
        "end_of_life": facts.get("end_of_life") is True,
        "discharge_from_inpatient_care": facts.get("discharge_from_inpatient_care") is True,
        "extensive_home_care": extensive if extensive and extensive != "none" else "",
        "compulsory_care": compulsory if compulsory in CompulsoryCare.values else "",
    }


def start_sip(
    actor: Actor,
    person: Person,
    *,
    agreement: str = "",
    on_request_of_person: bool = False,
    circumstances: dict[str, Any] | None = None,
) -> Sip:
    """A new SIP (status draft) initiated by the user's organisation, with version 1 holding
    the circumstances (prefilled from the person's facts) and, for Gävleborg's target
    group, the checklist before discharge. The caller has checked that the user may see
    the person."""
    user = user_of(actor)
    profile = profile_of(user)
    if profile is None or sip_organisation(user) is None:
        raise PermissionDenied
    organisation = profile.organisation
    if agreement and agreement not in agreements_for(organisation):
        raise PlanRuleError.single(
            "agreement", "agreement_region", "Avtalet gäller inte i din organisations region."
        )
    facts = circumstances_of(person)
    facts.update({k: v for k, v in (circumstances or {}).items() if k in facts})
    with transaction.atomic():
        sip = Sip.objects.create(
            person=person,
            initiated_by_organisation=organisation,
            initiated_by_unit=profile.unit,
            initiated_by=user,
            initiated_on_request_of_person=on_request_of_person,
            agreement=agreement,
            version=0,
        )
        plan = PlanData(**facts)
        if is_gvb_target_group(sip, plan):
            plan.checklist = [ChecklistRow(text) for text in GVB_CHECKLIST]
        errors = [e for e in check_plan(plan) if e.code == "invalid"]
        if errors:
            raise PlanRuleError(errors)
        _write_version(sip, plan, user, VersionKind.START, based_on=None)
        audit(actor, AuditAction.CREATE, sip, "SIP startad")
        complete_people_tasks(actor, sip, plan)
    return sip


# --- the people app's tasks that a SIP fulfils -------------------------------------------------

SIP_TASK_KINDS = (
    TaskKind.SIP,
    TaskKind.NAMED_CARE_CONTACT,
    TaskKind.COORDINATED_CARE_PLAN,
    TaskKind.RISK_ANALYSIS,
    TaskKind.DISCHARGE_CHECKLIST,
)


def task_fulfilled(task: Task, plan: PlanData) -> bool:
    """Whether the plan does what the task (from a responsibility decision) asks."""
    if task.kind == TaskKind.SIP:
        return True
    if task.kind == TaskKind.NAMED_CARE_CONTACT:
        if task.action == "named_care_contact_physician":
            return any(c.is_physician for c in plan.care_contacts)
        return bool(plan.care_contacts)
    if task.kind == TaskKind.COORDINATED_CARE_PLAN:
        return bool(plan.compulsory_care and plan.chief_physician_name.strip())
    if task.kind == TaskKind.RISK_ANALYSIS:
        return bool(plan.risks) and all(r.measures.strip() and r.owner.strip() for r in plan.risks)
    if task.kind == TaskKind.DISCHARGE_CHECKLIST:
        return bool(plan.checklist) and all(item.done for item in plan.checklist)
    return False


def complete_people_tasks(actor: Actor, sip: Sip, plan: PlanData) -> list[Task]:
    """Mark done the open tasks of the user's organisation about this person that the SIP
    now fulfils (offer SIP, fast vårdkontakt, chief physician's plan, risk analysis,
    checklist)."""
    profile = profile_of(user_of(actor))
    if profile is None:
        return []
    tasks = open_tasks_of(sip.person, profile.organisation, SIP_TASK_KINDS)
    done = []
    for task in tasks:
        if task_fulfilled(task, plan):
            done.append(
                people_services.complete_task(
                    actor, task, note=f"Klar genom SIP nr {sip.pk}.", why="Uppgift klar genom SIP"
                )
            )
    return done


# --- consent --------------------------------------------------------------------------------


ADULT_AGE = 18  # föräldrabalken 6 kap. 2 §: vårdnad until 18


def record_consent(
    actor: Actor,
    sip: Sip,
    *,
    given_by: str,
    given_by_name: str = "",
    given_at: dt.datetime | None = None,
    scope: str = ConsentScope.ALL_INVITED,
    organisations: Iterable[Organisation] = (),
    note: str = "",
    assessed_by_name: str = "",
    assessment_reason: str = "",
    provision: str = "",
) -> Consent:
    """Record the basis of the SIP's sharing (see `Consent`): the person's own consent; a
    vårdnadshavare's for a child (under 18 on `given_at`); or, for an adult who cannot
    decide, the assessment that the condition of `provision` is met (who, when, why)."""
    _require_open(sip)
    if given_by not in ConsentGiver.values or given_by == ConsentGiver.LEGAL_REPRESENTATIVE:
        raise SipError.single(
            "given_by",
            "invalid",
            "Ange grunden: personens eget samtycke, vårdnadshavares samtycke för ett barn "
            "eller en bedömning att personen inte själv kan ta ställning. En god man eller "
            "förvaltare kan inte samtycka i personens ställe.",
        )
    if scope not in ConsentScope.values:
        raise SipError.single("scope", "invalid", "Okänd omfattning.")
    organisations = list(organisations)
    if scope == ConsentScope.LISTED and not organisations:
        raise SipError.single(
            "organisations", "required", "Välj vilka organisationer samtycket gäller."
        )
    offered = set(sip.offered_organisations().values_list("pk", flat=True))
    if scope == ConsentScope.LISTED and any(o.pk not in offered for o in organisations):
        raise SipError.single(
            "organisations",
            "outside_region",
            "Samtycket kan bara gälla organisationer i länet där planen görs.",
        )
    if given_at and given_at > timezone.now() + dt.timedelta(minutes=5):
        raise SipError.single("given_at", "future", "Samtycket kan inte vara lämnat i framtiden.")
    when = given_at or timezone.now()
    age = people_selectors.age_on(sip.person.birth_date, timezone.localdate(when))
    errors: list[RuleError] = []
    if given_by == ConsentGiver.GUARDIAN:
        if not given_by_name.strip():
            errors.append(RuleError("given_by_name", "required", "Ange vårdnadshavarens namn."))
        if age is None or age >= ADULT_AGE:
            errors.append(
                RuleError(
                    "given_by",
                    "guardian_adult",
                    "En vårdnadshavare kan bara samtycka för ett barn under 18 år "
                    "(föräldrabalken 6 kap. 2 §).",
                )
            )
    if given_by == ConsentGiver.ASSESSMENT:
        if age is not None and age < ADULT_AGE:
            errors.append(
                RuleError(
                    "given_by",
                    "assessment_child",
                    "För ett barn lämnar vårdnadshavaren samtycket.",
                )
            )
        if not assessed_by_name.strip():
            errors.append(
                RuleError(
                    "assessed_by_name", "required", "Ange vem som gjorde bedömningen (namn, yrke)."
                )
            )
        if not assessment_reason.strip():
            errors.append(
                RuleError(
                    "assessment_reason",
                    "required",
                    "Ange varför personen inte kan ta ställning och varför villkoret i "
                    "bestämmelsen är uppfyllt.",
                )
            )
        if provision not in AssessmentProvision.values:
            errors.append(
                RuleError("provision", "required", "Välj bestämmelsen bedömningen stöds på.")
            )
    if errors:
        raise SipError(errors)
    assessment = given_by == ConsentGiver.ASSESSMENT
    with transaction.atomic():
        consent = Consent.objects.create(
            sip=sip,
            given_by=given_by,
            given_by_name=given_by_name.strip() if given_by == ConsentGiver.GUARDIAN else "",
            given_at=when,
            recorded_by=user_of(actor),
            scope=scope,
            note=note,
            assessed_by_name=assessed_by_name.strip() if assessment else "",
            assessment_reason=assessment_reason.strip() if assessment else "",
            provision=provision if assessment else "",
        )
        if scope == ConsentScope.LISTED:
            consent.organisations.set(organisations)
        why = "Bedömning för delning registrerad" if assessment else "Samtycke registrerat"
        audit(actor, AuditAction.CREATE, sip, why, consent)
        # The new basis replaces the one in force (only one is in force at a time).
        for earlier in sip.active_consents().exclude(pk=consent.pk):
            earlier.superseded_by = consent
            earlier.save(update_fields=["superseded_by"])
            audit(actor, AuditAction.UPDATE, sip, "Samtycke ersatt av ett senare", earlier)
    return consent


def withdraw_consent(actor: Actor, consent: Consent) -> Consent:
    if consent.withdrawn_at is not None:
        raise StateError.single("", "already_withdrawn", "Samtycket är redan återkallat.")
    if consent.superseded_by_id is not None:
        raise StateError.single(
            "", "superseded", "Samtycket är redan ersatt av ett senare och gäller inte."
        )
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = user_of(actor)
    consent.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit(actor, AuditAction.UPDATE, consent.sip, "Samtycke återkallat", consent)
    return consent


# --- participants ---------------------------------------------------------------------------


MEETING_MINUTES = 60  # the calendar file's length when nothing else is said
REMINDER_DAYS = 3  # reminders go out this many days before the meeting
MEETING_MAX_PAST = dt.timedelta(minutes=5)


def _meeting_errors(
    at: dt.datetime | None, place: str, link: str, *, was: dt.datetime | None
) -> list[RuleError]:
    errors = []
    if at is not None and at != was and at < timezone.now() - MEETING_MAX_PAST:
        errors.append(
            RuleError("meeting_at", "past", "Mötestiden har redan passerat. Ange en kommande tid.")
        )
    if link and not link.startswith("https://"):
        errors.append(
            RuleError(
                "meeting_link",
                "not_https",
                "Länken till videomötet ska börja med https:// (en säker adress).",
            )
        )
    if len(place) > 200:
        errors.append(
            RuleError("meeting_place", "too_long", "Mötesplatsen får vara högst 200 tecken.")
        )
    return errors


def set_meeting(
    actor: Actor,
    sip: Sip,
    *,
    at: dt.datetime | None,
    place: str = "",
    link: str = "",
) -> Sip:
    """The SIP's one meeting: time, place and/or video link. A change of time or place is told
    to every invited unit that has not declined (a neutral notification with a link)."""
    _require_open(sip)
    place, link = place.strip(), link.strip()
    errors = _meeting_errors(at, place, link, was=sip.meeting_at)
    if errors:
        raise SipError(errors)
    changed = (at, place, link) != (sip.meeting_at, sip.meeting_place, sip.meeting_link)
    if not changed:
        return sip
    told_before = sip.meeting_at is not None or bool(sip.meeting_place or sip.meeting_link)
    with transaction.atomic():
        sip.meeting_at, sip.meeting_place, sip.meeting_link = at, place, link
        sip.meeting_sequence += 1
        sip.save(
            update_fields=[
                "meeting_at",
                "meeting_place",
                "meeting_link",
                "meeting_sequence",
                "updated",
            ]
        )
        audit(actor, AuditAction.UPDATE, sip, "Tid och plats för SIP-möte")
        if told_before:
            link_to = reverse("sip:detail", args=[sip.pk]) + "#mote"
            for participant in sip.participants.exclude(response=ParticipantResponse.DECLINED):
                notify(
                    participant.unit or participant.organisation,
                    Kind.SIP_MEETING,
                    link_to,
                    actor=actor,
                    roles=SIP_ROLES,
                )
    return sip


def invite(
    actor: Actor,
    sip: Sip,
    *,
    organisation: Organisation,
    unit: Unit | None = None,
    meeting_at: dt.datetime | None = None,
    meeting_place: str = "",
) -> Participant:
    """Kallelse: invite an organisation (and unit; another kommun's too) to the SIP's meeting.
    `meeting_at`/`meeting_place`, when given, set the SIP's one meeting (see `set_meeting`).
    Only the SIP's county's organisations (`Sip.offered_organisations`: its region, the
    region's kommuner, the providers they contracted, and any already invited); another
    county's is refused (`participant_outside_county`), for the form and the API alike.

    `participant.notified` is the number of users the invitation reached in the app (0: no
    one at the unit has an account with a SIP role; the caller must not say "sent")."""
    _require_open(sip)
    if unit is not None and unit.organisation_id != organisation.pk:
        raise SipError.single("unit", "unit_organisation", "Enheten hör inte till organisationen.")
    if not sip.offered_organisations().filter(pk=organisation.pk).exists():
        raise SipError.single(
            "organisation",
            "participant_outside_county",
            f"Organisation: {organisation.name} hör inte till länet där planen görs. Bara "
            "regionen, länets kommuner och utförare med avtal med dem kan kallas.",
        )
    if organisation.pk == sip.initiated_by_organisation_id and unit is None:
        raise SipError.single(
            "organisation",
            "initiator",
            "Din egen organisation deltar redan; välj en enhet om en annan enhet ska kallas.",
        )
    duplicate = sip.participants.filter(organisation=organisation, unit=unit).exclude(
        response=ParticipantResponse.DECLINED
    )
    if duplicate.exists():
        raise SipError.single("unit", "duplicate", "Den här enheten är redan kallad.")
    with transaction.atomic():
        if meeting_at is not None or meeting_place:
            set_meeting(
                actor,
                sip,
                at=meeting_at if meeting_at is not None else sip.meeting_at,
                place=meeting_place or sip.meeting_place,
                link=sip.meeting_link,
            )
        participant = Participant.objects.create(
            sip=sip,
            organisation=organisation,
            unit=unit,
            invited_by=user_of(actor),
        )
        if sip.status == SipStatus.DRAFT:
            Sip.objects.filter(pk=sip.pk).update(status=SipStatus.INVITED, updated=timezone.now())
            sip.status = SipStatus.INVITED
        audit(actor, AuditAction.CREATE, sip, "Kallelse till SIP", participant)
        link = reverse("sip:detail", args=[sip.pk]) + "#deltagare"
        told = notify(unit or organisation, Kind.SIP_INVITATION, link, actor=actor, roles=SIP_ROLES)
    participant.notified = len(told)  # type: ignore[attr-defined]
    return participant


def invite_by_letter(
    actor: Actor,
    sip: Sip,
    *,
    recipient: str,
    name: str = "",
    relation: str = "",
    person_consents: bool = False,
) -> LetterInvitation:
    """The person or a närstående invited by a printed letter. Only with the SIP's consent in
    force, and a närstående only when the person wants them there (`person_consents`)."""
    _require_open(sip)
    errors: list[RuleError] = []
    if recipient not in LetterRecipient.values:
        errors.append(RuleError("recipient", "invalid", "Välj vem brevet är till."))
    if not sip.active_consents().exists():
        errors.append(
            RuleError(
                "recipient",
                "no_consent",
                "Registrera samtycket till SIP:en innan personen eller närstående kallas.",
            )
        )
    if recipient == LetterRecipient.RELATIVE:
        if not name.strip():
            errors.append(RuleError("name", "required", "Ange den närståendes namn."))
        if not person_consents:
            errors.append(
                RuleError(
                    "person_consents",
                    "required",
                    "En närstående kallas bara om personen vill det. Bekräfta att personen "
                    "har sagt ja.",
                )
            )
    if (
        recipient == LetterRecipient.PERSON
        and sip.letters.filter(recipient=LetterRecipient.PERSON)
        .exclude(response=ParticipantResponse.DECLINED)
        .exists()
    ):
        errors.append(RuleError("recipient", "duplicate", "Personen är redan kallad per brev."))
    if errors:
        raise SipError(errors)
    relative = recipient == LetterRecipient.RELATIVE
    with transaction.atomic():
        letter = LetterInvitation.objects.create(
            sip=sip,
            recipient=recipient,
            name=name.strip() if relative else "",
            relation=relation.strip() if relative else "",
            person_consents=person_consents if relative else False,
            created_by=user_of(actor),
        )
        if sip.status == SipStatus.DRAFT:
            Sip.objects.filter(pk=sip.pk).update(status=SipStatus.INVITED, updated=timezone.now())
            sip.status = SipStatus.INVITED
        audit(actor, AuditAction.CREATE, sip, "Kallelse per brev", letter)
    return letter


def letter_printed(actor: Actor, letter: LetterInvitation) -> LetterInvitation:
    """The letter was printed (for the list: "utskrivet")."""
    letter.printed_at = timezone.now()
    letter.save(update_fields=["printed_at"])
    audit(actor, AuditAction.PRINT, letter.sip, "Kallelse per brev utskriven", letter)
    return letter


def record_letter_answer(
    actor: Actor, letter: LetterInvitation, *, accept: bool
) -> LetterInvitation:
    """The answer of the person or närstående (by phone or post), recorded by staff."""
    _require_open(letter.sip)
    letter.response = ParticipantResponse.ACCEPTED if accept else ParticipantResponse.DECLINED
    letter.responded_at = timezone.now()
    letter.responded_by = user_of(actor)
    letter.save(update_fields=["response", "responded_at", "responded_by"])
    why = "Svar på brevkallelse: kommer" if accept else "Svar på brevkallelse: kommer inte"
    audit(actor, AuditAction.UPDATE, letter.sip, why, letter)
    return letter


def unanswered(sip: Sip) -> list[str]:
    """Who has not answered the kallelse (invited units, and the person or närstående invited
    by letter), named for the confirmation before the plan is fastställd."""
    names = [
        str(p)
        for p in sip.participants.filter(response=ParticipantResponse.PENDING).select_related(
            "organisation", "unit"
        )
    ]
    for letter in sip.letters.filter(response=ParticipantResponse.PENDING):
        names.append(letter_recipient_label(letter))
    return names


def letter_recipient_label(letter: LetterInvitation) -> str:
    if letter.is_person:
        return "personen själv (brev)"
    relation = f", {letter.relation}" if letter.relation else ""
    return f"{letter.name}{relation} (närstående, brev)"


def send_reminders(now: dt.datetime | None = None) -> int:
    """Remind every invited unit that has not answered, `REMINDER_DAYS` before the meeting
    (run daily: `samverkan manage remind_sip_invitations`). Once per invitation and meeting
    time; returns the number of notifications made."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=REMINDER_DAYS)
    pending = (
        Participant.objects.filter(
            response=ParticipantResponse.PENDING,
            sip__status__in=(SipStatus.DRAFT, SipStatus.INVITED, SipStatus.ACTIVE),
            sip__meeting_at__gt=now,
            sip__meeting_at__lte=horizon,
        )
        .select_related("sip", "unit", "organisation")
        .order_by("pk")
    )
    made = 0
    for participant in pending:
        sip = participant.sip
        key = f"sip_reminder:{participant.pk}:{sip.meeting_at:%Y%m%d%H%M}"
        link = reverse("sip:detail", args=[sip.pk]) + "#deltagare"
        made += len(
            notify(
                participant.unit or participant.organisation,
                Kind.SIP_REMINDER,
                link,
                roles=SIP_ROLES,
                key=key,
            )
        )
    return made


def respond(actor: Actor, participant: Participant, *, accept: bool, note: str = "") -> Participant:
    _require_open(participant.sip)
    participant.response = ParticipantResponse.ACCEPTED if accept else ParticipantResponse.DECLINED
    participant.responded_at = timezone.now()
    participant.responded_by = user_of(actor)
    participant.response_note = note
    participant.save(update_fields=["response", "responded_at", "responded_by", "response_note"])
    why = "Kallelse accepterad" if accept else "Kallelse avböjd"
    audit(actor, AuditAction.UPDATE, participant.sip, why, participant)
    if participant.invited_by_id:
        link = reverse("sip:detail", args=[participant.sip_id]) + "#deltagare"
        notify(participant.invited_by, Kind.SIP_ANSWER, link, actor=actor)
    return participant


# --- plan versions --------------------------------------------------------------------------


def _require_open(sip: Sip) -> None:
    if not sip.is_open:
        raise StateError.single("status", "closed", "SIP:en är avslutad och kan inte ändras.")


def _carry_checklist(previous: PlanData, plan: PlanData, user: Any) -> None:
    """Who ticked an item, and when, is set by the save that ticked it and kept after."""
    before = {row.key: row for row in previous.checklist if row.key}
    now = timezone.now()
    for row in plan.checklist:
        old = before.get(row.key)
        if not row.done:
            row.done_by, row.done_at = None, None
        elif old is not None and old.done:
            row.done_by, row.done_at = old.done_by, old.done_at
        else:
            row.done_by, row.done_at = user, now


def _write_version(
    sip: Sip, plan: PlanData, user: Any, kind: str, *, based_on: int | None
) -> PlanVersion:
    """Write version sip.version + 1 if nobody wrote one since `based_on` (else conflict)."""
    number = (based_on or 0) + 1
    claimed = Sip.objects.filter(pk=sip.pk, version=based_on or 0).update(
        version=number,
        follow_up_date=plan.follow_up_date,
        overall_responsible_organisation=plan.overall_responsible_organisation,
        updated=timezone.now(),
    )
    if not claimed:
        current = Sip.objects.get(pk=sip.pk).version
        raise _conflict(sip, based_on or 0, current)
    profile = profile_of(user)
    version = PlanVersion.objects.create(
        sip=sip,
        number=number,
        kind=kind,
        based_on=based_on,
        goals=plan.goals,
        needs=plan.needs,
        overall_responsible_organisation=plan.overall_responsible_organisation,
        overall_responsible_unit=plan.overall_responsible_unit,
        overall_responsibility_note=plan.overall_responsibility_note,
        follow_up_date=plan.follow_up_date,
        end_of_life=plan.end_of_life,
        discharge_from_inpatient_care=plan.discharge_from_inpatient_care,
        extensive_home_care=plan.extensive_home_care,
        compulsory_care=plan.compulsory_care,
        chief_physician_name=plan.chief_physician_name.strip() if plan.compulsory_care else "",
        follow_up_notes=plan.follow_up_notes,
        change_note=plan.change_note,
        author=user,
        author_organisation=profile.organisation if profile else None,
    )
    Action.objects.bulk_create(
        Action(
            version=version,
            key=row.key or _new_key(),
            position=n,
            description=row.description.strip(),
            huvudman=row.huvudman,
            organisation=row.organisation,
            unit=row.unit,
            due=row.due,
            status=row.status,
        )
        for n, row in enumerate(plan.actions)
    )
    NamedCareContact.objects.bulk_create(
        NamedCareContact(
            version=version,
            key=row.key or _new_key(),
            position=n,
            organisation=row.organisation,
            unit=row.unit,
            name_or_role=row.name_or_role.strip(),
            is_physician=row.is_physician,
            responsibility=row.responsibility.strip(),
            phone=row.phone.strip(),
        )
        for n, row in enumerate(plan.care_contacts)
    )
    DischargeChecklistItem.objects.bulk_create(
        DischargeChecklistItem(
            version=version,
            key=row.key or _new_key(),
            position=n,
            text=row.text,
            done=row.done,
            done_by=row.done_by,
            done_at=row.done_at,
        )
        for n, row in enumerate(plan.checklist)
    )
    RiskAnalysisItem.objects.bulk_create(
        RiskAnalysisItem(
            version=version,
            key=row.key or _new_key(),
            position=n,
            risk=row.risk.strip(),
            consequence=row.consequence.strip(),
            likelihood=row.likelihood,
            severity=row.severity,
            measures=row.measures.strip(),
            owner=row.owner.strip(),
            due=row.due,
        )
        for n, row in enumerate(plan.risks)
    )
    sip.version = number
    sip.follow_up_date = plan.follow_up_date
    sip.overall_responsible_organisation = plan.overall_responsible_organisation
    return version


def _new_key() -> str:
    return str(uuid.uuid4())


def version_plan(sip: Sip, number: int) -> PlanData:
    return plan_of(sip.versions.filter(number=number).first())


def _conflict(sip: Sip, base: int, current: int) -> PlanConflict:
    return PlanConflict(base, current, diff(version_plan(sip, base), version_plan(sip, current)))


def save_plan(
    actor: Actor,
    sip: Sip,
    plan: PlanData,
    *,
    base_version: int,
    kind: str = VersionKind.REVISION,
) -> PlanVersion:
    """Save the plan as a new version, if nobody saved since `base_version`.

    Raises PlanConflict (with the field-level changes from `base_version` to the current
    version) when someone did, PlanRuleError when the plan breaks the agreements' rules.
    """
    user = user_of(actor)
    _require_open(sip)
    with transaction.atomic():
        # Re-read under the transaction: SQLite runs it IMMEDIATE, PostgreSQL locks the row.
        locked = Sip.objects.select_for_update().select_related("initiated_by_organisation")
        sip_now = locked.get(pk=sip.pk)
        if sip_now.version != base_version:
            raise _conflict(sip_now, base_version, sip_now.version)
        previous = version_plan(sip_now, base_version)
        plan = replace(plan)
        if is_gvb_target_group(sip_now, plan) and not plan.checklist:
            plan.checklist = previous.checklist or [ChecklistRow(text) for text in GVB_CHECKLIST]
        errors = check_plan(plan)
        if sip_now.status in (SipStatus.ACTIVE, SipStatus.FOLLOWED_UP):
            errors = check_activation(plan)
        if errors:
            raise PlanRuleError(errors)
        _carry_checklist(previous, plan, user)
        version = _write_version(sip_now, plan, user, kind, based_on=base_version)
        if kind == VersionKind.FOLLOW_UP and sip_now.status in (
            SipStatus.ACTIVE,
            SipStatus.FOLLOWED_UP,
        ):
            Sip.objects.filter(pk=sip.pk).update(status=SipStatus.FOLLOWED_UP)
            sip_now.status = SipStatus.FOLLOWED_UP
        why = "SIP uppföljd" if kind == VersionKind.FOLLOW_UP else "SIP-plan reviderad"
        audit(actor, AuditAction.UPDATE, sip_now, why, version)
        complete_people_tasks(actor, sip_now, plan)
    sip.version, sip.status = sip_now.version, sip_now.status
    sip.follow_up_date = sip_now.follow_up_date
    sip.overall_responsible_organisation = sip_now.overall_responsible_organisation
    return version


def follow_up(
    actor: Actor,
    sip: Sip,
    *,
    base_version: int,
    notes: str,
    next_follow_up: dt.date | None,
    action_statuses: dict[str, str] | None = None,
) -> PlanVersion:
    """A follow-up: the current plan with the notes, updated action statuses and the next
    follow-up date, as a new version (status followed_up)."""
    if sip.status not in (SipStatus.ACTIVE, SipStatus.FOLLOWED_UP):
        raise StateError.single(
            "status", "not_active", "Bara en fastställd (aktiv) plan kan följas upp."
        )
    plan = version_plan(sip, base_version)
    for row in plan.actions:
        if action_statuses and row.key in action_statuses:
            row.status = action_statuses[row.key]
    plan.follow_up_notes = notes
    plan.follow_up_date = next_follow_up
    plan.change_note = "Uppföljning"
    return save_plan(actor, sip, plan, base_version=base_version, kind=VersionKind.FOLLOW_UP)


def update_action(
    actor: Actor,
    sip: Sip,
    key: str,
    *,
    base_version: int,
    status: str | None = None,
    due: dt.date | None = None,
    set_due: bool = False,
) -> PlanVersion:
    """Change one action's status (and due date) as a new version."""
    plan = version_plan(sip, base_version)
    row = next((a for a in plan.actions if a.key == key), None)
    if row is None:
        raise SipError.single("key", "not_found", "Insatsen finns inte i den versionen.")
    if status is not None:
        row.status = status
    if set_due:
        row.due = due
    plan.change_note = "Insats ändrad"
    plan.follow_up_notes = ""
    return save_plan(actor, sip, plan, base_version=base_version)


# --- status and discharge ---------------------------------------------------------------------


def activate(actor: Actor, sip: Sip, *, confirm_unanswered: Iterable[str] | bool = ()) -> Sip:
    """Fastställ planen: goals, at least one action, overall responsibility, follow-up.

    While invitations are unanswered the plan is fastställd only with a confirmation naming
    them: `confirm_unanswered` is the list of names the user confirmed (as shown by
    `unanswered`); it must cover everyone still unanswered (True: the API's explicit yes)."""
    if sip.status not in (SipStatus.DRAFT, SipStatus.INVITED):
        raise StateError.single("status", "not_draft", "Planen är redan fastställd eller avslutad.")
    errors = check_activation(plan_of(sip.current_version()))
    if errors:
        raise PlanRuleError(errors)
    waiting = unanswered(sip)
    confirmed = confirm_unanswered is True or (
        not isinstance(confirm_unanswered, bool) and set(waiting) <= set(confirm_unanswered)
    )
    if waiting and not confirmed:
        raise PlanRuleError.single(
            "confirm_unanswered",
            "unanswered_invitations",
            "Alla kallade har inte svarat: "
            + ", ".join(waiting)
            + ". Bekräfta att planen ska fastställas utan deras svar.",
        )
    # No names in the log's reason: the count only (the names are on the SIP).
    why = f"SIP fastställd utan svar från {len(waiting)} kallade" if waiting else "SIP fastställd"
    return _set_status(actor, sip, SipStatus.ACTIVE, why)


def close(actor: Actor, sip: Sip) -> Sip:
    _require_open(sip)
    return _set_status(actor, sip, SipStatus.CLOSED, "SIP avslutad")


def _set_status(actor: Actor, sip: Sip, status: str, why: str) -> Sip:
    now = timezone.now()
    sip.status = status
    sip.closed_at = now if status == SipStatus.CLOSED else None
    sip.save(update_fields=["status", "closed_at", "updated"])
    audit(actor, AuditAction.UPDATE, sip, why)
    return sip


def discharge_errors(sip: Sip) -> list[RuleError]:
    return check_discharge(sip, plan_of(sip.current_version()))


def approve_discharge(actor: Actor, sip: Sip) -> Sip:
    """Klart för utskrivning: the named care contact, and for Gävleborg's target group the
    checklist and the risk analysis, must be in place."""
    _require_open(sip)
    errors = discharge_errors(sip)
    if errors:
        raise PlanRuleError(errors)
    sip.discharge_approved_at = timezone.now()
    sip.discharge_approved_by = user_of(actor)
    sip.save(update_fields=["discharge_approved_at", "discharge_approved_by", "updated"])
    audit(actor, AuditAction.UPDATE, sip, "Klar för utskrivning")
    return sip


def move_sips_on_merge(source: Person, target: Person, user: Any) -> None:
    """people.services.MERGE_HOOKS: when a person record is merged into another (e.g. a
    reservnummer into a new personnummer), its SIPs follow to the surviving record. The
    merge itself is audited by the people app under both persons' references."""
    Sip.objects.filter(person=source).update(person=target, updated=timezone.now())


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionDiff:
    old: int
    new: int
    changes: list[Change]


def compare_versions(sip: Sip, old: int, new: int) -> VersionDiff:
    return VersionDiff(old, new, diff(version_plan(sip, old), version_plan(sip, new)))


def notes_for(
    person: Person,
    plan: PlanData,
    *,
    organisation: Organisation,
    on_request: bool,
    read_facts: bool = True,
) -> list[Note]:
    """What the agreements say about a SIP in these circumstances (quoted clauses).
    `read_facts=False` for a participant: the person's recorded facts are the initiating
    organisation's record, not part of the plan, so they are not read for it."""
    facts = people_selectors.current_facts(person) if read_facts else {}
    return agreement_notes(
        plan,
        on_request=on_request,
        personal_assistance_lss=facts.get("personal_assistance_lss") is True,
        in_gavleborg=organisation.region == "gavleborg",
    )


def agreement_label(value: str) -> str:
    return str(AgreementContext(value).label) if value else "Ingen särskild överenskommelse (lag)"
