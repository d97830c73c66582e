"""What each tick cost: its import and export priced at the interval's price, in Decimal.

Prices for a chunk of households are looked up together: their tariff versions in one read, the
market prices once per zone and instant (tariffs.selectors), never per household. A tick's costs
are quantized to 1e-9 of the currency unit and stored with its energy (telemetry.writes); hours,
days and months are sums of those stored values, so they add up exactly. A negative price gives a
negative cost: importing earns, exporting pays, as on a real bill.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from households.timezones import zone
from tariffs.selectors import market_prices_at, tariff_histories, terms_at
from tariffs.terms import TariffKind

COST_PLACES = Decimal("1e-9")
WH_PER_KWH = 1000


@dataclass(frozen=True, slots=True)
class TickPrice:
    currency: str
    import_per_kwh: Decimal
    export_per_kwh: Decimal


@dataclass(frozen=True, slots=True)
class TickCost:
    day: date
    """The home's local date of the tick (today's totals in the fleet snapshot)."""
    currency: str
    import_cost: Decimal
    export_revenue: Decimal
    cost_without_devices: Decimal
    """The home's load (appliances) bought from the grid at the import price: no solar, no storage."""

    @property
    def net_cost(self) -> Decimal:
        return self.import_cost - self.export_revenue

    @property
    def savings(self) -> Decimal:
        return self.cost_without_devices - self.net_cost


def money(energy_wh: float, price_per_kwh: Decimal) -> Decimal:
    """Energy times price, quantized: the one rounding a stored cost gets."""
    return (Decimal(energy_wh) * price_per_kwh / WH_PER_KWH).quantize(COST_PLACES)


def tick_cost(
    price: TickPrice, *, day: date, imported_wh: float, exported_wh: float, load_wh: float
) -> TickCost:
    return TickCost(
        day,
        price.currency,
        money(imported_wh, price.import_per_kwh),
        money(exported_wh, price.export_per_kwh),
        money(load_wh, price.import_per_kwh),
    )


@dataclass(frozen=True, slots=True)
class Home:
    """What pricing needs to know about a household."""

    id: int
    timezone: str
    latitude: float
    longitude: float


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
    prices: dict[int, list[TickPrice]] = {}
    for home in homes:
        tz = zone(home.timezone)
        row = []
        for at, each in zip(instants[home.id], terms[home.id], strict=True):
            market_price = market.get((each.market_zone or "", at))
            if each.kind == TariffKind.DYNAMIC and market_price is None:
                # No market price stored for the instant (a gap in an imported file): the fees alone.
                market_price = Decimal(0)
            row.append(
                TickPrice(
                    each.currency, each.import_price(at.astimezone(tz), market_price), each.export_per_kwh
                )
            )
        prices[home.id] = row
    return prices
