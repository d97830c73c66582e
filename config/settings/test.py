"""Test run: fast hashing and the same real PostgreSQL and Redis (Redis database 15)."""

import secrets

from .base import *  # noqa: F403
from .base import GRAPHQL_JWT, env

DEBUG = False
# A fresh key each run (none written in the repository); servers the tests start get it through
# their environment (tests/hardening/servers.py), so they verify the tokens the tests issue.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or secrets.token_urlsafe(50)
GRAPHQL_JWT["JWT_SECRET_KEY"] = env("JWT_SECRET_KEY", default=SECRET_KEY)
GRAPHQL_INTROSPECTION = True
GRAPHIQL = True  # the browser tests drive it; production's default (off) is tested on its own server
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Servers started by the fault tests keep their connections, as production does.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("TEST_CONN_MAX_AGE", default=0)  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
# Throttle counters in the test Redis, under a prefix of this run (servers the tests start get it),
# with limits no ordinary test reaches: the throttle tests set their own.
CACHES["throttle"]["LOCATION"] = env("THROTTLE_REDIS_URL", default=CELERY_BROKER_URL)  # noqa: F405
CACHES["throttle"]["KEY_PREFIX"] = env("THROTTLE_KEY_PREFIX", default="") or f"test-{secrets.token_hex(4)}"  # noqa: F405
CACHES["devices"]["LOCATION"] = CELERY_BROKER_URL  # noqa: F405
LOGIN_FAILURES_PER_IP = env("LOGIN_FAILURES_PER_IP", default="100000/h")
SIGN_UP_RATE_PER_IP = env("SIGN_UP_RATE_PER_IP", default="100000/h")
LOGGING["root"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
