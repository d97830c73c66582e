"""Test run: fast hashing and the same real PostgreSQL and Redis (Redis database 15)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
GRAPHQL_INTROSPECTION = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Servers started by the fault tests keep their connections, as production does.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("TEST_CONN_MAX_AGE", default=0)  # noqa: F405
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = env("TEST_REDIS_URL", default="redis://127.0.0.1:6379/15")
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
