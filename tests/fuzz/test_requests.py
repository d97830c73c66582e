"""Whole requests fuzzed: broken JSON bodies, wrong top-level types, content types and GraphQL
documents assembled from the schema's fields with hostile literals, aliases, fragments and directives.

Nothing here may write a row, whatever the document asks: mutations come only with arguments the
generators make invalid, and every case is checked like the others (no 5xx, JSON, no traceback).
"""

import json

from hypothesis import event, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ, changes, rows
from tests.fuzz.strategies import anything, huge_text, json_values, nasty_text, spiked

VALID_QUERY = "query Me { me { email } }"
VALID_BODY = json.dumps({"query": VALID_QUERY, "variables": {}})


@st.composite
def broken_bodies(draw) -> str | bytes:
    """Bodies a careless or hostile client sends instead of {"query": ..., "variables": {...}}."""
    how = draw(
        st.sampled_from(
            ["truncated", "spliced", "non_object", "wrong_fields", "literals", "bytes", "raw_text"]
        )
    )
    if how == "truncated":
        return VALID_BODY[: draw(st.integers(0, len(VALID_BODY) - 1))]
    if how == "spliced":
        at = draw(st.integers(0, len(VALID_BODY)))
        return (
            VALID_BODY[:at]
            + draw(st.sampled_from(["\x00", "}", "{", '"', ",", "\ud800", "\ufeff"]))
            + VALID_BODY[at:]
        )
    if how == "non_object":
        return json.dumps(draw(json_values | st.lists(st.just({"query": VALID_QUERY}), max_size=3)))
    if how == "wrong_fields":
        body = {
            "query": draw(st.just(VALID_QUERY) | anything | nasty_text),
            "variables": draw(anything | st.just("{}") | st.just('{"a": ') | st.just("[]")),
            "operationName": draw(st.none() | st.just("Me") | anything | nasty_text),
        }
        if draw(st.booleans()):
            body[draw(st.sampled_from(["extensions", "id", "query_id", "__proto__"]))] = draw(anything)
        return json.dumps(body)
    if how == "literals":
        literal = draw(
            st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" * 5000, "true"])
        )
        return f'{{"query": "query Q($x: Float) {{ me {{ email }} }}", "variables": {{"x": {literal}}}}}'
    if how == "bytes":
        return draw(
            st.sampled_from([b"\xff\xfe{}", b'{"query": "\xc3\x28"}', b"\xef\xbb\xbf" + VALID_BODY.encode()])
        )
    return draw(nasty_text)


def _assert_no_rows_written(before, member):
    assert changes(before, rows(member)) == {}


@settings(FUZZ, max_examples=120)
@given(body=broken_bodies(), with_token=st.booleans())
def test_broken_bodies_are_refused_cleanly(fuzz, one_case, alice, body, with_token):
    with one_case():
        before = rows(alice)

        # when
        answer = fuzz.post_raw(body, token=alice.token if with_token else None)

        # then
        event(f"status {answer.status}")
        _assert_no_rows_written(before, alice)


@settings(FUZZ, max_examples=40)
@given(
    content_type=st.sampled_from(
        [
            "application/graphql",
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json; charset=utf-8",
            "",
        ]
    ),
    text=st.just(VALID_QUERY) | nasty_text | st.builds("query={}".format, nasty_text),
)
def test_other_content_types_are_answered_cleanly(fuzz, one_case, alice, content_type, text):
    with one_case():
        before = rows(alice)

        # when
        answer = fuzz.post_raw(
            text.encode("utf-8", "surrogatepass"), token=alice.token, content_type=content_type
        )

        # then
        event(f"status {answer.status}")
        _assert_no_rows_written(before, alice)


def test_a_body_over_the_upload_limit_is_a_bad_request(fuzz, alice):
    # given
    body = json.dumps({"query": VALID_QUERY, "variables": {"x": "x" * 3_000_000}})

    # when
    answer = fuzz.post_raw(body, token=alice.token)

    # then
    assert answer.status == 400 and answer.errors


# --- GraphQL documents built from the schema's own fields ---------------------------------------

