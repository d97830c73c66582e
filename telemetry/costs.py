"""What each tick cost: its import and export priced at the interval's price, in Decimal.

Prices for a chunk of households are looked up together: their tariff versions in one read, the
market prices once per zone and instant (tariffs.selectors), never per household. The price the
terms set is worked out once per process for each (terms, market price, local quarter hour where
the terms have windows): a warm chunk finds its prices in `_prices` without asking the terms, and a
changed tariff is read with the next chunk's versions, so it prices the next tick. A tick's costs
are integers of 1e-9 currency units (an exact integer price times the float energy, rounded once),
stored with its energy (telemetry.writes) as numeric(20, 9); hours,
days and months are sums of those stored values, so they add up exactly. A negative price gives a
negative cost: importing earns, exporting pays, as on a real bill.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from households.timezones import zone
from tariffs.selectors import market_prices_at, tariff_histories, terms_at
from tariffs.terms import TariffKind

NANO = 9
"""A stored cost is an integer number of 1e-9 currency units (numeric(20, 9) in the rollups)."""
MICRO = 6
"""Prices per kWh carry at most 6 decimals (tariffs.terms; a market's 2 decimals per MWh are 5 per kWh)."""


PRICES_HELD = 65_536
"""Distinct prices a process keeps (`_prices`, emptied when full): a dynamic tariff adds one per
zone and quarter hour."""


@dataclass(frozen=True, slots=True)
class TickPrice:
    """A tick's prices per kWh in integer millionths of the currency (micro()): one shared object
    per distinct price in a chunk, so pricing a tick is three integer multiplications."""

    currency: str
    import_micro: int
    export_micro: int


def micro(price_per_kwh: Decimal) -> int:
    """A price per kWh in integer millionths of the currency unit (exact for 6 decimals)."""
    return int(price_per_kwh.scaleb(MICRO).to_integral_value())


def nano(energy_wh: float, price_micro: int) -> int:
    """Energy times price in integer 1e-9 currency units: Wh x (1e-6 per kWh) = 1e-9.

    The one rounding a stored cost gets: the float energy (the meter's reading) times an exact
    integer price, rounded half to even. Integers then add up exactly, hour by hour.
    """
    return round(energy_wh * price_micro)


def as_decimal(nanos: int) -> Decimal:
    return Decimal(nanos).scaleb(-NANO)


def money(energy_wh: float, price_per_kwh: Decimal) -> Decimal:
    """Energy times price as stored (for readers and tests): nano() as a Decimal."""
    return as_decimal(nano(energy_wh, micro(price_per_kwh)))


@dataclass(frozen=True, slots=True)
class TickCost:
    day: date
    """The home's local date of the tick (today's totals in the fleet snapshot)."""
    currency: str
    import_nano: int
    export_nano: int
    without_nano: int
    """The home's load (appliances) bought from the grid at the import price: no solar, no storage."""

    @property
    def import_cost(self) -> Decimal:
        return as_decimal(self.import_nano)

    @property
    def export_revenue(self) -> Decimal:
        return as_decimal(self.export_nano)

    @property
    def cost_without_devices(self) -> Decimal:
        return as_decimal(self.without_nano)

    @property
    def net_cost(self) -> Decimal:
        return self.import_cost - self.export_revenue

    @property
    def savings(self) -> Decimal:
        return self.cost_without_devices - self.net_cost


def tick_cost(
    price: TickPrice, *, day: date, imported_wh: float, exported_wh: float, load_wh: float
) -> TickCost:
    return TickCost(
        day,
        price.currency,
        nano(imported_wh, price.import_micro),
        nano(exported_wh, price.export_micro),
        nano(load_wh, price.import_micro),
    )


@dataclass(frozen=True, slots=True)
class Home:
    """What pricing needs to know about a household."""

    id: int
    timezone: str
    latitude: float
    longitude: float


_prices: dict[tuple[Any, ...], TickPrice] = {}
"""The price of each (terms, market price[, ISO weekday, hour, minute]) met in this process: terms
are compared by value, so a tariff's new version never finds its old price."""


def tick_prices(
    homes: Sequence[Home], instants: Mapping[int, Sequence[datetime]]
) -> dict[int, list[TickPrice]]:
    """Per household, the price at each of its instants (in order): two reads for the whole chunk,
    the tariff versions and, per zone, the market prices over the chunk's instants."""
    if not homes:
        return {}
    until = max(at for ats in instants.values() for at in ats)
    histories = tariff_histories([(h.id, h.timezone, h.latitude, h.longitude) for h in homes], until)
    terms = {h.id: [terms_at(histories[h.id], at) for at in instants[h.id]] for h in homes}
    by_zone: dict[str, set[datetime]] = defaultdict(set)
    for home in homes:
        for at, each in zip(instants[home.id], terms[home.id], strict=True):
            if each.kind == TariffKind.DYNAMIC and each.market_zone:
                by_zone[each.market_zone].add(at)
    market = market_prices_at(by_zone)
    if len(_prices) >= PRICES_HELD:
        _prices.clear()
    prices: dict[int, list[TickPrice]] = {}
    for home in homes:
        row = []
        for at, each in zip(instants[home.id], terms[home.id], strict=True):
            market_price = market.get((each.market_zone or "", at))
            if each.kind == TariffKind.DYNAMIC and market_price is None:
                # No market price stored for the instant (a gap in an imported file): the fees alone.
                market_price = Decimal(0)
            # Only a time-of-use price depends on the home's clock; the others are shared by terms.
            local = at.astimezone(zone(home.timezone)) if each.kind == TariffKind.TIME_OF_USE else at
            key = (
                (each, market_price, local.isoweekday(), local.hour, local.minute)
                if each.windows
                else (each, market_price)
            )
            price = _prices.get(key)
            if price is None:
                import_price = each.import_price(local, market_price)
                price = _prices[key] = TickPrice(
                    each.currency, micro(import_price), micro(each.export_per_kwh)
                )
            row.append(price)
        prices[home.id] = row
    return prices


def ticks_costs(ticks: Sequence[Any], prices: Sequence[TickPrice], timezone: str) -> list[TickCost]:
    """Each tick's cost at its price (one per tick): the import and export at the meter, and the
    home's load (appliances) as if bought from the grid. `ticks` are telemetry.tick.SimulatedTick."""
    tz = zone(timezone)
    return [
        tick_cost(
            price,
            day=tick.at.astimezone(tz).date(),
            imported_wh=max(-tick.net_w, 0.0) * tick.seconds / 3600.0,
            exported_wh=max(tick.net_w, 0.0) * tick.seconds / 3600.0,
            load_wh=tick.powers.load_w * tick.seconds / 3600.0,
        )
        for tick, price in zip(ticks, prices, strict=True)
    ]
