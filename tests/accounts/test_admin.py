"""Operators: createsuperuser asks for an email, and the admin works with it."""

from django.core.management import call_command
from django.test import Client

from accounts.models import User


def test_createsuperuser_takes_email_and_password(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "an-Operator-pass-42")

    call_command("createsuperuser", "--email", "Ops@Example.com", "--no-input", verbosity=0)

    user = User.objects.get(email="ops@example.com")
    assert user.is_staff and user.is_superuser
    assert user.check_password("an-Operator-pass-42")
    assert User.REQUIRED_FIELDS == [] and User.USERNAME_FIELD == "email"


def test_staff_log_into_admin_with_email_and_see_users(db, alice):
    User.objects.create_superuser(email="ops@example.com", password="an-Operator-pass-42")
    browser = Client()

    response = browser.post(
        "/admin/login/?next=/admin/accounts/user/",
        {"username": "ops@example.com", "password": "an-Operator-pass-42"},
        follow=True,
    )

    assert response.status_code == 200
    assert b"alice@example.com" in response.content
