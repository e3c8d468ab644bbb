"""Spot checks (stickprov) and checks on suspicion: draw, review, conclude, close.

Every write is one transaction and logged; a closed check refuses every change
(`LogControlError` 409 `closed`). A random draw sorts its population and draws with
`random.Random(seed)`, and the seed and criteria are stored: the same seed over the same log
draws the same sample, so a draw can be shown to have been random.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from samverkan.accounts.models import Organisation
from samverkan.audit.models import Action
from samverkan.audit.services import record
from samverkan.core.errors import Problem
from samverkan.logcontrol import selectors
from samverkan.logcontrol.models import (
    CheckKind,
    CheckStatus,
    Conclusion,
    SpotCheck,
    SpotCheckItem,
    Subject,
)
from samverkan.people import owners

MAX_SAMPLE = 200
MAX_PERIOD_DAYS = 366
MAX_SEED = 2**62


class LogControlError(Problem):
    pass


def _text(value: str, field: str, max_length: int = 4000) -> str:
    """A free text as given, refused with a clear error when the database could not hold it."""
    if "\x00" in value:
        raise LogControlError(field, "null_character", "Texten innehåller ett otillåtet tecken.")
    if len(value) > max_length:
        raise LogControlError(field, "too_long", f"Högst {max_length} tecken.")
    return value.strip()


def interval_days() -> int:
    """A spot check is due this many days after the last (LOGCONTROL_SPOT_CHECK_EVERY_DAYS,
    default 30: one a month)."""
    return int(getattr(settings, "LOGCONTROL_SPOT_CHECK_EVERY_DAYS", 30))


def next_due(owner: Organisation) -> dt.date:
    """The day the next systematic spot check is due: the last drawn check's day plus the
    interval, or today when none has been drawn."""
    last = (
        SpotCheck.objects.filter(organisation=owner, kind=CheckKind.SAMPLE)
        .order_by("-opened_at")
        .first()
    )
    if last is None:
        return timezone.localdate()
    return timezone.localtime(last.opened_at).date() + dt.timedelta(days=interval_days())


def _period(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    if start is None:
        raise LogControlError("period_start", "required", "Ange periodens första dag.")
    if end is None:
        raise LogControlError("period_end", "required", "Ange periodens sista dag.")
    if end < start:
        raise LogControlError("period_end", "before_start", "Periodens slut är före dess början.")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise LogControlError(
            "period_end", "too_long", f"Perioden får vara högst {MAX_PERIOD_DAYS} dagar."
        )
    return start, end


def population(owner: Organisation, subject: str, start: dt.date, end: dt.date) -> list[str]:
    """What a draw draws from, sorted: the users (ids, as text) who reached the owner's data
    in the period, or the persons (references) whose data at the owner was reached."""
    events = selectors.filter_events(
        selectors.events_for_owner(owner).exclude(object_type__in=selectors.LOG_OBJECT_TYPES),
        date_from=start,
        date_to=end,
    ).filter(person_ref__isnull=False)
    if subject == Subject.USERS:
        ids = events.exclude(user__isnull=True).values_list("user_id", flat=True).distinct()
        return sorted({str(i) for i in ids}, key=int)
    refs = events.values_list("person_ref", flat=True).distinct()
    return sorted({str(ref) for ref in refs if ref})


def draw(members: list[str], size: int, seed: int) -> list[str]:
    """``size`` members drawn at random with ``seed`` (all of them when there are fewer)."""
    if size >= len(members):
        return list(members)
    return random.Random(seed).sample(members, size)


@transaction.atomic
def open_sample(
    actor: Any,
    owner: Organisation,
    *,
    subject: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    size: int | None,
    seed: int | None = None,
) -> SpotCheck:
    if subject not in Subject.values:
        raise LogControlError(
            "subject", "invalid", "Välj användare eller personer.", allowed=Subject.values
        )
    start, end = _period(period_start, period_end)
    if size is None or size < 1 or size > MAX_SAMPLE:
        raise LogControlError(
            "sample_size", "out_of_range", f"Antal i urvalet: mellan 1 och {MAX_SAMPLE}."
        )
    if seed is None:
        seed = secrets.randbits(48)
    if not 0 <= seed <= MAX_SEED:
        raise LogControlError(
            "seed", "out_of_range", f"Slumpfröet ska vara mellan 0 och {MAX_SEED}."
        )
    members = population(owner, subject, start, end)
    if not members:
        raise LogControlError(
            "period_start", "empty", "Ingen åtkomst till era uppgifter under perioden."
        )
    drawn = draw(members, size, seed)
    check = SpotCheck.objects.create(
        organisation=owner,
        kind=CheckKind.SAMPLE,
        subject=subject,
        period_start=start,
        period_end=end,
        sample_size=len(drawn),
        seed=seed,
        criteria={
            "method": "random.Random(seed).sample över sorterad population",
            "subject": subject,
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "requested_size": size,
            "population_size": len(members),
        },
        opened_by=_user(actor),
    )
    SpotCheckItem.objects.bulk_create(
        [
            SpotCheckItem(
                check_run=check,
                position=i,
                user_id=int(m) if subject == Subject.USERS else None,
                person_ref=m if subject == Subject.PERSONS else None,
            )
            for i, m in enumerate(drawn)
        ]
    )
    record(actor, Action.CREATE, SpotCheck, check.pk, why="Loggkontroll: stickprov dras")
    return check


@transaction.atomic
def open_suspicion(
    actor: Any,
    owner: Organisation,
    *,
    reason: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    username: str = "",
    person: str = "",
) -> SpotCheck:
    reason = _text(reason, "reason")
    if not reason:
        raise LogControlError("reason", "required", "Ange anledningen till kontrollen.")
    start, end = _period(period_start, period_end)
    username, person = _text(username, "username", 150), _text(person, "person", 40)
    if bool(username) == bool(person):
        raise LogControlError(
            "username", "one_subject", "Ange antingen en användare eller en person, inte båda."
        )
    user = None
    ref = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
        reached = user is not None and (
            selectors.events_for_owner(owner).filter(user=user).exists()
        )
        if not reached:
            raise LogControlError(
                "username",
                "unknown_user",
                "Användaren finns inte i loggen över åtkomst till era uppgifter.",
            )
    else:
        refs = owners.refs_of(person)
        if refs is None:
            raise LogControlError(
                "person",
                "invalid_identifier",
                "Personen: ange ett giltigt person- eller reservnummer.",
            )
        ref = _primary(refs, person)
    check = SpotCheck.objects.create(
        organisation=owner,
        kind=CheckKind.SUSPICION,
        subject=Subject.USERS if user else Subject.PERSONS,
        period_start=start,
        period_end=end,
        sample_size=1,
        reason=reason,
        criteria={"period_start": start.isoformat(), "period_end": end.isoformat()},
        opened_by=_user(actor),
    )
    SpotCheckItem.objects.create(check_run=check, user=user, person_ref=ref)
    record(
        actor,
        Action.CREATE,
        SpotCheck,
        check.pk,
        person_ref=ref,
        why="Loggkontroll: kontroll vid misstanke",
    )
    return check


def _primary(refs: set[str], typed: str) -> str:
    """The reference a person item keeps: the current primary one when it is known."""
    ids = owners.person_ids_by_ref(refs)
    if ids:
        from samverkan.people.selectors import person_refs

        current = person_refs(set(ids.values()))
        return next(iter(current.values()))
    return sorted(refs)[0] if refs else typed


def _user(actor: Any) -> Any:
    from samverkan.accounts.actors import user_of

    return user_of(actor)


def _open_check(owner: Organisation, check_id: Any) -> SpotCheck:
    check = SpotCheck.objects.select_for_update().filter(pk=check_id, organisation=owner).first()
    if check is None:
        raise LogControlError(None, "not_found", "Kontrollen finns inte.", status=404)
    if check.is_closed:
        raise LogControlError(
            None, "closed", "Kontrollen är avslutad och kan inte ändras.", status=409
        )
    return check


def _conclusion(conclusion: str, text: str, field: str, text_field: str) -> tuple[str, str]:
    if conclusion not in Conclusion.values:
        raise LogControlError(field, "invalid", "Välj en slutsats.", allowed=Conclusion.values)
    text = _text(text, text_field)
    if conclusion != Conclusion.NO_REMARK and not text:
        raise LogControlError(
            text_field, "required", "Beskriv vad som ska utredas eller vad som konstaterades."
        )
    return conclusion, text


@transaction.atomic
def review_item(
    actor: Any, owner: Organisation, check_id: Any, item_id: Any, *, conclusion: str, note: str
) -> SpotCheckItem:
    check = _open_check(owner, check_id)
    item = check.items.filter(pk=item_id).first()
    if item is None:
        raise LogControlError(None, "not_found", "Kontrollpunkten finns inte.", status=404)
    item.conclusion, item.note = _conclusion(conclusion, note, "conclusion", "note")
    item.reviewed_by = _user(actor)
    item.reviewed_at = timezone.now()
    item.save()
    record(
        actor,
        Action.UPDATE,
        SpotCheck,
        check.pk,
        person_ref=item.person_ref,
        why="Loggkontroll: kontrollpunkt granskad",
    )
    return item


@transaction.atomic
def close_check(
    actor: Any, owner: Organisation, check_id: Any, *, conclusion: str, text: str, confirm: bool
) -> SpotCheck:
    check = _open_check(owner, check_id)
    if not confirm:
        raise LogControlError(
            "confirm",
            "confirm_required",
            "Bekräfta att kontrollen avslutas: den kan sedan inte ändras.",
        )
    if check.items.filter(conclusion="").exists():
        raise LogControlError(
            None, "items_not_reviewed", "Granska alla kontrollpunkter innan kontrollen avslutas."
        )
    check.conclusion, check.conclusion_text = _conclusion(
        conclusion, text, "conclusion", "conclusion_text"
    )
    check.status = CheckStatus.CLOSED
    check.closed_by = _user(actor)
    check.closed_at = timezone.now()
    check.save()
    record(actor, Action.UPDATE, SpotCheck, check.pk, why="Loggkontroll: kontroll avslutad")
    return check
