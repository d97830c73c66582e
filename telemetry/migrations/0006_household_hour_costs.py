# Cost columns of the hourly home rollup, added by hand (the table is created by SQL in 0001).

from django.db import migrations, models

MONEY = """
ALTER TABLE public.telemetry_householdhour
    ADD COLUMN import_cost numeric(20, 9) NOT NULL DEFAULT 0,
    ADD COLUMN export_revenue numeric(20, 9) NOT NULL DEFAULT 0,
    ADD COLUMN cost_without_devices numeric(20, 9) NOT NULL DEFAULT 0,
    ADD COLUMN currency varchar(3) NOT NULL DEFAULT '';
"""
DROP_MONEY = """
ALTER TABLE public.telemetry_householdhour DROP COLUMN import_cost, DROP COLUMN export_revenue,
    DROP COLUMN cost_without_devices, DROP COLUMN currency;
"""


def _money() -> models.DecimalField:
    return models.DecimalField(decimal_places=9, default=0, max_digits=20)


class Migration(migrations.Migration):
    dependencies = [
        ("telemetry", "0005_reported_samples"),
    ]

    operations = [
        migrations.RunSQL(MONEY, reverse_sql=DROP_MONEY),
        migrations.AddField(model_name="householdhour", name="import_cost", field=_money()),
        migrations.AddField(model_name="householdhour", name="export_revenue", field=_money()),
        migrations.AddField(model_name="householdhour", name="cost_without_devices", field=_money()),
        migrations.AddField(
            model_name="householdhour",
            name="currency",
            field=models.CharField(blank=True, default="", max_length=3),
        ),
    ]
