"""The room reads the law's times by name (Lag 2017:612 4 kap. 1 § and 3 §): a new dated
value of the parameter changes the board's "försenat" and the SIP task's due date."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.discharge import selectors, services
from samverkan.discharge.models import StayTask, TaskKind
from samverkan.rules import params

T = dt.datetime


def _set(monkeypatch: pytest.MonkeyPatch, name: str, start: dt.date, value: int) -> None:
    real = params.get(f"lag_2017_612.{name}")
    changed = params.Parameter(
        real.name,
        real.label,
        real.unit,
        real.clause,
        real.source,
        real.verified,
        (*real.values, (start, value)),
    )
    monkeypatch.setitem(params._registry(), real.name, changed)


def test_late_follows_the_dated_parameter(stay, staff, monkeypatch):
    (notice,) = services.send_admission_notice(
        staff.ward_nurse,
        stay,
        receivers=["municipal_social_services"],
        sent_at=T(2026, 11, 30, 21, 0, tzinfo=dt.UTC),  # 13 h after admission
    )
    assert not notice.late
    assert not selectors.board_rows(staff.ward_nurse)[0].admission_late
    _set(monkeypatch, "admission_notice_within_hours", dt.date(2026, 1, 1), 12)
    assert notice.late
    assert selectors.board_rows(staff.ward_nurse)[0].admission_late


def test_sip_task_due_follows_the_dated_parameter(noticed, staff, units, monkeypatch):
    _set(monkeypatch, "sip_call_within_days", dt.date(2026, 1, 1), 5)
    services.answer_planning(
        staff.assessor, noticed, text="Hemtjänst", insatser=["housing_support"]
    )
    services.answer_planning(staff.home_nurse, noticed, text="Hemsjukvård", insatser=["nursing"])
    services.appoint_care_contact(
        staff.ward_nurse, noticed, unit=units.hc, name="Distriktssköterska"
    )
    services.mark_ready(
        staff.doctor, noticed, ready_at=T(2026, 12, 1, 9, tzinfo=dt.UTC), confirm=True
    )
    services.discharge(staff.ward_nurse, noticed, confirm=True)
    task = StayTask.objects.get(stay=noticed, kind=TaskKind.CALL_SIP)
    assert task.due == dt.date(2026, 12, 7)  # 2 December + 5 days (3 by the law's default)
