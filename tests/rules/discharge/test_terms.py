"""The law's defaults as dated parameters, and a local agreement overriding them from its date."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal

import pytest

from samverkan.rules import (
    InvalidTerms,
    average_payment,
    days_cost_simulation,
    discharge_terms,
    payment_days,
)
from samverkan.rules.discharge import PARAMETERS_FILE, law_parameter

from .helpers import stay

D = dt.date
STOCKHOLM_LIKE = {
    "from": D(2026, 4, 1),
    "name": "Överenskommelse om utskrivning (test)",
    "verified": False,
    "cutoff": "12:00",
    "days_after_notice": {"somatic": 2, "psychiatric": 5},
    "count_from_day_zero": True,
    "amount_per_day": 8000,
}


def test_every_parameter_has_label_unit_clause_and_ascending_dated_values() -> None:
    data = tomllib.loads(PARAMETERS_FILE.read_text(encoding="utf-8"))
    for name in ("days_after_notice.somatic", "days_after_notice.psychiatric", "amount_per_day"):
        p = law_parameter(name)
        assert p.label and p.unit and p.clause.startswith("Lag (2017:612)")
        starts = [v.start for v in p.entries]
        assert starts == sorted(starts) and starts[0] == D(2018, 1, 1)
    years = [v.start.year for v in law_parameter("amount_per_day").entries]
    assert years == list(range(2018, 2027))  # one amount for every year the law applied
    assert "lag_2017_612" in data


def test_local_terms_override_from_their_date_only() -> None:
    before = discharge_terms(D(2026, 3, 31), STOCKHOLM_LIKE)
    after = discharge_terms(D(2026, 4, 1), STOCKHOLM_LIKE)
    assert before.local is None and before.days_for("somatic") == 3 and before.cutoff is None
    assert after.local == "Överenskommelse om utskrivning (test)"
    assert (after.days_for("somatic"), after.days_for("psychiatric")) == (2, 5)
    assert after.cutoff == dt.time(12) and after.count_from_day_zero
    # the local amount from its date; the law's amount before it
    assert after.amount_on("somatic", D(2026, 4, 1)).per_day == Decimal(8000)
    assert (
        after.amount_on("somatic", D(2026, 3, 31)).per_day
        == law_parameter("amount_per_day").entry(D(2026, 3, 31)).value
    )


def test_local_counting_model_day_zero_and_cut_off() -> None:
    terms = discharge_terms(D(2026, 4, 10), STOCKHOLM_LIKE)
    base = {
        "admitted": "2026-04-01 08:00",
        "admission_notice": "2026-04-01 09:00",
        "ready": "2026-04-10 08:00",
    }
    early = stay(**base, ready_notice="2026-04-10 11:00")
    late = stay(**base, ready_notice="2026-04-10 13:00")
    # day zero 10 April, days 1 and 2 free -> from 13 April; after 12:00 day zero is 11 April
    assert payment_days(early, terms, D(2026, 4, 30)).first_day == D(2026, 4, 13)
    assert payment_days(late, terms, D(2026, 4, 30)).first_day == D(2026, 4, 14)
    psych = stay(**base, ready_notice="2026-04-10 11:00", care_type="psychiatric")
    assert payment_days(psych, terms, D(2026, 4, 30)).first_day == D(2026, 4, 16)
    r = payment_days(early, terms, D(2026, 4, 20))
    assert r.amount == 8 * Decimal(8000) and r.unverified


def test_local_terms_for_one_care_type_leave_the_other_at_the_law() -> None:
    terms = discharge_terms(
        D(2026, 5, 1),
        {"from": D(2026, 1, 1), "verified": True, "days_after_notice": {"psychiatric": 5}},
    )
    assert (terms.days_for("somatic"), terms.days_for("psychiatric")) == (3, 5)
    assert terms.clauses["days_after_notice.somatic"].clause.startswith("Lag (2017:612)")
    assert terms.checked["days_after_notice.psychiatric"] is True


def test_a_later_local_version_replaces_the_earlier_from_its_date() -> None:
    versions = [
        {"from": D(2025, 1, 1), "name": "v1", "days_after_notice": 4},
        {"from": D(2026, 1, 1), "name": "v2", "days_after_notice": 1},
    ]
    assert discharge_terms(D(2024, 12, 31), versions).local is None
    assert discharge_terms(D(2025, 6, 1), versions).days_for("somatic") == 4
    assert discharge_terms(D(2026, 6, 1), versions).days_for("somatic") == 1


def test_local_terms_are_unverified_until_confirmed() -> None:
    unconfirmed = discharge_terms(D(2026, 5, 1), {**STOCKHOLM_LIKE, "verified": False})
    assert not unconfirmed.verified
    r = payment_days(
        stay(
            admitted="2026-04-20 08:00",
            admission_notice="2026-04-20 09:00",
            ready="2026-05-01 08:00",
            ready_notice="2026-05-01 09:00",
        ),
        unconfirmed,
        D(2026, 5, 31),
    )
    assert r.unverified
    assert any("inte bekräftade" in line.text for line in r.explanation)


@pytest.mark.parametrize(
    ("local", "field"),
    [
        ({"from": D(2026, 1, 1), "days_after_notice": -1}, "days_after_notice"),
        ({"from": D(2026, 1, 1), "days_after_notice": "tre"}, "days_after_notice"),
        ({"from": D(2026, 1, 1), "days_after_notice": {"geriatric": 2}}, "days_after_notice"),
        ({"from": D(2026, 1, 1), "amount_per_day": -5}, "amount_per_day"),
        ({"from": D(2026, 1, 1), "amount_per_day": "NaN"}, "amount_per_day"),
        ({"from": D(2026, 1, 1), "amount_per_day": "8000.555"}, "amount_per_day"),
        ({"from": D(2026, 1, 1), "cutoff": "tolv"}, "cutoff"),
        ({"from": D(2026, 1, 1), "count_from_day_zero": "ja"}, "count_from_day_zero"),
        ({"from": D(2026, 1, 1), "average_days_per_month": -1}, "average_days_per_month"),
        ({"from": D(2026, 1, 1), "fristdagar": 3}, "fristdagar"),
        ({"days_after_notice": 3}, "from"),
        ({"from": "1 april"}, "from"),
    ],
)
def test_bad_local_terms_are_refused_naming_the_term(local, field: str) -> None:
    with pytest.raises(InvalidTerms) as err:
        discharge_terms(D(2026, 5, 1), local)
    assert err.value.field == field


def test_average_model_pays_only_the_days_above_the_monthly_average() -> None:
    terms = discharge_terms(
        D(2026, 5, 1),
        {
            "from": D(2026, 1, 1),
            "average_days_per_month": 3,
            "count_from_day_zero": True,
            "days_after_notice": 0,
        },
    )
    r = payment_days(
        stay(
            admitted="2026-04-20 08:00",
            admission_notice="2026-04-20 09:00",
            ready="2026-05-01 08:00",
            ready_notice="2026-05-01 09:00",
            discharged="2026-05-06 10:00",
        ),
        terms,
        D(2026, 5, 31),
    )
    assert r.days == 4 and r.amount == 0  # the amount is decided over the month
    result = average_payment([4, 0, 1, 9], terms, Decimal(9000))
    assert (result.stays, result.days, result.average) == (4, 14, Decimal("3.5"))
    assert result.paid_days == Decimal(2) and result.amount == Decimal(18000)
    assert average_payment([1, 2], terms, Decimal(9000)).amount == 0
    with pytest.raises(InvalidTerms):
        average_payment([1], discharge_terms(D(2026, 5, 1)), Decimal(1))


def test_what_another_number_of_days_would_have_cost_each_kommun() -> None:
    stays = [
        stay(discharged="2026-03-12 11:00"),  # 4 days at 3 days after the notice
        stay(discharged="2026-03-07 11:00"),  # 0 days at 3, 2 days at 0
        stay(needs=False, discharged="2026-03-20 11:00"),
    ]
    terms = discharge_terms(D(2026, 3, 5))
    price = terms.amount_on("somatic", D(2026, 3, 10)).per_day
    result = days_cost_simulation(stays, terms, D(2026, 3, 31), 0, group=["2361", "2380", "2361"])
    assert result == {"2361": (4 * price, 7 * price), "2380": (0 * price, 2 * price)}
    same = days_cost_simulation(stays, terms, D(2026, 3, 31), 3)
    assert same[""][0] == same[""][1] == 4 * price
    with pytest.raises(InvalidTerms) as err:
        days_cost_simulation(stays, terms, D(2026, 3, 31), -1)
    assert err.value.field == "days"


def test_each_stay_counts_under_the_terms_of_its_notice_day() -> None:
    from samverkan.rules import payment_days_by_notice, stay_terms, terms_day

    psych_2018 = stay(
        care_type="psychiatric",
        admitted="2018-12-20 08:00",
        admission_notice="2018-12-20 09:00",
        ready="2018-12-31 09:00",
        ready_notice="2018-12-31 23:30",
    )
    psych_2019 = stay(
        care_type="psychiatric",
        admitted="2018-12-20 08:00",
        admission_notice="2018-12-20 09:00",
        ready="2018-12-31 09:00",
        ready_notice="2019-01-01 00:30",
    )
    assert terms_day(psych_2018) == D(2018, 12, 31)
    assert stay_terms(psych_2018).days_for("psychiatric") == 30
    assert stay_terms(psych_2019).days_for("psychiatric") == 3
    local_stays = [
        stay(discharged="2026-04-20 10:00"),  # notice 5 March: the law
        stay(
            admitted="2026-04-01 08:00",
            admission_notice="2026-04-01 09:00",
            ready="2026-04-10 08:00",
            ready_notice="2026-04-10 11:00",
            discharged="2026-04-20 10:00",
        ),  # notice 10 April: the local version of 1 April
    ]
    many = [psych_2018, *local_stays, psych_2019, stay(ready=None, ready_notice=None)]
    until = D(2026, 4, 30)
    frame = payment_days_by_notice(many, until, STOCKHOLM_LIKE)
    expected = [payment_days(s, stay_terms(s, STOCKHOLM_LIKE), until) for s in many]
    assert frame["days"].to_list() == [e.days for e in expected]
    assert frame["first_day"].to_list() == [e.first_day for e in expected]
    assert frame["first_day"].to_list()[:4] == [
        D(2019, 1, 30),
        D(2026, 3, 8),
        D(2026, 4, 13),
        D(2019, 1, 4),
    ]
    assert [row for row in frame["amount"]] == [e.amount for e in expected]
    assert payment_days_by_notice([], until).height == 0


def test_another_number_of_days_keeps_the_rest_of_each_stays_terms() -> None:
    """The forum's question (``days``) changes only the days after the notice: the local
    version's cut-off, day zero and amount stay; the law's stays keep the law's amount."""
    from dataclasses import replace

    from samverkan.rules import payment_days_by_notice, stay_terms

    law_stay = stay(discharged="2026-04-20 10:00")  # notice 5 March 10:00: the law
    local_stay = stay(
        admitted="2026-04-01 08:00",
        admission_notice="2026-04-01 09:00",
        ready="2026-04-10 08:00",
        ready_notice="2026-04-10 11:00",  # before the local cut-off (12:00): day zero 10 April
        discharged="2026-04-20 10:00",
    )
    until = D(2026, 4, 30)
    frame = payment_days_by_notice([law_stay, local_stay], until, STOCKHOLM_LIKE, days=0)
    assert frame["first_day"].to_list() == [D(2026, 3, 5), D(2026, 4, 11)]
    assert frame["days"].to_list() == [46, 9]  # 5 March–19 April; 11–19 April
    for s, got in zip([law_stay, local_stay], frame.iter_rows(named=True), strict=True):
        terms = stay_terms(s, STOCKHOLM_LIKE)
        other = replace(terms, days_after_notice={"somatic": 0, "psychiatric": 0})
        assert got["amount"] == payment_days(s, other, until).amount
    assert frame["amount"][1] == 9 * 8000  # the local amount per day
    with pytest.raises(InvalidTerms) as err:
        payment_days_by_notice([law_stay], until, days=366)
    assert err.value.field == "days"


