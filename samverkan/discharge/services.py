"""Writes of the discharge room: the process of Lag (2017:612) om samverkan vid utskrivning
från sluten hälso- och sjukvård, with guards, tasks and notifications.

Every function takes the acting user (or request), checks it through `discharge.access`,
raises `DischargeError` (a `core.errors.Problem`) on bad input, writes in one transaction and
logs through the audit log. Irreversible steps (utskrivningsklar, discharge, death, a
withdrawn consent) need `confirm=True`. Imports (FHIR, file) call the same functions with
their `source` and `source_id`, which makes them idempotent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.actors import user_of
from samverkan.accounts.models import (
    LICENSED_ROLES,
    Organisation,
    OrganisationKind,
    Role,
    Unit,
    UnitKind,
    Verksamhet,
)
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action as AuditAction
from samverkan.core.errors import Problem
from samverkan.discharge import access
from samverkan.discharge.models import (
    OPEN_STATUSES,
    CareType,
    ConsentGiver,
    DischargeTool,
    Notice,
    NoticeKind,
    PlanningConsent,
    PlanningEntry,
    Receiver,
    RegionDischargeSetting,
    Source,
    Stay,
    StayStatus,
    StayTask,
    TaskKind,
)
from samverkan.notifications.services import Kind, notify
from samverkan.people import access as people_access
from samverkan.people import selectors as people_selectors
from samverkan.rules import (
    INTERVENTIONS,
    InvalidFacts,
    decide,
    decision_summary,
    sip_call_within_days,
)

#: A clock a little ahead of ours is not "the future" (a source system's clock may differ).
CLOCK_SLACK = dt.timedelta(minutes=5)

#: Units of the region that can be a patient's fast vårdkontakt in open care (§6.2).
OPEN_CARE_UNIT_KINDS = frozenset(
    {
        UnitKind.PRIMARY_CARE,
        UnitKind.ADULT_PSYCHIATRY,
        UnitKind.YOUTH_CLINIC_UPM,
        UnitKind.CHILD_PSYCHIATRY_BUP,
        UnitKind.CHILD_HABILITATION_BUH,
        UnitKind.SPECIALIST_CARE,
    }
)

_SOCIAL_ROLES = (Role.NEEDS_ASSESSOR, Role.SIP_COORDINATOR)
_HEALTH_ROLES = (*LICENSED_ROLES, Role.SIP_COORDINATOR)
_ROLES_OF_RECEIVER: dict[str, tuple[str, ...]] = {
    Receiver.MUNICIPAL_SOCIAL_SERVICES: _SOCIAL_ROLES,
    Receiver.MUNICIPAL_HEALTH_CARE: _HEALTH_ROLES,
    Receiver.REGION_OPEN_CARE: _HEALTH_ROLES,
}


class DischargeError(Problem):
    """A refused discharge request (422 unless `status=` says otherwise)."""


def _error(field: str | None, code: str, message: str, status: int = 422) -> DischargeError:
    return DischargeError(field, code, message, status=status)


# --- small checks -------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _require_confirm(confirm: bool, what: str) -> None:
    if not confirm:
        raise _error(
            "confirm",
            "confirmation_required",
            f"{what} kan inte ångras. Bekräfta först.",
        )


def _time(value: Any, field: str, *, not_before: dt.datetime | None = None) -> dt.datetime:
    if value is None:
        return _now()
    if not isinstance(value, dt.datetime):
        raise _error(field, "invalid", "Ange datum och klockslag.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > _now() + CLOCK_SLACK:
        raise _error(field, "in_future", "Tidpunkten får inte ligga i framtiden.")
    if not_before is not None and value < not_before:
        raise _error(
            field,
            "before_admission",
            "Tidpunkten får inte ligga före inskrivningen.",
        )
    return value


def require_region_sender(actor: Any) -> Any:
    """The user's profile if she works in the health care of a region (who sends the
    region's notices, by hand or by import), else 403."""
    profile = profile_of(user_of(actor))
    if (
        profile is None
        or access.discharge_organisation(user_of(actor)) is None
        or profile.organisation.kind != OrganisationKind.REGION
        or profile.verksamhet != Verksamhet.HEALTH_CARE
    ):
        raise DischargeError(
            None,
            "not_region_care",
            "Bara regionens hälso- och sjukvård skickar dessa meddelanden.",
            status=403,
        )
    return profile


def tool_of(region: str) -> str:
    """The region's discharge tool: Samverkan's board (default) or its own tool (import)."""
    setting = RegionDischargeSetting.objects.filter(region=region).first()
    return setting.tool if setting else DischargeTool.BOARD