# Root fields with the arguments they take and a selection; {args} is filled with hostile literals.
FIELDS = {
    "query": [
        ("me", [], "{ email household { name } }"),
        ("devices", ["kind"], "{ id name }"),
        ("device", ["id"], "{ id ... on Battery { mode } }"),
        ("energySummary", [], "{ netW storage { chargePercent device { id } } }"),
        ("energyHistory", ["start", "end", "interval", "deviceId"], "{ start producedWh complete }"),
        ("fleetSummary", [], "{ households }"),
        ("applianceCategories", [], "{ category }"),
        ("__typename", [], ""),
        ("nope", ["x"], "{ y }"),
    ],
    "mutation": [
        ("signUp", ["input"], "{ errors { field } }"),
        ("tokenAuth", ["email", "password"], "{ token }"),
        ("refreshToken", ["refreshToken"], "{ token }"),
        ("verifyToken", ["token"], "{ payload }"),
        ("revokeToken", ["refreshToken"], "{ revoked }"),
        ("registerDevice", ["input"], "{ errors { code } }"),
        ("updateDevice", ["id", "input"], "{ errors { code } }"),
        ("setDeviceMode", ["id", "mode"], "{ errors { code } }"),
        ("removeDevice", ["id"], "{ removed }"),
    ],
}


def graphql_literal(value) -> str:
    """A GraphQL literal for a JSON value (object keys become field names, strings stay strings)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(graphql_literal(item) for item in value) + "]"
    return "{" + ", ".join(f"{key or 'k'}: {graphql_literal(item)}" for key, item in value.items()) + "}"


literals = st.integers(0, 49).flatmap(
    lambda n: (
        huge_text.map(json.dumps)
        if n == 0
        else st.one_of(
            json_values.map(graphql_literal),
            st.sampled_from(
                ["SOLAR_PANEL", "AUTO", "TURBO", "HOUR", "$undeclared", "1e400", "0x10", "-0", "{}"]
            ),
            st.builds(lambda depth: "[" * depth + "]" * depth, st.integers(10, 200)),
        )
    )
)
directives = st.sampled_from(
    ["", "@include(if: true)", "@skip(if: true)", "@include(if: $flag)", "@deprecated", "@nope", "@skip"]
)


@st.composite
def documents(draw) -> tuple[str, dict]:
    """One operation of several root fields, maybe aliased, nested in fragments, or mutated char by char."""
    operation = draw(st.sampled_from(["query", "mutation", "subscription", ""]))
    pool = FIELDS["mutation" if operation == "mutation" else "query"]
    selections = []
    for index in range(draw(st.integers(1, 40))):
        name, args, selection = draw(st.sampled_from(pool))
        given_args = draw(st.lists(st.sampled_from([*args, "extra"]), unique=True, max_size=len(args) + 1))
        arguments = ", ".join(f"{arg}: {draw(literals)}" for arg in given_args)
        alias = f"a{index}: " if draw(st.booleans()) else ""
        field = f"{alias}{name}{f'({arguments})' if arguments else ''} {draw(directives)} {selection}"
        selections.append(field)
    body = " ".join(selections)
    fragment = ""
    if operation in ("query", "") and draw(st.booleans()):
        fragment = f"fragment F on Query {{ {body} }}"
        body = "...F " * draw(st.integers(1, 3))
    header = (
        f"{operation} Op($flag: {draw(st.sampled_from(['Boolean!', 'Boolean', 'String', 'DeviceKind']))})"
    )
    document = f"{header if operation else ''} {{ {body} }} {fragment}"
    if draw(st.integers(0, 4)) == 0:
        at = draw(st.integers(0, len(document)))
        document = (
            document[:at]
            + draw(st.sampled_from(["{", "}", "(", ")", "$", "...", '"', "\\u0000", ""]))
            + document[at + 1 :]
        )
    variables = {"flag": draw(st.booleans() | st.none() | json_values | spiked())}
    return document, variables


@settings(FUZZ, max_examples=120)
@given(document=documents(), with_token=st.booleans())
def test_generated_documents_are_answered_cleanly(fuzz, one_case, alice, document, with_token):
    # given
    query, variables = document

    with one_case():
        before = rows(alice)

        # when
        answer = fuzz.post(query, variables, token=alice.token if with_token else None)

        # then
        event(f"status {answer.status}")
        if answer.status == 200 and not answer.errors:
            assert answer.body["data"] is not None
        _assert_no_rows_written(before, alice)
