"""A gunicorn server with collected static files (as in production) and a staff login, for the browser."""

import uuid

import pytest
from django.db import connection

from accounts.models import User
from tests.browser.chromium import chromium_path
from tests.hardening.servers import collect_static, gunicorn

STAFF_PASSWORD = "browser-Staff-pass-2026"


def pytest_collection_modifyitems(items):
    if chromium_path() is None:
        skip = pytest.mark.skip(reason="Chromium is not installed (.ci/run installs Debian's chromium)")
        for item in items:
            if "tests/browser/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="module")
def site(django_db_setup, tmp_path_factory) -> str:
    with gunicorn(**collect_static(str(tmp_path_factory.mktemp("static")))) as server:
        yield f"http://127.0.0.1:{server.port}"


@pytest.fixture(scope="module")
def staff(django_db_setup, django_db_blocker) -> User:
    """A staff login the server can see (committed), removed when the module is done."""
    with django_db_blocker.unblock():
        user = User.objects.create_user(
            email=f"browser-{uuid.uuid4().hex[:8]}@example.com",
            password=STAFF_PASSWORD,
            is_staff=True,
            is_superuser=True,
        )
    yield user
    with django_db_blocker.unblock():
        user.delete()
    connection.set_schema_to_public()
