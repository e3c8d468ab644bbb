"""Protected identities and spärr: recorded by staff, ended or lifted, all audited.

Protected identity (`IdentityProtection`): sekretessmarkering (OSL 22 kap. 1 §) or skyddad
folkbokföring (folkbokföringslagen 16 §). Staff with a write role and a care relation at their
vårdgivare mark it (source STAFF) and end it; only the vårdgivare that marked it can end it,
and what the population register says (source POPULATION_REGISTER) only the register ends
(`people.population_register.sync_person`). Every vårdgivare that sees the person sees the
marker: it tells staff to take care.

Spärr (`AccessBlock`), always at the person's own request, always on the recording user's own
vårdgivare's data:
- INTERNAL (inre spärr, patientdatalagen 2008:355 4 kap. 4 §): one unit's data is blocked
  from the vårdgivare's other units and processes; the unit must be one of the vårdgivare's.
- SHARED (spärr mot andra vårdgivare, PDL 6 kap. 2 §): the vårdgivare's data does not reach
  other vårdgivare (SIP, discharge planning, emergency access).
Lifted (never deleted) only when the person asks, with that request recorded
(`lift_reason`). A spärr is the vårdgivare's own business: only its staff see it
(`blocks_for`); another vårdgivare learns nothing of it, not even that it exists.

Refusals are PeopleError (422) naming the field; a person the user may not change is a 404
(through `people.access`), a block or protection of another vårdgivare is also a 404.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from samverkan.accounts.models import Unit
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.people import access
from samverkan.people.models import (
    AccessBlock,
    AccessBlockKind,
    IdentityProtection,
    Person,
    ProtectionKind,
    ProtectionSource,
)
from samverkan.people.services._common import PeopleError, _profile_or_refuse

__all__ = [
    "blocks_for",
    "end_protection",
    "lift_block",
    "mark_protected",
    "protections_for",
    "record_block",
]

PROTECTION_WHAT = "people.identityprotection"
BLOCK_WHAT = "people.accessblock"


def _changeable(actor: Any, person: Person, why: str) -> tuple[Person, Any]:
    """The person (survivor) and the user's profile; 403/404 through the access door."""
    profile = _profile_or_refuse(access._user(actor))
    person = access.get_person_for(actor, person.pk, why=why, change=True, audit=False)
    return person.survivor(), profile


