"""Per-client-IP throttles kept in Redis through Django's cache (django-ratelimit's counters).

The client is REMOTE_ADDR (IPv6 by /64), or the request header CLIENT_IP_META_KEY names: set it
(e.g. HTTP_X_REAL_IP) only behind a proxy that overwrites that header, or clients choose their IP.
Two throttles, each with its own answer when Redis is unreachable:

- failed logins from one IP across accounts (password spraying): fails open, logged. Each account
  is still locked by django-axes, whose counts live in PostgreSQL, so Redis going away never
  stops homeowners from logging in.
- sign-ups from one IP: fails closed (SERVICE_UNAVAILABLE). Each sign-up creates a schema;
  an unthrottled burst costs far more than a few minutes without new accounts.
"""

import ipaddress
import logging

import redis
from django.conf import settings
from django_ratelimit.core import get_usage, is_ratelimited

logger = logging.getLogger(__name__)
UNREACHABLE = (redis.RedisError, OSError)
UNKNOWN_CLIENT = "0.0.0.0"


def client_ip(request) -> str:
    """RATELIMIT_IP_META_KEY: the client's address; one shared bucket when there is none."""
    value = request.META.get(settings.CLIENT_IP_META_KEY, "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return UNKNOWN_CLIENT


class ThrottleUnavailable(Exception):
    """The counters cannot be read, and this throttle fails closed."""


def _login_failures(request, *, increment: bool) -> dict | None:
    rate = settings.LOGIN_FAILURES_PER_IP
    return get_usage(request, group="login-failures", key="ip", rate=rate, increment=increment)


def login_failures_exceeded(request) -> bool:
    """True once the IP has failed LOGIN_FAILURES_PER_IP times in the window (it may not try again)."""
    try:
        usage = _login_failures(request, increment=False)
        return usage is not None and usage["count"] >= usage["limit"]
    except UNREACHABLE as error:
        logger.warning("login throttle unavailable, per-account lockout only: %s", error)
        return False


def login_failure_count(request) -> None:
    try:
        _login_failures(request, increment=True)
    except UNREACHABLE as error:
        logger.warning("login throttle unavailable, failure not counted: %s", error)


def sign_up_allowed(request) -> bool:
    """Counts this sign-up attempt; False once the IP is over SIGN_UP_RATE_PER_IP."""
    try:
        return not is_ratelimited(
            request, group="sign-up", key="ip", rate=settings.SIGN_UP_RATE_PER_IP, increment=True
        )
    except UNREACHABLE as error:
        logger.warning("sign-up throttle unavailable, sign-up refused: %s", error)
        raise ThrottleUnavailable from error
