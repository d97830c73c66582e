# The household snapshot now belongs to telemetry (telemetry 0008 renames the table): state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_snapshot_costs"),
        ("telemetry", "0008_snapshot_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="HouseholdSnapshot")],
        ),
    ]
