from django.db import migrations, models

# Every write to the devices, whoever makes it (services, admin, seeds), renews the household's
# devices_version in its own transaction (households 0003), which invalidates the tick's cache.
DEVICES_CHANGED_TRIGGER = """
CREATE TRIGGER devices_changed AFTER INSERT OR UPDATE OR DELETE ON devices_device
FOR EACH STATEMENT EXECUTE FUNCTION public.household_devices_changed();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0002_energy_model_v2"),
        ("households", "0003_devices_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="device",
            name="charge_revision",
            field=models.PositiveIntegerField(db_default=0, editable=False),
        ),
        migrations.RunSQL(DEVICES_CHANGED_TRIGGER, reverse_sql="DROP TRIGGER devices_changed ON devices_device;"),
    ]
