from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samverkan.purchases.timesplit import (
    STOCKHOLM,
    Band,
    Segment,
    TimeRuleError,
    duration_minutes,
    holiday_name,
    is_holiday_eve,
    is_public_holiday,
    overlaps,
    split,
)

S = STOCKHOLM


def at(y: int, mo: int, d: int, h: int, mi: int = 0, fold: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=S, fold=fold)


def shape(segments: list[Segment]) -> list[tuple[str, str, str, int]]:
    return [(f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.band.value, s.minutes) for s in segments]


# 2026-03-10 is an ordinary Tuesday.


def test_one_minute_before_eight_is_night_and_eight_is_day() -> None:
    assert shape(split(at(2026, 3, 10, 7, 59), at(2026, 3, 10, 8, 1))) == [
        ("07:59", "08:00", "evening_night", 1),
        ("08:00", "08:01", "day", 1),
    ]


def test_eight_to_four_fifty_nine_is_one_day_segment() -> None:
    assert shape(split(at(2026, 3, 10, 8), at(2026, 3, 10, 16, 59))) == [
        ("08:00", "16:59", "day", 539)
    ]


def test_sixteen_fifty_nine_is_day_and_seventeen_is_evening() -> None:
    assert shape(split(at(2026, 3, 10, 16, 59), at(2026, 3, 10, 17, 1))) == [
        ("16:59", "17:00", "day", 1),
        ("17:00", "17:01", "evening_night", 1),
    ]


def test_service_ending_at_seventeen_has_no_evening_part() -> None:
    assert shape(split(at(2026, 3, 10, 16, 59), at(2026, 3, 10, 17, 0))) == [
        ("16:59", "17:00", "day", 1)
    ]


def test_a_long_day_is_cut_at_both_boundaries() -> None:
    assert shape(split(at(2026, 3, 10, 7), at(2026, 3, 10, 18))) == [
        ("07:00", "08:00", "evening_night", 60),
        ("08:00", "17:00", "day", 540),
        ("17:00", "18:00", "evening_night", 60),
    ]


def test_midnight_crossing_is_cut_at_midnight() -> None:
    segments = split(at(2026, 3, 10, 22), at(2026, 3, 11, 2))
    assert shape(segments) == [
        ("22:00", "00:00", "evening_night", 120),
        ("00:00", "02:00", "evening_night", 120),
    ]
    assert [s.local_date for s in segments] == [dt.date(2026, 3, 10), dt.date(2026, 3, 11)]


def test_exactly_24_hours_is_allowed_and_cut_everywhere() -> None:
    segments = split(at(2026, 3, 10, 6), at(2026, 3, 11, 6))
    assert shape(segments) == [
        ("06:00", "08:00", "evening_night", 120),
        ("08:00", "17:00", "day", 540),
        ("17:00", "00:00", "evening_night", 420),
        ("00:00", "06:00", "evening_night", 360),
    ]
    assert sum(s.minutes for s in segments) == 24 * 60


def test_longer_than_24_hours_is_refused_in_swedish() -> None:
    with pytest.raises(TimeRuleError) as err:
        split(at(2026, 3, 10, 6), at(2026, 3, 11, 6, 1))
    assert err.value.field == "end"
    assert err.value.code == "too_long"
    assert "24 timmar" in err.value.message


@pytest.mark.parametrize("end", [at(2026, 3, 10, 8), at(2026, 3, 10, 7)])
def test_end_not_after_start_is_refused(end: dt.datetime) -> None:
    with pytest.raises(TimeRuleError) as err:
        split(at(2026, 3, 10, 8), end)
    assert (err.value.field, err.value.code) == ("end", "end_not_after_start")
    assert "Sluttiden" in err.value.message


def test_naive_datetimes_and_seconds_are_refused() -> None:
    with pytest.raises(TimeRuleError) as err:
        split(dt.datetime(2026, 3, 10, 8), at(2026, 3, 10, 9))
    assert (err.value.field, err.value.code) == ("start", "naive_datetime")
    with pytest.raises(TimeRuleError) as err:
        split(at(2026, 3, 10, 8), at(2026, 3, 10, 9).replace(second=30))
    assert (err.value.field, err.value.code) == ("end", "seconds_not_allowed")


def test_other_time_zones_are_converted_to_stockholm() -> None:
    # 07:00 UTC in March is 08:00 in Stockholm (CET, UTC+1).
    start = dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC)
    segments = split(start, start + dt.timedelta(hours=1))
    assert shape(segments) == [("08:00", "09:00", "day", 60)]
    assert segments[0].start.tzinfo == S


# Public holidays, weekends and eves.


def test_weekday_public_holiday_has_no_day_band() -> None:
    (segment,) = split(at(2026, 5, 14, 9), at(2026, 5, 14, 10))  # Kristi himmelsfärdsdag, Thu
    assert segment.band is Band.EVENING_NIGHT
    assert segment.holiday and not segment.weekend
    assert segment.holiday_name == "Kristi himmelsfärdsdag"


def test_national_day_2026_is_both_holiday_and_weekend() -> None:
    (segment,) = split(at(2026, 6, 6, 9), at(2026, 6, 6, 10))  # Nationaldagen, a Saturday
    assert segment.holiday and segment.weekend
    assert segment.holiday_name == "Nationaldagen"
    assert segment.band is Band.EVENING_NIGHT


