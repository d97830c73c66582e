"""Hypothesis strategies for hostile clients: odd text, edge numbers, wrong types, forged ids and tokens.

`typed(usual)` mixes a well-typed strategy with anything JSON can hold, so most cases reach the
resolvers while some stop at the GraphQL layer; both must end in a clean answer.
"""

import base64
import json
import math
from datetime import UTC, datetime

import jwt
from django.conf import settings
from hypothesis import strategies as st

from accounts.models import User
from core.text import BIDI_CONTROLS

printable = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters=BIDI_CONTROLS)
any_char = st.characters(exclude_categories=())
# NUL (PostgreSQL refuses it), other controls, lone surrogates (no UTF-8 form), bidi and BOM marks,
# combining accents, case-folding traps, astral emoji.
NASTY_CHARS = [
    "\x00",
    "\x07",
    "\x1b",
    "\n",
    "\r",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\ud800",
    "\udfff",
    "\u0301",
    "\u0130",
    "\U0001f600",
]
nasty_char = st.sampled_from(NASTY_CHARS)


short_text = st.text(printable, max_size=12)


def spiked(text=short_text):
    """Text with one nasty character somewhere inside."""
    return st.builds("{}{}{}".format, text, nasty_char, text)


# Up to ~300,000 characters: large, yet under Django's 2.5 MB request-body limit once JSON-escaped.
huge_text = st.builds(
    lambda chunk, times: chunk * times,
    st.text(printable, min_size=1, max_size=3) | nasty_char,
    st.integers(1_000, 50_000),
)
nasty_text = st.one_of(
    st.text(any_char, max_size=40),
    spiked(),
    st.sampled_from(["", " ", "\t", "null", "None", "undefined", "' OR 1=1 --", "%s%n", "${jndi:x}"]),
    huge_text,
)

EDGE_NUMBERS = [
    0,
    -0.0,
    1,
    -1,
    2**31,
    -(2**31) - 1,
    2**53 + 1,
    2**63,
    10**30,
    -(10**30),
    5e-324,
    1e-300,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    math.nan,
    math.inf,
    -math.inf,
]
edge_numbers = st.sampled_from(EDGE_NUMBERS) | st.floats() | st.integers()

json_scalars = st.none() | st.booleans() | edge_numbers | st.text(any_char, max_size=12) | spiked()
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=10,
)


def nested(depth: int, leaf, container: str):
    value = leaf
    for _ in range(depth):
        value = [value] if container == "list" else {"a": value}
    return value


# As deep as the client's own json.dumps allows (it recurses too); deeper bodies are written raw.
deep_json = st.builds(nested, st.integers(20, 400), json_scalars, st.sampled_from(["list", "dict"]))
anything = json_values | deep_json


def typed(usual, rare_one_in: int = 5):
    """`usual` most of the time, else any JSON value (wrong types, deep nesting)."""
    return st.integers(1, rare_one_in).flatmap(lambda n: anything if n == 1 else usual)


# --- Enums --------------------------------------------------------------------------------------


def enum_names(valid: list[str]):
    """Valid names, their lowercase values, near misses and junk."""
    near = [name.lower() for name in valid] + [f" {name}" for name in valid] + [name + "S" for name in valid]
    return st.sampled_from(valid) | st.sampled_from(near) | st.text(max_size=12) | spiked()


# --- Opaque ids -----------------------------------------------------------------------------


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8", "surrogatepass")).decode()


malformed_ids = st.one_of(
    st.builds(lambda u: b64(f"Device:{u}"), st.uuids()),  # well-formed, but no such device
    st.builds(lambda t, u: b64(f"{t}:{u}"), st.sampled_from(["User", "Household", "device", ""]), st.uuids()),
    st.builds(lambda junk: b64(f"Device:{junk}"), nasty_text),
    st.builds(lambda u: b64(f"Device:{{{u}}}"), st.uuids()),
    st.builds(lambda u: b64(f"Device:{u}").rstrip("="), st.uuids()),  # padding dropped
    st.builds(lambda u: b64(f"Device:{u}")[:-3] + "!!!", st.uuids()),
    st.builds(str, st.uuids()),  # a raw uuid, not an opaque id
    st.builds(lambda n: str(n), st.integers()),
    nasty_text,
)

# --- Time -------------------------------------------------------------------------------------

