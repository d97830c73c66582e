#!/usr/bin/env python3
"""Apply deploy/postgres/fleet.conf to the PostgreSQL server of DATABASE_URL (`make db-tune`).

Each setting goes in with ALTER SYSTEM (superuser), then the server reloads its configuration; a
setting read only at start (shared_buffers) is listed as waiting for a restart. Standard library +
psycopg2 only, like scripts/check_services.py, whose connection it reuses.

    python scripts/db_tune.py           # apply, reload, say what waits for a restart
    python scripts/db_tune.py --check   # only say which settings differ (exit 1 if any)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import environ
from check_services import DEFAULT_DATABASE_URL, ServiceDown, connect_maintenance
from psycopg2 import sql

FLEET_CONF = Path(__file__).resolve().parent.parent / "deploy" / "postgres" / "fleet.conf"


def fleet_settings(path: Path = FLEET_CONF) -> dict[str, str]:
    """The `name = value` lines of the file, comments and blank lines skipped."""
    settings = {}
    for line in path.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            name, value = (part.strip() for part in text.split("=", 1))
            settings[name] = value
    return settings


def _states(cursor, wanted: dict[str, str]) -> dict[str, tuple[bool, bool]]:
    """Per setting: whether the running server has the file's value, and whether a changed value
    waits for a restart."""
    states = {}
    for name, value in wanted.items():
        cursor.execute(
            "SELECT current_setting(%s) = %s, pending_restart FROM pg_settings WHERE name = %s",
            [name, value, name],
        )
        states[name] = cursor.fetchone()
    return states


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report the settings that differ")
    args = parser.parse_args(argv)
    environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env")
    db_url = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    wanted = fleet_settings()
    try:
        conn = connect_maintenance(db_url)
    except ServiceDown as exc:
        print(exc, file=sys.stderr)
        return 1
    try:
        with conn.cursor() as cursor:
            if not args.check:
                for name, value in wanted.items():
                    statement = sql.SQL("ALTER SYSTEM SET {} = {}")
                    cursor.execute(statement.format(sql.Identifier(name), sql.Literal(value)))
                cursor.execute("SELECT pg_reload_conf()")
            states = _states(cursor, wanted)
    finally:
        conn.close()
    differ = [name for name, (same, _) in states.items() if not same]
    waiting = [name for name, (_, pending) in states.items() if pending]
    if waiting:
        print(f"set; {', '.join(waiting)} take effect when the server restarts")
    elif differ:
        print(f"differ from {FLEET_CONF.name}: {', '.join(differ)}")
    else:
        print(f"PostgreSQL runs with {FLEET_CONF.name}")
    return 1 if args.check and (differ or waiting) else 0


if __name__ == "__main__":
    sys.exit(main())