def test_midsummer_eve_is_not_a_public_holiday_but_is_flagged() -> None:
    # Midsommarafton 2026-06-19 (Friday): often treated as a holiday, but not an allmän
    # helgdag. Day band, holiday_eve=True so a caller can apply a local rule.
    (segment,) = split(at(2026, 6, 19, 9), at(2026, 6, 19, 10))
    assert segment.band is Band.DAY
    assert not segment.holiday and not segment.weekend
    assert segment.holiday_eve
    assert is_public_holiday(dt.date(2026, 6, 20))  # midsommardagen is
    assert is_holiday_eve(dt.date(2026, 12, 24)) and is_holiday_eve(dt.date(2026, 12, 31))
    assert not is_holiday_eve(dt.date(2026, 6, 18))


def test_ordinary_sunday_is_weekend_not_holiday() -> None:
    # holidays.Sweden can list every Sunday as a holiday; the flag must mean allmän helgdag.
    assert holiday_name(dt.date(2026, 3, 15)) is None
    (segment,) = split(at(2026, 3, 15, 9), at(2026, 3, 15, 10))
    assert segment.weekend and not segment.holiday
    assert segment.band is Band.EVENING_NIGHT
    assert is_public_holiday(dt.date(2026, 4, 5))  # påskdagen, a Sunday that is a holiday


def test_saturday_daytime_is_evening_night_band() -> None:
    (segment,) = split(at(2026, 3, 14, 10), at(2026, 3, 14, 11))
    assert segment.weekend and segment.band is Band.EVENING_NIGHT


# Daylight saving time.


def test_autumn_dst_night_lasts_ten_real_hours() -> None:
    segments = split(at(2026, 10, 24, 22), at(2026, 10, 25, 7))
    assert [s.minutes for s in segments] == [120, 480]
    assert sum(s.minutes for s in segments) == 600
    assert duration_minutes(at(2026, 10, 24, 22), at(2026, 10, 25, 7)) == 600


def test_spring_dst_night_lasts_eight_real_hours() -> None:
    segments = split(at(2026, 3, 28, 22), at(2026, 3, 29, 7))
    assert [s.minutes for s in segments] == [120, 360]


def test_service_inside_the_repeated_hour() -> None:
    # 02:30 summer time to 02:30 winter time on 2026-10-25 is one real hour.
    (segment,) = split(at(2026, 10, 25, 2, 30), at(2026, 10, 25, 2, 30, fold=1))
    assert segment.minutes == 60


def test_24_hour_limit_counts_real_time_across_dst() -> None:
    with pytest.raises(TimeRuleError):  # 25 real hours
        split(at(2026, 10, 24, 8), at(2026, 10, 25, 8))
    segments = split(at(2026, 3, 28, 8), at(2026, 3, 29, 8))  # 23 real hours
    assert sum(s.minutes for s in segments) == 23 * 60


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=S)
    ),
    minutes=st.integers(min_value=1, max_value=24 * 60),
)
def test_segments_tile_the_service(start: dt.datetime, minutes: int) -> None:
    start = start.astimezone(dt.UTC).astimezone(S)  # normalise non-existent local times
    end = (start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(S)
    segments = split(start, end)
    assert sum(s.minutes for s in segments) == minutes
    assert segments[0].start == start and segments[-1].end == end
    for a, b in zip(segments, segments[1:], strict=False):
        assert a.end == b.start
    for s in segments:
        assert s.minutes > 0
        last = (s.end.astimezone(dt.UTC) - dt.timedelta(minutes=1)).astimezone(S)
        assert last.date() == s.start.date()
        in_day = dt.time(8) <= s.start.time() < dt.time(17)
        assert (dt.time(8) <= last.time() < dt.time(17)) == in_day
        working = s.start.weekday() < 5 and not is_public_holiday(s.start.date())
        assert (s.band is Band.DAY) == (in_day and working)


# Overlaps.


def test_overlaps() -> None:
    a = (at(2026, 3, 10, 8), at(2026, 3, 10, 10))
    assert overlaps(a, (at(2026, 3, 10, 9), at(2026, 3, 10, 11)))
    assert overlaps(a, (at(2026, 3, 10, 8, 30), at(2026, 3, 10, 9)))  # inside
    assert not overlaps(a, (at(2026, 3, 10, 10), at(2026, 3, 10, 11)))  # back to back
    assert not overlaps((at(2026, 3, 10, 10), at(2026, 3, 10, 11)), a)
    seg = split(at(2026, 3, 10, 9), at(2026, 3, 10, 9, 30))[0]
    assert overlaps(seg, a)


def test_overlaps_uses_real_time_in_the_dst_fold() -> None:
    # 01:30-02:45 summer time ends before 02:15 winter time begins, though the wall clock
    # says otherwise.
    first = (at(2026, 10, 25, 1, 30), at(2026, 10, 25, 2, 45))
    second = (at(2026, 10, 25, 2, 15, fold=1), at(2026, 10, 25, 3, 0))
    assert not overlaps(first, second)