def _require_board(stay_or_region: Stay | str, source: str) -> None:
    """A region with its own tool sends its notices from there: entered by hand (board or
    API) they would be kept in two systems."""
    region = (
        stay_or_region if isinstance(stay_or_region, str) else stay_or_region.organisation.region
    )
    if source in (Source.BOARD, Source.API) and tool_of(region) == DischargeTool.OWN_TOOL:
        raise _error(
            None,
            "region_uses_own_tool",
            "Regionen skickar sina meddelanden från sitt eget planeringsverktyg; de kommer hit "
            "genom import. Registrera meddelandet där.",
            status=409,
        )


def _require_open(stay: Stay) -> None:
    if stay.status not in OPEN_STATUSES:
        raise _error(
            None,
            "stay_closed",
            "Vårdtillfället är avslutat (utskriven eller avliden).",
            status=409,
        )


def _link(stay: Stay) -> str:
    return reverse("discharge:detail", args=[stay.pk])


def existing_notice(stay: Stay, source_id: str) -> Notice | None:
    """The notice an import already recorded under this source id, if any."""
    if not source_id:
        return None
    return Notice.objects.filter(stay=stay, source_id=source_id).first()


_existing = existing_notice


def _notice(actor: Any, stay: Stay, kind: str, sent_at: dt.datetime, **fields: Any) -> Notice:
    user = user_of(actor)
    profile = access.staff_profile(user)
    notice = Notice.objects.create(
        stay=stay,
        kind=kind,
        sent_at=sent_at,
        sender=fields.pop("sender", None) or profile.organisation,
        sender_unit=fields.pop("sender_unit", None) or (profile.unit if profile else None),
        sent_by=user if getattr(user, "is_authenticated", False) else None,
        **fields,
    )
    access.audit(
        actor, AuditAction.CREATE, stay, f"Utskrivning: {notice.get_kind_display()}", notice
    )
    return notice


def _receivers_of(stay: Stay) -> list[Notice]:
    return list(
        Notice.objects.filter(stay=stay, kind=NoticeKind.ADMISSION).select_related(
            "receiver_organisation", "receiver_unit"
        )
    )


def _tell_receivers(stay: Stay, actor: Any, key: str) -> None:
    for notice in _receivers_of(stay):
        target = notice.receiver_unit or notice.receiver_organisation
        if target is None:
            continue
        notify(
            target,
            Kind.DISCHARGE_NOTICE,
            _link(stay),
            actor=actor,
            roles=None if notice.receiver_unit else _ROLES_OF_RECEIVER[notice.receiver],
            key=f"discharge:{stay.pk}:{key}:{notice.receiver}",
        )


def _tell_region(stay: Stay, actor: Any, key: str) -> None:
    notify(
        stay.unit, Kind.DISCHARGE_NOTICE, _link(stay), actor=actor, key=f"discharge:{stay.pk}:{key}"
    )


def _close_tasks(stay: Stay, actor: Any, kinds: Iterable[str], organisation: Any = None) -> None:
    tasks = StayTask.objects.filter(stay=stay, kind__in=list(kinds), done_at__isnull=True)
    if organisation is not None:
        tasks = tasks.filter(organisation=organisation)
    user = user_of(actor)
    tasks.update(done_at=_now(), done_by=user if getattr(user, "is_authenticated", False) else None)


def _task(
    stay: Stay, kind: str, organisation: Organisation, unit: Unit | None, due: dt.date | None
) -> StayTask:
    task, _ = StayTask.objects.get_or_create(
        stay=stay,
        kind=kind,
        organisation=organisation,
        done_at__isnull=True,
        defaults={"unit": unit, "due": due},
    )
    return task


# --- admission ----------------------------------------------------------------------------


