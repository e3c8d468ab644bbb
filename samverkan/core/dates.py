"""The one reader of dates that come from outside (API parameters and bodies, query strings of
pages, uploaded files): ÅÅÅÅ-MM-DD only.

Python's `date.fromisoformat` also reads `20261202` and `2026-W49-3`, and pydantic reads `0`
or `1700000000` as a Unix time (1970-01-01): a re-decision with `?on=0` superseded the
current decision. Here only the extended ISO 8601 calendar date passes.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["DATE_MESSAGE", "DATE_PATTERN", "parse_iso_date"]

# The JSON Schema spelling of an ISO date (ASCII digits only, whole string).
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
DATE_MESSAGE = "Ska vara ett datum (ÅÅÅÅ-MM-DD)."
_ISO_DATE = re.compile(DATE_PATTERN)


def parse_iso_date(value: object) -> dt.date:
    """`"2026-12-02"` -> date(2026, 12, 2); anything else raises ValueError(DATE_MESSAGE).

    A `date` passes as it is (not a `datetime`: a time is no date)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError(DATE_MESSAGE)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(DATE_MESSAGE) from None
