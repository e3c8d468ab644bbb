"""PostgreSQL: the role the application runs as cannot change, truncate or unguard the log."""

from __future__ import annotations

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from samverkan.audit import integrity
from samverkan.audit.models import Action, AuditEvent
from samverkan.audit.services import record
from samverkan.cli import main

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def app_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles and grants are PostgreSQL's")
    name = f"samverkan_app_{uuid.uuid4().hex[:10]}"
    with connection.cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(f"CREATE ROLE {name} NOLOGIN")
    return name


def _as(role, sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(sql, params)
        return cursor.rowcount


def test_the_app_role_can_append_but_never_change(app_role, nurse):
    event = record(nurse, Action.VIEW, "people.person", 1, why="SIP")
    before = AuditEvent.objects.count()
    assert main(["db", "grant-app-role", app_role]) == 0  # as the owner (this test's user)
    refused = [
        "UPDATE audit_auditevent SET why = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
        "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER USER",
        "DROP TABLE audit_auditevent CASCADE",
        "INSERT INTO audit_auditpurge (up_to_sequence, retention_years, reason, created, "
        "anchor_id) VALUES (99, 5, 'x', now(), 1)",
        "UPDATE audit_auditanchor SET count = 0",
    ]
    for sql in refused:
        with pytest.raises(DatabaseError, match="permission denied|must be owner"):
            _as(app_role, sql)
    # The application's own writes work: the log through its one door, other tables fully.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {app_role}")
        record(nurse, Action.VIEW, "people.person", 2)
        assert integrity.verify().ok
        assert _as(app_role, "UPDATE accounts_staffprofile SET role = role") >= 1
    assert AuditEvent.objects.get(pk=event.pk).why == "SIP"
    assert AuditEvent.objects.count() == before + 1


def test_the_owner_or_a_superuser_is_refused_as_app_role(db):
    if connection.vendor != "postgresql":
        pytest.skip("database roles and grants are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        (me,) = cursor.fetchone()
    with pytest.raises(CommandError, match="superanvändare"):
        call_command("grant_app_role", me, verbosity=0)
    with pytest.raises(CommandError, match="finns inte"):
        call_command("grant_app_role", "no_such_role_here", verbosity=0)


@pytest.mark.django_db
def test_grant_app_role_is_postgresql_only():
    if connection.vendor == "postgresql":
        pytest.skip("on PostgreSQL the command runs")
    with pytest.raises(CommandError, match="bara PostgreSQL"):
        call_command("grant_app_role", "app", verbosity=0)
