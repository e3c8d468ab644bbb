"""Checking the chain, sealing months with anchors, and purging periods past their retention.

- :func:`verify` walks the anchors and the events in sequence order and names the first
  broken sequence number (a changed event, a missing one, a broken link or anchor).
- :func:`anchor_periods` seals every finished month that has events and no anchor yet
  (run monthly, e.g. ``samverkan audit anchor`` from cron; the purge runs it first).
- :func:`purge` deletes the events of anchored months older than the data owner's retention
  (``SAMVERKAN_AUDIT_RETENTION_YEARS``, at least five years: HSLF-FS 2016:40 4 kap. 9 §
  requires the log to be kept at least five years). It first records an :class:`AuditPurge`
  (the only thing the database's delete trigger lets through), deletes, and logs itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils import timezone

from samverkan.audit import chain
from samverkan.audit.models import Action, AuditAnchor, AuditEvent, AuditPurge
from samverkan.audit.services import record

MIN_RETENTION_YEARS = 5  # HSLF-FS 2016:40 4 kap. 9 §

_VALUES = ("id", *chain.EVENT_FIELDS, "hash")


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int  # events checked
    anchors: int
    first_sequence: int | None  # the first sequence checked (after a purge: anchor + 1)
    last_sequence: int | None
    broken_at: int | None = None  # the first broken sequence number
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            if not self.checked:
                return f"Granskningsloggen är obruten: inga händelser, {self.anchors} periodankare."
            return (
                f"Granskningsloggen är obruten: {self.checked} händelser "
                f"(löpnummer {self.first_sequence}–{self.last_sequence}), "
                f"{self.anchors} periodankare."
            )
        return f"Granskningsloggen är bruten vid löpnummer {self.broken_at}: {self.reason}"


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _anchor_values(anchor: AuditAnchor) -> dict[str, object]:
    return {name: getattr(anchor, name) for name in chain.ANCHOR_FIELDS}


def verify(using: str | None = None) -> Verification:
    db = using or router.db_for_read(AuditEvent)
    anchors = list(AuditAnchor.objects.using(db).order_by("last_sequence"))
    purge = AuditPurge.objects.using(db).order_by("-up_to_sequence").first()

    def broken(at: int, reason: str, checked: int = 0) -> Verification:
        return Verification(False, checked, len(anchors), None, None, at, reason)

    prev_anchor, prev_last = chain.GENESIS, 0
    by_last: dict[int, AuditAnchor] = {}
    for anchor in anchors:
        if anchor.hash != chain.anchor_hash(_anchor_values(anchor)):
            return broken(anchor.first_sequence, f"periodankaret {anchor.period:%Y-%m} är ändrat")
        if anchor.prev_anchor_hash != prev_anchor or anchor.first_sequence != prev_last + 1:
            return broken(
                anchor.first_sequence,
                f"periodankaret {anchor.period:%Y-%m} följer inte på föregående ankare",
            )
        if anchor.count != anchor.last_sequence - anchor.first_sequence + 1:
            return broken(anchor.first_sequence, f"periodankaret {anchor.period:%Y-%m} räknar fel")
        prev_anchor, prev_last = anchor.hash, anchor.last_sequence
        by_last[anchor.last_sequence] = anchor

    expected, prev = 1, chain.GENESIS
    if purge is not None:
        start = by_last.get(purge.up_to_sequence)
        if start is None or start.pk != purge.anchor_id:
            return broken(purge.up_to_sequence, "gallringen saknar sitt periodankare")
        expected, prev = start.last_sequence + 1, start.last_hash

    events = (
        AuditEvent.objects.using(db)
        .filter(sequence__gte=expected)
        .order_by("sequence")
        .values(*_VALUES)
    )
    first = expected
    checked = 0
    for row in events.iterator(chunk_size=5000):
        sequence = row["sequence"]
        if sequence != expected:
            return broken(expected, "händelsen saknas (borttagen)", checked)
        if row["prev_hash"] != prev:
            return broken(sequence, "länken till föregående händelse stämmer inte", checked)
        if row["hash"] != chain.event_hash(row):
            return broken(sequence, "händelsens innehåll stämmer inte med dess hash", checked)
        sealed = by_last.get(sequence)
        if sealed is not None and sealed.last_hash != row["hash"]:
            return broken(sequence, f"stämmer inte med periodankaret {sealed.period:%Y-%m}")
        prev = row["hash"]
        expected += 1
        checked += 1
    if anchors and anchors[-1].last_sequence >= expected:
        return broken(expected, "händelsen saknas (borttagen)", checked)
    last = expected - 1 if checked else None
    return Verification(True, checked, len(anchors), first if checked else None, last)


def anchor_periods(now: dt.datetime | None = None, using: str | None = None) -> list[AuditAnchor]:
    """Seal every finished month (local time) that has events after the last anchor.

    A month is sealed only if its part of the chain verifies; an error names the sequence."""
    db = using or router.db_for_write(AuditEvent)
    this_month = _month(_local_date(now or timezone.now()))
    made: list[AuditAnchor] = []
    with transaction.atomic(using=db):
        if connections[db].vendor == "postgresql":  # no event is written while we seal
            from samverkan.audit.models import CHAIN_LOCK

            with connections[db].cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
        last = AuditAnchor.objects.using(db).order_by("-last_sequence").first()
        prev_anchor = last.hash if last else chain.GENESIS
        prev_last = last.last_sequence if last else 0
        prev_hash = last.last_hash if last else chain.GENESIS
        after = _next_month(last.period) if last else dt.date.min
        events = AuditEvent.objects.using(db).order_by("sequence")
        while True:
            rest = events.filter(sequence__gt=prev_last)
            first_time = rest.values_list("timestamp", flat=True).first()
            if first_time is None:
                break
            # A month's part of the chain: from the last anchor up to the first event of a
            # later month, so every event an anchor covers is older than its month's end.
            period = max(_month(_local_date(first_time)), after)
            if period >= this_month:
                break
            end = timezone.make_aware(dt.datetime.combine(_next_month(period), dt.time()))
            later = rest.filter(timestamp__gte=end).values_list("sequence", flat=True).first()
            part = rest if later is None else rest.filter(sequence__lt=later)
            rows = list(part.values(*_VALUES))
            for expected, row in enumerate(rows, start=prev_last + 1):
                if (
                    row["sequence"] != expected
                    or row["prev_hash"] != prev_hash
                    or row["hash"] != chain.event_hash(row)
                ):
                    raise ChainBroken(expected)
                prev_hash = row["hash"]
            anchor = AuditAnchor(
                period=period,
                first_sequence=prev_last + 1,
                last_sequence=rows[-1]["sequence"],
                count=len(rows),
                last_hash=prev_hash,
                prev_anchor_hash=prev_anchor,
            )
            anchor.hash = chain.anchor_hash(_anchor_values(anchor))
            anchor.save(using=db)
            made.append(anchor)
            prev_anchor, prev_last = anchor.hash, anchor.last_sequence
            after = _next_month(period)
    return made


class ChainBroken(Exception):
    def __init__(self, sequence: int) -> None:
        super().__init__(f"Granskningsloggen är bruten vid löpnummer {sequence}.")
        self.sequence = sequence


class PurgeRefused(Exception):
    """The purge asked for is not allowed (retention, missing decision, nothing to purge)."""


def retention_years() -> int:
    years = int(getattr(settings, "SAMVERKAN_AUDIT_RETENTION_YEARS", MIN_RETENTION_YEARS))
    if years < MIN_RETENTION_YEARS:
        raise ImproperlyConfigured(
            f"SAMVERKAN_AUDIT_RETENTION_YEARS är {years}: granskningsloggen ska bevaras minst "
            f"{MIN_RETENTION_YEARS} år (HSLF-FS 2016:40 4 kap. 9 §)."
        )
    return years


def purge_cutoff(now: dt.datetime | None = None) -> dt.date:
    """Months that end on or before this date are past their retention."""
    today = _local_date(now or timezone.now())
    years = retention_years()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return _month(day)


@dataclass(frozen=True)
class Purged:
    anchor: AuditAnchor
    deleted: int


def purge(
    *,
    reason: str,
    before: dt.date | None = None,
    now: dt.datetime | None = None,
    using: str | None = None,
) -> Purged:
    """Delete the events of the anchored months that end before ``before`` (default and at
    most: the retention cutoff). ``reason`` is the data owner's decision, e.g. its number."""
    if not reason.strip():
        raise PurgeRefused("Ange dataägarens beslut om gallring (--reason).")
    db = using or router.db_for_write(AuditEvent)
    cutoff = purge_cutoff(now)
    if before is not None and _month(before) > cutoff:
        raise PurgeRefused(
            f"Händelser efter {cutoff:%Y-%m} får inte gallras: bevarandetiden är "
            f"{retention_years()} år (HSLF-FS 2016:40 4 kap. 9 §)."
        )
    limit = min(_month(before), cutoff) if before is not None else cutoff
    with transaction.atomic(using=db):
        anchor_periods(now, using=db)
        anchor = (
            AuditAnchor.objects.using(db)
            .filter(period__lt=limit)
            .order_by("-last_sequence")
            .first()
        )
        done = AuditPurge.objects.using(db).order_by("-up_to_sequence").first()
        if anchor is None or (done is not None and done.up_to_sequence >= anchor.last_sequence):
            raise PurgeRefused(f"Det finns inga händelser före {limit:%Y-%m} att gallra.")
        AuditPurge.objects.using(db).create(
            anchor=anchor,
            up_to_sequence=anchor.last_sequence,
            retention_years=retention_years(),
            reason=reason.strip(),
        )
        with connections[db].cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence <= %s",
                [anchor.last_sequence],
            )
            deleted = cursor.rowcount
        record(
            None,
            Action.PURGE,
            AuditEvent,
            anchor.last_sequence,
            why=(
                f"Gallring av granskningsloggen till och med {anchor.period:%Y-%m} "
                f"({deleted} händelser, bevarandetid {retention_years()} år). "
                f"Beslut: {reason.strip()}"
            ),
            process="gallring",
        )
    return Purged(anchor, deleted)
