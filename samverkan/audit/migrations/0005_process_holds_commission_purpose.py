"""The process field holds the caller's process and the purpose of the user's
medarbetaruppdrag (samverkan.audit.services.record): 60 -> 200 characters.

SQLite alters a column by remaking the table, which loses the append-only triggers: they are
installed again (on PostgreSQL the same operation replaces them with themselves)."""

from django.db import migrations, models

from samverkan.core.append_only import append_only_operations

PURGED = "EXISTS (SELECT 1 FROM audit_auditpurge p WHERE OLD.sequence <= p.up_to_sequence)"


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_hash_chain_and_triggers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="process",
            field=models.CharField(blank=True, max_length=200, verbose_name="process"),
        ),
        *append_only_operations(
            "audit_auditevent", delete_allowed_when=PURGED, unique=("id", "sequence")
        ),
    ]
