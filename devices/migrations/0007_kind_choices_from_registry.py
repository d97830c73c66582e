# Device.kind takes its choices from the registry when used (devices.kinds): a kind registered
# later needs no migration for them. Nothing changes in the database.

from django.db import migrations, models

import devices.models


class Migration(migrations.Migration):
    dependencies = [("devices", "0006_installed_system_defaults")]

    operations = [
        migrations.AlterField(
            model_name="device",
            name="kind",
            field=models.CharField(choices=devices.models.kind_choices, max_length=20),
        ),
    ]
