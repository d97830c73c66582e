"""IANA time zone names, checked once: a household's buckets follow its zone."""

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone(name: str) -> None:
    if name not in known_timezones():
        raise ValidationError(
            "%(name)s is not an IANA time zone name (e.g. Europe/Berlin).",
            code="invalid_timezone",
            params={"name": name},
        )


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
