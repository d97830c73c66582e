"""registerDevice fuzzed through the real endpoint: never a server error, one row or none, as deserved.

Three generators: valid inputs (must register exactly one device), valid inputs with one known flaw
(must write nothing and name the field), and arbitrary JSON in every slot (must never break the server).
"""

import math

from django_tenants.utils import schema_context
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from devices import limits
from devices.graphql.types import device_uid
from devices.models import ApplianceCategory, Device
from tests.devices.conftest import device_count

REGISTER_DEVICE = """
mutation RegisterDevice($input: RegisterDeviceInput!) {
  registerDevice(input: $input) { device { id name kind } errors { field message code } }
}
"""

FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# The required ratings of each nested input, with their upper bounds.
RATINGS = {
    "solarPanel": {"ratedCapacityW": limits.SOLAR_RATED_CAPACITY_MAX_W},
    "battery": {
        "capacityWh": limits.BATTERY_CAPACITY_MAX_WH,
        "maxChargeRateW": limits.STORAGE_RATE_MAX_W,
        "maxDischargeRateW": limits.STORAGE_RATE_MAX_W,
    },
    "electricVehicle": {
        "batteryCapacityWh": limits.EV_BATTERY_CAPACITY_MAX_WH,
        "maxChargeRateW": limits.STORAGE_RATE_MAX_W,
        "maxDischargeRateW": limits.STORAGE_RATE_MAX_W,
    },
    "appliance": {"averagePowerW": limits.APPLIANCE_AVERAGE_POWER_MAX_W},
}
MODES = {
    "battery": ["AUTO", "CHARGING", "DISCHARGING", "IDLE"],
    "electricVehicle": ["CHARGING", "DISCHARGING", "IDLE"],
}
STORAGE = list(MODES)
KINDS = list(RATINGS)

printable = st.characters(exclude_categories=("Cc", "Cs"))
names = st.text(printable, min_size=1, max_size=limits.NAME_MAX_LENGTH).filter(str.strip)


def ratings(maximum: float):
    return st.floats(min_value=0, max_value=maximum, exclude_min=True) | st.integers(1, int(maximum))


percents = st.floats(min_value=0, max_value=100) | st.integers(0, 100)
categories = st.sampled_from(ApplianceCategory.values).flatmap(
    lambda value: st.sampled_from([value, value.upper(), f"  {value} "])
)


def nested_input(kind: str):
    required = {field: ratings(maximum) for field, maximum in RATINGS[kind].items()}
    if kind in MODES:
        optional = {"chargePercent": percents, "mode": st.sampled_from(MODES[kind])}
    elif kind == "appliance":
        required, optional = {}, {**required, "category": categories}
    else:
        optional = {}
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def valid_inputs(draw):
    kind = draw(st.sampled_from(KINDS))
    return {"name": draw(names), kind: draw(nested_input(kind))}


def _nested_kind(data: dict) -> str:
    [kind] = [key for key in data if key != "name"]
    return kind


@st.composite
def flawed_inputs(draw):
    """A valid input with one flaw; returns it with the field the flaw must be reported on.

    The field is None when the flaw is one GraphQL itself refuses (a top-level error, status 400).
    """
    data = draw(valid_inputs())
    kind = _nested_kind(data)
    flaw = draw(
        st.sampled_from(
            [
                "name",
                "too_large",
                "not_positive",
                "percent",
                "category",
                "two_kinds",
                "no_kind",
                "not_finite",
                "missing",
                "ev_auto",
            ]
        )
    )
    if flaw == "name":
        data["name"] = draw(
            {
                "blank": st.sampled_from(["", " ", "\t\n", "\u3000"]),
                "too_long": st.text(printable, min_size=limits.NAME_MAX_LENGTH + 1, max_size=300).filter(
                    lambda name: len(name.strip()) > limits.NAME_MAX_LENGTH
                ),
                "control": st.builds(
                    "{}{}{}".format, names, st.sampled_from(["\x00", "\x07", "\n", "\x7f", "\ud800"]), names
                ),
            }[draw(st.sampled_from(["blank", "too_long", "control"]))]
        )
        return data, "name"
    if flaw == "percent" and kind in STORAGE:
        data[kind]["chargePercent"] = draw(
            # Not max_value=0 with exclude_max: the float just below 0.0 is -0.0, a valid 0 percent.
            st.floats(max_value=-math.ulp(0.0), allow_infinity=False)
            | st.floats(min_value=100, exclude_min=True, allow_infinity=False)
        )
        return data, f"{kind}.chargePercent"
    if flaw == "category" and kind == "appliance":
        data[kind]["category"] = draw(
            st.text(max_size=30).filter(lambda c: c.strip().lower() not in ApplianceCategory.values)
        )
        return data, f"{kind}.category"
    if flaw == "two_kinds":
        other = draw(st.sampled_from([k for k in KINDS if k != kind]))
        data[other] = draw(nested_input(other))
        return data, "input"
    if flaw == "no_kind":
        del data[kind]
        return data, "input"
    if flaw == "missing" and kind != "appliance":
        del data[kind][draw(st.sampled_from(list(RATINGS[kind])))]
        return data, None
    if flaw == "ev_auto" and kind == "electricVehicle":
        data[kind]["mode"] = "AUTO"
        return data, None
    field = draw(st.sampled_from(list(RATINGS[kind])))
    if flaw == "not_finite":
        data[kind][field] = draw(st.sampled_from([math.nan, math.inf, -math.inf]))
        return data, None
    maximum = RATINGS[kind][field]
    if flaw == "too_large":
        data[kind][field] = draw(st.floats(min_value=maximum, exclude_min=True, allow_infinity=False))
    else:
        data[kind][field] = draw(st.floats(max_value=0, allow_infinity=False) | st.integers(max_value=0))
    return data, f"{kind}.{field}"


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(exclude_categories=()), max_size=12)
    | st.sampled_from(["AUTO", "TURBO", "fridge", "1e400", "NaN"])
)
json_values = (
    json_scalars
    | st.lists(json_scalars, max_size=2)
    | st.dictionaries(st.text(max_size=4), json_scalars, max_size=2)
)


