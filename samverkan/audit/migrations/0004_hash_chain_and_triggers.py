"""The audit log becomes a hash chain, and append-only in the database on SQLite too.

Existing events are chained in the order they were written (id), then the shared triggers
(`samverkan.core.append_only`) replace 0002's PostgreSQL-only one: UPDATE, DELETE and TRUNCATE
are refused on the events, the period anchors and the purge authorisations; the one DELETE
let through is of events a recorded purge authorisation covers.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from samverkan.audit import chain
from samverkan.core.append_only import append_only_operations

OLD_PG_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'audit_auditevent is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP_OLD_PG_TRIGGER = """
DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""

PURGED = "EXISTS (SELECT 1 FROM audit_auditpurge p WHERE OLD.sequence <= p.up_to_sequence)"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    return run


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    prev = chain.GENESIS
    fields = [f for f in chain.EVENT_FIELDS if f not in ("sequence", "prev_hash")]
    rows = AuditEvent.objects.using(db).order_by("id").values("id", *fields)
    for sequence, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        values = {**row, "sequence": sequence, "prev_hash": prev}
        digest = chain.event_hash(values)
        AuditEvent.objects.using(db).filter(pk=row["id"]).update(
            sequence=sequence, prev_hash=prev, hash=digest
        )
        prev = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_owner_unit_process")]

    operations = [
        migrations.RunPython(_on_postgresql(DROP_OLD_PG_TRIGGER), _on_postgresql(OLD_PG_TRIGGER)),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("view", "visa"),
                    ("search", "sök"),
                    ("create", "skapa"),
                    ("update", "ändra"),
                    ("delete", "ta bort"),
                    ("export", "exportera"),
                    ("print", "skriv ut"),
                    ("login", "inloggning"),
                    ("logout", "utloggning"),
                    ("login_failed", "misslyckad inloggning"),
                    ("access_denied", "nekad åtkomst"),
                    ("password_change", "lösenord ändrat"),
                    ("purge", "gallring"),
                ],
                max_length=20,
                verbose_name="händelse",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(editable=False, null=True, verbose_name="löpnummer"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="föregående hash"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(editable=False, unique=True, verbose_name="löpnummer"),
        ),
        migrations.CreateModel(
            name="AuditAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("period", models.DateField(help_text="Månadens första dag.", unique=True, verbose_name="period")),
                ("first_sequence", models.BigIntegerField(verbose_name="första löpnummer")),
                ("last_sequence", models.BigIntegerField(unique=True, verbose_name="sista löpnummer")),
                ("count", models.BigIntegerField(verbose_name="antal händelser")),
                ("last_hash", models.CharField(max_length=64, verbose_name="sista händelsens hash")),
                ("prev_anchor_hash", models.CharField(max_length=64, verbose_name="föregående ankares hash")),
                ("hash", models.CharField(max_length=64, verbose_name="hash")),
                ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="skapat")),
            ],
            options={
                "verbose_name": "periodankare",
                "verbose_name_plural": "periodankare",
                "ordering": ["period"],
                "default_permissions": ("view",),
            },
        ),
        migrations.CreateModel(
            name="AuditPurge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("up_to_sequence", models.BigIntegerField(unique=True, verbose_name="till och med löpnummer")),
                ("retention_years", models.PositiveSmallIntegerField(verbose_name="bevarandetid (år)")),
                ("reason", models.TextField(help_text="Dataägarens beslut om gallring.", verbose_name="beslut")),
                ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="gallrat")),
                (
                    "anchor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="audit.auditanchor",
                        verbose_name="periodankare",
                    ),
                ),
            ],
            options={
                "verbose_name": "gallringsbeslut",
                "verbose_name_plural": "gallringsbeslut",
                "ordering": ["up_to_sequence"],
                "default_permissions": ("view",),
            },
        ),
        *append_only_operations(
            "audit_auditevent", delete_allowed_when=PURGED, unique=("id", "sequence")
        ),
        *append_only_operations("audit_auditanchor", unique=("id", "period", "last_sequence")),
        *append_only_operations("audit_auditpurge", unique=("id", "up_to_sequence")),
    ]
