"""The invoice's set-based statements run without PostgreSQL's JIT (issue 16, benchmark:
24 invoice runs of payment days took 24.7 s wall with 3.2 s CPU on PostgreSQL). With nested
loops disabled for these statements (`purchases.invoicing.sql`), the plan's cost includes
PostgreSQL's disable_cost (10^10), far above ``jit_above_cost``: every INSERT … SELECT was
JIT-compiled with inlining and optimisation, about a second per invoice for a few rows. The
test reads the setting in force when each statement ran."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.purchases.test_discharge_invoicing import MARCH, _clock, _run, march, w  # noqa: F401

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT"),
]

TABLES = ("purchases_invoiceline", "purchases_attachmentrow", "purchases_invoiceperson")


def test_the_invoice_statements_run_without_jit(w, march):  # noqa: F811
    seen: list[tuple[str, str, str]] = []
    busy = False

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal busy
        target = next((t for t in TABLES if f'INSERT INTO "{t}"' in sql and "SELECT" in sql), "")
        if target and not busy:
            busy = True
            try:
                with context["connection"].cursor() as cursor:
                    cursor.execute(
                        "SELECT current_setting('jit'), current_setting('enable_nestloop')"
                    )
                    jit, nestloop = cursor.fetchone()
                seen.append((target, jit, nestloop))
            finally:
                busy = False
        return execute(sql, params, many, context)

    def settings() -> tuple[str, str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('jit'), current_setting('enable_nestloop')")
            return cursor.fetchone()

    before = settings()
    with connection.execute_wrapper(wrapper):
        result = _run(w, MARCH)
    assert result.created, "the run made an invoice"
    assert {t for t, _, _ in seen} >= {"purchases_invoiceline", "purchases_attachmentrow"}
    assert all(jit == "off" for _, jit, _ in seen), seen
    assert settings() == before  # SET LOCAL, then back: the session is as it was
