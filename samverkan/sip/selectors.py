"""Reads of SIPs other rooms use (the sip room's door for reads; writes are in `services`).

- `sip_activity(agreements, start, end)`: for the yearly follow-up report, which SIPs under
  the agreements were started and which followed up in [start, end).
- `person_ids_with_sip_of(organisation_id, person_ids)`: for log control, which of these
  persons have a SIP the organisation initiated or participates in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from samverkan.sip.models import PlanVersion, Sip, VersionKind

__all__ = ["person_ids_with_sip_of", "sip_activity"]


def sip_activity(
    agreements: Iterable[str], start: dt.datetime, end: dt.datetime
) -> list[tuple[Any, str, bool, bool]]:
    """(person id, initiating huvudman's name, started, followed up) of every SIP under
    ``agreements`` created in [start, end) (started) or with a follow-up version saved then
    (followed up). NO access check: for the yearly report, which shows only aggregates with
    small cells suppressed."""
    ids = list(agreements)
    followed = set(
        PlanVersion.objects.filter(
            sip__agreement__in=ids,
            kind=VersionKind.FOLLOW_UP,
            created_at__gte=start,
            created_at__lt=end,
        ).values_list("sip_id", flat=True)
    )
    sips = Sip.objects.filter(agreement__in=ids).select_related(
        "initiated_by_organisation__contracted_by"
    )
    rows = []
    for sip in sips:
        started = start <= sip.created < end
        if not started and sip.pk not in followed:
            continue
        rows.append(
            # a private provider's SIP counts for its huvudman
            (
                sip.person_id,
                sip.initiated_by_organisation.huvudman.name,
                started,
                sip.pk in followed,
            )
        )
    return rows


def person_ids_with_sip_of(organisation_id: Any, person_ids: Iterable[Any]) -> set[Any]:
    """Of these persons, those with a SIP that ``organisation_id`` initiated or participates
    in (any status). NO access check: for log control, which asks whether a user's reads of a
    person had a SIP behind them and shows no SIP."""
    ids = list(person_ids)
    initiated = Sip.objects.filter(person_id__in=ids, initiated_by_organisation_id=organisation_id)
    participating = Sip.objects.filter(
        person_id__in=ids, participants__organisation_id=organisation_id
    )
    return set(initiated.values_list("person_id", flat=True)) | set(
        participating.values_list("person_id", flat=True)
    )