def admit(
    actor: Any,
    person: Any,
    *,
    unit: Unit | None,
    municipality: Organisation | None,
    care_type: str,
    admitted_at: dt.datetime | None = None,
    needs_municipal_insatser: bool | None = None,
    from_regional_care: bool = False,
    source: str = Source.BOARD,
    source_id: str = "",
    payload: Mapping[str, Any] | None = None,
) -> Stay:
    """A new stay at the user's region's inpatient unit. With a `source_id` the same call
    again answers with the stay already recorded (an import's second run)."""
    user = user_of(actor)
    access.require_role(actor, "Utskrivning: ny inskrivning")
    profile = require_region_sender(actor)
    organisation = profile.organisation
    if source_id:
        found = Stay.objects.filter(organisation=organisation, source_id=source_id).first()
        if found is not None:
            if found.person_id != person.survivor().pk:
                raise _error(
                    "source_id",
                    "source_id_taken",
                    "Källans id hör redan till ett annat vårdtillfälle.",
                    status=409,
                )
            return found
    _require_board(organisation.region, source)
    if not people_access.can_see(user, person):
        raise _error("person", "person_unknown", "Personen finns inte bland era patienter.", 404)
    if unit is None or unit.organisation_id != organisation.pk:
        raise _error("unit", "not_own_unit", "Enheten hör inte till din region.")
    if (
        municipality is None
        or municipality.kind != OrganisationKind.MUNICIPALITY
        or municipality.region != organisation.region
    ):
        raise _error("municipality", "not_a_municipality", "Ange en kommun i regionens län.")
    if care_type not in CareType.values:
        raise DischargeError(
            "care_type",
            "invalid_choice",
            "Vårdformen ska vara somatisk eller psykiatrisk vård.",
            allowed=tuple(CareType.values),
        )
    admitted = _time(admitted_at, "admitted_at")
    with transaction.atomic():
        stay = Stay.objects.create(
            person=person.survivor(),
            organisation=organisation,
            unit=unit,
            municipality=municipality,
            care_type=care_type,
            admitted_at=admitted,
            needs_municipal_insatser=needs_municipal_insatser,
            from_regional_care=from_regional_care,
            source=source,
            source_id=source_id,
            created_by=user,
        )
        access.audit(actor, AuditAction.CREATE, stay, "Utskrivning: ny inskrivning")
    return stay


def send_admission_notice(
    actor: Any,
    stay: Stay,
    *,
    receivers: Iterable[str],
    sent_at: dt.datetime | None = None,
    receiver_unit: Unit | None = None,
    text: str = "",
    source: str = Source.BOARD,
    source_id: str = "",
    payload: Mapping[str, Any] | None = None,
) -> list[Notice]:
    """The inskrivningsmeddelande (Lag 2017:612 4 kap. 1 §) to each receiver; one sent more
    than 24 hours after admission is shown as late. A receiver already notified is skipped."""
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Inskrivningsmeddelande")
    _require_board(stay, source)
    _require_open(stay)
    wanted = list(dict.fromkeys(receivers))
    if not wanted:
        raise DischargeError(
            "receivers", "required", "Välj minst en mottagare.", allowed=tuple(Receiver.values)
        )
    for value in wanted:
        if value not in Receiver.values:
            raise DischargeError(
                "receivers",
                "invalid_choice",
                "Okänd mottagare.",
                allowed=tuple(Receiver.values),
            )
    when = _time(sent_at, "sent_at", not_before=stay.admitted_at)
    done = set(
        Notice.objects.filter(stay=stay, kind=NoticeKind.ADMISSION).values_list(
            "receiver", flat=True
        )
    )
    created: list[Notice] = []
    with transaction.atomic():
        for value in wanted:
            if value in done:
                continue
            to = stay.organisation if value == Receiver.REGION_OPEN_CARE else stay.municipality
            unit = (
                receiver_unit if receiver_unit and receiver_unit.organisation_id == to.pk else None
            )
            notice = _notice(
                actor,
                stay,
                NoticeKind.ADMISSION,
                when,
                receiver=value,
                receiver_organisation=to,
                receiver_unit=unit,
                text=text,
                source=source,
                source_id=f"{source_id}:{value}" if source_id else "",
                payload=dict(payload) if payload else None,
            )
            created.append(notice)
            if value != Receiver.REGION_OPEN_CARE:
                _task(stay, TaskKind.ANSWER_ADMISSION, to, unit, when.date())
            notify(
                unit or to,
                Kind.DISCHARGE_NOTICE,
                _link(stay),
                actor=actor,
                roles=None if unit else _ROLES_OF_RECEIVER[value],
                key=f"discharge:{stay.pk}:admission:{value}",
            )
        if stay.care_contact_unit_id is None:
            _task(stay, TaskKind.APPOINT_CARE_CONTACT, stay.organisation, None, when.date())
    return created


# --- planning -----------------------------------------------------------------------------


