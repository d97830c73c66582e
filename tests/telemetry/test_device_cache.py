"""The worker's device cache evicts the household cached longest ago, counting a re-cache as new."""

import pytest

from telemetry import services


@pytest.fixture
def empty_cache():
    services.device_cache_clear()
    yield
    services.device_cache_clear()


def test_a_household_cached_again_is_evicted_last(settings, empty_cache):
    settings.TELEMETRY_DEVICE_CACHE_HOUSEHOLDS = 2
    services.device_cache_put(1, 1, [])
    services.device_cache_put(2, 1, [])
    services.device_cache_put(1, 2, [])  # household 1's devices changed: cached again, now the newest

    services.device_cache_put(3, 1, [])  # full: the one cached longest ago goes

    assert services.device_cache_get(2, 1) is None
    assert services.device_cache_get(1, 2) == ()
    assert services.device_cache_get(3, 1) == ()
