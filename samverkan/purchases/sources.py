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

The hold reason is kept in the record's decision snapshot (``data["hold"]``) and shown by
the preview as the reason it is left out; a held draft with a ``dispute_ref`` cannot be
approved (`registration.approve_records`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from samverkan.accounts.models import Organisation
from samverkan.purchases.bases import month_end, month_start
from samverkan.purchases.decisions import snapshot_digest
from samverkan.purchases.models import (
    Band,
    DecisionSnapshot,
    RecordStatus,
    ServiceRecord,
)

__all__ = [
    "SourceItem",
    "SourceResult",
    "held_reasons",
    "refresh_sources",
    "register_source",
    "sources",
]


@dataclass(frozen=True)
class SourceItem:
    """One billable thing of a source (e.g. one stay's payment days in one month at one
    amount). ``minutes`` is the quantity in the unit of its rate (1440 per vårddygn)."""

    key: str
    person_id: int
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


def held_reasons(decision_ids: list[int]) -> dict[int, str]:
    """The hold reason of each decision snapshot that has one (source records)."""
    return {
        pk: data.get("hold") or ""
        for pk, data in DecisionSnapshot.objects.filter(pk__in=decision_ids).values_list(
            "pk", "data"
        )
        if isinstance(data, dict) and data.get("hold")
    }
