"""Stays for the betalningsansvar tests: times are Swedish wall-clock times unless a zone is given."""

from __future__ import annotations

import datetime as dt
from typing import Any

from samverkan.rules import DischargeStay
from samverkan.rules.discharge import TIME_ZONE


def at(text: str | None) -> dt.datetime | None:
    """'2026-03-05 10:00' as an aware datetime in Europe/Stockholm (None stays None)."""
    if text is None:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=TIME_ZONE)


def stay(
    *,
    care_type: str = "somatic",
    admitted: str | None = "2026-03-01 08:00",
    admission_notice: str | None = "2026-03-01 12:00",
    ready: str | None = "2026-03-05 09:00",
    ready_notice: str | None = "2026-03-05 10:00",
    needs: bool = True,
    discharged: str | None = None,
    died: bool = False,
) -> DischargeStay:
    kwargs: dict[str, Any] = {
        "care_type": care_type,
        "admitted_at": at(admitted),
        "admission_notice_at": at(admission_notice),
        "ready_at": at(ready),
        "ready_notice_at": at(ready_notice),
        "needs_municipal_insatser": needs,
        "discharged_at": at(discharged),
        "died": died,
    }
    return DischargeStay(**kwargs)
