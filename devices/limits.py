"""What a house could plausibly hold: inputs beyond these bounds are typos or attacks, not devices.

The bounds live here once, so that validation, the GraphQL descriptions and the tests agree.
Lower bounds are exclusive (a rating must be > 0); upper bounds are inclusive.
Plain Python (no Django): the device-kind registry (devices.kinds) and the model read them too.
"""

from types import MappingProxyType

from devices.choices import ApplianceCategory

NAME_MAX_LENGTH = 100
# Caps every device list a household can ask for (devices, energySummary's storage); a large
# home has a few dozen devices.
DEVICES_PER_HOUSEHOLD_MAX = 500

# A large residential roof array is 20-30 kW; 100 kW covers farms and small businesses at home.
SOLAR_RATED_CAPACITY_MAX_W = 100_000.0
# Fifteen home batteries of ~13.5 kWh each.
BATTERY_CAPACITY_MAX_WH = 200_000.0
# The largest production EV packs are ~200 kWh.
EV_BATTERY_CAPACITY_MAX_WH = 250_000.0
# Far above any home connection (a 3-phase 63 A supply is ~43 kW), for batteries and EVs alike.
STORAGE_RATE_MAX_W = 100_000.0
# A whole-house tankless water heater draws up to ~36 kW.
APPLIANCE_AVERAGE_POWER_MAX_W = 50_000.0

CHARGE_PERCENT_MIN = 0.0
CHARGE_PERCENT_MAX = 100.0
# A new battery or EV starts half full unless told otherwise.
DEFAULT_CHARGE_PERCENT = 50.0

DEFAULT_APPLIANCE_CATEGORY = ApplianceCategory.OTHER
# Typical average draw while on per category (devices.choices.ApplianceCategory), used when a
# client registers an appliance without one.
APPLIANCE_DEFAULT_POWER_W = MappingProxyType(
    {
        ApplianceCategory.AIR_CONDITIONER: 3000.0,
        ApplianceCategory.HEATING: 3000.0,
        ApplianceCategory.DISHWASHER: 1800.0,
        ApplianceCategory.FRIDGE: 150.0,
        ApplianceCategory.WASHER: 500.0,
        ApplianceCategory.DRYER: 3000.0,
        ApplianceCategory.OVEN: 2400.0,
        ApplianceCategory.LIGHTING: 300.0,
        ApplianceCategory.WATER_HEATER: 4000.0,
        ApplianceCategory.POOL_PUMP: 1100.0,
        ApplianceCategory.OTHER: 500.0,
    }
)

# Solar panel orientation, degrees: tilt from horizontal, azimuth clockwise from north (180 = south).
TILT_DEGREES_RANGE = (0.0, 90.0)
AZIMUTH_DEGREES_RANGE = (0.0, 360.0)
DEFAULT_TILT_DEGREES = 30.0

# Installed-system defaults. A solar array's DC rating over its inverter's AC rating: installers size
# the inverter smaller (NREL's Annual Technology Baseline assumes 1.15-1.34), so clear, cool days clip.
DC_AC_RATIO_RANGE = (0.5, 2.0)
DEFAULT_DC_AC_RATIO = 1.15
# A home battery's reserve, percent of its capacity, that AUTO never discharges below (backup for an
# outage and cell health; vendors ship 5-20 %).
RESERVE_PERCENT_RANGE = (0.0, 100.0)
DEFAULT_BATTERY_RESERVE_PERCENT = 10.0
