"""Emails in their canonical form (accounts.emails): the unique constraint becomes the lookup's rule.

Two existing accounts whose addresses share a canonical form cannot both be kept automatically:
the migration stops and names them, for an operator to merge or rename one first.
"""

from django.db import migrations

from accounts.emails import canonical_email


def canonicalize(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    seen = {}
    for user in User.objects.order_by("pk"):
        canonical = canonical_email(user.email)
        if canonical in seen:
            raise RuntimeError(
                f"Users {seen[canonical]} and {user.pk} share the email {canonical!r} once canonical: "
                "merge or rename one, then migrate again."
            )
        seen[canonical] = user.pk
        if canonical != user.email:
            User.objects.filter(pk=user.pk).update(email=canonical)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.RemoveConstraint(model_name="user", name="user_email_ci_unique"),
        migrations.RunPython(canonicalize, migrations.RunPython.noop),
    ]
