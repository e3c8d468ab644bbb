"""The follow-up suite runs on a fixed clock (issue 10).

It used to take the year from the calendar and skip its year-of-data fixture before 1 March,
so from 1 January the privacy test "no person in page, CSV or PDF" and seven others skipped
silently. Now every test here runs as on ``conftest.TODAY``, whatever day it is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db

# The calendar at its worst for the old logic: a new year, before 1 March.
MID_JANUARY_2027 = dt.datetime(2027, 1, 15, 9, 30, tzinfo=ZoneInfo("Europe/Stockholm"))


def test_on_15_january_2027_nothing_skips_and_the_year_stays_fixed(request) -> None:
    module = importlib.import_module("tests.followup.conftest")
    try:
        with time_machine.travel(MID_JANUARY_2027, tick=False):
            # The suite's date logic as it would be if the test run started on that day.
            module = importlib.reload(module)
            clock = getattr(module, "suite_clock", contextlib.nullcontext)
            with clock():
                try:
                    world = request.getfixturevalue("world")
                except pytest.skip.Exception as exc:
                    pytest.fail(f"the follow-up world skips on 2027-01-15: {exc}")
                assert timezone.localdate() == module.TODAY
                assert dt.date.today() == module.TODAY
            assert world.year == module.TODAY.year
            assert world.run.status == "created"
            assert {r.service_date.month for r in world.records} == {1, 2}
    finally:
        importlib.reload(module)


def test_every_test_here_sees_the_fixed_day() -> None:
    from tests.followup.conftest import TODAY

    assert timezone.localdate() == TODAY
    assert dt.date.today() == TODAY
