"""Two invoice runs at the same time: numbers stay unique and gapless per seller.

On SQLite the writes are serialised by the database (IMMEDIATE transactions); on PostgreSQL
(CI runs the suite there too) the seller's counter row is locked with select_for_update
inside each invoice's transaction.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import close_old_connections, connection

from samverkan.purchases import services
from samverkan.purchases.models import Invoice, InvoiceRun

pytestmark = pytest.mark.django_db(transaction=True)
MARCH = dt.date(2026, 3, 1)


def _in_threads(*calls):
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def worker(index, fn):
        try:
            barrier.wait(timeout=10)
            for attempt in range(50):
                try:
                    results[index] = fn()
                    break
                except Exception as exc:  # SQLite shared-cache tables: "is locked", retry
                    if "locked" not in str(exc).lower() or attempt == 49:
                        results[index] = exc
                        break
                    # The in-memory test database's shared cache answers "locked" at once
                    # (no busy timeout): give the other writer time to commit.
                    time.sleep(0.02 * (attempt + 1))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_two_concurrent_runs_for_two_buyers_number_without_gaps(tk, register) -> None:
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", approve_by=tk.ekonom)
    register(
        tk.nurse,
        tk.p2,
        dt.date(2026, 3, 11),
        "09:00",
        "10:00",
        orderer=tk.orgs.krokom,
        approve_by=tk.ekonom,
    )

    def run_for(buyer):
        return lambda: services.run_invoices(
            tk.ekonom, seller=tk.orgs.ostersund, buyer=buyer, month=MARCH, today=dt.date(2026, 4, 2)
        )

    results = _in_threads(run_for(tk.orgs.region_jh), run_for(tk.orgs.krokom))
    assert all(isinstance(r, services.RunResult) for r in results), results
    numbers = sorted(Invoice.objects.values_list("sequence_number", flat=True))
    assert numbers == [1, 2]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "2380-000001",
        "2380-000002",
    ]


def test_the_same_run_started_twice_at_once_makes_one_invoice(tk, register) -> None:
    register(tk.nurse, tk.p1, dt.date(2026, 3, 10), "09:00", "10:00", approve_by=tk.ekonom)

    def go():
        return services.run_invoices(
            tk.ekonom,
            seller=tk.orgs.ostersund,
            buyer=tk.orgs.region_jh,
            month=MARCH,
            today=dt.date(2026, 4, 2),
        )

    results = _in_threads(go, go)
    assert all(isinstance(r, services.RunResult) for r in results), results
    assert Invoice.objects.count() == 1
    assert InvoiceRun.objects.count() == 1
    assert InvoiceRun.objects.get().locked
