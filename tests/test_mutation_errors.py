"""Payload errors are typed per domain: `code` is the domain's enum, listed by introspection."""

import pytest

from devices.error_codes import DeviceErrorCode
from households.error_codes import HouseholdErrorCode

CODE_TYPE = """
query($type: String!) { __type(name: $type) { fields { name type { ofType { name kind } } } } }
"""
ENUM = "query($enum: String!) { __type(name: $enum) { enumValues { name } } }"


@pytest.mark.parametrize(
    ("error_type", "codes"), [("DeviceError", DeviceErrorCode), ("HouseholdError", HouseholdErrorCode)]
)
def test_each_domain_error_has_its_own_code_enum(gql, error_type, codes):
    fields = gql.execute(CODE_TYPE, {"type": error_type})["data"]["__type"]["fields"]
    code = next(field for field in fields if field["name"] == "code")
    enum = gql.execute(ENUM, {"enum": f"{error_type}Code"})["data"]["__type"]["enumValues"]

    assert [field["name"] for field in fields] == ["field", "message", "code"]
    assert code["type"]["ofType"] == {"name": f"{error_type}Code", "kind": "ENUM"}
    assert {value["name"] for value in enum} == {code.value for code in codes}


def test_a_refused_sign_up_answers_typed_codes_and_null_fields(gql):
    body = gql.execute(
        """mutation { signUp(input: {email: "not an email", password: "x", householdName: "",
        timezone: "Mars/Base"}) { user { email } token errors { field code } } }"""
    )

    payload = body["data"]["signUp"]
    assert (payload["user"], payload["token"]) == (None, None)
    assert {(e["field"], e["code"]) for e in payload["errors"]} >= {
        ("email", "invalid"),
        ("householdName", "required"),
        ("timezone", "invalid_timezone"),
    }
