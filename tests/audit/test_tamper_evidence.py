"""The audit log is tamper-evident (issue 11): the database refuses changes, the chain finds
what a database superuser changed anyway, and a purge past the retention still verifies."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, close_old_connections, connection, transaction

from samverkan.audit import chain, integrity
from samverkan.audit.models import Action, AppendOnlyError, AuditAnchor, AuditEvent, AuditPurge
from samverkan.audit.services import record, record_many
from samverkan.cli import main
from samverkan.core import append_only

pytestmark = pytest.mark.django_db

TABLES = ("audit_auditevent", "audit_auditanchor", "audit_auditpurge")
STOCKHOLM = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture
def event(nurse):
    return record(nurse, Action.VIEW, "people.person", 42, person_ref="191212121212", why="SIP")


def _why(event):
    return AuditEvent.objects.values_list("why", flat=True).get(pk=event.pk)


def _refused(fn):
    with pytest.raises((DatabaseError, AppendOnlyError)), transaction.atomic():
        fn()


@contextmanager
def _as_superuser():
    """A database superuser drops the triggers (the test's transaction restores them)."""
    with connection.cursor() as cursor:
        for table in TABLES:
            for sql in append_only.drop_sql(connection.vendor, table):
                cursor.execute(sql)
        yield cursor


# --- The database refuses -------------------------------------------------------------------


def test_base_manager_update_is_refused_by_the_database(event):
    _refused(lambda: AuditEvent._base_manager.filter(pk=event.pk).update(why="ändrat"))
    assert _why(event) == "SIP"


def test_base_manager_delete_is_refused_by_the_database(event):
    _refused(lambda: AuditEvent._base_manager.all().delete())
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_upsert_over_a_stored_event_is_refused(event):
    copy = AuditEvent(
        **{f.attname: getattr(event, f.attname) for f in AuditEvent._meta.concrete_fields}
    )
    copy.why = "ändrat"
    for manager in (AuditEvent.objects, AuditEvent._base_manager):
        _refused(
            lambda m=manager: m.bulk_create(
                [copy], update_conflicts=True, unique_fields=["id"], update_fields=["why"]
            )
        )
    assert _why(event) == "SIP"


def test_raw_sql_update_and_delete_are_refused(event):
    for sql in ("UPDATE audit_auditevent SET why = 'x'", "DELETE FROM audit_auditevent"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert _why(event) == "SIP"


def test_sqlite_insert_or_replace_cannot_overwrite(event):
    if connection.vendor != "sqlite":
        pytest.skip("INSERT OR REPLACE is SQLite's")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT OR REPLACE INTO audit_auditevent (id, timestamp, role, action, object_type, "
            "object_id, why, process, sequence, prev_hash, hash) "
            "SELECT id, timestamp, role, action, object_type, object_id, 'x', process, "
            "sequence, prev_hash, hash FROM audit_auditevent WHERE id = %s",
            [event.pk],
        )
    assert _why(event) == "SIP"


def test_anchors_and_purge_decisions_are_append_only_in_the_database():
    _months_of_events([(2020, 3), (2020, 4)])
    with time_machine.travel(NOW, tick=False):
        integrity.purge(reason="Beslut RS 2026/12", before=dt.date(2020, 4, 1))
    for table in ("audit_auditanchor", "audit_auditpurge"):
        for sql in (f"UPDATE {table} SET created = created", f"DELETE FROM {table}"):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(sql)
    assert AuditAnchor.objects.count() == 2 and AuditPurge.objects.count() == 1


def test_every_append_only_trigger_is_installed():
    """A migration that rebuilds a table on SQLite drops its triggers: this names the loss."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            expected = {name for t in TABLES for name in append_only.trigger_names(t)}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            expected = {f"{t}_append_only" for t in TABLES}
            expected |= {f"{t}_append_only_truncate" for t in TABLES}
        installed = {name for (name,) in cursor.fetchall()}
    assert expected <= installed


@pytest.mark.postgres_only
def test_postgresql_refuses_truncate(event):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is refused by a PostgreSQL trigger")
    for table in TABLES:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_flush_outside_the_test_suite_cannot_empty_the_log(event, monkeypatch):
    monkeypatch.setattr(append_only, "_flush_allowed", False)
    with pytest.raises((CommandError, DatabaseError)), transaction.atomic():
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.filter(pk=event.pk).exists()


# --- The chain ------------------------------------------------------------------------------


def test_events_form_one_chain(nurse, event):
    record(None, Action.LOGIN_FAILED)
    record_many(nurse, Action.CREATE, AuditEvent, "import:1", person_refs=["a", "b"], why="X")
    rows = list(AuditEvent.objects.order_by("sequence").values())
    assert [r["sequence"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["person_ref"] for r in rows[-3:]] == [None, "a", "b"]
    prev = chain.GENESIS
    for row in rows:
        assert row["prev_hash"] == prev
        assert row["hash"] == chain.event_hash(row)
        prev = row["hash"]
    assert integrity.verify().ok


def test_the_hash_covers_every_field(event):
    row = AuditEvent.objects.values().get(pk=event.pk)
    for name in set(chain.EVENT_FIELDS) - {"sequence", "prev_hash"}:
        changed = dict(row, **{name: "x" if row[name] != "x" else "y"})
        assert chain.event_hash(changed) != row["hash"], name


def test_an_intact_chain_verifies_and_the_cli_says_so(capsys):
    for i in range(5):
        record(None, Action.VIEW, "people.person", i, person_ref=f"p{i}")
    result = integrity.verify()
    assert (result.ok, result.checked, result.first_sequence, result.last_sequence) == (
        True,
        5,
        1,
        5,
    )
    assert main(["audit", "verify"]) == 0
    assert "obruten: 5 händelser" in capsys.readouterr().out


def test_a_changed_row_is_found_and_named(nurse, event, capsys):
    for i in range(3):
        record(nurse, Action.VIEW, "people.person", i)
    with _as_superuser() as cursor:
        cursor.execute("UPDATE audit_auditevent SET why = 'inget' WHERE sequence = 3")
    result = integrity.verify()
    assert not result.ok and result.broken_at == 3
    assert main(["audit", "verify"]) == 1
    assert "bruten vid löpnummer 3" in capsys.readouterr().err


def test_a_row_rehashed_in_place_is_found_at_the_next_link(nurse, event):
    for i in range(3):
        record(nurse, Action.VIEW, "people.person", i)
    row = AuditEvent.objects.values().get(sequence=2)
    forged = chain.event_hash(dict(row, why="inget"))
    with _as_superuser() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET why = 'inget', hash = %s WHERE sequence = 2", [forged]
        )
    assert integrity.verify().broken_at == 3


def test_a_deleted_row_is_found_as_a_gap(nurse, event):
    for i in range(3):
        record(nurse, Action.VIEW, "people.person", i)
    with _as_superuser() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 2")
    result = integrity.verify()
    assert not result.ok and result.broken_at == 2 and "saknas" in result.reason


def test_a_deleted_tail_inside_an_anchored_month_is_found():
    with time_machine.travel(dt.datetime(2020, 1, 10, 12, tzinfo=STOCKHOLM), tick=False):
        for i in range(3):
            record(None, Action.VIEW, "people.person", i)
    integrity.anchor_periods(now=dt.datetime(2020, 3, 1, tzinfo=STOCKHOLM))
    with _as_superuser() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence = 3")
    assert integrity.verify().broken_at == 3


def test_a_changed_anchor_is_found():
    with time_machine.travel(dt.datetime(2020, 1, 10, 12, tzinfo=STOCKHOLM), tick=False):
        record(None, Action.VIEW, "people.person", 1)
    integrity.anchor_periods(now=dt.datetime(2020, 3, 1, tzinfo=STOCKHOLM))
    with _as_superuser() as cursor:
        cursor.execute("UPDATE audit_auditanchor SET count = 7")
    assert not integrity.verify().ok


# --- Anchors and purge ----------------------------------------------------------------------


def _months_of_events(months):
    for year, month in months:
        with time_machine.travel(dt.datetime(year, month, 15, 12, tzinfo=STOCKHOLM), tick=False):
            record(None, Action.VIEW, "people.person", f"{year}-{month}")
            record(None, Action.UPDATE, "people.person", f"{year}-{month}")


def test_anchors_seal_each_finished_month():
    _months_of_events([(2019, 11), (2019, 12), (2020, 2)])
    made = integrity.anchor_periods(now=dt.datetime(2020, 2, 20, tzinfo=STOCKHOLM))
    assert [(a.period, a.first_sequence, a.last_sequence, a.count) for a in made] == [
        (dt.date(2019, 11, 1), 1, 2, 2),
        (dt.date(2019, 12, 1), 3, 4, 2),
    ]
    assert made[1].prev_anchor_hash == made[0].hash
    assert made[1].last_hash == AuditEvent.objects.get(sequence=4).hash
    assert integrity.anchor_periods(now=dt.datetime(2020, 2, 20, tzinfo=STOCKHOLM)) == []
    assert integrity.verify().ok


NOW = dt.datetime(2026, 6, 15, 12, tzinfo=STOCKHOLM)


def test_a_purge_of_an_old_period_still_verifies(capsys):
    _months_of_events([(2020, 3), (2020, 4), (2021, 9)])
    with time_machine.travel(NOW, tick=False):
        record(None, Action.VIEW, "people.person", "now")
        done = integrity.purge(reason="Beslut RS 2026/12", before=dt.date(2020, 5, 1))
        assert (done.anchor.period, done.deleted) == (dt.date(2020, 4, 1), 4)
        assert not AuditEvent.objects.filter(sequence__lte=4).exists()
        assert AuditPurge.objects.get().up_to_sequence == 4
        logged = AuditEvent.objects.get(action=Action.PURGE)
        assert "2020-04" in logged.why and "RS 2026/12" in logged.why
        result = integrity.verify()
        assert result.ok and result.first_sequence == 5, result.message()
        assert main(["audit", "verify"]) == 0


def test_after_a_purge_other_deletes_are_still_refused():
    _months_of_events([(2020, 3), (2021, 9)])
    with time_machine.travel(NOW, tick=False):
        integrity.purge(reason="Beslut RS 2026/12")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.filter(sequence__gt=2).count() == 3  # 2021-09 and the purge


def test_a_purge_within_the_retention_is_refused():
    _months_of_events([(2022, 3)])
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(integrity.PurgeRefused, match="bevarandetiden är 5 år"):
            integrity.purge(reason="Beslut", before=dt.date(2023, 1, 1))
        with pytest.raises(integrity.PurgeRefused, match="inga händelser"):
            integrity.purge(reason="Beslut")
    assert AuditEvent.objects.count() == 2 and not AuditPurge.objects.exists()


def test_a_retention_under_five_years_is_refused(settings):
    settings.SAMVERKAN_AUDIT_RETENTION_YEARS = 3
    with pytest.raises(Exception, match="minst 5 år"):
        integrity.purge(reason="Beslut")


def test_the_purge_command_asks_for_confirmation(monkeypatch):
    _months_of_events([(2020, 3)])
    monkeypatch.setattr("builtins.input", lambda prompt: "nej")
    with time_machine.travel(NOW, tick=False):
        assert main(["audit", "purge", "--reason", "Beslut"]) == 2
        assert AuditEvent.objects.count() == 2
        monkeypatch.setattr("builtins.input", lambda prompt: "gallra")
        assert main(["audit", "purge", "--reason", "Beslut"]) == 0
    assert AuditEvent.objects.filter(action=Action.PURGE).count() == 1
    assert AuditAnchor.objects.count() == 1


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("several writers at once: PostgreSQL (SQLite serialises writers)")
    barrier = threading.Barrier(4)
    errors: list[Exception] = []

    def write(n):
        try:
            barrier.wait(timeout=10)
            for i in range(15):
                with transaction.atomic():
                    record(None, Action.VIEW, "people.person", f"{n}:{i}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == list(range(1, 61))
    assert integrity.verify().ok
