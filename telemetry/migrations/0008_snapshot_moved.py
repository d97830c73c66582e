# The household snapshot moves from reporting to telemetry, the app that writes it (the tick's SQL):
# the table is renamed in place, rows, keys and index kept; reporting 0006 drops it from its state.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0003_devices_version"),
        ("telemetry", "0007_devicehour_driving"),
        ("reporting", "0005_snapshot_costs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE public.reporting_householdsnapshot RENAME TO telemetry_householdsnapshot;",
                    reverse_sql="ALTER TABLE public.telemetry_householdsnapshot RENAME TO reporting_householdsnapshot;",
                )
            ],
            state_operations=[
                migrations.CreateModel(
                    name="HouseholdSnapshot",
                    fields=[
                        (
                            "household",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="snapshot",
                                serialize=False,
                                to="households.household",
                            ),
                        ),
                        ("at", models.DateTimeField(blank=True, null=True)),
                        ("produced_w", models.FloatField(default=0.0)),
                        ("consumed_w", models.FloatField(default=0.0)),
                        ("net_w", models.FloatField(default=0.0)),
                        ("storage_capacity_wh", models.FloatField(default=0.0)),
                        ("storage_charge_wh", models.FloatField(default=0.0)),
                        ("solar_w", models.FloatField(default=0.0)),
                        ("load_w", models.FloatField(default=0.0)),
                        ("storage_charge_w", models.FloatField(default=0.0)),
                        ("storage_discharge_w", models.FloatField(default=0.0)),
                        ("grid_import_w", models.FloatField(default=0.0)),
                        ("grid_export_w", models.FloatField(default=0.0)),
                        (
                            "reported_devices",
                            models.PositiveIntegerField(
                                default=0, help_text="Devices fed by the home's gateway."
                            ),
                        ),
                        ("cost_day", models.DateField(blank=True, null=True)),
                        ("currency", models.CharField(blank=True, default="", max_length=3)),
                        (
                            "import_cost_today",
                            models.DecimalField(decimal_places=9, default=0, max_digits=20),
                        ),
                        (
                            "export_revenue_today",
                            models.DecimalField(decimal_places=9, default=0, max_digits=20),
                        ),
                        (
                            "cost_without_devices_today",
                            models.DecimalField(decimal_places=9, default=0, max_digits=20),
                        ),
                        ("solar_panels", models.PositiveIntegerField(default=0)),
                        ("batteries", models.PositiveIntegerField(default=0)),
                        ("electric_vehicles", models.PositiveIntegerField(default=0)),
                        ("appliances", models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        "indexes": [models.Index(fields=["at"], name="snapshot_at_idx")],
                    },
                ),
            ],
        ),
    ]
