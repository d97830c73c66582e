"""The worker's device cache evicts the household cached longest ago, counting a re-cache as new."""

import pytest

from telemetry import device_cache


@pytest.fixture
def empty_cache():
    device_cache.clear()
    yield
    device_cache.clear()


def test_a_household_cached_again_is_evicted_last(settings, empty_cache):
    settings.TELEMETRY_DEVICE_CACHE_HOUSEHOLDS = 2
    device_cache.put(1, 1, [])
    device_cache.put(2, 1, [])
    device_cache.put(1, 2, [])  # household 1's devices changed: cached again, now the newest

    device_cache.put(3, 1, [])  # full: the one cached longest ago goes

    assert device_cache.get(2, 1) is None
    assert device_cache.get(1, 2) == ()
    assert device_cache.get(3, 1) == ()
