"""benchmarks/discharge_question.py's pieces on the test database: its synthetic year of stays,
the question through the service the simulation page and the API call, and what the benchmark
prints beside its figures — "today" is the yearly report's Betalningsansvar, and the number of
queries does not grow with the stays (no query per stay)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarks import discharge_question as bench
from samverkan.discharge.selectors import year_figures
from samverkan.followup import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return bench._world()


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_the_questions_today_is_the_yearly_reports_figure(world) -> None:
    bench._bulk_stays(world, 300)
    saved = bench._question(world["forum"], 5)
    somatic = next(r for r in saved.result["tables"]["by_care_type"] if r["care_type"] == "somatic")
    section = report.build(bench.AGREEMENT, bench.YEAR).section("discharge")
    assert report.discharge_care_types(bench.AGREEMENT) == ("somatic",)
    assert somatic["days_now"] == section.extra["payment_days"].value > 0
    assert Decimal(somatic["amount_now"]) == section.extra["amount"].value
    both = year_figures(bench.REGION, ("somatic", "psychiatric"), bench.YEAR)
    assert saved.result["summary"]["days_now"] == sum(f.payment_days for f in both)
    assert saved.result["summary"]["days_then"] < saved.result["summary"]["days_now"]


@pytest.mark.parametrize("local", [False, True])
def test_the_queries_do_not_grow_with_the_stays(world, local) -> None:
    if local:
        bench.local_terms_for_ostersund(world)
    bench._bulk_stays(world, 100, seed=1)
    few = (
        _queries(lambda: year_figures(bench.REGION, ("somatic",), bench.YEAR)),
        _queries(lambda: bench._question(world["forum"], 5)),
    )
    bench._bulk_stays(world, 300, seed=2)
    many = (
        _queries(lambda: year_figures(bench.REGION, ("somatic",), bench.YEAR)),
        _queries(lambda: bench._question(world["forum"], 5)),
    )
    assert few == many
    assert few[0] <= (6 if local else 4)
