"""Where a home is: latitude/longitude checks and the default point of a time zone.

The default is the zone's representative point from tzdata's `zone1970.tab` (falling back to
`zone.tab`, which still lists zones such as Europe/Oslo that zone1970.tab folds into another).
Both files ship inside the pinned `tzdata` package, so the answer does not depend on the machine's
/usr/share/zoneinfo. Zones without a point (UTC, Etc/GMT+5) sit on the equator at the longitude of
their offset.
"""

import re
from functools import cache
from importlib import resources

_COORDINATES = re.compile(r"^([+-])(\d{2})(\d{2})(\d{2})?([+-])(\d{3})(\d{2})(\d{2})?$")
_ETC_OFFSET = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")


def _degrees(sign: str, degrees: str, minutes: str, seconds: str | None) -> float:
    value = int(degrees) + int(minutes) / 60 + int(seconds or 0) / 3600
    return -value if sign == "-" else value


def parse_iso6709(text: str) -> tuple[float, float]:
    """'+5230+01322' (or with seconds) -> (52.5, 13.3667)."""
    match = _COORDINATES.match(text)
    if match is None:
        raise ValueError(f"not an ISO 6709 coordinate: {text!r}")
    lat_sign, lat_d, lat_m, lat_s, lon_sign, lon_d, lon_m, lon_s = match.groups()
    return _degrees(lat_sign, lat_d, lat_m, lat_s), _degrees(lon_sign, lon_d, lon_m, lon_s)


def _read_tab(name: str) -> dict[str, tuple[float, float]]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    points = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        points[fields[2]] = parse_iso6709(fields[1])
    return points


@cache
def zone_points() -> dict[str, tuple[float, float]]:
    """Zone name -> (latitude, longitude): zone.tab's entries, overridden by zone1970.tab's."""
    return _read_tab("zone.tab") | _read_tab("zone1970.tab")


@cache
def zone_countries() -> dict[str, str]:
    """Zone name -> the ISO 3166 code of the one country zone.tab lists it for (public holidays)."""
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    return {
        fields[2]: fields[0]
        for fields in (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    }


def default_location(tz_name: str) -> tuple[float, float]:
    """The representative point of an IANA zone (see the module docstring)."""
    point = zone_points().get(tz_name)
    if point is not None:
        return point
    match = _ETC_OFFSET.match(tz_name)
    if match is not None:
        # POSIX sign: Etc/GMT+5 is five hours *behind* UTC, i.e. west.
        hours = int(match.group(2))
        return 0.0, -15.0 * hours if match.group(1) == "+" else 15.0 * hours
    return 0.0, 0.0


LATITUDE_RANGE = (-90.0, 90.0)
LONGITUDE_RANGE = (-180.0, 180.0)
