"""Per-connection tuning for the set-based work of invoice runs and imports.

SQLite's default page cache is 2 MB; an invoice run over a million records sorts and joins
far more than that, and spills to temporary files. Inside a run or an import the connection
gets a 256 MB cache and in-memory temporary storage (``PRAGMA cache_size``,
``PRAGMA temp_store``; both last for this connection only, which Django closes at the end of
the request). PostgreSQL needs nothing here.
"""

from __future__ import annotations

from django.db import connection

SQLITE_CACHE_KIB = 256 * 1024


def tune_for_bulk_work() -> None:
    """Set the pragmas, unless inside a transaction (SQLite refuses ``temp_store`` there;
    the work is then simply done with the defaults)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.execute("PRAGMA temp_store = MEMORY")
