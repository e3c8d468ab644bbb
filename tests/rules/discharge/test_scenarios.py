"""Betalningsansvar at every boundary (Lag 2017:612 5 kap.; README "Discharge: betalningsansvar").

The law's default: the kommun pays for each vårddygn from three calendar days after the day
it received the notice of utskrivningsklar (notice on 5 March -> from 8 March), up to the day
of discharge (not counted), at Socialstyrelsen's amount for the year.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samverkan.rules import (
    DischargeStay,
    DischargeTerms,
    InvalidStay,
    PaymentDays,
    discharge_terms,
    first_payment_day,
    payment_days,
)

from .helpers import at, stay

D = dt.date
LAW_2026 = discharge_terms(D(2026, 3, 5))
END_OF_MARCH = D(2026, 3, 31)


def per_day(year: int, care_type: str = "somatic") -> Decimal:
    return discharge_terms(D(year, 6, 1)).amount_on(care_type, D(year, 6, 1)).per_day


def count(
    s: DischargeStay,
    until: dt.date = END_OF_MARCH,
    terms: DischargeTerms = LAW_2026,
    since: dt.date | None = None,
) -> PaymentDays:
    return payment_days(s, terms, until, since)


# --- the law's default count ------------------------------------------------------------


def test_three_calendar_days_after_the_notice_then_each_day_until_discharge() -> None:
    r = count(stay(discharged="2026-03-12 11:00"))
    assert r.first_day == D(2026, 3, 8)
    assert r.days == 4  # 8, 9, 10, 11 March; the day of discharge is not a vårddygn paid
    assert r.amount == 4 * per_day(2026)
    assert r.missing == ()


def test_discharge_on_the_day_betalningsansvar_would_start_costs_nothing() -> None:
    r = count(stay(discharged="2026-03-08 15:00"))
    assert (r.first_day, r.days, r.amount) == (D(2026, 3, 8), 0, Decimal(0))


def test_discharge_the_day_after_the_start_is_one_day() -> None:
    assert count(stay(discharged="2026-03-09 07:00")).days == 1


def test_discharge_within_the_free_days_costs_nothing() -> None:
    assert count(stay(discharged="2026-03-06 10:00")).days == 0


def test_still_admitted_counts_through_until_inclusive() -> None:
    assert count(stay(), until=D(2026, 3, 8)).days == 1
    assert count(stay(), until=D(2026, 3, 7)).days == 0
    assert count(stay(), until=D(2026, 3, 31)).days == 24


# --- notice times ----------------------------------------------------------------------


def test_the_notice_day_is_the_swedish_calendar_day() -> None:
    late_evening = first_payment_day(at("2026-03-05 23:59"), "somatic", LAW_2026)
    midnight = first_payment_day(at("2026-03-06 00:00"), "somatic", LAW_2026)
    assert (late_evening, midnight) == (D(2026, 3, 8), D(2026, 3, 9))
    # 23:30 UTC on 5 March is 00:30 on 6 March in Stockholm
    utc = dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC)
    assert first_payment_day(utc, "somatic", LAW_2026) == D(2026, 3, 9)


def test_the_law_has_no_cut_off_hour() -> None:
    assert LAW_2026.cutoff is None
    morning = count(stay(ready_notice="2026-03-05 09:30")).first_day
    evening = count(stay(ready_notice="2026-03-05 21:30")).first_day
    assert morning == evening == D(2026, 3, 8)


CUTOFF = {"from": D(2026, 1, 1), "name": "Överenskommelse T", "cutoff": "12:00"}


@pytest.mark.parametrize(
    ("notice", "first"),
    [
        ("2026-03-05 11:59:59", D(2026, 3, 8)),
        ("2026-03-05 12:00", D(2026, 3, 9)),  # at the cut-off: the next day
        ("2026-03-05 23:59", D(2026, 3, 9)),
        ("2026-03-06 00:00", D(2026, 3, 9)),
    ],
)
def test_a_local_cut_off_moves_a_late_notice_to_the_next_day(notice: str, first: dt.date) -> None:
    terms = discharge_terms(D(2026, 3, 5), CUTOFF)
    s = stay(ready_notice=notice, ready="2026-03-05 08:00")
    assert count(s, terms=terms).first_day == first


def test_cut_off_on_the_day_summer_time_starts() -> None:
    terms = discharge_terms(D(2026, 3, 29), CUTOFF)  # 29 March 2026: 23-hour day
    before = stay(ready="2026-03-29 08:00", ready_notice="2026-03-29 11:59")
    after = stay(ready="2026-03-29 08:00", ready_notice="2026-03-29 12:00")
    assert count(before, terms=terms, until=D(2026, 4, 30)).first_day == D(2026, 4, 1)
    assert count(after, terms=terms, until=D(2026, 4, 30)).first_day == D(2026, 4, 2)


# --- weekends and holidays: the law counts calendar days ---------------------------------


@pytest.mark.parametrize(
    ("notice", "first"),
    [
        ("2026-03-06 10:00", D(2026, 3, 9)),  # Friday -> Monday (the weekend counts)
        ("2026-03-07 10:00", D(2026, 3, 10)),  # Saturday
        ("2026-12-24 10:00", D(2026, 12, 27)),  # julafton -> a Sunday; juldagar count
        ("2026-12-31 10:00", D(2027, 1, 3)),  # nyårsafton, over the year change
        ("2026-04-02 10:00", D(2026, 4, 5)),  # skärtorsdag -> påskdagen
        ("2026-06-19 10:00", D(2026, 6, 22)),  # midsommarafton
    ],
)
def test_weekends_and_holidays_are_calendar_days(notice: str, first: dt.date) -> None:
    day = dt.date.fromisoformat(notice[:10])
    s = stay(
        admitted=f"{day} 01:00",
        admission_notice=f"{day} 02:00",
        ready=f"{day} 09:00",
        ready_notice=notice,
    )
    assert count(s, terms=discharge_terms(day), until=first).first_day == first
    assert count(s, terms=discharge_terms(day), until=first).days == 1


# --- missing notices, no need of insatser ------------------------------------------------


def test_no_admission_notice_no_betalningsansvar() -> None:
    r = count(stay(admission_notice=None, discharged="2026-03-20 10:00"))
    assert (r.days, r.amount, r.first_day) == (0, Decimal(0), None)
    assert r.missing == ("admission_notice_at",)
    assert "inskrivningsmeddelande" in r.explanation[0].text
    assert r.explanation[0].clause.startswith("Lag (2017:612) 5 kap.")


def test_no_notice_of_utskrivningsklar_no_betalningsansvar() -> None:
    r = count(stay(ready_notice=None))
    assert (r.days, r.missing) == (0, ("ready_notice_at",))


def test_not_yet_utskrivningsklar() -> None:
    r = count(stay(ready=None, ready_notice=None))
    assert (r.days, r.missing) == (0, ("ready_at", "ready_notice_at"))


def test_a_patient_not_needing_the_kommuns_insatser_costs_nothing() -> None:
    r = count(stay(needs=False, discharged="2026-03-20 10:00"))
    assert (r.days, r.missing) == (0, ())
    assert "inte bedömts behöva kommunens insatser" in r.explanation[0].text


# --- death and re-admission ---------------------------------------------------------------


def test_death_ends_the_count_like_a_discharge() -> None:
    r = count(stay(discharged="2026-03-10 03:00", died=True))
    assert (r.days, r.first_day) == (2, D(2026, 3, 8))
    assert any("avled" in line.text for line in r.explanation)


def test_death_needs_its_time() -> None:
    with pytest.raises(InvalidStay) as err:
        stay(died=True)
    assert err.value.field == "discharged_at"


def test_a_readmission_is_a_new_stay_with_its_own_notices() -> None:
    first = stay(discharged="2026-03-10 10:00")
    again = stay(
        admitted="2026-03-11 09:00",
        admission_notice=None,
        ready="2026-03-14 09:00",
        ready_notice="2026-03-14 10:00",
        discharged="2026-03-25 10:00",
    )
    assert count(first).days == 2
    # the first stay's admission notice does not carry over
    assert (count(again).days, count(again).missing) == (0, ("admission_notice_at",))
    noticed = stay(
        admitted="2026-03-11 09:00",
        admission_notice="2026-03-11 10:00",
        ready="2026-03-14 09:00",
        ready_notice="2026-03-14 10:00",
        discharged="2026-03-25 10:00",
    )
    assert (count(noticed).first_day, count(noticed).days) == (D(2026, 3, 17), 8)


# --- the amount over the year change -----------------------------------------------------


def test_days_are_paid_at_each_years_amount() -> None:
    s = stay(
        admitted="2025-12-20 08:00",
        admission_notice="2025-12-20 09:00",
        ready="2025-12-27 09:00",
        ready_notice="2025-12-27 10:00",
    )
    r = payment_days(s, discharge_terms(D(2025, 12, 27)), D(2026, 1, 5))
    assert (r.first_day, r.days) == (D(2025, 12, 30), 7)
    assert r.amount == 2 * per_day(2025) + 5 * per_day(2026)
    lines = [line.text for line in r.explanation if " à " in line.text]
    assert len(lines) == 2 and "2025-12-30–2025-12-31" in lines[0]


def test_the_verified_amounts_of_socialstyrelsen() -> None:
    # HSLF-FS 2018:67: 7 800 kr per vårddygn 2019; 2022: 9 300 kr (Region Skåne's page)
    assert per_day(2019) == Decimal(7800) and per_day(2022) == Decimal(9300)
    assert discharge_terms(D(2019, 6, 1)).amount_on("somatic", D(2019, 6, 1)).verified
    # one amount for all slutenvård under 5 kap. 6 §: no separate psychiatric figure
    assert per_day(2019, "psychiatric") == per_day(2019)


def test_an_unconfirmed_amount_marks_the_result_unverified() -> None:
    r = count(stay(discharged="2026-03-12 11:00"))
    assert r.unverified
    assert any("inte bekräftat" in line.text for line in r.explanation)


# --- psychiatric care during the transition -------------------------------------------


def test_psychiatric_care_in_2018_thirty_days_somatic_three() -> None:
    terms = discharge_terms(D(2018, 6, 1))
    assert terms.days_for("psychiatric") == 30 and terms.days_for("somatic") == 3
    psych = stay(
        care_type="psychiatric",
        admitted="2018-05-20 08:00",
        admission_notice="2018-05-20 09:00",
        ready="2018-06-01 09:00",
        ready_notice="2018-06-01 10:00",
    )
    assert payment_days(psych, terms, D(2018, 12, 31)).first_day == D(2018, 7, 1)


def test_psychiatric_care_from_2019_follows_the_main_rule() -> None:
    terms = discharge_terms(D(2019, 1, 1))
    assert terms.days_for("psychiatric") == 3
    assert discharge_terms(D(2018, 12, 31)).days_for("psychiatric") == 30


def test_before_the_law_there_are_no_terms() -> None:
    with pytest.raises(LookupError):
        discharge_terms(D(2017, 12, 31))


# --- monthly periods ---------------------------------------------------------------------


def test_months_add_up_to_the_whole_stay() -> None:
    s = stay(discharged="2026-05-10 10:00")
    whole = count(s, until=D(2026, 5, 31))
    march = count(s, until=D(2026, 3, 31), since=D(2026, 3, 1))
    april = count(s, until=D(2026, 4, 30), since=D(2026, 4, 1))
    may = count(s, until=D(2026, 5, 31), since=D(2026, 5, 1))
    assert (march.days, april.days, may.days) == (24, 30, 9)
    assert march.days + april.days + may.days == whole.days
    assert march.amount + april.amount + may.amount == whole.amount


# --- every line of the explanation names its clause ----------------------------------------


def test_every_explanation_line_has_a_clause() -> None:
    r = count(stay(discharged="2026-03-12 11:00"), terms=discharge_terms(D(2026, 3, 5), CUTOFF))
    assert r.explanation and all(line.clause for line in r.explanation)
    assert any(line.clause.startswith("Överenskommelse T") for line in r.explanation)


# --- impossible facts: clear errors naming the field ---------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        (
            {"ready": "2026-02-28 09:00", "ready_notice": "2026-02-28 10:00"},
            "ready_at",
            "after_admission",
        ),
        ({"ready_notice": "2026-03-05 08:00"}, "ready_notice_at", "notice_after_ready"),
        ({"admission_notice": "2026-02-28 10:00"}, "admission_notice_at", "after_admission"),
        ({"discharged": "2026-02-28 10:00"}, "discharged_at", "after_admission"),
        ({"discharged": "2026-03-04 10:00"}, "ready_at", "ready_before_discharge"),
        ({"ready": None}, "ready_at", "notice_needs_ready"),
        ({"care_type": "geriatric"}, "care_type", "care_type"),
        ({"admitted": None}, "admitted_at", "required"),
    ],
)
def test_impossible_facts_are_refused_naming_the_field(kwargs, field: str, rule: str) -> None:
    with pytest.raises(InvalidStay) as err:
        stay(**kwargs)
    assert (err.value.field, err.value.rule) == (field, rule)
    assert str(err.value).startswith(field)


def test_a_time_without_zone_is_refused() -> None:
    with pytest.raises(InvalidStay) as err:
        DischargeStay("somatic", dt.datetime(2026, 3, 1, 8), None, None, None, True, None)
    assert (err.value.field, err.value.rule) == ("admitted_at", "aware")
