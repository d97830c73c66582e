"""A gunicorn server on seed_demo's homes with collected static files (as in production)."""

import pytest

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
    with demo_data(django_db_blocker), gunicorn(**environment) as server:
        yield f"http://127.0.0.1:{server.port}"
