"""The invoice source reads a pair's stays of a month by the index made for it (issue 16,
benchmark): `discharge_stay_pair_ready` (organisation, municipality, ready_at where the
kommun's insatser are needed), not a scan of all the region's stays. SQLite's plan is
deterministic without statistics; PostgreSQL chooses by table size (see README Benchmarks)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samverkan.discharge import invoicing

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_the_pair_and_month_query_searches_the_index(orgs):
    month = dt.date(2026, 11, 1)
    with CaptureQueriesContext(connection) as ctx:
        invoicing.discharge_source(orgs.region_jh, orgs.ostersund, month)
    (query,) = [q["sql"] for q in ctx.captured_queries if 'FROM "discharge_stay"' in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {query}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING INDEX discharge_stay_pair_ready" in plan
    assert "ready_at<?" in plan
