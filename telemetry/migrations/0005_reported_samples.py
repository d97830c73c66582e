from django.db import migrations

# What gateways send for their home's REPORTED devices, once per (device, instant): partitioned by
# day like the readings, and dropped with them (telemetry.partitions).
REPORTED_SAMPLES = """
CREATE TABLE public.telemetry_reportedsample (
    household_id bigint NOT NULL,
    device_id bigint NOT NULL,
    at timestamptz NOT NULL,
    power_w double precision NOT NULL,
    charge_wh double precision,
    PRIMARY KEY (household_id, device_id, at)
) PARTITION BY RANGE (at);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("telemetry", "0004_plans"),
    ]

    operations = [
        migrations.RunSQL(REPORTED_SAMPLES, reverse_sql="DROP TABLE public.telemetry_reportedsample;"),
    ]
