"""IANA time zone names, checked once: a household's buckets follow its zone (the hour those
buckets and the hourly rollups start on is the tick's model's, telemetry.tick.local_hour_start).

Accepted: the locations tzdata lists (zone1970.tab, and zone.tab for the zones zone1970.tab folds
into a neighbour, such as Europe/Oslo), plus UTC. Not the rest of what the host's zoneinfo
directory holds: `localtime` and `posixrules` follow the host's configuration, and `posix/...`,
`right/...` or `Etc/...` are aliases nobody lives in.
"""

from functools import cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from core.text import excerpt
from households.error_codes import HouseholdErrorCode
from households.locations import zone_points


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(zone_points()) | {"UTC"}


def validate_timezone(name: str) -> None:
    if name not in known_timezones():
        raise ValidationError(
            "%(name)s is not an IANA time zone name (e.g. Europe/Berlin).",
            code=HouseholdErrorCode.INVALID_TIMEZONE,
            params={"name": excerpt(name)},
        )


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
