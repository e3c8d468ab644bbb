"""Terms, renewal and notice of the four agreement versions (validity.py over their data)."""

from __future__ import annotations

import datetime as dt

import pytest

from samverkan.rules import engine, ruleset
from samverkan.rules.agreements import (
    ALL_VERSIONS,
    gvb_svart_sjuka,
    jh_hemsjukvard,
    jh_primarvard_kommun,
    jh_psykisk,
)
from samverkan.rules.declarations import Term
from samverkan.rules.validity import final_end, status

from .helpers import JH, JH_BASE, jh

D = dt.date.fromisoformat
HSV = jh_hemsjukvard.VERSION
PVK = jh_primarvard_kommun.VERSION
PSYK = jh_psykisk.VERSION
GVB = gvb_svart_sjuka.VERSION


def test_versions_in_fixed_order_with_their_data() -> None:
    """jh-hemsjukvard §10/§11, jh-psykisk §10/§11, gvb-svart-sjuka Uppföljning: avtalstider,
    forum och tvistväg som avtalen anger."""
    assert [v.agreement for v in ALL_VERSIONS] == [
        "jh-hemsjukvard",
        "jh-primarvard-kommun",
        "jh-psykisk",
        "gvb-svart-sjuka",
    ]
    assert HSV.version == "2020-03-01"
    assert HSV.term == Term(D("2017-04-01"), D("2020-12-31"), renewal_years=2, notice_months=6)
    assert HSV.starts == D("2017-04-01") and "2020-03-01" in HSV.note
    assert HSV.forum == "SVOM/Fredagsgruppen"
    assert "verksamhetschefer/förvaltningschefer" in HSV.dispute_path[-1]
    assert PVK.follows == "jh-hemsjukvard" and PVK.term == HSV.term
    assert PSYK.term == Term(D("2017-06-01"), D("2020-12-31"))
    assert PSYK.dispute_path == ("respektive ansvarig överordnad chef", "allmän domstol")
    assert GVB.term == Term(D("2018-04-01"), D("2019-12-31"))
    assert GVB.forum == "Länsledning Välfärd"
    assert {v.region for v in ALL_VERSIONS} == {"jamtland-harjedalen", "gavleborg"}


@pytest.mark.parametrize("date", ["2021-06-01", "2024-12-31", "2026-11-24"])
def test_10_home_care_agreement_renews_two_years_at_a_time(date: str) -> None:
    """jh-hemsjukvard §10: utan uppsägning förlängs avtalet med 2 år åt gången; det gäller
    långt efter 2020-12-31."""
    d = jh(date=date, adl_needs_over_time=["eating"])
    assert d.in_force is True
    assert d.outcome["health_care_responsibility"] == "municipality"
    assert status(HSV, D(date)).in_force and status(HSV, D(date)).renews


def test_10_status_on_2026_11_24_next_deadline_is_2028_06_30() -> None:
    """jh-hemsjukvard §10: 2026-11-24 löper perioden till 2026-12-31; uppsägning ska ske 6
    månader före utgång, och 2026-06-30 har passerat, så nästa frist är 2028-06-30."""
    s = status(HSV, D("2026-11-24"))
    assert (s.term_start, s.term_end) == (D("2025-01-01"), D("2026-12-31"))
    assert s.next_notice_deadline == D("2028-06-30")
    assert s.valid_to is None and not s.ended


def test_10_status_before_the_deadline_names_this_terms_deadline() -> None:
    """jh-hemsjukvard §10: 2026-05-01 kan avtalet fortfarande sägas upp till 2026-12-31."""
    s = status(HSV, D("2026-05-01"))
    assert s.term_end == D("2026-12-31")
    assert s.next_notice_deadline == D("2026-06-30")


def test_10_first_term_deadline_is_2020_06_30() -> None:
    """jh-hemsjukvard §10: första perioden slutar 2020-12-31; frist 2020-06-30, dagen efter
    gäller nästa periods frist."""
    assert status(HSV, D("2020-06-30")).next_notice_deadline == D("2020-06-30")
    assert status(HSV, D("2020-07-01")).next_notice_deadline == D("2022-06-30")
    assert status(HSV, D("2021-01-01")).term_start == D("2021-01-01")


def test_10_notice_on_2026_05_01_ends_it_2026_12_31() -> None:
    """jh-hemsjukvard §10: uppsägning minst 6 månader före utgång avslutar perioden."""
    notices = {"jh-hemsjukvard": D("2026-05-01")}
    assert final_end(HSV.term, D("2026-05-01")) == D("2026-12-31")
    s = status(HSV, D("2026-11-24"), notices)
    assert s.valid_to == D("2026-12-31") and s.next_notice_deadline is None and not s.renews
    rules = ruleset.build(ALL_VERSIONS, JH, notices)
    last = engine.decide(JH_BASE | {"date": "2026-12-31"}, rules)
    after = engine.decide(JH_BASE | {"date": "2027-01-01"}, rules)
    assert last.in_force is True
    assert after.in_force is False
    assert after.agreements[0]["id"] == "jh-hemsjukvard"
    assert after.agreements[0]["valid_to"] == "2026-12-31"


def test_10_notice_on_2026_08_01_ends_it_2028_12_31() -> None:
    """jh-hemsjukvard §10: uppsägning efter 2026-06-30 hinner inte; avtalet löper en period
    till och slutar 2028-12-31."""
    notices = {"jh-hemsjukvard": D("2026-08-01")}
    assert final_end(HSV.term, D("2026-08-01")) == D("2028-12-31")
    rules = ruleset.build(ALL_VERSIONS, JH, notices)
    assert engine.decide(JH_BASE | {"date": "2028-12-31"}, rules).in_force is True
    assert engine.decide(JH_BASE | {"date": "2029-01-01"}, rules).in_force is False


def test_10_annex_ends_with_the_main_agreement() -> None:
    """Bilaga 2 följer huvudavtalet: uppsägningen av hemsjukvårdsavtalet avslutar bilagan."""
    notices = {"jh-hemsjukvard": D("2026-05-01")}
    assert status(PVK, D("2027-01-01"), notices).ended is True
    assert status(PVK, D("2026-12-31"), notices).in_force is True


def test_10_psychiatric_agreement_does_not_renew() -> None:
    """jh-psykisk §10: gäller 2017-06-01–2020-12-31; ingen automatisk förlängning."""
    last = status(PSYK, D("2020-12-31"))
    assert last.in_force and not last.renews and last.next_notice_deadline is None
    after = status(PSYK, D("2021-01-01"))
    assert not after.in_force and after.ended and after.valid_to == D("2020-12-31")


def test_gavleborg_agreement_ends_2019_12_31() -> None:
    """gvb-svart-sjuka Överenskommelse: tillfällig, gäller som längst t.o.m. 2019-12-31."""
    assert status(GVB, D("2019-12-31")).in_force
    s = status(GVB, D("2020-01-01"))
    assert not s.in_force and s.ended and s.valid_to == D("2019-12-31")
    assert not status(GVB, D("2018-03-31")).in_force
