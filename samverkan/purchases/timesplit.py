"""Split a performed service into day and evening/night segments (Europe/Stockholm).

Region Jämtland Härjedalen's bilaga 2 (primärvård - kommun) draws the line at the clock:
district-nurse work *kvällar och nätter 17.00-08.00* is done by the kommun without
compensation, while *dagtid 08.00-17.00* the region may buy the service (tjänsteköp,
bilaga 4). :func:`split` cuts a service at 08:00, 17:00 and midnight local time and labels
every piece, so that the caller can price or zero each one.

Bands
    ``day``: 08:00-17:00 on a working day, i.e. Monday-Friday that is not a Swedish public
    holiday (*allmän helgdag*). ``evening_night``: everything else, i.e. 17:00-08:00 every
    day, and also 08:00-17:00 on weekends and public holidays (office hours of primary care
    do not exist then). The flags ``weekend`` and ``holiday`` let a caller treat weekend or
    holiday day-time differently if an agreement says so.

Public holidays
    From ``holidays.Sweden`` (category PUBLIC), created with ``include_sundays=False``:
    older releases of the library list every Sunday as a Swedish holiday unless told
    otherwise, which would make ``holiday`` mean "Sunday or holiday". Here ``holiday`` means
    an *allmän helgdag* under lagen (1989:253) om allmänna helgdagar, and ``weekend`` means
    Saturday or Sunday; both can be true (6 June 2026, national day, is a Saturday).

Eves (*aftnar*)
    Midsommarafton, julafton and nyårsafton are **not** public holidays; they are often
    treated as such (semesterlagen 7 § counts them as Sundays, and many workplaces close).
    They stay ``day`` 08-17 when they fall on a weekday, with ``holiday_eve=True`` so a
    caller can apply a local rule. Example: 2026-06-19 (midsommarafton, a Friday) is ``day``
    08-17 with ``holiday_eve=True``.

Time zones and DST
    Inputs must be timezone-aware; they are converted to Europe/Stockholm. Boundaries are
    local wall-clock times (08:00, 17:00, 00:00), which never fall in a DST gap or fold
    (Sweden changes clocks between 02:00 and 03:00). Durations are measured in real elapsed
    time (via UTC): a night shift 22:00-07:00 across the October change lasts 10 hours, the
    same shift across the March change 8 hours. Python subtracts two datetimes that share a
    tzinfo by wall clock, so this module never does that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "MAX_DURATION",
    "STOCKHOLM",
    "Band",
    "Segment",
    "TimeRuleError",
    "duration_minutes",
    "holiday_name",
    "is_holiday_eve",
    "is_public_holiday",
    "overlaps",
    "split",
]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAX_DURATION = dt.timedelta(hours=24)
DAY_START = dt.time(8, 0)
DAY_END = dt.time(17, 0)
_UTC = dt.UTC


class TimeRuleError(ValueError):
    """A service time that breaks a rule. ``field`` names the input, ``code`` is stable for
    programs, ``message`` is Swedish for the user."""

    def __init__(self, field: str, code: str, message: str) -> None:
        self.field = field
        self.code = code
        self.message = message
        super().__init__(f"{field}: {message}")


class Band(StrEnum):
    DAY = "day"
    EVENING_NIGHT = "evening_night"


@dataclass(frozen=True)
class Segment:
    """A piece of a service inside one band on one local date; ``end`` is exclusive."""

    start: dt.datetime
    end: dt.datetime
    band: Band
    weekend: bool
    holiday: bool
    holiday_name: str | None = None
    holiday_eve: bool = False

    @property
    def duration(self) -> dt.timedelta:
        """Real elapsed time (DST-safe)."""
        return self.end.astimezone(_UTC) - self.start.astimezone(_UTC)

    @property
    def minutes(self) -> int:
        return int(self.duration.total_seconds()) // 60

    @property
    def local_date(self) -> dt.date:
        return self.start.date()


@lru_cache(maxsize=64)
def _calendar(year: int) -> Any:
    # include_sundays=False: see the module docstring. categories=PUBLIC: allmänna helgdagar only.
    return holidays.Sweden(
        years=year, include_sundays=False, categories=(holidays.PUBLIC,), language="sv"
    )


def holiday_name(day: dt.date) -> str | None:
    """The Swedish name of the public holiday on ``day``, or None."""
    name = _calendar(day.year).get(day)
    return str(name) if name else None


def is_public_holiday(day: dt.date) -> bool:
    """True on an allmän helgdag (Sundays as such are not counted; see ``weekend``)."""
    return holiday_name(day) is not None


def is_holiday_eve(day: dt.date) -> bool:
    """Midsommarafton (the Friday 19-25 June), julafton (24/12) or nyårsafton (31/12)."""
    if (day.month, day.day) in ((12, 24), (12, 31)):
        return True
    return day.month == 6 and 19 <= day.day <= 25 and day.weekday() == 4


def is_banking_day(day: dt.date) -> bool:
    """Swedish banks settle Monday to Friday except public holidays and midsommarafton,
    julafton and nyårsafton (bankfria dagar)."""
    return day.weekday() < 5 and not is_public_holiday(day) and not is_holiday_eve(day)


def next_banking_day(day: dt.date) -> dt.date:
    """``day`` if it is a banking day, else the first banking day after it (a due date that
    falls on 2027-01-01, nyårsdagen, becomes 2027-01-04)."""
    while not is_banking_day(day):
        day += dt.timedelta(days=1)
    return day


def _aware(value: dt.datetime, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TimeRuleError(field, "not_datetime", "Tiden måste anges som datum och klockslag.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise TimeRuleError(
            field, "naive_datetime", "Tiden saknar tidszon; ange svensk tid (Europe/Stockholm)."
        )
    if value.second or value.microsecond:
        raise TimeRuleError(
            field, "seconds_not_allowed", "Tiden ska anges i hela minuter (utan sekunder)."
        )
    return value.astimezone(STOCKHOLM)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(_UTC)


def duration_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Whole minutes of real elapsed time between two aware datetimes."""
    return int((_utc(end) - _utc(start)).total_seconds()) // 60


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=STOCKHOLM)


