"""Lag (2017:612)'s numbers through the shared parameter machinery (``samverkan.rules.params``):
one reader for every parameter file, per-value ``source`` and ``verified`` kept, and the
process's own times (4 kap. 1 § and 3 §) as named, dated parameters read by name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from samverkan.rules import (
    admission_notice_late,
    admission_notice_within,
    discharge_terms,
    params,
    sip_call_within_days,
)
from samverkan.rules import discharge as discharge_rules

from .helpers import at

D = dt.date


def test_the_law_is_read_by_the_shared_parameter_machinery() -> None:
    # one reader: the discharge rules have no TOML reader of their own
    assert not hasattr(discharge_rules, "tomllib")
    assert not hasattr(discharge_rules, "_parameters")
    for name in ("amount_per_day", "days_after_notice.somatic", "sip_call_within_days"):
        assert discharge_rules.law_parameter(name) is params.get(f"lag_2017_612.{name}")


def test_per_value_source_and_verified_are_kept() -> None:
    amount = params.get("lag_2017_612.amount_per_day")
    y2019, y2020 = amount.entry(D(2019, 6, 1)), amount.entry(D(2020, 6, 1))
    assert (y2019.value, y2019.verified, y2019.source) == (
        7800,
        True,
        "https://lagen.nu/hslf-fs/2018:67",
    )
    assert y2020.value == 8200 and not y2020.verified and "psykiatristod.se" in y2020.source
    assert not amount.verified  # the table's flag, overridden per value
    # a value without its own keeps the table's
    psych = params.get("lag_2017_612.days_after_notice.psychiatric")
    assert psych.entry(D(2018, 6, 1)).verified and not psych.entry(D(2019, 6, 1)).verified
    assert psych.entry(D(2019, 6, 1)).source == psych.source
    # and the terms carry them into every explanation
    terms = discharge_terms(D(2019, 6, 1))
    assert terms.amount_on("somatic", D(2019, 6, 1)).verified
    assert not terms.amount_on("somatic", D(2020, 6, 1)).verified


def test_a_bad_per_value_flag_is_refused_naming_the_parameter(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[x.y]\nlabel = "L"\nunit = "kr"\nclause = "c"\n'
        'values = [ { from = 2020-01-01, value = 1, verified = "ja" } ]\n',
        encoding="utf-8",
    )
    with pytest.raises(params.ParameterFileError, match=r"bad.toml: x.y \(2020-01-01\)"):
        params._parse(bad)


def test_admission_notice_time_is_a_dated_parameter_of_4_kap_1() -> None:
    p = params.get("lag_2017_612.admission_notice_within_hours")
    assert p.clause == "Lag (2017:612) 4 kap. 1 §" and p.source and p.unit == "timmar"
    assert admission_notice_within(D(2026, 3, 1)) == dt.timedelta(hours=24)
    admitted = at("2026-03-01 08:00")
    assert admitted is not None
    assert not admission_notice_late(admitted, admitted + dt.timedelta(hours=24))
    assert admission_notice_late(admitted, admitted + dt.timedelta(hours=24, minutes=1))
    with pytest.raises(LookupError):
        admission_notice_within(D(2017, 12, 31))  # before the law


def test_sip_call_time_is_a_dated_parameter_of_4_kap_3() -> None:
    p = params.get("lag_2017_612.sip_call_within_days")
    assert p.clause == "Lag (2017:612) 4 kap. 3 §" and p.source and p.unit == "kalenderdagar"
    assert not p.verified  # the day count is not yet confirmed against the text
    assert sip_call_within_days(D(2026, 3, 1)) == 3


def test_the_times_are_read_by_name_on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new dated value of the parameter changes the answer from its date: nothing holds a
    copy of the number."""
    real = params.get("lag_2017_612.admission_notice_within_hours")
    changed = params.Parameter(
        real.name,
        real.label,
        real.unit,
        real.clause,
        real.source,
        real.verified,
        (*real.values, (D(2027, 1, 1), 12)),
    )
    monkeypatch.setitem(params._registry(), real.name, changed)
    admitted = at("2027-01-05 08:00")
    assert admitted is not None
    assert admission_notice_late(admitted, admitted + dt.timedelta(hours=13))
    before = at("2026-12-05 08:00")
    assert before is not None
    assert not admission_notice_late(before, before + dt.timedelta(hours=13))
