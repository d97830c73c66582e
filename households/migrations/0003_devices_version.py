from django.db import migrations, models

# Called by the statement trigger on every household schema's devices table (devices 0003): one
# new version per statement that writes devices, in that statement's transaction. Versions come
# from one sequence, which no rollback rewinds, so a (household, version) pair never names two
# different sets of devices, even when a rolled-back write is followed by another. The template
# schema has no household row, so its writes change nothing.
DEVICES_CHANGED = """
CREATE SEQUENCE public.households_devices_version_seq;
CREATE FUNCTION public.household_devices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public.households_household SET devices_version = nextval('public.households_devices_version_seq')
    WHERE schema_name = TG_TABLE_SCHEMA;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0002_energy_model_v2"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="devices_version",
            field=models.BigIntegerField(db_default=0, editable=False),
        ),
        migrations.RunSQL(DEVICES_CHANGED, reverse_sql="DROP FUNCTION public.household_devices_changed(); DROP SEQUENCE public.households_devices_version_seq;"),
    ]
