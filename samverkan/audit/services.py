"""Recording and reading the audit log. `record` is the one door for writing it.

Every event is appended to one hash chain (`samverkan.audit.models.append`, which the
model's save and bulk_create use, so no path writes an unchained event).
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import router, transaction
from django.db.models import Model
from django.http import HttpRequest

from samverkan.accounts.actors import Actor as StaffActor
from samverkan.accounts.actors import user_of
from samverkan.accounts.models import Organisation, Unit
from samverkan.accounts.services import profile_of
from samverkan.accounts.sso import commission_of
from samverkan.audit.models import Action, AuditEvent

Actor = User | AbstractBaseUser | AnonymousUser | HttpRequest | StaffActor | None

# Between a caller's process ("sip:12") and the commission's purpose; the caller's part stays
# first, so readers that look at its start (``sip:``, ``nödåtkomst``) read it as before.
PURPOSE_SEPARATOR = " · uppdrag: "
PROCESS_MAX = 200


def commission_purpose(user: object) -> str:
    """The purpose of the medarbetaruppdrag the user acts under in this session (SAML/OIDC,
    samverkan.accounts.sso: stored in the session at login), or "" (password login, API
    token, no commission). Never the latest login's: two sessions may act under two."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    commission = commission_of(user)
    return commission.purpose if commission else ""


def with_purpose(process: str, purpose: str) -> str:
    """The process as recorded: the caller's process, then the commission's purpose."""
    if not purpose:
        return process[:PROCESS_MAX]
    text = f"{process}{PURPOSE_SEPARATOR}{purpose}" if process else f"uppdrag: {purpose}"
    return text[:PROCESS_MAX]


def record(
    actor: Actor,
    action: Action | str,
    obj_type: str | type[Model] = "",
    obj_id: object = "",
    *,
    person_ref: str | None = None,
    why: str = "",
    owner: Organisation | int | None = None,
    unit: Unit | int | None = None,
    process: str = "",
) -> AuditEvent:
    """Append one event. `actor` is a user or a request (which also gives the IP address).

    Organisation and role are copied from the user's profile as they are now, so the log
    shows what the user was when it happened. `person_ref` is the only field that may hold a
    person's identifier; never put one in `why` or `obj_id`.

    `owner` is the vårdgivare whose data was reached (leave it out for the acting user's own
    organisation's data); `unit` the care unit acted from (default: the user's unit);
    `process` the care process or purpose, e.g. ``"sip:12"``; the purpose of the user's
    medarbetaruppdrag (SAML/HSA) is added to it (HSLF-FS 2016:40 4 kap. 9 §: the log shows in
    which process and for which purpose the data was reached).
    """
    request = actor if isinstance(actor, HttpRequest) else None
    user = user_of(actor)  # None for a request built by hand (Client.force_login)
    account = cast("User | None", user if user is not None and user.is_authenticated else None)
    profile = profile_of(account)
    if isinstance(obj_type, type):
        obj_type = obj_type._meta.label_lower
    event = AuditEvent(
        user=account,
        organisation=profile.organisation if profile else None,
        role=profile.role if profile else "",
        action=Action(action),
        object_type=obj_type,
        object_id="" if obj_id is None else str(obj_id),
        person_ref=person_ref or None,
        why=why,
        owner_id=owner.pk if isinstance(owner, Organisation) else owner,
        unit_id=(unit.pk if isinstance(unit, Unit) else unit)
        if unit is not None
        else (profile.unit_id if profile else None),
        process=with_purpose(process, commission_purpose(account)),
        ip=_client_ip(request),
    )
    event.save()
    return event


def record_many(
    actor: Actor,
    action: Action | str,
    obj_type: str | type[Model],
    obj_id: object,
    *,
    person_refs: list[str],
    why: str,
    owner: Organisation | int | None = None,
    process: str = "",
) -> int:
    """One event per person in one INSERT: an import touches thousands of persons at once.

    The events are the same as ``record`` would write one by one (same user, organisation,
    role, time of writing).
    The whole batch is chained in Python under one hold of the chain's lock.
    """
    if not person_refs:
        return 0
    with transaction.atomic(using=router.db_for_write(AuditEvent)):
        first = record(
            actor,
            action,
            obj_type,
            obj_id,
            person_ref=person_refs[0],
            why=why,
            owner=owner,
            process=process,
        )
        rest = [
            AuditEvent(
                user_id=first.user_id,
                organisation_id=first.organisation_id,
                role=first.role,
                action=first.action,
                object_type=first.object_type,
                object_id=first.object_id,
                person_ref=ref,
                why=why,
                owner_id=first.owner_id,
                unit_id=first.unit_id,
                process=first.process,
                ip=first.ip,
            )
            for ref in person_refs[1:]
        ]
        AuditEvent.objects.bulk_create(rest, batch_size=2000)
    return len(person_refs)


def _client_ip(request: HttpRequest | None) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For can be forged unless a known proxy sets it.
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
