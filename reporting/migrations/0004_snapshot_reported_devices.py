from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_energy_flows"),
    ]

    operations = [
        migrations.AddField(
            model_name="householdsnapshot",
            name="reported_devices",
            field=models.PositiveIntegerField(default=0, help_text="Devices fed by the home's gateway."),
        ),
    ]