def mostly(usual, rare):
    """`usual` nine times in ten: most cases should reach the service rather than stop at the parser."""
    return st.integers(0, 9).flatmap(lambda n: rare if n == 9 else usual)


any_number = (
    st.floats(allow_nan=False, allow_infinity=False) | st.floats(-1e6, 1e6) | st.integers(-(10**6), 10**6)
)
any_text = st.text(st.characters(exclude_categories=()), max_size=120)


def _anything_for(key: str):
    if key == "mode":
        typed = st.sampled_from(["AUTO", "CHARGING", "DISCHARGING", "IDLE"])
    elif key == "category":
        typed = any_text | categories
    else:
        typed = any_number
    return mostly(typed, json_values)


def anything_nested(kind: str):
    required = [] if kind == "appliance" else list(RATINGS[kind])
    optional = [*RATINGS[kind], *(["chargePercent", "mode"] if kind in MODES else [])]
    optional += ["category"] if kind == "appliance" else []
    typed = st.fixed_dictionaries(
        {key: _anything_for(key) for key in required},
        optional={key: _anything_for(key) for key in optional if key not in required},
    )
    loose = st.fixed_dictionaries({}, optional={key: _anything_for(key) for key in optional})
    return mostly(st.one_of(nested_input(kind), typed, loose), json_values)


@st.composite
def arbitrary_inputs(draw):
    """Any name and any nested values, for one kind mostly, else for none or several."""
    kinds = draw(
        st.sampled_from(KINDS).map(lambda kind: [kind]) | st.lists(st.sampled_from(KINDS), unique=True)
    )
    data = {kind: draw(anything_nested(kind)) for kind in kinds}
    name = draw(mostly(names | any_text, json_values))
    return {"name": name, **data}


def _register(api, member, data) -> tuple[int, dict, int]:
    before = device_count(member)
    status, body = api.post(REGISTER_DEVICE, {"input": data}, member.token)
    return status, body, device_count(member) - before


# Each stored rating column with its bound, per kind (an EV's capacity has its own).
BOUNDS = {
    "solar_panel": {"rated_capacity_w": limits.SOLAR_RATED_CAPACITY_MAX_W},
    "battery": {
        "capacity_wh": limits.BATTERY_CAPACITY_MAX_WH,
        "max_charge_rate_w": limits.STORAGE_RATE_MAX_W,
        "max_discharge_rate_w": limits.STORAGE_RATE_MAX_W,
    },
    "electric_vehicle": {
        "capacity_wh": limits.EV_BATTERY_CAPACITY_MAX_WH,
        "max_charge_rate_w": limits.STORAGE_RATE_MAX_W,
        "max_discharge_rate_w": limits.STORAGE_RATE_MAX_W,
    },
    "appliance": {"average_power_w": limits.APPLIANCE_AVERAGE_POWER_MAX_W},
}


def _assert_stored_device_is_sane(member, device_id: str) -> None:
    with schema_context(member.household.schema_name):
        device = Device.objects.get(uid=device_uid(device_id))
    assert device.name == device.name.strip() and 0 < len(device.name) <= limits.NAME_MAX_LENGTH
    for column, maximum in BOUNDS[device.kind].items():
        assert 0 < getattr(device, column) <= maximum
    if device.is_storage:
        assert 0 <= device.charge_wh <= device.capacity_wh


@settings(FUZZ, max_examples=100)
@given(data=valid_inputs())
def test_valid_input_registers_exactly_one_device(api, alice, data):
    # when
    status, body, written = _register(api, alice, data)

    # then
    assert status == 200, body
    payload = body["data"]["registerDevice"]
    assert payload["errors"] == [], payload
    assert payload["device"]["name"] == data["name"].strip()
    assert written == 1
    _assert_stored_device_is_sane(alice, payload["device"]["id"])


@settings(FUZZ, max_examples=200)
@given(flawed=flawed_inputs())
def test_flawed_input_writes_nothing_and_names_the_field(api, alice, flawed):
    # given
    data, field = flawed
    event(f"flaw reported on {field or 'the GraphQL layer'}")

    # when
    status, body, written = _register(api, alice, data)

    # then
    assert written == 0
    if field is None:
        assert status == 400 and body["errors"] and body.get("data") is None, body
        return
    assert status == 200, body
    payload = body["data"]["registerDevice"]
    assert payload["device"] is None
    assert field in [error["field"] for error in payload["errors"]], payload
    assert all(error["code"] and error["message"] for error in payload["errors"])


@settings(FUZZ, max_examples=150)
@given(data=arbitrary_inputs())
def test_arbitrary_input_never_breaks_the_server(api, alice, data):
    # when
    status, body, written = _register(api, alice, data)

    # then
    payload = (body.get("data") or {}).get("registerDevice")
    event("registered" if payload and payload["device"] else "payload errors" if payload else "GraphQL error")
    if payload and payload["device"]:
        assert status == 200 and written == 1
        _assert_stored_device_is_sane(alice, payload["device"]["id"])
    else:
        assert written == 0
        assert body.get("errors") or payload["errors"], body
