#!/usr/bin/env python3
"""Check that PostgreSQL and Redis answer, and create (or recreate) the project's database.

Standard library + psycopg2 + redis + environ only: no Django, so it runs before the settings can load.
Reads DATABASE_URL and REDIS_URL as config/settings/base.py does: the environment first, then .env,
then the same defaults.
On failure it prints one line (which service, where, how to start it) and exits 1.

    python scripts/check_services.py                   # check both, create the database if missing
    python scripts/check_services.py --no-create       # check both, create nothing
    python scripts/check_services.py --skip-redis      # PostgreSQL only
    python scripts/check_services.py --drop-database   # drop + recreate it (local hosts only)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import SplitResult, unquote, urlsplit

import environ
import psycopg2
import redis
from psycopg2 import sql
from psycopg2.extensions import connection

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/energy"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no'
    " --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
PROTECTED_DATABASES = {"postgres", "template0", "template1"}
TIMEOUT_S = 3


class ServiceDown(Exception):
    """A service did not answer; the message is the one line shown to the user."""


def _reason(exc: BaseException) -> str:
    """The useful tail of a driver error, on one line ('Connection refused', ...)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text.rsplit(" failed: ", 1)[-1]


def _where(url: SplitResult, default_port: int) -> str:
    return f"{url.hostname or 'localhost'}:{url.port or default_port}"


def _down(service: str, url: SplitResult, port: int, exc: BaseException, *, refused: bool) -> str:
    """One line: which service, where, why, and what to do about it."""
    where, why = _where(url, port), _reason(exc)
    variable = "DATABASE_URL" if service == "PostgreSQL" else "REDIS_URL"
    if refused:  # it answered but turned us away (authentication, unknown role, ...)
        return f"{service} at {where} rejected the connection ({why}); check {variable}"
    if (url.hostname or "") in LOCAL_HOSTS:
        start = START_POSTGRES if service == "PostgreSQL" else START_REDIS
        return f"{service} is not reachable at {where} ({why}); start it with: {start}"
    return f"{service} is not reachable at {where} ({why}); check {variable}"


def connect_maintenance(db_url: SplitResult) -> connection:
    """Connect to the server's maintenance database (postgres, else template1), autocommit."""
    last: Exception | None = None
    for name in ("postgres", "template1"):
        dsn = db_url._replace(scheme="postgresql", path=f"/{name}").geturl()
        try:
            conn = psycopg2.connect(dsn, connect_timeout=TIMEOUT_S)
        except psycopg2.OperationalError as exc:
            last = exc
            if f'database "{name}" does not exist' not in str(exc):
                break
        else:
            conn.autocommit = True
            return conn
    if last is None:  # pragma: no cover - the loop always connects or records an error
        raise ServiceDown("PostgreSQL: no connection attempt was made")
    refused = "FATAL" in str(last)  # the server answered: a role, password or pg_hba problem
    raise ServiceDown(_down("PostgreSQL", db_url, 5432, last, refused=refused))


def check_postgres(db_url: SplitResult, *, create: bool, drop: bool) -> str:
    name = unquote(db_url.path.lstrip("/"))
    if not name:
        raise ServiceDown(f"DATABASE_URL names no database: {db_url.geturl()}")
    if drop and ((db_url.hostname or "") not in LOCAL_HOSTS or name in PROTECTED_DATABASES):
        raise ServiceDown(
            f"refusing to drop database {name!r} on {_where(db_url, 5432)}: "
            "only a project database on localhost can be dropped"
        )
    conn = connect_maintenance(db_url)
    try:
        with conn.cursor() as cur:
            ident = sql.Identifier(name)
            if drop:
                where = _where(db_url, 5432)
                print(f"Dropping database {name} on {where} (closing its connections)")
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cur.fetchone() is not None
            if not exists and (create or drop):
                print(f"Creating database {name} on {_where(db_url, 5432)}")
                cur.execute(sql.SQL("CREATE DATABASE {}").format(ident))
                exists = True
    except psycopg2.Error as exc:
        raise ServiceDown(
            f"PostgreSQL at {_where(db_url, 5432)} refused to set up database {name} ({_reason(exc)})"
        ) from exc
    finally:
        conn.close()
    state = "" if exists else f" (database {name} does not exist yet)"
    return f"PostgreSQL ok at {_where(db_url, 5432)}{state}"


def check_redis(redis_url: str) -> str:
    url = urlsplit(redis_url)
    try:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=TIMEOUT_S, socket_timeout=TIMEOUT_S)
        with client:
            client.ping()
    except (redis.RedisError, OSError, ValueError) as exc:
        refused = isinstance(exc, (redis.AuthenticationError, redis.ResponseError))
        raise ServiceDown(_down("Redis", url, 6379, exc, refused=refused)) from exc
    return f"Redis ok at {_where(url, 6379)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-create", action="store_true", help="do not create the database if it is missing"
    )
    parser.add_argument(
        "--drop-database",
        action="store_true",
        help="drop and recreate the database (refused unless the host is local)",
    )
    parser.add_argument("--skip-redis", action="store_true", help="check PostgreSQL only")
    args = parser.parse_args(argv)

    environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env")
    db_url = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    ok: list[str] = []
    failures: list[str] = []
    try:
        ok.append(check_postgres(db_url, create=not args.no_create, drop=args.drop_database))
    except ServiceDown as exc:
        failures.append(str(exc))
    if not args.skip_redis:
        try:
            ok.append(check_redis(redis_url))
        except ServiceDown as exc:
            failures.append(str(exc))
    if failures:
        print("; and ".join(failures), file=sys.stderr)
        return 1
    print("; ".join(ok))
    return 0


if __name__ == "__main__":
    sys.exit(main())
