"""`make db-tune`'s settings (deploy/postgres/fleet.conf), as docs/operations.md describes them: the
check reports exactly the settings the running server does not have."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.db import connection

from bench.setup import fleet_conf

ROOT = Path(settings.BASE_DIR)


def test_the_fleet_settings_are_real_postgresql_settings_with_reasons(db):
    text = (ROOT / "deploy" / "postgres" / "fleet.conf").read_text()
    wanted = fleet_conf()

    assert {"shared_buffers", "max_wal_size"} <= set(wanted)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_settings WHERE name = ANY(%s)", [list(wanted)])
        assert cursor.fetchone()[0] == len(wanted)
    for name in wanted:
        # Each value comes after the comment that says why.
        assert text.split(f"\n{name} =")[0].rstrip().splitlines()[-1].startswith("#"), name
    assert all(name in (ROOT / "docs" / "operations.md").read_text() for name in ("db-tune", "fleet.conf"))


def test_the_check_names_the_settings_the_server_lacks(db):
    wanted = fleet_conf()
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, current_setting(name) FROM unnest(%s::text[]) AS name", [list(wanted)])
        differ = sorted(name for name, value in cursor.fetchall() if value != wanted[name])

    check = subprocess.run(
        [sys.executable, "scripts/db_tune.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert check.returncode == (1 if differ else 0), check.stdout + check.stderr
    assert all(name in check.stdout for name in differ)
