"""make seed: the demo homes have one tariff of each kind, and their history carries its cost."""

from datetime import UTC, datetime

from django.core.management import call_command

from demo.seed import HOMES
from households.models import Household
from reporting.buckets import Interval
from reporting.selectors import energy_history
from tariffs.selectors import tariff_current


def test_the_demo_homes_have_one_tariff_of_each_kind_and_priced_history(db):
    call_command("seed_demo", "--days", "1", "--step-seconds", "900", "--until", "2026-06-02T00:00:00+00:00")
    kinds = {}
    for home in HOMES:
        household = Household.objects.get(name=home.name)
        terms = tariff_current(household, now=datetime(2026, 6, 2, tzinfo=UTC)).terms
        kinds[terms.kind.value] = home.name
        hours = energy_history(
            household=household,
            start=datetime(2026, 6, 1, tzinfo=UTC),
            end=datetime(2026, 6, 2, tzinfo=UTC),
            interval=Interval.HOUR,
        )
        assert {hour.currency for hour in hours} == {terms.currency}
        assert sum(hour.cost_without_devices for hour in hours) > 0
        for hour in hours:
            assert hour.savings == hour.cost_without_devices - (hour.import_cost - hour.export_revenue)
    assert set(kinds) == {"FIXED", "TIME_OF_USE", "DYNAMIC"}
