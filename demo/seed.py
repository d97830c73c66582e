"""Demo data: three homes in three time zones, an operator, and their simulated history.

Everything goes through the services the API uses (household_sign_up, device_register,
household_backfill), so the demo holds nothing a real client could not have created. Running it
again adds nothing twice: homes are found by owner email and name, devices are registered only
for a new home, and the backfill skips ticks already stored.

The homes sit at their cities' coordinates, and the device mixes are sized so that the simulated
days match public reference figures (see tests/demo/test_realism.py): a small German flat, an
Austin house near the US average once its summer air conditioning is counted in, and a Sydney
family home with a pool.
"""

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_tenants.utils import schema_context

from accounts.models import User
from devices.services import device_register
from households.models import Household
from households.services import household_sign_up
from tariffs.services import tariff_set
from telemetry.services import HouseholdRef, household_backfill, tick_instant
from telemetry.signals import fleet_ticked

# Published with the code on purpose: demo logins only, never for a server others can reach.
# Published (README, docs): only settings with DEMO_PUBLISHED_PASSWORDS use them; production
# settings generate passwords for each run instead (DemoPasswords.generated).
OWNER_PASSWORD = "demo-Sunny-roof-2026"
STAFF_PASSWORD = "demo-Fleet-watch-2026"


@dataclass(frozen=True)
class DemoPasswords:
    owner: str = OWNER_PASSWORD
    staff: str = STAFF_PASSWORD

    @classmethod
    def generated(cls) -> "DemoPasswords":
        return cls(owner=secrets.token_urlsafe(12), staff=secrets.token_urlsafe(12))


STAFF_EMAIL = "operator@example.com"


@dataclass(frozen=True)
class DemoDevice:
    """One device_register call: `kind` names the spec argument (solar_panel, battery, ...)."""

    name: str
    kind: str
    spec: dict[str, Any]


def _appliance(name: str, category: str, watts: float) -> DemoDevice:
    return DemoDevice(name, "appliance", {"category": category, "average_power_w": watts})


@dataclass(frozen=True)
class DemoHome:
    name: str
    timezone: str
    email: str
    devices: tuple[DemoDevice, ...]
    latitude: float
    longitude: float
    tariff: Mapping[str, Any]
    """setTariff's fields (tariffs.services.tariff_set): the demo has one home of each kind."""

    @property
    def schema_name(self) -> str:
        """Fixed, e.g. `demo_berlin_flat`: the simulation is seeded by schema, so every demo is the same."""
        return "demo_" + self.name.lower().replace(" ", "_")


HOMES = (
    DemoHome(
        "Berlin flat",
        "Europe/Berlin",
        "berlin.owner@example.com",
        (
            DemoDevice("Roof solar", "solar_panel", {"rated_capacity_w": 4000}),
            DemoDevice(
                "Home battery",
                "battery",
                {"capacity_wh": 5000, "max_charge_rate_w": 2500, "max_discharge_rate_w": 2500},
            ),
            _appliance("Fridge-freezer", "fridge", 120),
            _appliance("LED lighting", "lighting", 200),
            _appliance("Washing machine", "washer", 800),
            _appliance("Heat-pump dryer", "dryer", 900),
            _appliance("Dishwasher", "dishwasher", 2000),
            _appliance("Oven", "oven", 2000),
            # No hob category: evening cooking is the oven's pattern.
            _appliance("Induction hob", "oven", 1800),
            _appliance("TV, computers and standby", "other", 150),
        ),
        52.52,
        13.40,
        # A dynamic tariff (Tibber/aWATTar style): the DE-LU day-ahead price plus grid fees and taxes.
        {
            "kind": "DYNAMIC",
            "currency": "EUR",
            "import_price_per_kwh": "0.2100",
            "export_price_per_kwh": "0.0786",
            "market_zone": "DE-LU",
        },
    ),
    DemoHome(
        "Austin house",
        "America/Chicago",
        "austin.owner@example.com",
        (
            DemoDevice("Roof solar", "solar_panel", {"rated_capacity_w": 8000}),
            DemoDevice(
                "Powerwall",
                "battery",
                {"capacity_wh": 13500, "max_charge_rate_w": 5000, "max_discharge_rate_w": 5000},
            ),
            # Plugged in on a 32 A Level 2 charger; charges until full, then holds.
            DemoDevice(
                "Electric car",
                "electric_vehicle",
                {
                    "battery_capacity_wh": 75000,
                    "max_charge_rate_w": 7600,
                    "max_discharge_rate_w": 5000,
                    "charge_percent": 40,
                    "mode": "charging",
                },
            ),
            _appliance("Central air conditioner", "air_conditioner", 3000),
            _appliance("Refrigerator", "fridge", 150),
            _appliance("Clothes dryer", "dryer", 3000),
            _appliance("Washing machine", "washer", 500),
            _appliance("Dishwasher", "dishwasher", 1800),
            _appliance("Water heater", "water_heater", 3500),
            _appliance("Pool pump", "pool_pump", 1000),
            _appliance("Lighting", "lighting", 300),
            _appliance("Oven", "oven", 2400),
            _appliance("TV, computers and plug loads", "other", 250),
        ),
        30.27,
        -97.74,
        # Time of use: cheap nights, a summer-afternoon peak on weekdays, the base price otherwise.
        {
            "kind": "TIME_OF_USE",
            "currency": "USD",
            "import_price_per_kwh": "0.1500",
            "export_price_per_kwh": "0.0500",
            "windows": [
                {
                    "days": [1, 2, 3, 4, 5, 6, 7],
                    "start_local": "00:00",
                    "end_local": "06:00",
                    "import_price_per_kwh": "0.0800",
                },
                {
                    "days": [1, 2, 3, 4, 5],
                    "start_local": "15:00",
                    "end_local": "20:00",
                    "import_price_per_kwh": "0.2800",
                },
            ],
        },
    ),
    DemoHome(
        "Sydney home",
        "Australia/Sydney",
        "sydney.owner@example.com",
        (
            DemoDevice("Roof solar", "solar_panel", {"rated_capacity_w": 6600}),
            DemoDevice(
                "Home battery",
                "battery",
                {"capacity_wh": 10000, "max_charge_rate_w": 5000, "max_discharge_rate_w": 5000},
            ),
            # Vehicle-to-home: covers the evening deficit until it reaches its reserve.
            DemoDevice(
                "Electric car",
                "electric_vehicle",
                {
                    "battery_capacity_wh": 60000,
                    "max_charge_rate_w": 7000,
                    "max_discharge_rate_w": 7000,
                    "charge_percent": 90,
                    "mode": "discharging",
                },
            ),
            _appliance("Split-system air conditioner", "air_conditioner", 2500),
            _appliance("Fridge", "fridge", 150),
            _appliance("Washing machine", "washer", 500),
            _appliance("Tumble dryer", "dryer", 2400),
            _appliance("Dishwasher", "dishwasher", 1200),
            _appliance("Lighting", "lighting", 250),
            _appliance("Oven", "oven", 2400),
            _appliance("Pool pump", "pool_pump", 1000),
            _appliance("TV, computers and standby", "other", 200),
        ),
        -33.87,
        151.21,
        # A flat retail rate with a solar feed-in tariff.
        {
            "kind": "FIXED",
            "currency": "AUD",
            "import_price_per_kwh": "0.3300",
            "export_price_per_kwh": "0.0500",
        },
    ),
)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    created: bool


