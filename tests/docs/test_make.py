"""make's messages name the port the web server really listens on (WEB_PORT, as honcho reads it)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _help(directory: Path, **environment: str) -> str:
    shutil.copy(Path(settings.BASE_DIR) / "Makefile", directory / "Makefile")
    done = subprocess.run(
        ["make", "-s", "help", "DOCKER=0"],
        cwd=directory,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return done.stdout


def test_help_shows_port_8000_by_default(tmp_path):
    assert "http://localhost:8000/graphql" in _help(tmp_path)


def test_help_shows_the_port_from_the_environment(tmp_path):
    shown = _help(tmp_path, WEB_PORT="8100")

    assert "http://localhost:8100/graphql" in shown and "localhost:8000" not in shown


def test_the_port_in_dot_env_wins_as_it_does_for_honcho(tmp_path):
    (tmp_path / ".env").write_text("DATABASE_URL=postgres://x\nWEB_PORT=8200\n")

    assert "http://localhost:8200/graphql" in _help(tmp_path, WEB_PORT="8100")
