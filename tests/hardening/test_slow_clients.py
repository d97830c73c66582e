"""Slow clients cannot stall the server: the production front (nginx before gunicorn's two sync
workers, as docker-compose.yml runs them, started here without Docker) keeps answering /healthz
while eight clients trickle their headers or bodies a byte at a time."""

import re

import pytest
from django.conf import settings

from bench.front import NGINX_CONF, front, health_seconds_while_trickling

pytestmark = [pytest.mark.django_db, pytest.mark.server]

UNDER_A_SECOND = 1.0


def test_eight_slow_clients_do_not_stall_health_behind_the_front(production_env):
    with front(production_env, workers=2) as port:
        timings = health_seconds_while_trickling(port)

    assert len(timings) >= 5
    assert max(timings) < UNDER_A_SECOND, [f"{t:.2f}" for t in timings]


def test_compose_renders_the_same_front_configuration():
    """docker-compose.yml's front fills every placeholder of deploy/nginx.conf, the file tested above."""
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    web, front_service = compose.split("\n  web:\n")[1], compose.split("\n  front:\n")[1]
    placeholders = set(re.findall(r"@[A-Z]+@", NGINX_CONF.read_text()))

    assert placeholders == {"@LISTEN@", "@UPSTREAM@", "@RUNTIME@"}
    assert all(f"s|{placeholder}|" in front_service.split("\n\n")[0] for placeholder in placeholders)
    assert "ports:" not in web.split("\n\n")[0], "gunicorn must not be published past the front"
