"""The database refuses overlapping service records for the same staff member.

A record takes its staff member's time while ``occupies`` is true (draft, approved,
invoiced; withdrawing or crediting a record clears it).

PostgreSQL: an exclusion constraint over (staff_id, tstzrange(start_at, end_at)) for those
records, with btree_gist; where the extension cannot be created (no privilege), a trigger
does the same check. The table gets fillfactor 50: an invoice run changes ``status`` and
``invoice_id`` of a month of records at once, neither of which is indexed, so with room left
in each page PostgreSQL updates the rows in place (HOT) instead of writing every index anew
(a million-record run: seconds instead of minutes).

SQLite: BEFORE INSERT and BEFORE UPDATE triggers. Segments are at most 9 hours long (split
at 08, 17 and midnight), so the check only looks one day back along the (staff, start)
index; a status change is not checked unless ``occupies`` turns true again.

The services check first and give a Swedish message; this guard catches races.
"""

from django.db import migrations, transaction

TABLE = "purchases_servicerecord"
CHECK = f"""
    SELECT 1 FROM {TABLE} r
    WHERE r.staff_id = NEW.staff_id AND r.id <> NEW.id AND r.occupies
      AND r.start_at > datetime(NEW.start_at, '-1 day')
      AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER purchases_record_no_overlap_insert BEFORE INSERT ON {TABLE}
    WHEN NEW.occupies AND EXISTS (
        SELECT 1 FROM {TABLE} r
        WHERE r.staff_id = NEW.staff_id AND r.occupies
          AND r.start_at > datetime(NEW.start_at, '-1 day')
          AND r.start_at < NEW.end_at AND NEW.start_at < r.end_at)
    BEGIN SELECT RAISE(ABORT, 'purchases_record_overlap'); END
    """,
    f"""
    CREATE TRIGGER purchases_record_no_overlap_update
    BEFORE UPDATE OF start_at, end_at, staff_id ON {TABLE}
    WHEN NEW.occupies AND EXISTS ({CHECK})
    BEGIN SELECT RAISE(ABORT, 'purchases_record_overlap'); END
    """,
    f"""
    CREATE TRIGGER purchases_record_no_overlap_occupies BEFORE UPDATE OF occupies ON {TABLE}
    WHEN NEW.occupies AND NOT OLD.occupies AND EXISTS ({CHECK})
    BEGIN SELECT RAISE(ABORT, 'purchases_record_overlap'); END
    """,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS purchases_record_no_overlap_insert",
    "DROP TRIGGER IF EXISTS purchases_record_no_overlap_update",
    "DROP TRIGGER IF EXISTS purchases_record_no_overlap_occupies",
]

PG_FILLFACTOR = f"ALTER TABLE {TABLE} SET (fillfactor = 50)"
PG_EXCLUSION = f"""
ALTER TABLE {TABLE} ADD CONSTRAINT purchases_record_no_overlap
EXCLUDE USING gist (staff_id WITH =, tstzrange(start_at, end_at, '[)') WITH &&)
WHERE (occupies)
"""
PG_TRIGGER = [
    f"""
    CREATE OR REPLACE FUNCTION purchases_record_no_overlap() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND OLD.occupies = NEW.occupies AND OLD.staff_id = NEW.staff_id
           AND OLD.start_at = NEW.start_at AND OLD.end_at = NEW.end_at THEN
            RETURN NEW;  -- e.g. approved -> invoiced: the time it takes is unchanged
        END IF;
        IF NEW.occupies THEN
            PERFORM pg_advisory_xact_lock(hashtext('purchases_staff'), NEW.staff_id::int);
            IF EXISTS (
                SELECT 1 FROM {TABLE} r
                WHERE r.staff_id = NEW.staff_id AND r.id <> NEW.id AND r.occupies
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
        schema_editor.execute(PG_FILLFACTOR)
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
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("purchases", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
