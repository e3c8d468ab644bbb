"""The agreements' lifecycle moves to its own app (issue 10): state only, the tables stay.

The models leave this app's migration state; `agreements.0001_initial` takes them over with
the same tables (`db_table`), so an existing database keeps its rows and nothing is copied.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("deviations", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="WorkingGroupMember"),
                migrations.DeleteModel(name="LocalVariation"),
                migrations.DeleteModel(name="Bilaga2List"),
                migrations.DeleteModel(name="LocalAgreement"),
                migrations.DeleteModel(name="CareArea"),
                migrations.DeleteModel(name="AgreementSettings"),
                migrations.DeleteModel(name="Notice"),
            ],
            database_operations=[],
        ),
    ]