def answer_planning(
    actor: Any,
    stay: Stay,
    *,
    text: str,
    insatser: Iterable[str] = (),
    receiver: str | None = None,
    sent_at: dt.datetime | None = None,
    source: str = Source.BOARD,
    source_id: str = "",
) -> Notice:
    """A receiver's answer: who plans, which insatser are expected after discharge."""
    user = user_of(actor)
    kinds = access.receiver_kinds(user, stay)
    access.require(actor, bool(kinds), stay, "Svar på inskrivningsmeddelande")
    _require_open(stay)
    if found := _existing(stay, source_id):
        return found
    if receiver is None:
        receiver = kinds[0]
    if receiver not in kinds:
        raise DischargeError(
            "receiver",
            "not_a_receiver",
            "Meddelandet skickades inte till den mottagaren.",
            allowed=tuple(kinds),
        )
    text = (text or "").strip()
    if not text:
        raise _error("text", "required", "Skriv vem som planerar och vad som väntas.")
    chosen = list(dict.fromkeys(insatser))
    for value in chosen:
        if value not in INTERVENTIONS:
            raise DischargeError(
                "insatser", "invalid_choice", "Okänd insats.", allowed=tuple(INTERVENTIONS)
            )
    when = _time(sent_at, "sent_at", not_before=stay.admitted_at)
    profile = access.staff_profile(user)
    with transaction.atomic():
        notice = _notice(
            actor,
            stay,
            NoticeKind.PLANNING_ANSWER,
            when,
            receiver=receiver,
            receiver_organisation=stay.organisation,
            text=text,
            insatser=chosen,
            source=source,
            source_id=source_id,
        )
        _close_tasks(stay, actor, [TaskKind.ANSWER_ADMISSION], profile.organisation)
        if stay.status == StayStatus.ADMITTED:
            stay.status = StayStatus.PLANNED
            stay.save(update_fields=["status", "updated_at"])
        _tell_region(stay, actor, f"answer:{notice.pk}")
    return notice


def appoint_care_contact(
    actor: Any,
    stay: Stay,
    *,
    unit: Unit | None,
    name: str,
    is_physician: bool = False,
    source: str = Source.BOARD,
    source_id: str = "",
) -> Notice:
    """The fast vårdkontakt in open care (hemsjukvård §6.2: primary care or specialised open
    care; a physician at end of life)."""
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Fast vårdkontakt")
    if stay.status == StayStatus.DIED:  # after discharge still (hemsjukvård §7.6)
        _require_open(stay)
    if found := _existing(stay, source_id):
        return found
    if (
        unit is None
        or unit.organisation_id != stay.organisation_id
        or unit.kind not in OPEN_CARE_UNIT_KINDS
    ):
        raise _error(
            "unit",
            "not_open_care",
            "Den fasta vårdkontakten ska finnas i regionens primärvård eller specialiserade "
            "öppenvård.",
        )
    name = (name or "").strip()
    if not name:
        raise _error("name", "required", "Ange den fasta vårdkontakten (namn eller funktion).")
    with transaction.atomic():
        stay.care_contact_unit = unit
        stay.care_contact_name = name
        stay.care_contact_is_physician = is_physician
        stay.save(
            update_fields=[
                "care_contact_unit",
                "care_contact_name",
                "care_contact_is_physician",
                "updated_at",
            ]
        )
        notice = _notice(
            actor,
            stay,
            NoticeKind.CARE_CONTACT,
            _now(),
            receiver_unit=unit,
            receiver_organisation=stay.organisation,
            text=name,
            source=source,
            source_id=source_id,
        )
        _close_tasks(stay, actor, [TaskKind.APPOINT_CARE_CONTACT, TaskKind.CARE_CONTACT_MISSING])
        notify(
            unit,
            Kind.DISCHARGE_NOTICE,
            _link(stay),
            actor=actor,
            key=f"discharge:{stay.pk}:contact",
        )
        _tell_receivers(stay, actor, f"contact:{notice.pk}")
    return notice


def assess_needs(actor: Any, stay: Stay, *, needs: bool) -> Stay:
    """The region's assessment that the patient is (or is not) expected to need the kommun's
    insatser after discharge (Lag 2017:612: the condition of the notices and of the kommun's
    payment responsibility). Open stays only."""
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Bedömning av behov")
    _require_open(stay)
    if not isinstance(needs, bool):
        raise _error("needs_municipal_insatser", "invalid", "Svara ja eller nej.")
    if stay.needs_municipal_insatser is not needs:
        stay.needs_municipal_insatser = needs
        stay.save(update_fields=["needs_municipal_insatser", "updated_at"])
        access.audit(actor, AuditAction.UPDATE, stay, "Bedömning av behov av kommunens insatser")
    return stay


