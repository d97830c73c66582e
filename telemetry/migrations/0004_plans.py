from django.contrib.postgres.fields import ArrayField
from django.db import migrations, models

# One row per household with a plan and one per planned store (telemetry.plans): the tick reads the
# step in force for a whole batch in one statement; arrays hold one value per step from `start`.
PLANS = """
CREATE TABLE public.telemetry_householdplan (
    household_id bigint NOT NULL DEFAULT public.current_household_id() PRIMARY KEY,
    created_at timestamptz NOT NULL,
    start timestamptz NOT NULL,
    step_seconds integer NOT NULL CHECK (step_seconds > 0),
    devices_version bigint NOT NULL DEFAULT 0,
    grid_w double precision[] NOT NULL,
    solar_w double precision[] NOT NULL,
    load_w double precision[] NOT NULL,
    import_price_per_kwh double precision[] NOT NULL,
    export_price_per_kwh double precision[] NOT NULL,
    currency varchar(3) NOT NULL DEFAULT '',
    expected_cost numeric(14, 4) NOT NULL,
    expected_cost_without_plan numeric(14, 4) NOT NULL
);
CREATE TABLE public.telemetry_deviceplan (
    household_id bigint NOT NULL DEFAULT public.current_household_id(),
    device_id bigint NOT NULL,
    power_w double precision[] NOT NULL,
    charge_wh double precision[] NOT NULL,
    reason varchar(32) NOT NULL DEFAULT '',
    PRIMARY KEY (household_id, device_id)
);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("telemetry", "0003_devicehour_reason_index"),
    ]

    operations = [
        migrations.RunSQL(
            PLANS, reverse_sql="DROP TABLE public.telemetry_deviceplan; DROP TABLE public.telemetry_householdplan;"
        ),
        migrations.CreateModel(
            name="HouseholdPlan",
            fields=[
                (
                    "household_id",
                    models.BigIntegerField(
                        db_default=models.Func(
                            function="public.current_household_id", output_field=models.BigIntegerField()
                        ),
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("created_at", models.DateTimeField()),
                ("start", models.DateTimeField()),
                ("step_seconds", models.PositiveIntegerField()),
                ("devices_version", models.BigIntegerField(default=0)),
                ("grid_w", ArrayField(base_field=models.FloatField(), size=None)),
                ("solar_w", ArrayField(base_field=models.FloatField(), size=None)),
                ("load_w", ArrayField(base_field=models.FloatField(), size=None)),
                ("import_price_per_kwh", ArrayField(base_field=models.FloatField(), size=None)),
                ("export_price_per_kwh", ArrayField(base_field=models.FloatField(), size=None)),
                ("currency", models.CharField(default="", max_length=3)),
                ("expected_cost", models.DecimalField(decimal_places=4, max_digits=14)),
                ("expected_cost_without_plan", models.DecimalField(decimal_places=4, max_digits=14)),
            ],
            options={"abstract": False, "managed": False, "base_manager_name": "objects"},
        ),
        migrations.CreateModel(
            name="DevicePlan",
            fields=[
                (
                    "household_id",
                    models.BigIntegerField(
                        db_default=models.Func(
                            function="public.current_household_id", output_field=models.BigIntegerField()
                        )
                    ),
                ),
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "household_id", "device_id", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("power_w", ArrayField(base_field=models.FloatField(), size=None)),
                ("charge_wh", ArrayField(base_field=models.FloatField(), size=None)),
                ("reason", models.CharField(blank=True, default="", max_length=32)),
                (
                    "device",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="plans",
                        to="devices.device",
                    ),
                ),
            ],
            options={"abstract": False, "managed": False, "base_manager_name": "objects"},
        ),
    ]
