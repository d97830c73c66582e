"""A tariff's terms and the price they set at an instant (plain Python, no Django).

FIXED: one import price. TIME_OF_USE: windows by ISO weekday in the home's local time (so they move
with daylight saving), the base import price outside them. DYNAMIC: the zone's day-ahead price plus
the import price (grid fees, taxes). Export is paid at the export price for every kind. Prices are
per kWh in the tariff's currency, Decimal throughout; a negative price is allowed (-1 to 10), and then
import earns and export costs, as on a real bill.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import pycountry

from tariffs.error_codes import TariffErrorCode
from tariffs.zones import ZONES

PRICE_RANGE = (Decimal(-1), Decimal(10))
PRICE_PLACES = 6
MINUTE_STEP = 15
"""Window edges fall on quarter hours, the grid every price interval shares (market intervals too)."""
DAY_MINUTES = 24 * 60


class TariffKind(StrEnum):
    FIXED = "FIXED"
    TIME_OF_USE = "TIME_OF_USE"
    DYNAMIC = "DYNAMIC"


@dataclass(frozen=True, slots=True)
class Window:
    days: tuple[int, ...]
    """ISO weekdays, 1 = Monday."""
    start_minute: int
    end_minute: int
    """Exclusive; 1440 is "24:00"."""
    import_per_kwh: Decimal

    @property
    def start_local(self) -> str:
        return _hhmm(self.start_minute)

    @property
    def end_local(self) -> str:
        return _hhmm(self.end_minute)


@dataclass(frozen=True, slots=True)
class Terms:
    kind: TariffKind
    currency: str
    import_per_kwh: Decimal
    export_per_kwh: Decimal
    windows: tuple[Window, ...] = ()
    market_zone: str | None = None

    def import_price(self, local: datetime, market_per_mwh: Decimal | None = None) -> Decimal:
        """The import price per kWh at a local instant; DYNAMIC needs the market's price then."""
        if self.kind == TariffKind.DYNAMIC:
            if market_per_mwh is None:
                raise ValueError("a DYNAMIC tariff needs the market price")
            return market_per_mwh / 1000 + self.import_per_kwh
        if self.kind == TariffKind.TIME_OF_USE:
            weekday, minute = local.isoweekday(), local.hour * 60 + local.minute
            for window in self.windows:
                if weekday in window.days and window.start_minute <= minute < window.end_minute:
                    return window.import_per_kwh
        return self.import_per_kwh

    def windows_json(self) -> list[dict[str, Any]]:
        return [
            {
                "days": list(w.days),
                "start": w.start_local,
                "end": w.end_local,
                "import_per_kwh": str(w.import_per_kwh),
            }
            for w in self.windows
        ]


def price_shown(price: Decimal) -> Decimal:
    """A price as the API shows it: no trailing zeros beyond the cents ("0.395000" -> "0.395",
    "0.2" -> "0.20"), never in exponent notation."""
    shown = price.normalize()
    exponent = shown.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        shown = shown.quantize(Decimal("0.01"))
    return shown


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def windows_from_json(rows: Sequence[Mapping[str, Any]]) -> tuple[Window, ...]:
    return tuple(
        Window(
            tuple(row["days"]), _minutes(row["start"]), _minutes(row["end"]), Decimal(row["import_per_kwh"])
        )
        for row in rows
    )


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class TermsError(Exception):
    """Field -> [(message, code)]: every problem with the input, found before anything is written."""

    def __init__(self, errors: dict[str, list[tuple[str, TariffErrorCode]]]) -> None:
        super().__init__(errors)
        self.errors = errors


def is_currency(code: str) -> bool:
    """An active ISO 4217 code (pycountry's copy of the standard)."""
    return len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None


def _price(value: Any, field: str, errors: dict) -> Decimal | None:
    if value is None:
        errors.setdefault(field, []).append(("A price is required.", TariffErrorCode.REQUIRED))
        return None
    try:
        price = Decimal(str(value))
    except InvalidOperation:
        errors.setdefault(field, []).append(("Not a decimal number.", TariffErrorCode.INVALID))
        return None
    low, high = PRICE_RANGE
    if not price.is_finite() or not low <= price <= high:
        message = f"A price per kWh between {low} and {high}."
        errors.setdefault(field, []).append((message, TariffErrorCode.OUT_OF_RANGE))
        return None
    exponent = price.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > PRICE_PLACES:
        message = f"At most {PRICE_PLACES} decimal places."
        errors.setdefault(field, []).append((message, TariffErrorCode.INVALID))
        return None
    return price


