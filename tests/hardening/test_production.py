"""Production settings under gunicorn: whitenoise static files, HTTPS hardening only when configured."""

import pytest

from tests.hardening.servers import gunicorn

pytestmark = [pytest.mark.django_db, pytest.mark.server]
HTTPS = {"X-Forwarded-Proto": "https"}


@pytest.fixture
def server(production_server):
    return production_server


def test_https_on_redirects_and_sends_hsts_and_secure_cookies(production_env):
    with gunicorn(**{**production_env, "DJANGO_HTTPS": "true"}) as server:
        redirect = server.get("/graphql")
        login = server.get("/admin/login/", **HTTPS)

        assert redirect.status == 301
        assert redirect.headers["Location"] == f"https://127.0.0.1:{server.port}/graphql"
        assert server.get("/healthz").status == 200  # probes stay on plain HTTP
        assert login.status == 200
        assert login.headers["Strict-Transport-Security"] == "max-age=2592000; includeSubDomains"
        assert "csrftoken=" in login.headers["Set-Cookie"] and "; Secure" in login.headers["Set-Cookie"]
        assert login.headers["X-Frame-Options"] == "DENY"
        assert login.headers["X-Content-Type-Options"] == "nosniff"
        assert login.headers["Referrer-Policy"] == "same-origin"


def test_https_off_sends_no_hsts_and_plain_cookies(server):
    login = server.get("/admin/login/", **HTTPS)

    assert login.status == 200
    assert "Strict-Transport-Security" not in login.headers
    assert "csrftoken=" in login.headers["Set-Cookie"] and "Secure" not in login.headers["Set-Cookie"]
    assert server.get("/graphql?query=%7B__typename%7D").status == 200  # no redirect


def test_whitenoise_serves_collected_static_files_compressed(server):
    css = server.get("/static/admin/css/base.css", **{"Accept-Encoding": "gzip"})

    assert css.status == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Content-Encoding"] == "gzip"


def test_production_refuses_introspection_and_shows_no_debug_pages(server):
    refused = server.graphql("{ __schema { types { name } } }")
    missing = server.get("/no-such-page")

    assert refused.status == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
    assert missing.status == 404 and b"URLconf" not in missing.body
