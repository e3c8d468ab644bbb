"""Billable sources outside tjänsteköp: other rooms' facts that become service records of the
same invoice runs (one invoicing path, not a second one).

A room above purchases registers a *source* (``register_source(name, fn)``, in its
AppConfig.ready): ``fn(seller, buyer, month) -> SourceResult``, the items it wants billed
for that pair and month, and what it leaves out and why (``excluded``: a stay whose notice
is missing has no record to show). Before a run's preview and before the run itself
(`refresh_sources`), each source's records of the pair and month are brought up to date:

- an item becomes a ``ServiceRecord`` with ``external_id`` ``"<name>:<key>"`` (its staff is
  the ekonom who ran it; ``occupies`` is false: nobody's working time);
- an unchanged item keeps its record and status, so a draft the parties confirmed
  (approved in the month review) stays approved;
- an item that must wait is a draft with a ``hold`` reason: with a ``dispute_ref`` (an open
  dispute) it cannot be approved; without one (an amount not yet confirmed) it is the
  parties' to confirm by approving it in the month review;
- a changed item withdraws the old uninvoiced record and writes a new one; a record whose
  item is gone is withdrawn; invoiced records are never touched (a correction is a credit
  note, as for every record).

A hold that ends after the month was invoiced and locked (a dispute decided with the kommun
as cost bearer) reopens that month: `release_held` brings the held months' records up to
date and opens a correction run for a month that now has approved, uninvoiced source
records ("Rättelse öppen" in the ekonom's work queue); the month's next run invoices them at
their own days' amounts. The room that held the records calls it when the hold ends (the
discharge room from the disputes service's decision, `deviations.disputes.DECISION_HOOKS`),
so the month is reopened at the decision; every preview and run of the pair calls it too.

The hold reason is kept in the record's decision snapshot (``data["hold"]``) and shown by
the preview as the reason it is left out; a held draft with a ``dispute_ref`` cannot be
approved (`registration.approve_records`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q

from samverkan.accounts.models import Organisation
from samverkan.purchases.bases import month_end, month_start
from samverkan.purchases.decisions import snapshot_digest
from samverkan.purchases.models import (
    Band,
    DecisionSnapshot,
    InvoiceRun,
    RecordStatus,
    RunKind,
    RunStatus,
    ServiceRecord,
)

__all__ = [
    "SourceItem",
    "SourceResult",
    "held_reasons",
    "refresh_sources",
    "register_source",
    "release_held",
    "sources",
]


@dataclass(frozen=True)
class SourceItem:
    """One billable thing of a source (e.g. one stay's payment days in one month at one
    amount). ``minutes`` is the quantity in the unit of its rate (1440 per vårddygn)."""

    key: str
    person_id: uuid.UUID
    performer_unit_id: int | None
    start_at: dt.datetime
    end_at: dt.datetime
    minutes: int
    intervention: str
    agreement: str
    basis: str
    payment: str
    decision: Mapping[str, Any]
    status: str = RecordStatus.APPROVED
    hold: str = ""
    #: False: a held item only its source releases (an open dispute, terms the other party
    #: has not confirmed); the month review cannot approve it (``data["hold_blocks"]``).
    approvable: bool = True
    dispute_ref: str = ""

    @property
    def service_date(self) -> dt.date:
        from django.utils import timezone

        return timezone.localdate(self.start_at)


@dataclass
class SourceResult:
    items: list[SourceItem] = field(default_factory=list)
    #: (why, how many) of what the source leaves out without a record.
    excluded: list[tuple[str, int]] = field(default_factory=list)


Source = Callable[[Organisation, Organisation, dt.date], SourceResult]
_SOURCES: dict[str, Source] = {}


def register_source(name: str, fn: Source) -> None:
    """Register (or replace) a source by its name (``[a-z-]``, the external_id prefix)."""
    _SOURCES[name] = fn


def sources() -> Mapping[str, Source]:
    return dict(_SOURCES)


def _snapshot(item: SourceItem) -> dict[str, Any]:
    data = dict(item.decision)
    data.update({"basis": item.basis, "payment": item.payment, "hold": item.hold})
    if item.hold and not item.approvable:
        data["hold_blocks"] = True
    return data


def _same(record: ServiceRecord, item: SourceItem, digest: str) -> bool:
    return (
        record.person_id == item.person_id
        and record.start_at == item.start_at
        and record.end_at == item.end_at
        and record.minutes == item.minutes
        and record.intervention == item.intervention
        and record.dispute_ref == item.dispute_ref
        and record.decision.digest == digest
    )


def refresh_sources(
    user: Any, *, seller: Organisation, buyer: Organisation, month: dt.date
) -> list[tuple[str, int]]:
    """Bring every source's records of the pair and month up to date (see the module
    docstring); returns what the sources leave out without a record, and why."""
    excluded: list[tuple[str, int]] = []
    month = month_start(month)
    for name, fn in sorted(_SOURCES.items()):
        result = fn(seller, buyer, month)
        excluded.extend(result.excluded)
        _write(user, name, seller, buyer, month, result.items)
    return excluded


def _write(
    user: Any,
    name: str,
    seller: Organisation,
    buyer: Organisation,
    month: dt.date,
    items: list[SourceItem],
) -> None:
    prefix = f"{name}:"
    with transaction.atomic():
        existing = {
            r.external_id: r
            for r in ServiceRecord.objects.select_related("decision").filter(
                performer_org_id=seller.pk,
                payer_org_id=buyer.pk,
                service_date__gte=month,
                service_date__lte=month_end(month),
                external_id__startswith=prefix,
                status__in=(RecordStatus.DRAFT, RecordStatus.APPROVED, RecordStatus.INVOICED),
            )
        }
        snapshots: dict[str, dict[str, Any]] = {}
        wanted: list[tuple[SourceItem, str]] = []
        for item in items:
            data = _snapshot(item)
            digest = snapshot_digest(data)
            snapshots[digest] = data
            wanted.append((item, digest))
        if snapshots:
            DecisionSnapshot.objects.bulk_create(
                [DecisionSnapshot(digest=d, data=v) for d, v in snapshots.items()],
                ignore_conflicts=True,
            )
        snapshot_ids = dict(
            DecisionSnapshot.objects.filter(digest__in=list(snapshots)).values_list("digest", "id")
        )
        withdraw: list[int] = []
        approve: list[int] = []
        create: list[ServiceRecord] = []
        seen: set[str] = set()
        for item, digest in wanted:
            external_id = prefix + item.key
            seen.add(external_id)
            record = existing.get(external_id)
            if record is not None and record.status == RecordStatus.INVOICED:
                continue  # invoiced: only a credit note changes it
            if record is not None and _same(record, item, digest):
                # Unchanged: keep it (a confirmed draft stays approved); a dispute or a new
                # fact changes the content, so it never gets here with a stale status.
                if item.status == RecordStatus.APPROVED and record.status == RecordStatus.DRAFT:
                    approve.append(record.pk)
                continue
            elif record is not None:
                withdraw.append(record.pk)
            create.append(
                ServiceRecord(
                    service_date=item.service_date,
                    start_at=item.start_at,
                    end_at=item.end_at,
                    minutes=item.minutes,
                    band=Band.DAY,
                    person_id=item.person_id,
                    performer_org_id=seller.pk,
                    performer_unit_id=item.performer_unit_id,
                    staff=user,
                    orderer_org_id=buyer.pk,
                    payer_org_id=buyer.pk,
                    intervention=item.intervention,
                    basis=item.basis,
                    agreement=item.agreement,
                    payment=item.payment,
                    decision_id=snapshot_ids[digest],
                    dispute_ref=item.dispute_ref,
                    status=item.status,
                    occupies=False,
                    external_id=external_id[:64],
                    created_by=user,
                )
            )
        withdraw += [
            r.pk
            for eid, r in existing.items()
            if eid not in seen and r.status != RecordStatus.INVOICED
        ]
        if withdraw:
            ServiceRecord.objects.filter(pk__in=withdraw).update(
                status=RecordStatus.WITHDRAWN,
                occupies=False,
                withdrawn_reason="Underlaget har ändrats; ersatt av en ny rad",
            )
        if approve:
            ServiceRecord.objects.filter(pk__in=approve).update(status=RecordStatus.APPROVED)
        ServiceRecord.objects.bulk_create(create, batch_size=2000)


def _source_records(seller: Organisation, buyer: Organisation) -> Any:
    q = Q(pk__in=[])
    for name in _SOURCES:
        q |= Q(external_id__startswith=f"{name}:")
    return ServiceRecord.objects.filter(q, performer_org_id=seller.pk, payer_org_id=buyer.pk)


def _locked(seller: Organisation, buyer: Organisation, month: dt.date) -> bool:
    runs = InvoiceRun.objects.filter(seller=seller, buyer=buyer, month=month)
    return (
        runs.filter(kind=RunKind.REGULAR, locked=True).exists()
        and not runs.filter(
            kind=RunKind.CORRECTION, status__in=(RunStatus.OPEN, RunStatus.RUNNING)
        ).exists()
    )


def release_held(
    user: Any, *, seller: Organisation, buyer: Organisation, open_months: bool = False
) -> list[dt.date]:
    """Reopen the locked months of the pair whose held source records have been released
    (see the module docstring); returns the months reopened. ``open_months``: bring the
    held records of the open months up to date too (a decision that settles them, called
    from the room that held them; a preview or run does that for its own month).
    ``user`` None: the records are written in the name of the held records' staff (the
    ekonom whose run wrote them)."""
    if not _SOURCES:
        return []
    held = _source_records(seller, buyer).filter(status=RecordStatus.DRAFT, invoice__isnull=True)
    reopened: list[dt.date] = []
    for month in held.dates("service_date", "month"):
        locked = _locked(seller, buyer, month)
        if not (locked or open_months):
            continue  # an open month is brought up to date by its own preview and run
        if user is None:
            first = (
                held.filter(service_date__gte=month, service_date__lte=month_end(month))
                .select_related("staff")
                .order_by("pk")
                .first()
            )
            writer = first.staff if first is not None else None
        else:
            writer = user
        for name, fn in sorted(_SOURCES.items()):
            _write(writer, name, seller, buyer, month, fn(seller, buyer, month).items)
        if not locked:
            continue
        released = _source_records(seller, buyer).filter(
            status=RecordStatus.APPROVED,
            invoice__isnull=True,
            service_date__gte=month,
            service_date__lte=month_end(month),
        )
        if not released.exists():
            continue
        with transaction.atomic():
            runs = InvoiceRun.objects.select_for_update().filter(
                seller=seller, buyer=buyer, month=month
            )
            last = runs.order_by("-sequence").values_list("sequence", flat=True).first() or 0
            InvoiceRun.objects.create(
                seller=seller,
                buyer=buyer,
                month=month,
                kind=RunKind.CORRECTION,
                sequence=last + 1,
                status=RunStatus.OPEN,
                started_by=writer,
                message=(
                    "Rättelse: underlag som hölls inne (en avgjord tvist) ska faktureras "
                    f"för {month:%Y-%m}."
                ),
            )
        reopened.append(month)
    return reopened


def held_reasons(decision_ids: list[int]) -> dict[int, str]:
    """The hold reason of each decision snapshot that has one (source records)."""
    return {
        pk: data.get("hold") or ""
        for pk, data in DecisionSnapshot.objects.filter(pk__in=decision_ids).values_list(
            "pk", "data"
        )
        if isinstance(data, dict) and data.get("hold")
    }
