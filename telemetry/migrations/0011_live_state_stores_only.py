"""The live state keeps stores only (telemetry.writes.live_states_sql): any other device's state is
its reading at the household's newest tick (telemetry.selectors.LIVE_STATES). The rows of the other
devices that older ticks wrote are removed, or they would stand, never updated again, in front of
those readings. Reversing leaves the table as it is: the next tick writes what the older code reads.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("telemetry", "0010_updated_rows_fillfactor")]

    operations = [
        migrations.RunSQL(
            "DELETE FROM public.telemetry_devicelivestate WHERE charge_wh IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