def set_preliminary_date(
    actor: Any, stay: Stay, *, on: dt.date, source: str = Source.BOARD
) -> Notice:
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Preliminärt utskrivningsdatum")
    _require_board(stay, source)
    _require_open(stay)
    if not isinstance(on, dt.date) or on < timezone.localdate(stay.admitted_at):
        raise _error("on", "before_admission", "Datumet får inte ligga före inskrivningen.")
    with transaction.atomic():
        stay.preliminary_discharge_on = on
        stay.save(update_fields=["preliminary_discharge_on", "updated_at"])
        notice = _notice(
            actor, stay, NoticeKind.PRELIMINARY_DATE, _now(), text=on.isoformat(), source=source
        )
        _tell_receivers(stay, actor, f"date:{notice.pk}")
    return notice


def record_consent(
    actor: Any,
    stay: Stay,
    *,
    given_by: str,
    organisations: Iterable[Organisation] | None = None,
    note: str = "",
) -> PlanningConsent:
    """The basis for sharing the planning basis with the other huvudmän: the person's
    consent, a vårdnadshavare's for a child, or the documented assessment for an adult who
    cannot decide (the same bases as a SIP's: PDL 6 kap. 2 a, 3 a §§; OSL 25 kap. 1 §)."""
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Samtycke till planeringsunderlag")
    if given_by not in ConsentGiver.values:
        raise DischargeError(
            "given_by",
            "invalid_choice",
            "Välj vem som lämnat samtycket.",
            allowed=tuple(ConsentGiver.values),
        )
    note = (note or "").strip()
    if given_by == ConsentGiver.ASSESSMENT and not note:
        raise _error("note", "required", "Beskriv bedömningen: vem, när och varför.")
    listed = list(organisations or [])
    with transaction.atomic():
        consent = PlanningConsent.objects.create(
            stay=stay, given_by=given_by, all_receivers=not listed, note=note, recorded_by=user
        )
        if listed:
            consent.organisations.set(listed)
        access.audit(actor, AuditAction.CREATE, stay, "Samtycke till planeringsunderlag", consent)
    return consent


def withdraw_consent(actor: Any, consent: PlanningConsent, *, confirm: bool) -> PlanningConsent:
    stay = consent.stay
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Återkalla samtycke")
    _require_confirm(confirm, "Att återkalla samtycket")
    if consent.withdrawn_at is None:
        consent.withdrawn_at = _now()
        consent.save(update_fields=["withdrawn_at"])
        access.audit(actor, AuditAction.UPDATE, stay, "Samtycke återkallat", consent)
    return consent


def add_planning(actor: Any, stay: Stay, *, text: str) -> PlanningEntry:
    """An entry in the planning basis, by the region or a receiver."""
    user = user_of(actor)
    access.require(
        actor,
        access.is_own(user, stay) or access.may_answer(user, stay),
        stay,
        "Planeringsunderlag",
    )
    _require_open(stay)
    text = (text or "").strip()
    if not text:
        raise _error("text", "required", "Skriv planeringsunderlaget.")
    entry = PlanningEntry.objects.create(
        stay=stay, organisation=access.staff_profile(user).organisation, written_by=user, text=text
    )
    access.audit(actor, AuditAction.CREATE, stay, "Planeringsunderlag", entry)
    return entry


# --- utskrivningsklar, discharge, death ----------------------------------------------------


def expected_insatser(stay: Stay) -> list[str]:
    """The insatser the receivers' planning answers expect, in answer order."""
    seen: dict[str, None] = {}
    for notice in Notice.objects.filter(stay=stay, kind=NoticeKind.PLANNING_ANSWER):
        for value in notice.insatser or []:
            seen.setdefault(value, None)
    return list(seen)


def decide_after_discharge(stay: Stay, on: dt.date) -> list[dict[str, Any]]:
    """The engine's decision for each expected insats after discharge, on the facts the
    region and the kommun recorded (`people.selectors.facts_on(parties=…)`)."""
    base = people_selectors.facts_on(
        stay.person, on, parties=[stay.organisation_id, stay.municipality_id]
    )
    out: list[dict[str, Any]] = []
    for kind in expected_insatser(stay):
        facts = {
            **base,
            "region": stay.organisation.region,
            "date": on.isoformat(),
            "municipality": stay.municipality.scb_code,
            "discharge_from_inpatient_care": True,
            "intervention": kind,
        }
        try:
            decision = decide(facts).as_dict()
        except InvalidFacts as exc:
            out.append({"intervention": kind, "error": exc.errors[0].message})
            continue
        out.append(
            {
                "intervention": kind,
                "summary": decision_summary(decision["outcome"]),
                "decision": decision,
            }
        )
    return out


