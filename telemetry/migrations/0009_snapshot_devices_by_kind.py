# The snapshot's device counts become one map, kind value -> count (devices.kinds), instead of one
# column per kind: a kind registered later is counted without a migration. The counts are copied.

from django.db import migrations, models

KINDS = (
    ("solar_panel", "solar_panels"),
    ("battery", "batteries"),
    ("electric_vehicle", "electric_vehicles"),
    ("appliance", "appliances"),
)
TO_MAP = "UPDATE public.telemetry_householdsnapshot SET devices_by_kind = jsonb_build_object({});".format(
    ", ".join(f"'{kind}', {column}" for kind, column in KINDS)
)
TO_COLUMNS = "UPDATE public.telemetry_householdsnapshot SET {};".format(
    ", ".join(f"{column} = coalesce((devices_by_kind->>'{kind}')::integer, 0)" for kind, column in KINDS)
)


class Migration(migrations.Migration):
    dependencies = [("telemetry", "0008_snapshot_moved")]

    operations = [
        migrations.AddField(
            model_name="householdsnapshot",
            name="devices_by_kind",
            field=models.JSONField(
                blank=True, default=dict, help_text="Device count per registry kind value (devices.kinds)."
            ),
        ),
        migrations.RunSQL(TO_MAP, reverse_sql=TO_COLUMNS),
        *(migrations.RemoveField(model_name="householdsnapshot", name=column) for _, column in KINDS),
    ]
