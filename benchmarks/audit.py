"""Audit-log write cost: figures to read, never pass/fail.

    uv run python benchmarks/audit.py                 # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:54329/x uv run python benchmarks/audit.py

Figures, each in a fresh database (PostgreSQL: a scratch database ``samverkan_bench_<pid>``,
dropped afterwards):

1. ``record`` one event at a time (autocommit, as a page view does), N events: µs per event.
2. ``record_many`` of one import touching 100,000 persons: seconds.
3. (with the hash chain) ``samverkan audit verify`` over everything written: seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--persons", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    scratch = None
    if url.startswith("postgres"):
        import psycopg

        parts = urlparse(url)
        scratch = f"samverkan_bench_{os.getpid()}"
        admin = urlunparse(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {scratch}")
        os.environ["DATABASE_URL"] = urlunparse(parts._replace(path=f"/{scratch}"))
    else:
        tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samverkan.config.settings")
    try:
        _run(args)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE {scratch}")


def _run(args: argparse.Namespace) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from samverkan.audit.models import Action
    from samverkan.audit.services import record, record_many

    for i in range(50):  # warm up
        record(None, Action.VIEW, "people.person", i)
    start = time.perf_counter()
    for i in range(args.events):
        record(None, Action.VIEW, "people.person", i, person_ref=f"p{i}", why="SIP")
    per_event = (time.perf_counter() - start) / args.events * 1e6
    refs = [f"person:{uuid.uuid4().hex[:12]}" for _ in range(args.persons)]
    start = time.perf_counter()
    record_many(None, Action.CREATE, "purchases.import", "1", person_refs=refs, why="import")
    many = time.perf_counter() - start
    from django.db import connection

    print(f"{connection.vendor}: record {per_event:.0f} µs/event ({args.events} events)")
    print(f"{connection.vendor}: record_many {args.persons} persons {many:.2f} s")
    try:
        from samverkan.audit import integrity
    except ImportError:
        return
    start = time.perf_counter()
    result = integrity.verify()
    print(
        f"{connection.vendor}: verify {result.checked} events {time.perf_counter() - start:.2f} s"
        f" ({'intact' if result.ok else 'BROKEN'})"
    )


if __name__ == "__main__":
    main()
