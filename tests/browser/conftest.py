"""A gunicorn server on seed_demo's homes with collected static files (as in production).

The seed ends ten minutes ago: the household page's last 24 hours are full of bars, and the fleet
list shows the homes as stale (no worker ticks them here).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.chromium import chromium_path
from tests.hardening.servers import collect_static, demo_data, gunicorn


def pytest_collection_modifyitems(items):
    if chromium_path() is None:
        skip = pytest.mark.skip(reason="Chromium is not installed (.ci/run installs Debian's chromium)")
        for item in items:
            if "tests/browser/" in str(item.fspath):
                item.add_marker(skip)


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory) -> str:
    # GraphiQL is on in development (local settings); the test settings turn it on the same way.
    environment = collect_static(str(tmp_path_factory.mktemp("static")), GRAPHIQL="true")
    until = (timezone.now() - timedelta(minutes=10)).isoformat()
    seed = ("--days", "2", "--step-seconds", "900", "--until", until)
    with demo_data(django_db_blocker, *seed), gunicorn(**environment) as server:
        yield f"http://127.0.0.1:{server.port}"
