# Written by hand: the shared tables are created by SQL (0001), so is this index.

from django.db import migrations

# energyHistory's storage reasons (telemetry.selectors.store_reason_seconds) read only the store
# hours that held a code, with their seconds, straight from this index: an index-only scan over the
# household's range instead of fetching every device hour from the heap. Non-store devices never
# hold a code, so their rows (most rows) are not in it and the tick's upserts of them cost nothing more.
REASON_INDEX = """
CREATE INDEX telemetry_devicehour_reasons ON public.telemetry_devicehour (household_id, hour_start)
    INCLUDE (device_id, full_seconds, empty_seconds, reserve_seconds, rate_limit_seconds, away_seconds)
    WHERE full_seconds > 0 OR empty_seconds > 0 OR reserve_seconds > 0 OR rate_limit_seconds > 0
        OR away_seconds > 0;
"""


class Migration(migrations.Migration):

    dependencies = [
        ("telemetry", "0002_device_live_state"),
    ]

    operations = [
        migrations.RunSQL(REASON_INDEX, reverse_sql="DROP INDEX public.telemetry_devicehour_reasons;"),
    ]
