import django.db.models.deletion
from django.db import migrations, models


def supersede_earlier(apps, schema_editor):
    """Where several consents of a SIP were in force, the last recorded replaces the others."""
    Consent = apps.get_model("sip", "Consent")
    active = Consent.objects.filter(withdrawn_at__isnull=True).order_by("sip_id", "-recorded_at", "-pk")
    latest: dict[int, int] = {}
    for consent in active:
        if consent.sip_id not in latest:
            latest[consent.sip_id] = consent.pk
            continue
        consent.superseded_by_id = latest[consent.sip_id]
        consent.save(update_fields=["superseded_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("sip", "0003_one_meeting_letters_contact_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="superseded_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="supersedes",
                to="sip.consent",
                verbose_name="ersatt av",
            ),
        ),
        migrations.RunPython(supersede_earlier, migrations.RunPython.noop),
    ]
