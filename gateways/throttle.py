"""Per-key fixed-window counters in Redis (the throttle cache): requests and readings per key.

Redis unreachable: the throttle fails closed (503 UNAVAILABLE); gateways retry, and an unthrottled
key could fill the database.
"""

import time

import redis
from django.core.cache import caches

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class ThrottleUnavailable(Exception):
    pass


def rate_parse(rate: str) -> tuple[int, int]:
    """ "120/m" -> (120, 60)."""
    count, period = rate.split("/")
    return int(count), _PERIODS[period]


def within(*, key_id: str, what: str, amount: int, rate: str) -> bool:
    """Count `amount` against the key's `what` budget; False once the window's budget is spent."""
    limit, period = rate_parse(rate)
    name = f"gateway:{what}:{key_id}:{int(time.time() // period)}"
    cache = caches["throttle"]
    try:
        cache.add(name, 0, timeout=period + 1)
        return cache.incr(name, amount) <= limit
    except (redis.RedisError, OSError) as error:
        raise ThrottleUnavailable(str(error)) from error