OFFSETS = [
    "Z",
    "+00:00",
    "-00:00",
    "+01:00",
    "+05:30",
    "+05:45",
    "-09:30",
    "+14:00",
    "-12:00",
    "+23:59",
    "-23:59",
]
odd_datetime_strings = st.one_of(
    st.builds(
        lambda moment, offset: moment.strftime("%Y-%m-%dT%H:%M:%S") + offset,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
        st.sampled_from([*OFFSETS, "", "+25:00", "+01", "+0100", "+01:00:30", " +01:00", "+1:00"]),
    ),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59-14:00",
            "9999-12-31T24:00:00Z",
            "2026-10-25T02:30:00",  # ambiguous local time without an offset
            "2026-03-29T02:30:00+01:00",  # a Berlin wall time that never happened
            "2026-02-29T00:00:00Z",
            "2026-12-31T23:59:60Z",
            "2026-W53-7T00:00:00Z",
            "2026-365T00:00:00Z",
            "2026-01-01",
            "2026-01-01T00:00:00.123456789Z",
            "20261025T010000+0200",
            "2026-01-01 00:00:00+01:00",
            "2026-01-01T00:00:00+01:00\x00",
            "\uff12\uff10\uff12\uff16-01-01T00:00:00Z",
            "1e400",
            "",
        ]
    ),
    nasty_text,
)

# --- Tokens -----------------------------------------------------------------------------------


# Fixed once: a strategy must draw the same way each time hypothesis replays a case.
NOW = int(datetime.now(UTC).timestamp())


@st.composite
def forged_tokens(draw, email: str = "alice@example.com"):
    """JWTs an attacker could send: alg none, the wrong key or algorithm, any claims at all.

    A fifth are signed with the server's real key (a test knows it) but carry only claims of the
    types the server itself writes, odd emails included: what a leaked or stale token could hold.
    """
    uid, gen = User.objects.filter(email=email).values_list("pk", "token_generation").first() or (0, 0)
    claims = {
        "email": st.sampled_from([email, email.upper(), "nobody@example.com", ""]) | spiked(st.just(email)),
        "exp": st.integers(NOW - 10**6, NOW + 10**9),
        "origIat": st.integers(0, NOW),
        "uid": st.sampled_from([uid, uid + 1, str(uid), True, 2**64, -1]),
        "gen": st.sampled_from([gen, gen + 1, str(gen), None, 1.0 * gen]),
    }
    how = draw(st.sampled_from(["right_key", "wrong_key", "hs512", "none", "mangled"]))
    if how in ("right_key", "mangled"):
        payload = draw(
            st.just({"email": email, "exp": NOW + 300, "origIat": NOW, "uid": uid, "gen": gen})
            | st.fixed_dictionaries({}, optional=claims)
        )
    else:
        claim_names = ["email", "exp", "origIat", "uid", "gen", "nbf", "iat", "aud"]
        payload = draw(st.dictionaries(st.sampled_from(claim_names), json_values))
    if how == "none":
        header = b64('{"alg":"none","typ":"JWT"}').rstrip("=")
        body = base64.urlsafe_b64encode(json.dumps(payload, default=str).encode("utf-8", "surrogatepass"))
        return f"{header}.{body.decode().rstrip('=')}."
    key = settings.GRAPHQL_JWT["JWT_SECRET_KEY"] if how != "wrong_key" else "not-the-key-" + "x" * 32
    try:
        token = jwt.encode(payload, key, algorithm="HS512" if how == "hs512" else "HS256")
    except (TypeError, ValueError, OverflowError):  # claims PyJWT will not even encode
        return draw(nasty_text)
    if how == "mangled":
        position = draw(st.integers(0, len(token) - 1))
        return token[:position] + draw(st.sampled_from(["A", ".", "", "\x00", "é"])) + token[position + 1 :]
    return token


def random_tokens(valid: list[str]):
    """Near-copies of real tokens, forged JWTs and junk."""
    return st.one_of(
        st.sampled_from(valid),
        st.builds(
            lambda t, i, c: t[:i] + c + t[i + 1 :], st.sampled_from(valid), st.integers(0, 63), nasty_char
        ),
        st.builds(lambda t: t.upper(), st.sampled_from(valid)),
        st.builds(lambda t: t + " ", st.sampled_from(valid)),
        st.text("0123456789abcdef", min_size=64, max_size=64),
        forged_tokens(),
        nasty_text,
    )
