"""The prices of a plan's steps, from the home's tariff and the published market (tariffs).

A DYNAMIC home's market prices exist only up to the end of the last published market day; a step
beyond it takes the price of the same step a day earlier (a persistence forecast: known now, and
the usual shape of a day's prices). Each 15-minute step takes the first tariff interval that starts
in it (a tariff change within a step applies from the next one).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import numpy as np

from households.models import Household
from planning.forecast import STEP_S
from planning.homeplan import Prices
from tariffs.selectors import TariffVersion, household_history, prices_for, tariff_histories, terms_at

STEPS_PER_DAY = 86_400 // STEP_S
PriceSource = Callable[[Household, datetime, int, datetime], Prices]


def household_prices(household: Household, start: datetime, steps: int, now: datetime) -> Prices:
    """Import and export price per kWh of each step from `start`, in the tariff's currency."""
    end = start + timedelta(seconds=STEP_S * steps)
    return _series(household, start, steps, now, household_history(household, max(end, now)))


def chunk_prices(household_ids: Sequence[int] = ()) -> PriceSource:
    """household_prices for one chunk of households (a planning task): the tariff histories of
    `household_ids` read in one statement at the first call, and homes on the same tariff terms in
    the same time zone, planned for the same instant, sharing one computation of their series (the
    market read included), as most of a fleet on its country's default tariff does."""
    made: dict[tuple, Prices] = {}
    histories: dict[tuple[int, datetime], list[TariffVersion]] = {}
    fetched: set[datetime] = set()

    def history_of(household: Household, until: datetime) -> list[TariffVersion]:
        if household_ids and until not in fetched:
            fetched.add(until)
            rows = Household.objects.filter(pk__in=list(household_ids)).values_list(
                "pk", "timezone", "latitude", "longitude"
            )
            for pk, history in tariff_histories(list(rows), until).items():
                histories[(pk, until)] = history
        found = histories.get((household.pk, until))
        return found if found is not None else household_history(household, until)

    def prices(household: Household, start: datetime, steps: int, now: datetime) -> Prices:
        end = start + timedelta(seconds=STEP_S * steps)
        history = history_of(household, max(end, now))
        key = (tuple(history), household.timezone, start, steps, now)
        if key not in made:
            made[key] = _series(household, start, steps, now, history)
        return made[key]

    return prices


def _series(
    household: Household, start: datetime, steps: int, now: datetime, history: Sequence[TariffVersion]
) -> Prices:
    # From a day earlier: the persistence forecast of the first unpublished steps reads it.
    first = start - timedelta(days=1)
    total = STEPS_PER_DAY + steps
    imports = np.full(total, np.nan)
    exports = np.full(total, np.nan)
    end = start + timedelta(seconds=STEP_S * steps)
    for interval in prices_for(household=household, start=first, end=end, now=now, history=history):
        index = int((interval.start - first).total_seconds() // STEP_S)
        if 0 <= index < total and np.isnan(imports[index]):
            imports[index] = float(interval.import_price_per_kwh)
            exports[index] = float(interval.export_price_per_kwh)
    for series in (imports, exports):
        for gap in np.flatnonzero(np.isnan(series)):
            if gap >= STEPS_PER_DAY:
                series[gap] = series[gap - STEPS_PER_DAY]
        known = series[~np.isnan(series)]
        series[np.isnan(series)] = known.mean() if len(known) else 0.0
    currency = terms_at(history, now).currency
    return Prices(imports[STEPS_PER_DAY:], exports[STEPS_PER_DAY:], currency)
