"""Append-only in the database: triggers that refuse UPDATE, DELETE (and TRUNCATE) of a table.

The Python guard (:mod:`samverkan.core.models`) stops the ORM; these triggers stop everything
else that speaks SQL to the database: ``_base_manager.update``, a raw ``UPDATE``, an upsert's
``DO UPDATE``, SQLite's ``INSERT OR REPLACE``, PostgreSQL's ``TRUNCATE``. Use them in a
migration, one call per table::

    operations = [*append_only_operations("audit_auditevent", unique=("id", "sequence"))]

``delete_allowed_when`` is an SQL condition over ``OLD`` under which a DELETE is let through
(the audit log's purge: rows covered by a recorded purge authorisation); every other change
is refused with "<table> is append-only: <operation> refused".

SQLite: ``BEFORE UPDATE``/``BEFORE DELETE`` triggers ``RAISE(ABORT, …)``, and a ``BEFORE
INSERT`` trigger refuses a row whose unique key already exists (``INSERT OR REPLACE`` would
otherwise delete the old row without firing the delete trigger). PostgreSQL: one row-level
``BEFORE UPDATE OR DELETE`` trigger and one statement-level ``BEFORE TRUNCATE`` trigger.
On PostgreSQL a role that owns the table can still drop the triggers: serve with a role that
does not (``samverkan db grant-app-role``).

Only Django's test flush (which empties every table between transactional tests) may lift
the triggers, inside :func:`history_unlocked`, and only after :func:`allow_flush` was called
(the test suite's conftest does; production code never does).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import migrations, transaction

__all__ = ["allow_flush", "append_only_operations", "history_unlocked", "trigger_names"]

_MARK = "_append_only"
_flush_allowed = False


def trigger_names(table: str) -> list[str]:
    """The names of the triggers :func:`append_only_operations` creates for ``table``."""
    return [f"{table}{_MARK}_update", f"{table}{_MARK}_delete", f"{table}{_MARK}_replace"]


def _sqlite_create(table: str, delete_allowed_when: str | None, unique: Sequence[str]) -> list[str]:
    update, delete, replace = trigger_names(table)
    when = f" WHEN NOT ({delete_allowed_when})" if delete_allowed_when else ""
    exists = " OR ".join(f'"{table}"."{c}" = NEW."{c}"' for c in unique)
    statements = [
        f'CREATE TRIGGER "{update}" BEFORE UPDATE ON "{table}" BEGIN '
        f"SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
        f'CREATE TRIGGER "{delete}" BEFORE DELETE ON "{table}"{when} BEGIN '
        f"SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
    ]
    if unique:
        statements.append(
            f'CREATE TRIGGER "{replace}" BEFORE INSERT ON "{table}" '
            f'WHEN EXISTS (SELECT 1 FROM "{table}" WHERE {exists}) BEGIN '
            f"SELECT RAISE(ABORT, '{table} is append-only: REPLACE refused'); END"
        )
    return statements


def _sqlite_drop(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{name}"' for name in trigger_names(table)]


def _pg_create(table: str, delete_allowed_when: str | None) -> list[str]:
    function = f"{table}{_MARK}"
    allow = (
        f"IF TG_OP = 'DELETE' THEN IF ({delete_allowed_when}) THEN RETURN OLD; END IF; END IF;"
        if delete_allowed_when
        else ""
    )
    return [
        f'CREATE OR REPLACE FUNCTION "{function}"() RETURNS trigger AS $$ BEGIN {allow} '
        f"RAISE EXCEPTION USING MESSAGE = '{table} is append-only: ' || TG_OP || ' refused', "
        f"ERRCODE = 'restrict_violation'; END; $$ LANGUAGE plpgsql",
        f'CREATE TRIGGER "{function}" BEFORE UPDATE OR DELETE ON "{table}" '
        f'FOR EACH ROW EXECUTE FUNCTION "{function}"()',
        f'CREATE TRIGGER "{function}_truncate" BEFORE TRUNCATE ON "{table}" '
        f'FOR EACH STATEMENT EXECUTE FUNCTION "{function}"()',
    ]


def _pg_drop(table: str) -> list[str]:
    function = f"{table}{_MARK}"
    return [
        f'DROP TRIGGER IF EXISTS "{function}" ON "{table}"',
        f'DROP TRIGGER IF EXISTS "{function}_truncate" ON "{table}"',
        f'DROP FUNCTION IF EXISTS "{function}"()',
    ]


def create_sql(
    vendor: str, table: str, *, delete_allowed_when: str | None = None, unique: Sequence[str] = ()
) -> list[str]:
    """The statements that make ``table`` append-only on ``vendor`` (empty if unsupported)."""
    if vendor == "sqlite":
        return _sqlite_create(table, delete_allowed_when, unique)
    if vendor == "postgresql":
        return _pg_create(table, delete_allowed_when)
    return []


def drop_sql(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return _sqlite_drop(table)
    if vendor == "postgresql":
        return _pg_drop(table)
    return []


def append_only_operations(
    table: str, *, delete_allowed_when: str | None = None, unique: Sequence[str] = ("id",)
) -> list[migrations.operations.base.Operation]:
    """Migration operations installing (and, reversed, removing) the triggers for ``table``.

    ``unique``: the table's unique columns (SQLite's REPLACE guard). ``delete_allowed_when``:
    an SQL condition over ``OLD`` under which DELETE is allowed (same text on both vendors).
    """

    def forward(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        for sql in drop_sql(vendor, table) + create_sql(
            vendor, table, delete_allowed_when=delete_allowed_when, unique=unique
        ):
            schema_editor.execute(sql, None)

    def backward(apps: Any, schema_editor: Any) -> None:
        for sql in drop_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql, None)

    return [migrations.RunPython(forward, backward, elidable=False)]


def allow_flush() -> None:
    """Let Django's ``flush`` empty append-only tables: for the test suite only."""
    global _flush_allowed
    _flush_allowed = True


@contextmanager
def history_unlocked(connection: Any) -> Iterator[None]:
    """Lift the append-only triggers for the duration (the test flush). Refused unless
    :func:`allow_flush` was called; on PostgreSQL it needs a superuser as well."""
    if not _flush_allowed:
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
            yield
        return
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
            [f"%{_MARK}%"],
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in triggers:
                cursor.execute(sql)