@dataclass(frozen=True)
class SeededHome:
    household: Household
    created: bool
    ticks_written: int


@dataclass(frozen=True)
class DemoSeedResult:
    homes: list[SeededHome]
    logins: list[DemoLogin]
    start: datetime
    end: datetime


def demo_home_ensure(*, home: DemoHome, password: str = OWNER_PASSWORD) -> tuple[Household, bool]:
    """The home and its owner, created with their devices on first use (all or nothing)."""
    household = Household.objects.filter(name=home.name, memberships__user__email=home.email).first()
    if household is not None:
        return household, False
    with transaction.atomic():
        household = household_sign_up(
            email=home.email,
            password=password,
            household_name=home.name,
            timezone=home.timezone,
            schema_name=home.schema_name,
            latitude=home.latitude,
            longitude=home.longitude,
        ).household
        with schema_context(household.schema_name):
            for device in home.devices:
                device_register(name=device.name, **{device.kind: device.spec})  # type: ignore[arg-type]
    return household, True


def demo_staff_ensure(*, password: str = STAFF_PASSWORD) -> tuple[User, bool]:
    """The operator login; an existing account is left as it is."""
    user = User.objects.filter(email=STAFF_EMAIL).first()
    if user is not None:
        return user, False
    validate_password(password, user=User(email=STAFF_EMAIL))
    return User.objects.create_superuser(email=STAFF_EMAIL, password=password), True


def demo_seed(
    *,
    days: float,
    step_seconds: int,
    until: datetime | None = None,
    on_home: Callable[[SeededHome], None] | None = None,
    passwords: DemoPasswords = DemoPasswords(),
) -> DemoSeedResult:
    """Create what is missing, then backfill `days` of ticks ending at `until` (default: now)."""
    end = tick_instant(now=until or datetime.now(UTC), seconds=step_seconds)
    start = end - timedelta(days=days)
    homes, logins = [], []
    for home in HOMES:
        household, created = demo_home_ensure(home=home, password=passwords.owner)
        if created:
            tariff_set(household=household, now=start, **home.tariff)
        written = household_backfill(
            household=HouseholdRef.of(household), start=start, end=end, seconds=step_seconds
        )
        seeded = SeededHome(household, created, written)
        homes.append(seeded)
        logins.append(DemoLogin(home.email, passwords.owner, f"owner of {home.name}", created))
        if on_home:
            on_home(seeded)
    _, staff_created = demo_staff_ensure(password=passwords.staff)
    logins.append(DemoLogin(STAFF_EMAIL, passwords.staff, "staff (admin, fleet)", staff_created))
    fleet_ticked.send(sender=demo_seed, at=end - timedelta(seconds=step_seconds))
    return DemoSeedResult(homes=homes, logins=logins, start=start, end=end)