def mark_ready(
    actor: Any,
    stay: Stay,
    *,
    ready_at: dt.datetime | None = None,
    notice_at: dt.datetime | None = None,
    confirm: bool = False,
    source: str = Source.BOARD,
    source_id: str = "",
    imported: bool = False,
) -> Notice:
    """The treating physician's assessment that the patient is utskrivningsklar (Lag
    2017:612 1 kap. 4 §), notified to the receivers; the engine's decisions for the
    expected insatser are attached as a snapshot. An import carries the physician's
    assessment from the region's own tool."""
    user = user_of(actor)
    allowed = access.may_send(user, stay) if imported else access.may_mark_ready(user, stay)
    access.require(actor, allowed, stay, "Utskrivningsklar")
    if found := _existing(stay, source_id):
        return found
    _require_board(stay, source)
    if not imported:
        _require_confirm(confirm, "Utskrivningsklar")
    if stay.status not in (StayStatus.ADMITTED, StayStatus.PLANNED):
        raise _error(
            None, "wrong_status", "Vårdtillfället är redan utskrivningsklart eller avslutat.", 409
        )
    when = _time(ready_at, "ready_at", not_before=stay.admitted_at)
    sent = _time(notice_at, "notice_at", not_before=when) if notice_at is not None else when
    with transaction.atomic():
        stay.ready_at = when
        stay.status = StayStatus.READY
        stay.decision_snapshot = decide_after_discharge(stay, timezone.localdate(when))
        stay.save(update_fields=["ready_at", "status", "decision_snapshot", "updated_at"])
        notice = _notice(actor, stay, NoticeKind.READY, sent, source=source, source_id=source_id)
        _tell_receivers(stay, actor, "ready")
    return notice


def _needs_sip(stay: Stay) -> bool:
    """Insatser from several units: planning answers with insatser from more than one
    receiver (kommun social services, kommun health care, region open care)."""
    answering = {
        n.receiver
        for n in Notice.objects.filter(stay=stay, kind=NoticeKind.PLANNING_ANSWER)
        if n.insatser
    }
    return len(answering) > 1


def discharge(
    actor: Any,
    stay: Stay,
    *,
    discharged_at: dt.datetime | None = None,
    confirm: bool = False,
    source: str = Source.BOARD,
    source_id: str = "",
    imported: bool = False,
) -> Notice:
    """The notice of discharge. When insatser from several units are needed, a task for the
    fast vårdkontakt to call to a SIP; home from regionsjukvård without a fast vårdkontakt
    (hemsjukvård §7.6), a task for the region's primary care."""
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Utskrivning")
    if found := _existing(stay, source_id):
        return found
    _require_board(stay, source)
    if not imported:
        _require_confirm(confirm, "Utskrivningen")
    _require_open(stay)
    when = _time(discharged_at, "discharged_at", not_before=stay.ready_at or stay.admitted_at)
    with transaction.atomic():
        stay.discharged_at = when
        stay.status = StayStatus.DISCHARGED
        stay.save(update_fields=["discharged_at", "status", "updated_at"])
        notice = _notice(
            actor, stay, NoticeKind.DISCHARGE, when, source=source, source_id=source_id
        )
        _close_tasks(stay, actor, [TaskKind.ANSWER_ADMISSION])
        if _needs_sip(stay):
            _task(
                stay,
                TaskKind.CALL_SIP,
                stay.organisation,
                stay.care_contact_unit,
                # Lag (2017:612) 4 kap. 3 §: the dated parameter sip_call_within_days
                timezone.localdate(when)
                + dt.timedelta(days=sip_call_within_days(timezone.localdate(when))),
            )
        if stay.from_regional_care and stay.care_contact_unit_id is None:
            _task(
                stay,
                TaskKind.CARE_CONTACT_MISSING,
                stay.organisation,
                None,
                timezone.localdate(when),
            )
        _tell_receivers(stay, actor, "discharge")
        if stay.care_contact_unit is not None:
            notify(
                stay.care_contact_unit,
                Kind.DISCHARGE_NOTICE,
                _link(stay),
                actor=actor,
                key=f"discharge:{stay.pk}:discharge:contact",
            )
    return notice


