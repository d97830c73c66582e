"""ENTSO-E Transparency Platform day-ahead price exports (CSV), read into intervals (plain Python).

The platform's "Day-ahead Prices" export has one row per market time unit:
    "MTU (CET/CEST)","Day-ahead Price [EUR/MWh]","Currency","BZN|DE-LU"
    "01.01.2024 00:00 - 01.01.2024 01:00","39.91","EUR",""
(the newer export writes "01/10/2025 00:00:00 - 01/10/2025 00:15:00" and "Day-ahead Price (EUR/MWh)").
Times are local to the header's zone (CET/CEST, EET/EEST, WET/WEST, UTC); in the autumn's repeated
hour a "(CEST)" or "(CET)" after the time says which. Rows without a price ("-", "n/e") are skipped.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

_CLOCKS = {
    "CET/CEST": "Europe/Brussels",
    "EET/EEST": "Europe/Athens",
    "WET/WEST": "Europe/Lisbon",
    "IST/GMT": "Europe/Dublin",
    "UTC": "UTC",
}
# Summer abbreviations: in the repeated autumn hour they mark the first (daylight) pass.
_SUMMER = {"CEST", "EEST", "WEST", "IST", "BST"}
_MTU_HEADER = re.compile(r"^MTU \((?P<clock>[^)]+)\)$")
_PRICE_HEADER = re.compile(r"^Day-ahead Price [\[(](?P<currency>[A-Z]{3})/MWh[\])]$")
_TIME = re.compile(
    r"^(?P<d>\d{2})[./](?P<m>\d{2})[./](?P<y>\d{4}) "
    r"(?P<H>\d{2}):(?P<M>\d{2})(?::\d{2})?(?: \((?P<abbr>[A-Z]+)\))?$"
)


class ImportProblem(ValueError):
    """The file cannot be imported; the message says where and why."""


@dataclass(frozen=True, slots=True)
class ImportedInterval:
    start: datetime
    end: datetime
    price_per_mwh: Decimal


@dataclass(frozen=True, slots=True)
class ImportedPrices:
    currency: str
    intervals: list[ImportedInterval]


def _wall(text: str, line: int) -> tuple[datetime, int]:
    """(naive local time, fold): fold 1 marks the second pass of the autumn's repeated hour."""
    match = _TIME.match(text.strip())
    if match is None:
        raise ImportProblem(f"Line {line}: {text.strip()!r} is not a time like 01.01.2024 00:00.")
    naive = datetime(int(match["y"]), int(match["m"]), int(match["d"]), int(match["H"]), int(match["M"]))
    return naive, 1 if match["abbr"] and match["abbr"] not in _SUMMER else 0


def parse_day_ahead_csv(text: str) -> ImportedPrices:
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows:
        raise ImportProblem("The file is empty.")
    header = [cell.strip() for cell in rows[0]]
    mtu = next((i for i, cell in enumerate(header) if _MTU_HEADER.match(cell)), None)
    price = next((i for i, cell in enumerate(header) if _PRICE_HEADER.match(cell)), None)
    if mtu is None or price is None:
        raise ImportProblem('Line 1: expected the columns "MTU (...)" and "Day-ahead Price [EUR/MWh]".')
    clock_name = _MTU_HEADER.match(header[mtu])["clock"]  # type: ignore[index]
    if clock_name not in _CLOCKS:
        raise ImportProblem(f"Line 1: unknown time zone {clock_name!r} in the MTU column.")
    clock = ZoneInfo(_CLOCKS[clock_name])
    currency = _PRICE_HEADER.match(header[price])["currency"]  # type: ignore[index]
    intervals = []
    for line, row in enumerate(rows[1:], start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        value = row[price].strip() if price < len(row) else ""
        if value in ("", "-", "n/e", "N/A"):
            continue
        try:
            amount = Decimal(value)
        except InvalidOperation:
            raise ImportProblem(f"Line {line}: {value!r} is not a price.") from None
        if not amount.is_finite() or abs(amount) >= Decimal("100000"):
            raise ImportProblem(f"Line {line}: {value!r} is outside the market's price range.")
        start_text, _, end_text = row[mtu].partition(" - ")
        (wall_start, fold), (wall_end, _) = _wall(start_text, line), _wall(end_text, line)
        # The length from the wall clock: an interval's end may sit in the other pass of a DST change.
        start = wall_start.replace(tzinfo=clock, fold=fold).astimezone(UTC)
        end = start + (wall_end - wall_start)
        if end <= start:
            raise ImportProblem(f"Line {line}: the interval ends before it starts.")
        intervals.append(ImportedInterval(start, end, amount.quantize(Decimal("0.01"))))
    if not intervals:
        raise ImportProblem("No prices in the file.")
    return ImportedPrices(currency, intervals)
