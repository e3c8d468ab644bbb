"""`manage.py grant_app_role ROLE` (also `samverkan db grant-app-role ROLE`), PostgreSQL.

Run by the schema owner (the role that ran `migrate`) after every migrate. It grants the
runtime role what the application needs on every table, except on the append-only tables
(those with the `samverkan.core.append_only` triggers): there only SELECT and INSERT, and on
the purge authorisations only SELECT. The role owns nothing, so it can neither UPDATE,
DELETE nor TRUNCATE the audit log, nor drop or disable its triggers.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction

from samverkan.audit.models import AuditPurge

# Written only by the owner's purge command: the app role may read them, nothing more.
OWNER_WRITES = frozenset({AuditPurge._meta.db_table})

_ROLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = "Ge PostgreSQL-rollen som kör appen rättigheter (körs av schemats ägare)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="rollen som webbappen ansluter med")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role gäller bara PostgreSQL.", returncode=2)
        if not _ROLE.match(role):
            raise CommandError(f"ogiltigt rollnamn '{role}'", returncode=2)
        q = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolbypassrls, current_user = rolname, current_schema(), "
                "current_database() FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"rollen '{role}' finns inte", returncode=2)
            superuser, bypass_rls, is_me, schema, database = found
            if superuser or is_me:
                raise CommandError(
                    f"'{role}' är superanvändare eller den som kör kommandot: den rollen kan "
                    "alltid ändra granskningsloggen. Skapa en egen roll för appen.",
                    returncode=2,
                )
            cursor.execute(
                "SELECT tablename, tableowner = %s FROM pg_tables WHERE schemaname = %s",
                [role, schema],
            )
            tables = cursor.fetchall()
            owned = sorted(name for name, by_role in tables if by_role)
            if owned:
                raise CommandError(
                    f"'{role}' äger tabeller ({', '.join(owned[:5])}): kör migrate som "
                    "schemats ägare och servera som en annan roll.",
                    returncode=2,
                )
            cursor.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND t.tgname LIKE %s",
                [schema, "%\\_append\\_only%"],
            )
            append_only = {name for (name,) in cursor.fetchall()}
            r = q(role)
            statements = [
                f"GRANT CONNECT ON DATABASE {q(database)} TO {r}",
                f"GRANT USAGE ON SCHEMA {q(schema)} TO {r}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {q(schema)} FROM {r}",
                f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {q(schema)} TO {r}",
            ]
            for name, _by_role in sorted(tables):
                if name in OWNER_WRITES:
                    rights = "SELECT"
                elif name in append_only:
                    rights = "SELECT, INSERT"
                else:
                    rights = "SELECT, INSERT, UPDATE, DELETE"
                statements.append(f"GRANT {rights} ON {q(name)} TO {r}")
            for sql in statements:
                cursor.execute(sql)
        append = sorted(append_only - OWNER_WRITES)
        self.stdout.write(
            f"Rollen {role} har fått rättigheter på {len(tables)} tabeller; bara läsa och lägga "
            f"till: {', '.join(append)}; bara läsa: {', '.join(sorted(OWNER_WRITES))}."
        )
        if bypass_rls:
            self.stdout.write("Obs: rollen har BYPASSRLS.")