def record_death(
    actor: Any,
    stay: Stay,
    *,
    died_at: dt.datetime | None = None,
    confirm: bool = False,
    source: str = Source.BOARD,
    source_id: str = "",
    imported: bool = False,
) -> Notice:
    user = user_of(actor)
    access.require(actor, access.may_send(user, stay), stay, "Dödsfall")
    if found := _existing(stay, source_id):
        return found
    _require_board(stay, source)
    if not imported:
        _require_confirm(confirm, "Dödsfallet")
    _require_open(stay)
    when = _time(died_at, "died_at", not_before=stay.admitted_at)
    with transaction.atomic():
        stay.died_at = when
        stay.status = StayStatus.DIED
        stay.save(update_fields=["died_at", "status", "updated_at"])
        notice = _notice(actor, stay, NoticeKind.DEATH, when, source=source, source_id=source_id)
        _close_tasks(stay, actor, TaskKind.values)
        _tell_receivers(stay, actor, "death")
    return notice


# --- §7.6 and the SIP after discharge -------------------------------------------------------


def report_home_without_care_contact(
    actor: Any, stay: Stay, *, health_centre: Unit | None, note: str = ""
) -> Notice:
    """hemsjukvård §7.6: the kommun records that the person came home from regionsjukvård
    without a fast vårdkontakt; a task goes to the hälsocentral concerned."""
    user = user_of(actor)
    access.require(
        actor,
        access.may_report_home_without_contact(user, stay),
        stay,
        "Hemkommen utan fast vårdkontakt",
    )
    if (
        health_centre is None
        or health_centre.organisation_id != stay.organisation_id
        or health_centre.kind != UnitKind.PRIMARY_CARE
    ):
        raise _error("health_centre", "not_a_health_centre", "Välj regionens hälsocentral.")
    if stay.care_contact_unit_id is not None:
        raise _error(
            None, "care_contact_exists", "Personen har redan en fast vårdkontakt.", status=409
        )
    with transaction.atomic():
        if not stay.from_regional_care:
            stay.from_regional_care = True
            stay.save(update_fields=["from_regional_care", "updated_at"])
        notice = _notice(
            actor,
            stay,
            NoticeKind.HOME_WITHOUT_CARE_CONTACT,
            _now(),
            receiver_organisation=stay.organisation,
            receiver_unit=health_centre,
            text=(note or "").strip(),
            source=Source.BOARD,
        )
        StayTask.objects.filter(
            stay=stay, kind=TaskKind.CARE_CONTACT_MISSING, done_at__isnull=True, unit__isnull=True
        ).update(unit=health_centre)
        _task(
            stay,
            TaskKind.CARE_CONTACT_MISSING,
            stay.organisation,
            health_centre,
            timezone.localdate(),
        )
        notify(
            health_centre,
            Kind.DISCHARGE_NOTICE,
            _link(stay),
            actor=actor,
            key=f"discharge:{stay.pk}:missing:{notice.pk}",
        )
    return notice


def call_sip(actor: Any, stay: Stay) -> Any:
    """The fast vårdkontakt calls to a SIP after discharge: a SIP in the SIP room (its
    circumstances say the person comes from inpatient care), linked to the stay."""
    from samverkan.sip import services as sip_services

    user = user_of(actor)
    access.require(actor, access.may_call_sip(user, stay), stay, "Kalla till SIP")
    if stay.status not in (StayStatus.READY, StayStatus.DISCHARGED):
        raise _error(None, "wrong_status", "En SIP kallas till när personen skrivs ut.", 409)
    if stay.sip_id is not None:
        raise _error(None, "sip_exists", "En SIP är redan startad för vårdtillfället.", 409)
    if not people_access.can_see(user, stay.person):
        raise _error(
            None,
            "no_care_relation",
            "Du har ingen vårdrelation med personen i din verksamhet; den fasta vårdkontakten "
            "startar planen.",
            status=403,
        )
    with transaction.atomic():
        sip = sip_services.start_sip(
            actor, stay.person, circumstances={"discharge_from_inpatient_care": True}
        )
        stay.sip = sip
        stay.save(update_fields=["sip", "updated_at"])
        _close_tasks(stay, actor, [TaskKind.CALL_SIP])
        access.audit(actor, AuditAction.UPDATE, stay, "SIP efter utskrivning startad")
    return sip


def complete_task(actor: Any, task: StayTask) -> StayTask:
    user = user_of(actor)
    profile = access.staff_profile(user)
    stay = task.stay
    access.require(
        actor,
        profile is not None
        and profile.organisation_id == task.organisation_id
        and access.can_see(user, stay),
        stay,
        "Uppgift klar",
    )
    if task.done_at is None:
        task.done_at = _now()
        task.done_by = user
        task.save(update_fields=["done_at", "done_by"])
    return task


