"""What production settings show an attacker, against a real gunicorn: no field
suggestions, bounded echoes, GraphiQL off unless enabled, a Content-Security-Policy on every page,
/readyz apart from the broker, and seed_demo without published passwords."""

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from accounts.models import User
from demo.seed import OWNER_PASSWORD, STAFF_EMAIL, STAFF_PASSWORD
from tests.hardening.servers import gunicorn
from tests.hardening.test_email_identity import SIGN_UP

pytestmark = pytest.mark.django_db
CLOSED_PORT_REDIS = "redis://127.0.0.1:1/0"


def _messages(response) -> list[str]:
    return [error["message"] for error in response.json()["errors"]]


def test_production_errors_suggest_no_field_names(production_server, gql):
    typo = "{ me { emial } }"

    hidden = _messages(production_server.graphql(typo))
    with override_settings(GRAPHQL_SUGGESTIONS=True):  # what local settings show a developer
        shown = [error["message"] for error in gql.execute(typo)["errors"]]

    assert hidden == ["Cannot query field 'emial' on type 'UserType'."]
    assert shown == ["Cannot query field 'emial' on type 'UserType'. Did you mean 'email'?"]


def test_enum_suggestions_are_hidden_too(production_server):
    query = '{energyHistory(start: "2026-01-01T00:00Z", end: "2026-01-02T00:00Z", interval: DAYS) { end } }'

    [message] = _messages(production_server.graphql(query))

    assert "Did you mean" not in message and "DAY" not in message.replace("DAYS", "")


def test_a_30_kb_time_zone_is_not_echoed_back(production_server):
    zone = "Europe/" + "x" * 30_000
    sign_up = {"email": "echo@example.com", "password": "a-Long-pass-123", "householdName": "H"}
    variables = {"input": {**sign_up, "timezone": zone}}

    response = production_server.graphql(SIGN_UP, variables)
    [error] = response.json()["data"]["signUp"]["errors"]

    assert error["field"] == "timezone" and error["code"] == "invalid_timezone"
    assert len(error["message"]) < 200 and "(30007 characters)" in error["message"]
    assert len(response.body) < 1_000


def test_graphql_core_errors_that_echo_values_are_bounded(production_server):
    response = production_server.graphql("query($n: Int!) { me(n: $n) { email } }", {"n": "9" * 20_000 + "x"})

    assert response.status == 400
    assert all(len(message) <= 501 for message in _messages(response))


def test_graphiql_is_off_in_production(production_server):
    page = production_server.get("/graphql", Accept="text/html")

    assert page.status == 400 and b"graphiql" not in page.body.lower()


def test_graphiql_when_enabled_and_the_admin_carry_a_content_security_policy(production_env):
    with gunicorn(**{**production_env, "GRAPHIQL": "true"}) as server:
        pages = {"graphiql": server.get("/graphql", Accept="text/html"), "admin": server.get("/admin/login/")}

    for name, page in pages.items():
        policy = {directive.strip() for directive in page.headers["Content-Security-Policy"].split(";")}
        assert page.status == 200, name
        assert {"default-src 'self'", "script-src 'self'"} <= policy, name  # in any order
        assert {"frame-ancestors 'none'", "object-src 'none'"} <= policy, name
    admin_scripts = re.findall(rb"<script([^>]*)>", pages["admin"].body)
    assert admin_scripts and all(b"src=" in attributes for attributes in admin_scripts)  # none inline


def test_readyz_stays_ready_when_only_the_broker_is_down(production_env):
    with gunicorn(**{**production_env, "REDIS_URL": CLOSED_PORT_REDIS}) as server:
        ready = server.get("/readyz")

    assert (ready.status, ready.json()) == (200, {"database": "ok", "broker": "error"})


def test_production_settings_never_use_the_published_demo_passwords():
    environment = {**os.environ, "DJANGO_SECRET_KEY": settings.SECRET_KEY}
    probe = "import config.settings.production as s; print(s.DEMO_PUBLISHED_PASSWORDS)"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True
    )

    assert loaded.stdout.strip() == "False", loaded.stderr


def test_seed_demo_under_production_settings_prints_generated_passwords_that_work(db):
    out = StringIO()
    with override_settings(DEMO_PUBLISHED_PASSWORDS=False):
        call_command("seed_demo", "--days", "0.05", "--step-seconds", "900", stdout=out)
    output = out.getvalue()
    staff_line = next(line for line in output.splitlines() if line.strip().startswith(STAFF_EMAIL))
    password = staff_line.split()[1]

    assert OWNER_PASSWORD not in output and STAFF_PASSWORD not in output
    assert "generated for this run" in output
    assert User.objects.get(email=STAFF_EMAIL).check_password(password)
