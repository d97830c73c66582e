"""Room on each page for the rows the tick rewrites every minute.

The live state is rewritten for every device each minute and an hour's rollups sixty times in their
hour. Packed pages (fillfactor 100) leave no room for the new row version beside the old one, so
every update moved the row to another page and wrote each index again, and without a vacuum the
tables swelled minute by minute. With room on the page PostgreSQL updates in place (a HOT update:
no index write) and prunes the old versions as it goes. Measured over five minutes of 20,000
households (bench database, EXPLAIN ANALYZE WAL): the live state's WAL per minute 46-64 MB -> 21-26
MB and its pages dirtied 3,600 -> ~150; the device hours' WAL 57-83 -> 24-46 MB; both tables ~40 %
smaller then, but a closed hour's rows keep the room: the hourly history takes up to ~1.6x the
disk of packed pages. New pages get it; `VACUUM FULL` (at a quiet time) repacks existing ones.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("telemetry", "0009_snapshot_devices_by_kind")]

    operations = [
        migrations.RunSQL(
            "ALTER TABLE public.telemetry_devicelivestate SET (fillfactor = 60)",
            reverse_sql="ALTER TABLE public.telemetry_devicelivestate RESET (fillfactor)",
        ),
        migrations.RunSQL(
            "ALTER TABLE public.telemetry_devicehour SET (fillfactor = 60)",
            reverse_sql="ALTER TABLE public.telemetry_devicehour RESET (fillfactor)",
        ),
        migrations.RunSQL(
            "ALTER TABLE public.telemetry_householdhour SET (fillfactor = 60)",
            reverse_sql="ALTER TABLE public.telemetry_householdhour RESET (fillfactor)",
        ),
    ]