# --- from a source system (FHIR, file) ------------------------------------------------------


@dataclass
class Imported:
    """What one import did: counted so that a second run shows it changed nothing."""

    stays_created: int = 0
    stays_found: int = 0
    notices_created: int = 0
    notices_found: int = 0


def record_from_source(
    actor: Any,
    result: Imported,
    *,
    source: str,
    source_id: str,
    person: Any,
    unit: Unit,
    municipality: Organisation,
    care_type: str,
    admitted_at: dt.datetime,
    needs_municipal_insatser: bool | None = None,
    from_regional_care: bool = False,
    admission_notice_at: dt.datetime | None = None,
    receivers: Iterable[str] = (),
    ready_at: dt.datetime | None = None,
    ready_notice_at: dt.datetime | None = None,
    discharged_at: dt.datetime | None = None,
    died_at: dt.datetime | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Stay:
    """One stay as the region's tool reports it, through the same services as the board
    (guards, tasks, notifications), each event once: the stay by `source_id`, each notice by
    `source_id:<kind>`. A second import of the same data adds nothing."""
    before = Stay.objects.filter(
        organisation=access.staff_profile(actor).organisation, source_id=source_id
    ).first()
    stay = before or admit(
        actor,
        person,
        unit=unit,
        municipality=municipality,
        care_type=care_type,
        admitted_at=admitted_at,
        needs_municipal_insatser=needs_municipal_insatser,
        from_regional_care=from_regional_care,
        source=source,
        source_id=source_id,
        payload=payload,
    )
    if before is None:
        result.stays_created += 1
    else:
        result.stays_found += 1
        if before.person_id != person.survivor().pk:
            raise _error(
                "source_id",
                "source_id_taken",
                "Källans id hör redan till ett annat vårdtillfälle.",
                409,
            )
        changed = [
            name
            for name, value in (("needs_municipal_insatser", needs_municipal_insatser),)
            if value is not None and getattr(stay, name) != value
        ]
        if changed:
            stay.needs_municipal_insatser = needs_municipal_insatser
            stay.save(update_fields=["needs_municipal_insatser", "updated_at"])

    def count(found: bool) -> None:
        if found:
            result.notices_found += 1
        else:
            result.notices_created += 1

    if admission_notice_at is not None:
        wanted = list(receivers) or [
            Receiver.MUNICIPAL_SOCIAL_SERVICES,
            Receiver.MUNICIPAL_HEALTH_CARE,
        ]
        missing = []
        for receiver in wanted:
            found = _existing(stay, f"{source_id}:admission:{receiver}") is not None
            count(found)
            if not found:
                missing.append(receiver)
    if admission_notice_at is not None and missing:
        send_admission_notice(
            actor,
            stay,
            receivers=missing,
            sent_at=admission_notice_at,
            source=source,
            source_id=f"{source_id}:admission",
            payload=payload,
        )
    steps: list[tuple[str, Any, Any]] = []
    if ready_at is not None:
        steps.append(("ready", mark_ready, {"ready_at": ready_at, "notice_at": ready_notice_at}))
    if died_at is not None:
        steps.append(("death", record_death, {"died_at": died_at}))
    elif discharged_at is not None:
        steps.append(("discharge", discharge, {"discharged_at": discharged_at}))
    for kind, step, times in steps:
        sid = f"{source_id}:{kind}"
        found = _existing(stay, sid) is not None
        count(found)
        if not found:
            stay.refresh_from_db()
            step(actor, stay, source=source, source_id=sid, imported=True, **times)
    return stay


# --- merge ---------------------------------------------------------------------------------


def move_stays_on_merge(source: Any, target: Any, user: Any) -> None:
    """people.services.MERGE_HOOKS: a merged person's stays follow the surviving record."""
    Stay.objects.filter(person=source).update(person=target, updated_at=timezone.now())


__all__ = [
    "DischargeError",
    "Imported",
    "add_planning",
    "admit",
    "answer_planning",
    "appoint_care_contact",
    "assess_needs",
    "call_sip",
    "complete_task",
    "decide_after_discharge",
    "discharge",
    "existing_notice",
    "expected_insatser",
    "mark_ready",
    "move_stays_on_merge",
    "record_from_source",
    "record_consent",
    "record_death",
    "report_home_without_care_contact",
    "send_admission_notice",
    "set_preliminary_date",
    "require_region_sender",
    "tool_of",
    "withdraw_consent",
]
