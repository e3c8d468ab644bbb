"""The agreements room keeps the tables it took over, and it is the room that tells the
rules which agreement versions are in force (issue 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from samverkan.agreements import selectors
from samverkan.agreements.models import Bilaga2List, LocalAgreement, Notice

MOVED = {
    "Notice": "deviations_notice",
    "AgreementSettings": "deviations_agreementsettings",
    "CareArea": "deviations_carearea",
    "LocalAgreement": "deviations_localagreement",
    "Bilaga2List": "deviations_bilaga2list",
    "WorkingGroupMember": "deviations_workinggroupmember",
    "LocalVariation": "deviations_localvariation",
}


def test_the_moved_models_keep_their_tables():
    for name, table in MOVED.items():
        model = apps.get_model("agreements", name)
        assert model._meta.db_table == table
        assert model._meta.app_label == "agreements"
    for name in MOVED:
        with pytest.raises(LookupError):
            apps.get_model("deviations", name)


@pytest.mark.django_db
def test_the_migrations_describe_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_rows(orgs, make_staff):
    """Back to the state before the move (deviations 0001, no agreements app), a notice
    and a local agreement written into the old tables, then forward: the rows are the
    agreements room's, nothing was copied or lost."""
    from samverkan.accounts.models import Role

    forum = make_staff(Role.FORUM_MEMBER, orgs.region_jh)
    _migrate([("agreements", None)])
    _migrate([("deviations", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO deviations_notice "
            "(agreement, given_by_id, given_on, document_ref, recorded_by_id, recorded_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            ["jh-hemsjukvard", orgs.region_jh.pk, dt.date(2025, 1, 10), "Dnr 2025/1",
             forum.pk, dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC)],
        )  # fmt: skip
        cursor.execute(
            "INSERT INTO deviations_localagreement (agreement, point, municipality_id, title, "
            "document_ref, agreed_on, registered_by_id, registered_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            ["jh-hemsjukvard", "lab_service", orgs.ostersund.pk, "Lab", "", dt.date(2024, 1, 1),
             forum.pk, dt.datetime(2024, 1, 1, 9, 0, tzinfo=dt.UTC)],
        )  # fmt: skip
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    notice = Notice.objects.get()
    assert (notice.agreement, notice.given_on, notice.document_ref) == (
        "jh-hemsjukvard",
        dt.date(2025, 1, 10),
        "Dnr 2025/1",
    )
    assert selectors.recorded_notices() == {"jh-hemsjukvard": dt.date(2025, 1, 10)}
    assert LocalAgreement.objects.get().title == "Lab"
    assert Bilaga2List.objects.count() == 0


def test_the_agreements_room_registers_the_notices_with_the_rules(monkeypatch):
    """Only the agreements room tells the rules about notices; the deviations room no
    longer does (its app config registers its navigation and work queue only)."""
    import samverkan.rules as rules
    from samverkan.web import nav, work_queue

    registered: list[object] = []
    monkeypatch.setattr(rules, "use_notices", registered.append)
    monkeypatch.setattr(work_queue, "register_work_queue", lambda provider: None)
    monkeypatch.setattr(nav, "register_nav", lambda *args, **kwargs: None)

    apps.get_app_config("deviations").ready()
    assert registered == []
    apps.get_app_config("agreements").ready()
    assert registered == [selectors.cached_notices]
