"""Measurements in answers are rounded to 0.1 (W, Wh, percent): no float dust, no -0.0, no exponents."""

import json
import math

from graphql import GraphQLFloat, GraphQLInterfaceType, GraphQLNonNull, GraphQLObjectType
from hypothesis import given
from hypothesis import strategies as st

from config.schema import schema
from core.graphql.rounding import MEASUREMENT, NOTE, measurement_round
from devices.models import DeviceKind
from tests.devices.conftest import make_device

SUMMARY = "{ energySummary { netW storageChargeWh storageChargePercent storage { chargeWh chargePercent } } }"
DEVICES = "{ devices { powerW ... on Battery { capacityWh chargeWh chargePercent maxChargeRateW } } }"


@given(st.floats(min_value=-1e12, max_value=1e12))
def test_a_rounded_measurement_is_within_half_a_step_and_prints_plainly(value):
    rounded = measurement_round(value)
    text = json.dumps(rounded)

    assert abs(rounded - value) <= 0.05 + 1e-6 * abs(value)
    assert "e" not in text and text != "-0.0"
    assert len(text.split(".")[1]) == 1


def test_float_dust_and_negative_zero_become_zero():
    assert json.dumps(measurement_round(5.684341886080802e-15)) == "0.0"
    assert json.dumps(measurement_round(-0.04)) == "0.0"
    assert measurement_round(86.30407473890044) == 86.3
    assert measurement_round(None) is None


def test_every_measurement_field_in_the_schema_is_rounded_and_says_so():
    rounded, left_alone = [], []
    for graphql_type in schema.graphql_schema.type_map.values():
        if isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType
        ) and not graphql_type.name.startswith("__"):
            for name, field in graphql_type.fields.items():
                nullable = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
                if nullable is GraphQLFloat:
                    target = rounded if MEASUREMENT.search(name) else left_alone
                    target.append((graphql_type.name, name, field.description or ""))

    assert {("EnergySummary", "storageChargePercent"), ("Battery", "chargeWh"), ("Device", "powerW")} <= {
        (t, n) for t, n, _ in rounded
    }
    assert all(description.endswith(NOTE) for _, _, description in rounded)
    assert all(not description.endswith(NOTE) for _, _, description in left_alone)


def test_answers_carry_one_decimal_at_most(gql, alice):
    make_device(
        alice,
        DeviceKind.BATTERY,
        capacity_wh=3000.0,
        charge_wh=1000.0 / 3,
        power_w=-0.04,
        max_charge_rate_w=1e-15,
    )

    summary = gql.execute(SUMMARY, token=alice.token)["data"]["energySummary"]
    device = gql.execute(DEVICES, token=alice.token)["data"]["devices"][0]

    assert summary["storageChargeWh"] == 333.3 and summary["storageChargePercent"] == 11.1
    assert summary["storage"] == [{"chargeWh": 333.3, "chargePercent": 11.1}]
    assert device == {
        "powerW": 0.0,
        "capacityWh": 3000.0,
        "chargeWh": 333.3,
        "chargePercent": 11.1,
        "maxChargeRateW": 0.0,
    }
    assert not math.copysign(1, device["powerW"]) < 0