def _time(text: Any, field: str, errors: dict, *, end: bool) -> int | None:
    parts = text.split(":") if isinstance(text, str) else []
    valid = len(parts) == 2 and all(len(p) == 2 and p.isascii() and p.isdigit() for p in parts)
    minutes = int(parts[0]) * 60 + int(parts[1]) if valid else -1
    if (
        not valid
        or int(parts[1]) > 59
        or not 0 <= minutes <= DAY_MINUTES
        or (minutes == DAY_MINUTES and not end)
    ):
        message = '"HH:MM" from 00:00 to 23:59' + (' or "24:00"' if end else "") + "."
        errors.setdefault(field, []).append((message, TariffErrorCode.INVALID_TIME))
        return None
    if minutes % MINUTE_STEP:
        errors.setdefault(field, []).append(
            ("On a quarter hour (:00, :15, :30, :45).", TariffErrorCode.INVALID_TIME)
        )
        return None
    return minutes


def _windows(rows: Sequence[Mapping[str, Any]], errors: dict) -> tuple[Window, ...]:
    windows = []
    for index, row in enumerate(rows):
        field = f"windows.{index}"
        before = sum(len(v) for v in errors.values())
        days = list(row.get("days") or [])
        if (
            not days
            or any(not isinstance(d, int) or not 1 <= d <= 7 for d in days)
            or len(set(days)) != len(days)
        ):
            message = "ISO weekdays 1 (Monday) to 7 (Sunday), each once, at least one."
            errors.setdefault(f"{field}.days", []).append((message, TariffErrorCode.INVALID_WEEKDAY))
        start = _time(row.get("start_local"), f"{field}.startLocal", errors, end=False)
        finish = _time(row.get("end_local"), f"{field}.endLocal", errors, end=True)
        price = _price(row.get("import_price_per_kwh"), f"{field}.importPricePerKwh", errors)
        if start is not None and finish is not None and start >= finish:
            message = "The window ends after it starts (split one that spans midnight in two)."
            errors.setdefault(f"{field}.endLocal", []).append((message, TariffErrorCode.INVALID_TIME))
        elif before == sum(len(v) for v in errors.values()) and price is not None:
            windows.append((index, Window(tuple(sorted(days)), start or 0, finish or 0, price)))
    for position, (index, window) in enumerate(windows):
        for other_index, other in windows[:position]:
            shared = set(window.days) & set(other.days)
            if shared and window.start_minute < other.end_minute and other.start_minute < window.end_minute:
                message = f"Overlaps window {other_index} on weekday {min(shared)}."
                errors.setdefault(f"windows.{index}", []).append(
                    (message, TariffErrorCode.OVERLAPPING_WINDOWS)
                )
    return tuple(window for _, window in windows)


def terms_parse(
    *,
    kind: str,
    currency: str,
    import_price_per_kwh: Any,
    export_price_per_kwh: Any,
    windows: Sequence[Mapping[str, Any]] = (),
    market_zone: str | None = None,
) -> Terms:
    """Checked terms from an owner's input, or TermsError naming every field at fault."""
    errors: dict[str, list[tuple[str, TariffErrorCode]]] = {}
    if kind not in TariffKind.__members__:
        errors["kind"] = [("One of FIXED, TIME_OF_USE, DYNAMIC.", TariffErrorCode.INVALID)]
    if not isinstance(currency, str) or not is_currency(currency):
        errors["currency"] = [("An ISO 4217 currency code, e.g. EUR.", TariffErrorCode.INVALID_CURRENCY)]
    import_price = _price(import_price_per_kwh, "importPricePerKwh", errors)
    export_price = _price(export_price_per_kwh, "exportPricePerKwh", errors)
    parsed = _windows(windows, errors)
    if windows and kind != TariffKind.TIME_OF_USE:
        errors.setdefault("windows", []).append(
            ("Only a TIME_OF_USE tariff has windows.", TariffErrorCode.NOT_ALLOWED)
        )
    if kind == TariffKind.DYNAMIC:
        zone = ZONES.get(market_zone or "")
        if zone is None:
            message = "A market zone: one of " + ", ".join(ZONES) + "."
            errors["marketZone"] = [(message, TariffErrorCode.UNKNOWN_ZONE)]
        elif "currency" not in errors and currency != zone.currency:
            message = f"{zone.code} is priced in {zone.currency}."
            errors["currency"] = [(message, TariffErrorCode.CURRENCY_MISMATCH)]
    elif market_zone:
        errors["marketZone"] = [("Only a DYNAMIC tariff has a market zone.", TariffErrorCode.NOT_ALLOWED)]
    if errors:
        raise TermsError(errors)
    assert import_price is not None and export_price is not None
    return Terms(
        TariffKind(kind),
        currency,
        import_price,
        export_price,
        parsed,
        market_zone if kind == TariffKind.DYNAMIC else None,
    )
