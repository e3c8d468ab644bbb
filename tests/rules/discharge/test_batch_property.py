"""payment_days_batch (Polars) gives the same answers as payment_days, stay by stay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samverkan.rules import (
    DischargeStay,
    InvalidStay,
    discharge_terms,
    payment_days,
    payment_days_batch,
)
from samverkan.rules.discharge import TIME_ZONE

pytestmark = pytest.mark.fuzz

START = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
ZONES = st.sampled_from([dt.UTC, TIME_ZONE, dt.timezone(dt.timedelta(hours=-5))])


@st.composite
def stays(draw: Any) -> DischargeStay:
    """A possible stay: each event after the one before it, any of them not yet happened."""
    zone = draw(ZONES)
    minutes = st.integers(min_value=0, max_value=60 * 24 * 20)
    admitted = START + dt.timedelta(minutes=draw(st.integers(0, 60 * 24 * 120)))

    def later(after: dt.datetime) -> dt.datetime | None:
        """A time after ``after``, or (one time in four) None: not yet happened."""
        if draw(st.integers(0, 3)) == 0:
            return None
        return (after + dt.timedelta(minutes=draw(minutes))).astimezone(zone)

    admission_notice = later(admitted)
    ready = later(admitted)
    ready_notice = None if ready is None else later(ready)
    discharged = later(ready if ready is not None else admitted)
    died = discharged is not None and draw(st.booleans())
    return DischargeStay(
        care_type=draw(st.sampled_from(["somatic", "psychiatric"])),
        admitted_at=admitted.astimezone(zone),
        admission_notice_at=admission_notice,
        ready_at=ready,
        ready_notice_at=ready_notice,
        needs_municipal_insatser=draw(st.booleans()),
        discharged_at=discharged,
        died=died,
    )


local_terms = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"from": st.just(dt.date(2026, 1, 1))},
        optional={
            "verified": st.booleans(),
            "cutoff": st.sampled_from(["12:00", "15:30", "00:00", "23:59"]),
            "days_after_notice": st.integers(0, 10)
            | st.fixed_dictionaries({"psychiatric": st.integers(0, 30)}),
            "count_from_day_zero": st.booleans(),
            "count_discharge_day": st.booleans(),
            "amount_per_day": st.decimals(0, 20000, places=2),
        },
    ).filter(lambda d: len(d) > 1),
    st.just({"from": dt.date(2026, 1, 1), "cutoff": "12:00", "count_from_day_zero": True}),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(stays(), min_size=1, max_size=30),
    local_terms,
    st.dates(dt.date(2026, 1, 1), dt.date(2026, 7, 1)),
    st.none() | st.dates(dt.date(2025, 12, 1), dt.date(2026, 7, 1)),
)
def test_batch_agrees_with_single(
    many: list[DischargeStay], local: Any, until: dt.date, since: dt.date | None
) -> None:
    terms = discharge_terms(dt.date(2026, 2, 1), local)
    frame = payment_days_batch(many, terms, until, since)
    for s, row in zip(many, frame.iter_rows(named=True), strict=True):
        one = payment_days(s, terms, until, since)
        assert row["days"] == one.days, s
        assert row["amount"] == one.amount.quantize(Decimal("0.01")), s
        assert row["first_day"] == one.first_day, s
        assert row["missing"] == ",".join(one.missing), s
        assert row["unverified"] == one.unverified, s


def test_batch_refuses_an_impossible_row_naming_field_and_row() -> None:
    import polars as pl

    from samverkan.rules import stays_frame

    ok = DischargeStay("somatic", START, START, START, START, True, None)
    frame = stays_frame([ok, ok])
    bad = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.col("admitted_at") - pl.duration(days=1))
        .otherwise(pl.col("ready_at"))
        .alias("ready_at")
    )
    with pytest.raises(InvalidStay) as err:
        payment_days_batch(bad, discharge_terms(dt.date(2026, 1, 1)), dt.date(2026, 1, 31))
    assert (err.value.field, err.value.row) == ("ready_at", 1)
