"""One term: dispute steps recorded before the rename carry the step's old title "närmsta
chef (§8)"; they are renamed to "närmaste chef (§8)" as the escalation path now names it. The
agreement's own spelling stays only in verbatim quotes (deviations.citations, the rules), which
are not stored here. Reversing leaves the new spelling (nothing to undo)."""

from django.db import migrations

OLD, NEW = "närmsta", "närmaste"


def rename(apps, schema_editor):
    DisputeStep = apps.get_model("deviations", "DisputeStep")
    for step in DisputeStep.objects.filter(step__icontains=OLD).only("pk", "step"):
        renamed = step.step.replace(OLD, NEW).replace(OLD.capitalize(), NEW.capitalize())
        DisputeStep.objects.filter(pk=step.pk).update(step=renamed)


class Migration(migrations.Migration):
    dependencies = [("deviations", "0006_serious_deviation_contacts_and_subject")]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