def _next_boundary(cur: dt.datetime) -> dt.datetime:
    """The next 08:00, 17:00 or midnight after ``cur`` (local). Wall-clock comparison is
    safe: the boundaries are never inside a DST gap or fold (02:00-03:00)."""
    t = cur.time()
    day = cur.date()
    if t < DAY_START:
        return _local(day, DAY_START)
    if t < DAY_END:
        return _local(day, DAY_END)
    return _local(day + dt.timedelta(days=1), dt.time(0, 0))


@lru_cache(maxsize=4096)
def _day_info(day: dt.date) -> tuple[bool, str | None, bool]:
    """(weekend, holiday name, holiday eve) of a date."""
    return day.weekday() >= 5, holiday_name(day), is_holiday_eve(day)


def _segment(start: dt.datetime, end: dt.datetime) -> Segment:
    weekend, name, eve = _day_info(start.date())
    office_hours = DAY_START <= start.time() < DAY_END
    band = Band.DAY if office_hours and not weekend and name is None else Band.EVENING_NIGHT
    return Segment(
        start=start,
        end=end,
        band=band,
        weekend=weekend,
        holiday=name is not None,
        holiday_name=name,
        holiday_eve=eve,
    )


def split(start: dt.datetime, end: dt.datetime) -> list[Segment]:
    """Cut ``[start, end)`` at 08:00, 17:00 and midnight (Stockholm time) into segments.

    Raises :class:`TimeRuleError` for naive datetimes, seconds, ``end <= start`` and
    services longer than 24 hours (real time).
    """
    s = _aware(start, "start")
    e = _aware(end, "end")
    if _utc(e) <= _utc(s):
        raise TimeRuleError(
            "end", "end_not_after_start", "Sluttiden måste vara senare än starttiden."
        )
    if _utc(e) - _utc(s) > MAX_DURATION:
        raise TimeRuleError(
            "end",
            "too_long",
            "En insats får vara högst 24 timmar. Dela upp den i flera registreringar.",
        )
    segments: list[Segment] = []
    cur, cur_utc, end_utc = s, _utc(s), _utc(e)
    while cur_utc < end_utc:
        boundary = _next_boundary(cur)
        boundary_utc = _utc(boundary)
        if boundary_utc < end_utc:
            seg_end, seg_end_utc = boundary, boundary_utc
        else:
            seg_end, seg_end_utc = e, end_utc
        segments.append(_segment(cur, seg_end))
        cur, cur_utc = seg_end, seg_end_utc
    return segments


class _Interval(Protocol):
    @property
    def start(self) -> dt.datetime: ...

    @property
    def end(self) -> dt.datetime: ...


def _bounds(value: _Interval | tuple[dt.datetime, dt.datetime]) -> tuple[dt.datetime, dt.datetime]:
    if isinstance(value, tuple):
        a, b = value
    else:
        a, b = value.start, value.end
    for v in (a, b):
        if v.tzinfo is None or v.utcoffset() is None:
            raise TimeRuleError("start", "naive_datetime", "Tiden saknar tidszon.")
    return _utc(a), _utc(b)


def overlaps(
    a: _Interval | tuple[dt.datetime, dt.datetime],
    b: _Interval | tuple[dt.datetime, dt.datetime],
) -> bool:
    """True if two half-open intervals ``[start, end)`` share any time.

    Accepts objects with ``start``/``end`` (a :class:`Segment`, a model instance) or
    ``(start, end)`` tuples. Back-to-back services (one ends 10:00, the next starts 10:00) do
    not overlap. Comparison is in real time, so it is right inside the October DST fold.
    """
    a0, a1 = _bounds(a)
    b0, b1 = _bounds(b)
    return a0 < b1 and b0 < a1
