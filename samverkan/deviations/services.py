"""What views, the API and other apps may call: deviations and complaints (jh-hemsjukvard §8.1).

Disputes live in `disputes.py`, the forum follow-up and the yearly report's queries in
`reports.py`; they are re-exported here so other apps import from one door (the agreements'
lifecycle is its own room: `samverkan.agreements.services` and `.selectors`):

    from samverkan.deviations import services
    services.report_deviation(request, ...)
    services.deviations_by_category_org_month("jh-hemsjukvard", 2025)

Every function taking an `actor` (a user or an HttpRequest) checks access and writes the
audit log; none logs personal data to the application log.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from samverkan.accounts.models import Organisation, OrganisationKind, Role, StaffProfile, Unit
from samverkan.agreements.selectors import DEFAULT_AGREEMENT  # noqa: F401  (re-exported)
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.deviations import access
from samverkan.deviations.citations import (
    COMPLAINTS_FORWARDED,
    SERIOUS_DIRECT_CONTACT,
    Citation,
)
from samverkan.deviations.deadlines import answer_days, answer_due, is_overdue  # noqa: F401
from samverkan.deviations.disputes import (  # noqa: F401  (re-exported)
    DISPUTE_TRIGGERS,
    DisputeError,
    EscalationStep,
    Ledger,
    add_cost,
    complete_question,
    decision_triggers,
    escalate_dispute,
    escalation_path,
    ledger,
    open_dispute,
    record_dispute_decision,
)
from samverkan.deviations.models import (
    CONTACT_ROLES,
    Category,
    ChiefContact,
    Deviation,
    DeviationEvent,
    DeviationReceiver,
    Kind,
    MedicalLeadContact,
    Severity,
    Status,
)
from samverkan.deviations.reports import (  # noqa: F401  (re-exported)
    DeviationCount,
    DisputeOutcome,
    ForumFollowUp,
    deviations_by_category_org_month,
    disputes_and_outcomes,
    forum_followup,
)
from samverkan.notifications import services as notifications
from samverkan.rules import ALL_VERSIONS

CONTACT_ACTION = ChiefContact.ACTION


def agreements_for_region(region: str) -> list[tuple[str, str]]:
    return [(v.agreement, v.title) for v in ALL_VERSIONS if v.region == region]


def counterparts(organisation: Organisation) -> QuerySet[Organisation]:
    """The other huvudmän an organisation reports to: the region for a kommun, and back."""
    other_kind = (
        OrganisationKind.MUNICIPALITY if organisation.is_region else OrganisationKind.REGION
    )
    return Organisation.objects.filter(region=organisation.region, kind=other_kind)


def receiver_of(organisation: Organisation) -> tuple[Unit | None, str]:
    """The receiving unit and role configured for an organisation (DeviationReceiver); by
    default MAS in a kommun and the chefsläkare in a region."""
    configured = DeviationReceiver.objects.filter(organisation=organisation).first()
    if configured is not None and (configured.unit_id or configured.role):
        return configured.unit, configured.role
    return None, (Role.CHIEF_PHYSICIAN if organisation.is_region else Role.MAS)


def find_person(actor: Any, text: str, *, why: str) -> Any:
    """A person the user may see, by record id (UUID) or identifier (personnummer, ...).

    Goes through people.access (audited); Http404 if unknown or not visible.
    """
    from samverkan.people.access import get_person_for
    from samverkan.people.identity import InvalidIdentifier, parse_identifier
    from samverkan.people.selectors import resolve_identifier

    text = (text or "").strip()
    try:
        return get_person_for(actor, uuid.UUID(text), why=why)
    except ValueError:
        pass
    try:
        identifier = parse_identifier(text)
    except InvalidIdentifier as exc:
        raise ValidationError({"person": str(exc)}) from exc
    person = resolve_identifier(actor, identifier)  # the people room's one resolver
    if person is None:
        record(actor, Action.ACCESS_DENIED, "people.person", why=why)
        raise Http404
    return get_person_for(actor, person.pk, why=why)


# --- reporting ----------------------------------------------------------------------------


@transaction.atomic
def report_deviation(
    actor: Any,
    *,
    receiving_organisation: Organisation,
    category: str,
    occurred_on: dt.date,
    location: str,
    description: str,
    severity: str = Severity.MINOR,
    kind: str = Kind.DEVIATION,
    agreement: str | None = None,
    occurred_time: dt.time | None = None,
    person: Any = None,
    subject: str = "",
) -> Deviation:
    """Report a deviation (or forward a complaint) to the other huvudman.

    It is routed to the receiving organisation's receiver; a serious one is marked for
    direct contact and gets a task for the chefsläkare and MAS of both organisations.
    `person` must be one the reporter may see (people.access); pass a Person or None.
    """
    why = "Avvikelse: rapportera"
    profile = access.require_profile(actor, why)
    if profile.role in access.NO_CASE_ROLES:
        raise access.denied(actor, Deviation, "", why, status=403)
    reporting = profile.organisation
    errors: dict[str, str] = {}
    if not counterparts(reporting).filter(pk=receiving_organisation.pk).exists():
        errors["receiving_organisation"] = (
            "Mottagaren ska vara den andra huvudmannen i samma län "
            "(regionen för en kommun, en kommun för regionen)."
        )
    agreement = agreement or DEFAULT_AGREEMENT.get(reporting.region, "")
    if agreement not in dict(agreements_for_region(reporting.region)):
        errors["agreement"] = "Avtalet gäller inte i din region."
    if category not in Category.values:
        errors["category"] = "Okänd kategori."
    if severity not in Severity.values:
        errors["severity"] = "Okänd allvarlighetsgrad."
    if kind not in Kind.values:
        errors["kind"] = "Okänd typ."
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "Datumet ligger i framtiden."
    if not (location or "").strip():
        errors["location"] = "Ange var det hände."
    if not (description or "").strip():
        errors["description"] = "Beskriv vad som hände."
    if errors:
        raise ValidationError(errors)
    if person is not None and not access.person_shown(actor, person):
        raise access.denied(actor, "people.person", person.pk, why, status=404)
    unit, role = receiver_of(receiving_organisation)
    deviation = Deviation.objects.create(
        kind=kind,
        agreement=agreement,
        category=category,
        severity=severity,
        reporting_organisation=reporting,
        reporting_unit=profile.unit,
        reported_by=access.user_of(actor),
        receiving_organisation=receiving_organisation,
        receiving_unit=unit,
        receiving_role=role,
        occurred_on=occurred_on,
        occurred_time=occurred_time,
        location=location.strip(),
        description=description.strip(),
        subject=subject.strip()[:120],
        person=person,
        direct_contact=severity == Severity.SERIOUS,
    )
    _event(actor, deviation, DeviationEvent.What.REPORTED, Status.RECEIVED)
    link = reverse("deviations:detail", args=[deviation.pk])
    receiver = unit or receiving_organisation
    roles = [role] if role else None
    notifications.notify(receiver, notifications.Kind.DEVIATION, link, actor=actor, roles=roles)
    if deviation.direct_contact:
        for contact in _create_contacts(deviation):
            notifications.notify(
                contact.organisation,
                notifications.Kind.DEVIATION,
                link,
                actor=actor,
                roles=[contact.role],
            )
    record(actor, Action.CREATE, Deviation, deviation.pk, person_ref=_ref(person), why=why)
    return deviation


def _ref(person: Any) -> str | None:
    return person.ref if person is not None else None


def _event(
    actor: Any, deviation: Deviation, what: str, status: str = "", note: str = ""
) -> DeviationEvent:
    profile = access.profile(actor)
    assert profile is not None
    return DeviationEvent.objects.create(
        deviation=deviation,
        by=access.user_of(actor),
        organisation=profile.organisation,
        what=what,
        status=status,
        note=note,
    )


@dataclass(frozen=True)
class ToCall:
    """Whom to call on the other side of a serious deviation (§8.1)."""

    role: str
    organisation: Organisation
    name: str
    phone: str  # "" when no contact data is kept
    note: str = ""


def to_call(actor: Any, deviation: Deviation) -> list[ToCall]:
    """The other side's chefsläkare and MAS, with name and phone from the contact data
    (`MedicalLeadContact`), else the staff holding the role (phone marked missing)."""
    profile = access.profile(actor)
    if profile is None or not deviation.direct_contact:
        return []
    own = profile.organisation_id
    if own == deviation.reporting_organisation_id:
        other = deviation.receiving_organisation
    elif own == deviation.receiving_organisation_id:
        other = deviation.reporting_organisation
    else:
        return []
    rows: list[ToCall] = []
    for role in CONTACT_ROLES:
        label = str(Role(role).label)
        kept = MedicalLeadContact.objects.filter(organisation=other, role=role)
        if kept:
            rows += [ToCall(label, other, c.name, c.phone, c.note) for c in kept]
            continue
        staff = StaffProfile.objects.filter(
            organisation=other, role=role, user__is_active=True
        ).select_related("user")
        rows += [ToCall(label, other, s.user.get_full_name() or s.user.username, "") for s in staff]
    return rows


def _create_contacts(deviation: Deviation) -> list[ChiefContact]:
    """One task per organisation and contact role (chefsläkare, MAS) that has staff there;
    an organisation with neither gets both, so the gap shows instead of disappearing."""
    contacts = []
    for organisation in (deviation.reporting_organisation, deviation.receiving_organisation):
        held = set(
            StaffProfile.objects.filter(
                organisation=organisation, role__in=CONTACT_ROLES, user__is_active=True
            ).values_list("role", flat=True)
        )
        for role in [r for r in CONTACT_ROLES if r in held] or list(CONTACT_ROLES):
            contacts.append(
                ChiefContact.objects.create(
                    deviation=deviation, organisation=organisation, role=role
                )
            )
    return contacts


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeviationView:
    """A deviation as one user may see it: the person only if people.access allows."""

    deviation: Deviation
    person: Any  # the Person, or None when none is linked or the user may not see it
    person_hidden: bool  # a person is linked that the user may not see
    location: str  # withheld from others when the person has a protected identity
    is_receiver: bool
    transitions: list[str]
    contacts: list[ChiefContact]
    my_contacts: list[ChiefContact]
    to_call: list[ToCall]
    events: list[DeviationEvent]
    answer_due: dt.date
    overdue: bool
    citations: list[Citation]

    @property
    def actions(self) -> list[str]:
        return [CONTACT_ACTION] if self.deviation.direct_contact else []


def view_deviation(actor: Any, pk: Any) -> DeviationView:
    """Read one deviation (403/404 as access says); audited, with the person's reference
    when the person is shown."""
    why = "Avvikelse: visa"
    deviation = access.get_deviation_for(actor, pk, why=why)
    linked = deviation.person
    shown = access.person_shown(actor, linked)
    contacts = list(deviation.contacts.select_related("organisation", "done_by"))
    record(
        actor,
        Action.VIEW,
        Deviation,
        deviation.pk,
        person_ref=_ref(linked) if shown else None,
        why=why,
    )
    citations = []
    if deviation.agreement.startswith("jh-"):
        citations.append(
            COMPLAINTS_FORWARDED if deviation.kind == Kind.COMPLAINT else SERIOUS_DIRECT_CONTACT
        )
    return DeviationView(
        deviation=deviation,
        person=linked if shown else None,
        person_hidden=linked is not None and not shown,
        location=access.location_shown(actor, deviation),
        is_receiver=access.is_receiver(actor, deviation),
        transitions=allowed_transitions(actor, deviation),
        contacts=contacts,
        my_contacts=[c for c in contacts if c.done_at is None and access.may_do_contact(actor, c)],
        to_call=to_call(actor, deviation),
        events=list(deviation.events.select_related("by", "organisation")),
        answer_due=answer_due(deviation),
        overdue=deviation.status in (Status.RECEIVED, Status.INVESTIGATING)
        and is_overdue(deviation),
        citations=citations,
    )


def list_deviations(
    actor: Any,
    *,
    status: str | None = None,
    direction: str | None = None,
    serious_only: bool = False,
    search: str = "",
) -> QuerySet[Deviation]:
    """The deviations the user may see (no persons in the list); the look is audited.
    direction: "sent" (own organisation reported) or "received"."""
    why = "Avvikelser: lista"
    if not access.may_see_cases(actor):
        raise access.denied(actor, Deviation, "", why, status=403)
    profile = access.profile(actor)
    assert profile is not None
    deviations = access.deviations_visible_to(actor).select_related(
        "reporting_organisation", "receiving_organisation", "receiving_unit"
    )
    if status:
        deviations = deviations.filter(status=status)
    if direction == "sent":
        deviations = deviations.filter(reporting_organisation=profile.organisation)
    elif direction == "received":
        deviations = deviations.filter(receiving_organisation=profile.organisation)
    if serious_only:
        deviations = deviations.filter(severity=Severity.SERIOUS)
    if search:  # the number, the subject or the organisations; never the description
        number = search.lstrip("#")
        match = (
            Q(subject__icontains=search)
            | Q(reporting_organisation__name__icontains=search)
            | Q(receiving_organisation__name__icontains=search)
        )
        if number.isdigit():
            match |= Q(pk=int(number))
        deviations = deviations.filter(match)
    record(actor, Action.SEARCH, Deviation, why=why)
    return deviations


# --- status flow --------------------------------------------------------------------------

# status -> (next status, who may move it there)
_FLOW: dict[str, list[tuple[str, str]]] = {
    Status.RECEIVED: [(Status.INVESTIGATING, "receiver"), (Status.ANSWERED, "receiver")],
    Status.INVESTIGATING: [(Status.ANSWERED, "receiver")],
    Status.ANSWERED: [(Status.CLOSED, "either"), (Status.INVESTIGATING, "reporter")],
    Status.CLOSED: [],
}


def allowed_transitions(actor: Any, deviation: Deviation) -> list[str]:
    receiver = access.handles_for_receiver(actor, deviation)
    reporter = access.handles_for_reporter(actor, deviation)
    allowed = []
    for target, who in _FLOW[deviation.status]:
        if (
            (who == "receiver" and receiver)
            or (who == "reporter" and reporter)
            or (who == "either" and (receiver or reporter))
        ):
            allowed.append(target)
    return allowed


@transaction.atomic
def change_status(
    actor: Any, pk: Any, status: str, *, answer: str = "", note: str = ""
) -> Deviation:
    """Move a deviation along received → investigating → answered → closed.

    The receiving side investigates and answers (an answer is required); either side closes
    an answered deviation; the reporting side may send it back for more investigation.
    """
    why = "Avvikelse: ändra status"
    deviation = access.get_deviation_for(actor, pk, why=why)
    deviation = Deviation.objects.select_for_update().get(pk=deviation.pk)
    if status not in allowed_transitions(actor, deviation):
        raise access.denied(actor, Deviation, deviation.pk, why, status=403)
    now = timezone.now()
    if status == Status.ANSWERED:
        if not answer.strip():
            raise ValidationError({"answer": "Skriv svaret till den rapporterande huvudmannen."})
        deviation.answer = answer.strip()
        deviation.answered_at = now
        deviation.answered_by = access.user_of(actor)
    elif status == Status.INVESTIGATING and deviation.investigating_at is None:
        deviation.investigating_at = now
    elif status == Status.CLOSED:
        deviation.closed_at = now
    deviation.status = status
    deviation.save()
    _event(actor, deviation, DeviationEvent.What.STATUS, status, note.strip())
    if status == Status.ANSWERED and deviation.reported_by_id:
        link = reverse("deviations:detail", args=[deviation.pk])
        notifications.notify(
            deviation.reported_by, notifications.Kind.DEVIATION_ANSWER, link, actor=actor
        )
    record(
        actor, Action.UPDATE, Deviation, deviation.pk, person_ref=_ref(deviation.person), why=why
    )
    return deviation


@transaction.atomic
def mark_contact_done(actor: Any, contact_pk: Any, *, note: str = "") -> ChiefContact:
    """The chefsläkare or MAS confirms direct contact has been taken (§8.1)."""
    why = "Avvikelse: direktkontakt chefsläkare/MAS"
    contact = ChiefContact.objects.select_related("deviation").filter(pk=contact_pk).first()
    if contact is None or not access.may_do_contact(actor, contact):
        raise access.denied(actor, ChiefContact, contact_pk, why, status=404)
    if contact.done_at is None:
        contact.done_at = timezone.now()
        contact.done_by = access.user_of(actor)
        contact.save(update_fields=["done_at", "done_by"])
        _event(
            actor,
            contact.deviation,
            DeviationEvent.What.CONTACT,
            note=(f"{contact.get_role_display()}: " + note.strip()).strip(": "),
        )
        record(actor, Action.UPDATE, ChiefContact, contact.pk, why=why)
    return contact


def open_contacts_for(user: Any) -> QuerySet[ChiefContact]:
    """Direct-contact tasks waiting for this user's role at this user's organisation."""
    profile = access.profile(user)
    if profile is None or profile.role not in CONTACT_ROLES:
        return ChiefContact.objects.none()
    return ChiefContact.objects.filter(
        organisation=profile.organisation, role=profile.role, done_at__isnull=True
    ).select_related("deviation")


def waiting_for_receiver(user: Any) -> list[Deviation]:
    """Unanswered deviations routed to this user (as receiver)."""
    profile = access.profile(user)
    if profile is None or profile.role in access.NO_CASE_ROLES:
        return []
    candidates = Deviation.objects.filter(
        receiving_organisation=profile.organisation,
        status__in=[Status.RECEIVED, Status.INVESTIGATING],
    ).filter(Q(receiving_unit__isnull=True) | Q(receiving_unit=profile.unit_id))
    candidates = candidates.filter(Q(receiving_role="") | Q(receiving_role=profile.role))
    return list(candidates)


def answered_for_reporter(user: Any) -> QuerySet[Deviation]:
    """Answered deviations this user reported: read the answer and close (or send back)."""
    return Deviation.objects.filter(reported_by=user, status=Status.ANSWERED)


def ensure_case_role(actor: Any, why: str) -> None:
    if not access.may_see_cases(actor):
        raise access.denied(actor, Deviation, "", why, status=403)
