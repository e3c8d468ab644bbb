"""The deviation answer deadline: configurable, default 30 days from receipt."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from samverkan.deviations.models import Deviation

DEFAULT_ANSWER_DAYS = 30


def answer_days() -> int:
    """Days the receiver has to answer (settings.SAMVERKAN_DEVIATION_ANSWER_DAYS, default 30)."""
    return int(getattr(settings, "SAMVERKAN_DEVIATION_ANSWER_DAYS", DEFAULT_ANSWER_DAYS))


def answer_due(deviation: Deviation, days: int | None = None) -> dt.date:
    received = timezone.localdate(deviation.received_at)
    return received + dt.timedelta(days=answer_days() if days is None else days)


def is_overdue(deviation: Deviation, on: dt.date | None = None, days: int | None = None) -> bool:
    """Not answered by the deadline: answered late, or still unanswered after it."""
    due = answer_due(deviation, days)
    if deviation.answered_at is not None:
        return timezone.localdate(deviation.answered_at) > due
    return (on or timezone.localdate()) > due