def _reason(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise PeopleError(field, "required", message)
    if len(text) > 2000:
        raise PeopleError(field, "too_long", "Anteckningen får vara högst 2000 tecken.")
    return text


def _kind(value: Any, choices: type[ProtectionKind] | type[AccessBlockKind], field: str) -> str:
    try:
        return str(choices(value))
    except ValueError:
        labels = " eller ".join(str(c.label) for c in choices)
        raise PeopleError(field, "invalid_choice", f"Ogiltig typ: välj {labels}.") from None


# --- protected identity ---------------------------------------------------------------------


def protections_for(person: Person, *, include_ended: bool = False) -> list[IdentityProtection]:
    """The person's protected identities (active ones; with `include_ended` all)."""
    rows = IdentityProtection.objects.filter(person=person.survivor()).select_related(
        "organisation"
    )
    if not include_ended:
        rows = rows.filter(ended_at__isnull=True)
    return list(rows)


def mark_protected(
    actor: Any, person: Person, *, kind: Any, note: str = "", why: str = "Markera skyddad identitet"
) -> IdentityProtection:
    """Mark the person's protected identity (source STAFF) for the user's vårdgivare."""
    person, profile = _changeable(actor, person, why)
    kind = _kind(kind, ProtectionKind, "kind")
    note = (note or "").strip()
    if len(note) > 2000:
        raise PeopleError("note", "too_long", "Anteckningen får vara högst 2000 tecken.")
    with transaction.atomic():
        return _mark(actor, person, profile, kind, note, why)


def _mark(actor: Any, person: Person, profile: Any, kind: str, note: str, why: str) -> Any:
    if IdentityProtection.objects.filter(
        person=person, kind=kind, ended_at__isnull=True, organisation=profile.organisation
    ).exists():
        raise PeopleError(
            "kind", "already_marked", "Personen är redan markerad så av er organisation."
        )
    protection = IdentityProtection.objects.create(
        person=person,
        kind=kind,
        source=ProtectionSource.STAFF,
        organisation=profile.organisation,
        note=note,
        recorded_by=access._user(actor),
    )
    access.record_change(
        actor, person, PROTECTION_WHAT, why, obj_id=protection.pk, action=Action.CREATE
    )
    return protection


def end_protection(
    actor: Any,
    person: Person,
    protection_id: Any,
    *,
    reason: str,
    why: str = "Avsluta skyddad identitet",
) -> IdentityProtection:
    """End a protected identity the user's vårdgivare marked, with the reason."""
    person, profile = _changeable(actor, person, why)
    reason = _reason(reason, "reason", "Ange varför skyddet inte längre gäller.")
    with transaction.atomic():
        return _end(actor, person, profile, protection_id, reason, why)


def _end(
    actor: Any, person: Person, profile: Any, protection_id: Any, reason: str, why: str
) -> Any:
    protection = (
        IdentityProtection.objects.select_for_update()
        .filter(pk=_int(protection_id), person=person, ended_at__isnull=True)
        .first()
    )
    if protection is None:
        raise Http404
    if protection.source == ProtectionSource.POPULATION_REGISTER:
        raise PeopleError(
            "protection",
            "from_register",
            "Skyddet kommer från folkbokföringen och upphör bara när folkbokföringen ändras.",
        )
    if protection.organisation_id != profile.organisation_id:
        raise PeopleError(
            "protection",
            "other_organisation",
            "Bara den organisation som markerade skyddet kan avsluta det.",
        )
    protection.end_reason = reason
    protection.ended_at = timezone.now()
    protection.ended_by = access._user(actor)
    protection.save(update_fields=["end_reason", "ended_at", "ended_by"])
    access.record_change(actor, person, PROTECTION_WHAT, why, obj_id=protection.pk)
    return protection


# --- spärr ----------------------------------------------------------------------------------


def blocks_for(actor: Any, person: Person, *, include_lifted: bool = True) -> list[AccessBlock]:
    """The spärrar on the user's own vårdgivare's data (never another's)."""
    profile = _profile_or_refuse(access._user(actor))
    rows = AccessBlock.objects.filter(
        person=person.survivor(), organisation_id=profile.organisation_id
    ).select_related("unit")
    if not include_lifted:
        rows = rows.filter(lifted_at__isnull=True)
    return list(rows)


def _int(value: Any) -> int:
    """An id from a URL or a form; 0 (which matches nothing) when it is not a number."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def record_block(
    actor: Any,
    person: Person,
    *,
    kind: Any,
    unit: Unit | int | None = None,
    requested_by_person: bool,
    reason: str,
    why: str = "Registrera spärr",
) -> AccessBlock:
    """Record a spärr the person asked for on the user's own vårdgivare's data."""
    person, profile = _changeable(actor, person, why)
    kind = _kind(kind, AccessBlockKind, "kind")
    if not requested_by_person:
        raise PeopleError(
            "requested_by_person",
            "person_request_required",
            "En spärr registreras bara när personen själv begär det.",
        )
    reason = _reason(reason, "reason", "Anteckna hur personen framförde sin begäran.")
    organisation = profile.organisation
    unit_obj: Unit | None = None
    if kind == AccessBlockKind.INTERNAL:
        if unit in (None, ""):
            raise PeopleError(
                "unit_id", "required", "Välj den enhet vars uppgifter personen vill spärra."
            )
        unit_obj = (
            unit
            if isinstance(unit, Unit)
            else Unit.objects.filter(pk=_int(unit), organisation=organisation).first()
        )
        if unit_obj is None or unit_obj.organisation_id != organisation.pk:
            raise PeopleError(
                "unit_id",
                "wrong_organisation",
                "Enheten hör inte till din organisation: en spärr gäller era egna uppgifter.",
            )
    elif unit not in (None, ""):
        raise PeopleError(
            "unit_id",
            "not_allowed",
            "En spärr mot andra vårdgivare gäller hela er organisations uppgifter; välj ingen enhet.",
        )
    with transaction.atomic():
        return _block(actor, person, kind, organisation, unit_obj, reason, why)


def _block(
    actor: Any, person: Person, kind: str, organisation: Any, unit_obj: Any, reason: str, why: str
) -> AccessBlock:
    if AccessBlock.objects.filter(
        person=person, kind=kind, organisation=organisation, unit=unit_obj, lifted_at__isnull=True
    ).exists():
        raise PeopleError("kind", "already_blocked", "En sådan spärr finns redan.")
    block = AccessBlock.objects.create(
        person=person,
        kind=kind,
        organisation=organisation,
        unit=unit_obj,
        reason=reason,
        recorded_by=access._user(actor),
    )
    record(
        actor,
        Action.CREATE,
        BLOCK_WHAT,
        block.pk,
        person_ref=person.ref,
        why=why,
        unit=unit_obj,
    )
    return block


def lift_block(
    actor: Any,
    person: Person,
    block_id: Any,
    *,
    requested_by_person: bool,
    reason: str,
    why: str = "Häva spärr",
) -> AccessBlock:
    """Lift one of the user's vårdgivare's spärrar, at the person's request (recorded)."""
    person, profile = _changeable(actor, person, why)
    own = AccessBlock.objects.filter(
        pk=_int(block_id),
        person=person,
        organisation_id=profile.organisation_id,
        lifted_at__isnull=True,
    )
    if not own.exists():  # another vårdgivare's spärr is as unknown as one that never was
        record(actor, Action.ACCESS_DENIED, BLOCK_WHAT, _int(block_id) or "", why=why)
        raise Http404
    if not requested_by_person:
        raise PeopleError(
            "requested_by_person",
            "person_request_required",
            "En spärr hävs bara när personen själv begär det.",
        )
    reason = _reason(reason, "reason", "Anteckna hur personen begärde att spärren hävs.")
    with transaction.atomic():
        block = own.select_for_update().first()
        if block is None:  # lifted meanwhile
            raise PeopleError("block", "already_lifted", "Spärren är redan hävd.")
        return _lift(actor, person, block, reason, why)


def _lift(actor: Any, person: Person, block: AccessBlock, reason: str, why: str) -> AccessBlock:
    block.lift_reason = reason
    block.lifted_at = timezone.now()
    block.lifted_by = access._user(actor)
    block.save(update_fields=["lift_reason", "lifted_at", "lifted_by"])
    record(
        actor,
        Action.UPDATE,
        BLOCK_WHAT,
        block.pk,
        person_ref=person.ref,
        why=why,
        unit=block.unit,
    )
    return block
