"""Two deliveries of the same tick at the same moment store it once."""

import threading
from datetime import UTC, datetime

from django.db import connection
from django_tenants.utils import schema_context

from telemetry import services
from telemetry.models import HouseholdHour, Reading

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_concurrent_deliveries_of_one_tick_write_it_once(db, committed_homes):
    household = committed_homes[0]
    ref = services.HouseholdRef.of(household)
    barrier = threading.Barrier(4)
    reports = []

    def deliver():
        barrier.wait()
        try:
            reports.append(services.households_tick(households=[ref], at=AT, seconds=60))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.written for r in reports) == [0, 0, 0, 1]
    with schema_context(household.schema_name):
        assert Reading.objects.filter(at=AT).count() == 7
        assert HouseholdHour.objects.get(hour_start=AT).ticks == 1
