# Written by hand: the shared tables are created by SQL (0001), so are these columns.

from django.db import migrations, models

# An EV's hour also sums what it drove and what was charged into it away from home, so its history
# closes: driven = charged at home (battery side) + charged away - change in charge.
COLUMNS = """
ALTER TABLE public.telemetry_devicehour
    ADD COLUMN driven_wh double precision NOT NULL DEFAULT 0 CHECK (driven_wh >= 0),
    ADD COLUMN charged_away_wh double precision NOT NULL DEFAULT 0 CHECK (charged_away_wh >= 0);
"""
DROP = "ALTER TABLE public.telemetry_devicehour DROP COLUMN driven_wh, DROP COLUMN charged_away_wh;"


class Migration(migrations.Migration):

    dependencies = [
        ("telemetry", "0006_household_hour_costs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(COLUMNS, reverse_sql=DROP)],
            state_operations=[
                migrations.AddField("devicehour", "driven_wh", models.FloatField(default=0.0)),
                migrations.AddField("devicehour", "charged_away_wh", models.FloatField(default=0.0)),
            ],
        ),
    ]
