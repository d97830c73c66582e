"""Refresh tokens: only a digest stored, families for reuse detection; users carry a token generation.

The existing refresh tokens were stored in plain text and shown in the admin: they are deleted
(everyone logs in once more) rather than hashed, since anyone who saw them could still use them.
"""

import uuid

from django.db import migrations, models


def delete_plain_tokens(apps, schema_editor):
    apps.get_model("accounts", "RefreshToken").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_canonical_email")]

    operations = [
        migrations.RunPython(delete_plain_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="refreshtoken", name="token"),
        migrations.AddField(
            model_name="refreshtoken",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="refreshtoken",
            name="family",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
        migrations.AddField(
            model_name="user",
            name="token_generation",
            field=models.PositiveIntegerField(
                default=0,
                editable=False,
                help_text="Carried in access tokens (`gen`); raising it ends every token issued before.",
            ),
        ),
    ]
