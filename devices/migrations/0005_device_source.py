from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0004_charge_target"),
    ]

    operations = [
        migrations.AddField(
            model_name="device",
            name="source",
            field=models.CharField(
                choices=[("simulated", "Simulated"), ("reported", "Reported by the home's gateway")],
                db_default="simulated",
                default="simulated",
                max_length=10,
            ),
        ),
    ]
