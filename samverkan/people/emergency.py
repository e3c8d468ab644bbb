"""Nödåtkomst (emergency access): the people door's one way past consent, narrow and reviewed.

A licensed member of health-care staff (`accounts.models.LICENSED_ROLES`) of a vårdgivare
that is invited to the person's SIP (a participant-to-be) or that is in an acute situation
may, with a stated reason and a confirmation, open for a limited time
(`settings.SAMVERKAN_EMERGENCY_ACCESS_HOURS`, default 4) only what the rooms registered in
`EMERGENCY_SOURCES` offer: today the plans of the person's open SIPs, their fasta
vårdkontakter and the participants' contacts (the SIP room). Never the rest of the record,
never data of a vårdgivare the person has a SHARED spärr on (PDL 6 kap. 2 §).

It rests on patientdatalagen (2008:355) 6 kap. 3 §: another vårdgivare's data may be read
with the patient's consent, and when the consent cannot be obtained (the patient is
unconscious, or for another reason) as far as the data may matter for care the patient
needs now. Each one is logged (process "nödåtkomst", `owner=` the data's vårdgivare) and
creates a review task for the owner, which its MAS or chefsläkare closes with a note
(`review_emergency_access`).

The answer never tells whether a number exists elsewhere: an unknown number, a person
without an open plan and a plan behind a spärr all get the same refusal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from samverkan.accounts.actors import user_of
from samverkan.accounts.models import Role, is_licensed
from samverkan.accounts.services import profile_of
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.errors import Problem
from samverkan.people.access import shared_blocked
from samverkan.people.identity import InvalidIdentifier, parse_identifier
from samverkan.people.models import EmergencyAccess, Person, Task, TaskKind, TaskStatus
from samverkan.people.selectors import find_by_identifier

__all__ = [
    "DEFAULT_HOURS",
    "EMERGENCY_SOURCES",
    "PROCESS",
    "PROVISION",
    "REVIEWER_ROLES",
    "EmergencyError",
    "accesses_to_review",
    "active_access",
    "duration",
    "get_access_for",
    "get_access_to_review",
    "may_open",
    "open_emergency_access",
    "review_emergency_access",
]

PROCESS = "nödåtkomst"
PROVISION = "patientdatalagen (2008:355) 6 kap. 3 §"
DEFAULT_HOURS = 4
# Who closes the review for the data owner (medical leads: they may read the person).
REVIEWER_ROLES = frozenset({Role.MAS, Role.CHIEF_PHYSICIAN})

# A room whose data emergency access opens registers `(person, organisation_id) ->
# {owner organisation id: True if organisation_id is invited there}` (the SIP room: the
# owners of the person's open SIPs). Owners under a SHARED spärr are dropped here.
EmergencySource = Callable[[Person, int], dict[int, bool]]
EMERGENCY_SOURCES: list[EmergencySource] = []

NOTHING_TO_OPEN = (
    "Det finns ingen plan som kan öppnas med nödåtkomst för det numret. Nödåtkomst öppnar "
    "bara planen i en pågående SIP hos en annan vårdgivare."
)


class EmergencyError(Problem):
    """A refused emergency access (field, stable code, Swedish message)."""

    status = 422


def duration() -> dt.timedelta:
    """How long an emergency access lasts (setting SAMVERKAN_EMERGENCY_ACCESS_HOURS)."""
    hours = getattr(settings, "SAMVERKAN_EMERGENCY_ACCESS_HOURS", DEFAULT_HOURS)
    return dt.timedelta(hours=float(hours))


def may_open(user: Any) -> bool:
    """Licensed health-care staff (legitimerad personal) may ask for emergency access."""
    profile = profile_of(user_of(user))
    return profile is not None and is_licensed(profile.role)


def _refuse(actor: Any, why: str, person: Person | None = None, owner: Any = None) -> None:
    record(
        actor,
        Action.ACCESS_DENIED,
        EmergencyAccess,
        person.pk if person else "",
        person_ref=person.ref if person else None,
        why=why,
        owner=owner,
        process=PROCESS,
    )


def open_emergency_access(
    actor: Any, identifier: str, *, reason: str, confirmed: bool, acute: bool
) -> list[EmergencyAccess]:
    """Open emergency access to the person with `identifier`: one `EmergencyAccess` (and one
    review task) per vårdgivare whose data it reaches. Raises PermissionDenied for a role
    that may not, `EmergencyError` for a missing reason or confirmation, for neither an
    invitation nor an acute situation, and (one answer for all) for nothing to open."""
    user = user_of(actor)
    profile = profile_of(user)
    if profile is None or not is_licensed(profile.role):
        _refuse(actor, "Nödåtkomst: roll utan legitimation")
        raise PermissionDenied
    if not reason.strip():
        raise EmergencyError("reason", "required", "Ange skälet till nödåtkomsten.")
    if "\x00" in reason:
        raise EmergencyError("reason", "invalid", "Skälet innehåller otillåtna tecken.")
    if not confirmed:
        raise EmergencyError(
            "confirm",
            "confirmation_required",
            "Bekräfta att personen behöver vård nu och att samtycke inte kan inhämtas. "
            "Nödåtkomsten loggas och granskas av den vårdgivare som äger uppgifterna.",
        )
    try:
        parsed = parse_identifier(identifier)
    except InvalidIdentifier as error:
        raise EmergencyError("identifier", error.code, error.message) from None
    person = find_by_identifier(parsed)
    owners: dict[int, bool] = {}
    if person is not None:
        for source in EMERGENCY_SOURCES:
            for owner_id, invited in source(person, profile.organisation_id).items():
                owners[owner_id] = owners.get(owner_id, False) or invited
        owners.pop(profile.organisation_id, None)  # the own vårdgivare's: not by this door
    blocked = {owner for owner in owners if person and shared_blocked(person, owner)}
    for owner in blocked:
        _refuse(actor, "Nödåtkomst: spärr mot andra vårdgivare", person, owner)
    open_to = {owner: invited for owner, invited in owners.items() if owner not in blocked}
    if person is None or not open_to:
        if not blocked:  # (a refusal past a spärr is logged above, for its owner)
            _refuse(actor, "Nödåtkomst: ingen plan att öppna", person)
        raise EmergencyError("identifier", "nothing_to_open", NOTHING_TO_OPEN, status=404)
    if not acute and not any(open_to.values()):
        raise EmergencyError(
            "acute",
            "not_acute",
            "Nödåtkomst kräver att din organisation är kallad till personens SIP eller att "
            "situationen är akut.",
        )
    now = timezone.now()
    accesses = []
    with transaction.atomic():
        for owner_id in sorted(open_to):
            task = Task.objects.create(
                kind=TaskKind.REVIEW_EMERGENCY_ACCESS,
                action="emergency_access_review",
                person=person,
                organisation_id=owner_id,
                from_organisation_id=profile.organisation_id,
                due=timezone.localdate(now) + dt.timedelta(days=7),
                note=(
                    "Granska nödåtkomst: en annan vårdgivare öppnade personens SIP-plan "
                    f"med nödåtkomst ({PROVISION}). Granskas av MAS eller chefsläkare."
                ),
            )
            access = EmergencyAccess.objects.create(
                person=person,
                user=user,
                organisation_id=profile.organisation_id,
                unit_id=profile.unit_id,
                owner_id=owner_id,
                reason=reason.strip(),
                opened_at=now,
                expires_at=now + duration(),
                review_task=task,
            )
            record(
                actor,
                Action.CREATE,
                EmergencyAccess,
                access.pk,
                person_ref=person.ref,
                why=f"Nödåtkomst öppnad ({PROVISION})",
                owner=owner_id,
                process=PROCESS,
            )
            accesses.append(access)
    return accesses


def active_access(user: Any, person: Person, owner: Any) -> EmergencyAccess | None:
    """The user's emergency access to `owner`'s data about the person that has not expired
    (and is not behind a spärr since), else None."""
    owner_id = getattr(owner, "pk", owner)
    if shared_blocked(person, owner_id):
        return None
    return (
        EmergencyAccess.objects.filter(
            user=user_of(user), person=person, owner_id=owner_id, expires_at__gt=timezone.now()
        )
        .order_by("-expires_at")
        .first()
    )


def get_access_for(actor: Any, access_id: Any) -> EmergencyAccess:
    """The user's own emergency access, if it is still in force. Http404 for another's or
    none; `EmergencyError` (403, `expired`) once it has expired or a spärr now stands."""
    user = user_of(actor)
    access = (
        EmergencyAccess.objects.select_related("person", "owner")
        .filter(pk=int(access_id), user=user)
        .first()
        if user is not None and str(access_id).isdigit()
        else None
    )
    if access is None:
        _refuse(actor, "Nödåtkomst: finns inte")
        raise Http404
    if not access.is_active or shared_blocked(access.person, access.owner_id):
        _refuse(actor, "Nödåtkomst: har gått ut", access.person, access.owner_id)
        until = timezone.localtime(access.expires_at).strftime("%Y-%m-%d %H:%M")
        raise EmergencyError(
            None,
            "expired",
            f"Nödåtkomsten gällde till {until} och har gått ut.",
            status=403,
        )
    return access


def accesses_to_review(user: Any) -> QuerySet[EmergencyAccess]:
    """Emergency accesses to the user's organisation's data not yet reviewed (MAS and
    chefsläkare only; none for anyone else)."""
    profile = profile_of(user_of(user))
    if profile is None or profile.role not in REVIEWER_ROLES:
        return EmergencyAccess.objects.none()
    return EmergencyAccess.objects.filter(
        owner_id=profile.organisation_id, reviewed_at__isnull=True
    ).select_related("person", "user", "organisation", "unit")


def get_access_to_review(actor: Any, access_id: Any) -> EmergencyAccess:
    """An emergency access to the user's organisation's data, for its review (MAS or
    chefsläkare of the owner). PermissionDenied for another role, Http404 otherwise."""
    user = user_of(actor)
    profile = profile_of(user)
    if profile is None or profile.role not in REVIEWER_ROLES:
        _refuse(actor, "Granska nödåtkomst: roll saknar behörighet")
        raise PermissionDenied
    access = (
        EmergencyAccess.objects.select_related("person", "user", "organisation", "unit", "owner")
        .filter(pk=int(access_id), owner_id=profile.organisation_id)
        .first()
        if str(access_id).isdigit()
        else None
    )
    if access is None:
        _refuse(actor, "Granska nödåtkomst: finns inte")
        raise Http404
    record(
        actor,
        Action.VIEW,
        EmergencyAccess,
        access.pk,
        person_ref=access.person.ref,
        why="Granska nödåtkomst",
        process=PROCESS,
    )
    return access


def review_emergency_access(actor: Any, access: EmergencyAccess, *, note: str) -> EmergencyAccess:
    """The data owner's review (MAS or chefsläkare of `access.owner`): the note is kept,
    the review task closed."""
    user = user_of(actor)
    profile = profile_of(user)
    if (
        profile is None
        or profile.role not in REVIEWER_ROLES
        or profile.organisation_id != access.owner_id
    ):
        _refuse(actor, "Granska nödåtkomst: roll saknar behörighet", access.person)
        raise PermissionDenied
    if access.reviewed_at is not None:
        raise EmergencyError(
            None, "already_reviewed", "Nödåtkomsten är redan granskad.", status=409
        )
    if not note.strip():
        raise EmergencyError(
            "note", "required", "Skriv vad granskningen visade (t.ex. att åtkomsten var befogad)."
        )
    if "\x00" in note:
        raise EmergencyError("note", "invalid", "Texten innehåller otillåtna tecken.")
    now = timezone.now()
    with transaction.atomic():
        access.reviewed_at, access.reviewed_by, access.review_note = now, user, note.strip()
        access.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        task = access.review_task
        if task is not None and task.status == TaskStatus.OPEN:
            task.status, task.completed_at, task.completed_by = TaskStatus.DONE, now, user
            task.save(update_fields=["status", "completed_at", "completed_by"])
        record(
            actor,
            Action.UPDATE,
            EmergencyAccess,
            access.pk,
            person_ref=access.person.ref,
            why="Nödåtkomst granskad",
            process=PROCESS,
        )
    return access
