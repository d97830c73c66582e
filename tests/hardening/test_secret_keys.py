"""No key written in this repository can sign production tokens.

Each key-like literal in the tracked files, and each key published before, is handed to the production
settings in a fresh process (as gunicorn, Celery and manage.py load them): every one is refused, with
a message naming the setting and how to generate a key. docker-compose.yml carries no usable default.
"""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from config.secret_keys import PUBLISHED

# Imports the production settings with .env ignored, so a developer's .env cannot hide the failure.
IMPORT_PRODUCTION = (
    "import environ; environ.Env.read_env = lambda *a, **k: None; "
    "import config.settings.production as s; print(s.GRAPHQL_JWT['JWT_ALGORITHM'])"
)
# `SECRET_KEY = "..."`, `"DJANGO_SECRET_KEY": "..."`, `default="..."` after a key name, `key="..."`,
# `KEY=...` in env files, `${DJANGO_SECRET_KEY:-...}` in compose files.
KEY_LITERAL = re.compile(
    r"""(?:SECRET_KEY|secret_key|\bkey)["']?\s*(?:[:=,]|:-)\s*(?:default=)?["']?([A-Za-z0-9_+/=.!@#$%^&*-]{16,})"""
)


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=settings.BASE_DIR, capture_output=True, check=True, timeout=30
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def repository_keys() -> set[str]:
    found = set(PUBLISHED)
    for name in _tracked_files():
        try:
            text = (settings.BASE_DIR / name).read_text()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        found |= {key for key in KEY_LITERAL.findall(text) if not re.fullmatch(r"[A-Za-z_.]+", key)}
    return found


def _import_production(**environment) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "JWT_SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", IMPORT_PRODUCTION],
        env={**env, **environment},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _assert_refused(result: subprocess.CompletedProcess, setting: str) -> None:
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), last_line
    assert f"{setting} is refused" in last_line
    assert "secrets.token_urlsafe(50)" in last_line


def test_the_repository_keys_are_found():
    keys = repository_keys()

    assert "docker-development-secret-key-change-me-0123456789" in keys  # the compose default that was
    assert "insecure-development-key-0123456789abcdefghijklmnop" in keys  # base.py's development key


@pytest.mark.parametrize("key", sorted(repository_keys()))
def test_production_refuses_every_key_in_the_repository(key):
    _assert_refused(_import_production(DJANGO_SECRET_KEY=key), "DJANGO_SECRET_KEY")


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_production_refuses_a_published_jwt_key(key):
    result = _import_production(DJANGO_SECRET_KEY=secrets.token_urlsafe(50), JWT_SECRET_KEY=key)

    _assert_refused(result, "JWT_SECRET_KEY")


@pytest.mark.parametrize(
    "key",
    [
        "",
        "short",
        "k" * 50,
        "ab" * 40,
        "my-company-production-password-for-the-energy-api-v1",
        "Qx" + "0123456789" + secrets.token_urlsafe(50),
    ],
    ids=["unset", "short", "one-character", "two-characters", "placeholder-word", "typed-run"],
)
def test_production_refuses_low_variety_keys(key):
    environment = {"DJANGO_SECRET_KEY": key} if key else {}

    _assert_refused(_import_production(**environment), "DJANGO_SECRET_KEY")


@pytest.mark.parametrize("key", [secrets.token_urlsafe(50), secrets.token_hex(32)], ids=["urlsafe", "hex"])
def test_production_loads_with_a_generated_key(key):
    result = _import_production(DJANGO_SECRET_KEY=key)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "HS256"


def test_compose_carries_no_usable_key():
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    references = re.findall(r"\$\{(\w*SECRET_KEY)([^}]*)\}", compose)

    assert ("DJANGO_SECRET_KEY", references[0][1]) in references
    assert all(rest.startswith(":?") for _name, rest in references), references
