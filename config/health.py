"""Liveness, readiness, and the answer a request gets while the database is away.

/healthz says the process serves requests and touches nothing else, so an outage elsewhere never
gets a healthy process restarted (use it for liveness). /readyz says the API can answer: its status
follows PostgreSQL only (use it for readiness / load-balancer membership). It also reports the
Celery broker, with a short timeout, but the API never needs it: "broker": "error" with a 200
means the telemetry simulation has paused (and sign-ups are refused, accounts.throttle); alert on
that field, do not take the web process out of service for it.
"""

import logging
import sys

import redis
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.views.defaults import server_error as django_server_error

# The database went away (restart, failover, network): the request fails as a whole, with a 503.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 1.5
SERVICE_UNAVAILABLE = {
    "errors": [{"message": "Service temporarily unavailable", "extensions": {"code": "SERVICE_UNAVAILABLE"}}]
}


def healthz(request):
    return JsonResponse({"status": "ok"})


def readyz(request):
    database, broker = _database_ok(), _broker_ok()
    return JsonResponse(
        {"database": "ok" if database else "error", "broker": "ok" if broker else "error"},
        status=200 if database else 503,
    )


def _database_ok() -> bool:
    """A round trip on the request's own connection (connect_timeout bounds a silent server)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("readyz: database unreachable: %s", str(error).strip())
        return False
    return True


def _broker_ok() -> bool:
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=BROKER_TIMEOUT_SECONDS,
        socket_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        with client:
            client.ping()
    except (redis.RedisError, OSError) as error:
        logger.warning("readyz: broker unreachable: %s", error)
        return False
    return True


def server_error(request):
    """handler500: a lost database connection is a 503 the client may retry, anything else a 500.

    Django turns an exception into a response inside every middleware layer, so no middleware can
    catch the database errors raised by the token middleware; this handler sees them all (it runs
    while the exception is being handled, hence sys.exception()).
    """
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return JsonResponse(SERVICE_UNAVAILABLE, status=503, headers={"Retry-After": "5"})
    return django_server_error(request)
