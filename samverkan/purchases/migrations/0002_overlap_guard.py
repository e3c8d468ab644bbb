"""The database refuses overlapping service records for the same staff member.

PostgreSQL: an exclusion constraint over (staff_id, tstzrange(start_at, end_at)) for the
records that occupy time (draft, approved, invoiced), with btree_gist; where the extension
cannot be created (no privilege), a trigger does the same check. SQLite: BEFORE INSERT and
BEFORE UPDATE triggers. Segments are at most 9 hours long (split at 08, 17 and midnight),
so the SQLite check only looks one day back along the (staff, start) index. A status change
is only checked when a record comes back into an active state: approved -> invoiced (an
invoice run makes a million of those) does not change the time a record occupies.

The services check first and give a Swedish message; this guard catches races.
"""

from django.db import migrations, transaction

ACTIVE = "('draft', 'approved', 'invoiced')"
TABLE = "purchases_servicerecord"

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER purchases_record_no_overlap_insert BEFORE INSERT ON {TABLE}
    WHEN NEW.status IN {ACTIVE} AND EXISTS (
        SELECT 1 FROM {TABLE} r
        WHERE r.staff_id = NEW.staff_id AND r.status IN {ACTIVE}
          AND r.start_at > datetime(NEW.start_at, '-1 day')
          AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at)
    BEGIN SELECT RAISE(ABORT, 'purchases_record_overlap'); END
    """,
    f"""
    CREATE TRIGGER purchases_record_no_overlap_update BEFORE UPDATE OF start_at, end_at, staff_id
    ON {TABLE}
    WHEN NEW.status IN {ACTIVE} AND EXISTS (
        SELECT 1 FROM {TABLE} r
        WHERE r.staff_id = NEW.staff_id AND r.id <> NEW.id AND r.status IN {ACTIVE}
          AND r.start_at > datetime(NEW.start_at, '-1 day')
          AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at)
    BEGIN SELECT RAISE(ABORT, 'purchases_record_overlap'); END
    """,
    # Status changes: only a record coming back into an active state is checked, so that an
    # invoice run's approved -> invoiced over a million rows costs nothing here.
    f"""
    CREATE TRIGGER purchases_record_no_overlap_status BEFORE UPDATE OF status ON {TABLE}
    WHEN OLD.status NOT IN {ACTIVE} AND NEW.status IN {ACTIVE} AND EXISTS (
        SELECT 1 FROM {TABLE} r
        WHERE r.staff_id = NEW.staff_id AND r.id <> NEW.id AND r.status IN {ACTIVE}
          AND r.start_at > datetime(NEW.start_at, '-1 day')
          AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at)
    BEGIN SELECT RAISE(ABORT, 'purchases_record_overlap'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS purchases_record_no_overlap_insert",
    "DROP TRIGGER IF EXISTS purchases_record_no_overlap_update",
    "DROP TRIGGER IF EXISTS purchases_record_no_overlap_status",
]

PG_EXCLUSION = f"""
ALTER TABLE {TABLE} ADD CONSTRAINT purchases_record_no_overlap
EXCLUDE USING gist (staff_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
WHERE (status IN {ACTIVE})
"""
PG_TRIGGER = [
    f"""
    CREATE OR REPLACE FUNCTION purchases_record_no_overlap() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.status IN {ACTIVE} AND OLD.staff_id = NEW.staff_id
           AND OLD.start_at = NEW.start_at AND OLD.end_at = NEW.end_at THEN
            RETURN NEW;  -- e.g. approved -> invoiced: the time it occupies is unchanged
        END IF;
        IF NEW.status IN {ACTIVE} THEN
            PERFORM pg_advisory_xact_lock(hashtext('purchases_staff'), NEW.staff_id::int);
            IF EXISTS (
                SELECT 1 FROM {TABLE} r
                WHERE r.staff_id = NEW.staff_id AND r.id <> NEW.id AND r.status IN {ACTIVE}
                  AND r.start_at > NEW.start_at - interval '1 day'
                  AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at
            ) THEN
                RAISE EXCEPTION 'purchases_record_overlap' USING ERRCODE = '23P01';
            END IF;
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    f"""
    CREATE TRIGGER purchases_record_no_overlap BEFORE INSERT OR UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION purchases_record_no_overlap()
    """,
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
                schema_editor.execute(PG_EXCLUSION)
        except Exception:  # no privilege to create the extension: a trigger instead
            for sql in PG_TRIGGER:
                schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for sql in SQLITE_BACKWARD:
            schema_editor.execute(sql)
    elif vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} DROP CONSTRAINT IF EXISTS purchases_record_no_overlap"
        )
        schema_editor.execute(f"DROP TRIGGER IF EXISTS purchases_record_no_overlap ON {TABLE}")
        schema_editor.execute("DROP FUNCTION IF EXISTS purchases_record_no_overlap()")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
