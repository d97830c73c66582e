"""Day profiles: a quantity as 288 five-minute block averages, integrated exactly over any tick.

Every time-varying input of the simulation (a panel's output, an appliance's draw, the outdoor
temperature) is a `DayProfile`. A tick of any length takes the exact integral of the blocks it
overlaps, so 60 s, 300 s and 900 s ticks add up to the same daily energy. The sun's profiles run
over solar days (`solar_clock`: local mean solar midnight to the next), so they need no time zone.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from datetime import date
from itertools import accumulate
from typing import Generic, Protocol, TypeVar

BLOCK_S = 300
BLOCKS_PER_DAY = 288
DAY_S = BLOCK_S * BLOCKS_PER_DAY
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
SECONDS_PER_DEGREE = 240.0  # the sun crosses 1° of longitude in 4 minutes

V = TypeVar("V")


def solar_clock(utc_epoch_s: float, longitude: float) -> tuple[int, float]:
    """(solar-day ordinal, seconds since local mean solar midnight) of a UTC instant: which solar
    day's profile an instant reads, and where (telemetry.sky computes those days' sun)."""
    solar_s = utc_epoch_s + longitude * SECONDS_PER_DEGREE
    days, seconds = divmod(solar_s, DAY_S)
    return EPOCH_ORDINAL + int(days), seconds


class DayProfile:
    """Block values (any unit) with their running sums, for O(1) integrals (packed doubles: 4.6 KB)."""

    __slots__ = ("_prefix", "values")

    def __init__(self, values: Iterable[float]):
        self.values = array("d", (float(v) for v in values))
        if len(self.values) != BLOCKS_PER_DAY:
            raise ValueError(f"a day profile has {BLOCKS_PER_DAY} blocks, not {len(self.values)}")
        self._prefix = array("d", [0.0, *accumulate(self.values)])

    def _cumulative(self, seconds: float) -> float:
        """Integral from midnight to `seconds`, in value·blocks."""
        x = min(max(seconds, 0.0), DAY_S) / BLOCK_S
        index = int(x)
        if index >= BLOCKS_PER_DAY:
            return self._prefix[BLOCKS_PER_DAY]
        return self._prefix[index] + (x - index) * self.values[index]

    def integral_s(self, start_s: float, end_s: float) -> float:
        """∫ value dt over [start_s, end_s) within the day, in value·seconds."""
        return (self._cumulative(end_s) - self._cumulative(start_s)) * BLOCK_S

    def at(self, seconds: float) -> float:
        return self.values[min(int(max(seconds, 0.0) // BLOCK_S), BLOCKS_PER_DAY - 1)]

    def total(self) -> float:
        """∫ over the whole day, in value·hours."""
        return self._prefix[BLOCKS_PER_DAY] * BLOCK_S / 3600.0


def average(day: Callable[[int], DayProfile], ordinal: int, start_s: float, duration_s: float) -> float:
    """Mean of the profile over [start, start + duration), continuing into the next days."""
    if duration_s <= 0.0:
        return day(ordinal).at(start_s)
    if start_s + duration_s <= DAY_S:  # the usual case: the tick lies within one day
        return day(ordinal).integral_s(start_s, start_s + duration_s) / duration_s
    total, remaining, start = 0.0, duration_s, start_s
    while remaining > 0.0:
        span = min(remaining, DAY_S - start)
        total += day(ordinal).integral_s(start, start + span)
        remaining -= span
        ordinal, start = ordinal + 1, 0.0
    return total / duration_s


class Blocks(Protocol):
    """A day given block by block (telemetry.appliances' kernels)."""

    def value(self, block: int) -> float: ...


def block_mean(day: Callable[[int], Blocks], ordinal: int, start_s: float, duration_s: float) -> float:
    """Mean of block values over [start, start + duration), continuing into the next days."""
    if duration_s <= 0.0:
        return day(ordinal).value(min(int(max(start_s, 0.0) // BLOCK_S), BLOCKS_PER_DAY - 1))
    total, start, stop = 0.0, start_s, start_s + duration_s
    while True:
        end = min(stop, DAY_S)
        blocks, block = day(ordinal), int(start // BLOCK_S)
        while start < end:
            edge = min((block + 1) * BLOCK_S, end)
            total += blocks.value(block) * (edge - start)
            start, block = edge, block + 1
        if stop <= DAY_S:
            return total / duration_s
        ordinal, start, stop = ordinal + 1, 0.0, stop - DAY_S


class BoundedCache(Generic[V]):
    """A dict that forgets its oldest entries past `size` (functools.lru_cache cannot be filled in
    bulk). First in, first out: a lookup costs one dict access, and day profiles age out in order.
    An OrderedDict, as a plain dict's oldest entry costs a scan over the slots freed before it."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self.get = self._items.get

    def put(self, key: Hashable, value: V) -> V:
        self._items[key] = value
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value