def test_another_number_of_days_per_care_type() -> None:
    """``days`` per care type, like a local version's ``days_after_notice``: each stay is
    counted with its own care type's number; a care type left out keeps its terms' own days
    (the law's 3, the local version's 2 or 5), and the rest of each stay's terms stays."""
    from samverkan.rules import payment_days_by_notice

    def pair(care_type: str) -> list:
        return [
            stay(care_type=care_type, discharged="2026-04-20 10:00"),  # the law (notice 5 March)
            stay(  # the local version: day zero 10 April
                care_type=care_type,
                admitted="2026-04-01 08:00",
                admission_notice="2026-04-01 09:00",
                ready="2026-04-10 08:00",
                ready_notice="2026-04-10 11:00",
                discharged="2026-04-20 10:00",
            ),
        ]

    stays = [*pair("somatic"), *pair("psychiatric")]
    until = D(2026, 4, 30)
    both = payment_days_by_notice(stays, until, STOCKHOLM_LIKE, days=5)
    apart = payment_days_by_notice(
        stays, until, STOCKHOLM_LIKE, days={"somatic": 5, "psychiatric": 30}
    )
    assert both["days"].to_list() == [41, 4, 41, 4]  # from 10 March; 16–19 April
    # somatic as with 5 for both; psychiatric from 4 April (law) and 11 May (after discharge)
    assert apart["first_day"].to_list() == [D(2026, 3, 10), D(2026, 4, 16), D(2026, 4, 4),
        D(2026, 5, 11)]  # fmt: skip
    assert apart["days"].to_list() == [41, 4, 16, 0]
    assert apart["amount"].to_list() == [41 * 11300, 4 * 8000, 16 * 11300, 0]
    partial = payment_days_by_notice(stays, until, STOCKHOLM_LIKE, days={"psychiatric": 10})
    # somatic keeps the law's 3 days (from 8 March) and the local version's 2 (from 13 April)
    assert partial["first_day"].to_list() == [D(2026, 3, 8), D(2026, 4, 13), D(2026, 3, 15),
        D(2026, 4, 21)]  # fmt: skip
    assert partial["days"].to_list() == [43, 7, 36, 0]
    for bad in ({"psychiatric": 366}, {"somatic": -1}, {"dental": 3}, {"psychiatric": True}):
        with pytest.raises(InvalidTerms) as err:
            payment_days_by_notice(stays, until, days=bad)
        assert err.value.field == "days"
