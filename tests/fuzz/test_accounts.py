"""Accounts mutations fuzzed: signUp, tokenAuth, refreshToken, verifyToken, revokeToken.

Each case asserts no server error, and that an input the server refuses leaves every account row
(and every device) as it was; a valid input writes exactly what it should.
"""

from hypothesis import event, given, settings
from hypothesis import strategies as st

from households.services import NAME_MAX_LENGTH
from households.timezones import known_timezones
from tests.conftest import PASSWORD, token_owner
from tests.fuzz.conftest import FUZZ, changes, rows
from tests.fuzz.strategies import (
    anything,
    nasty_text,
    printable,
    random_tokens,
    spiked,
    typed,
)

SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) {
    user { email } household { name timezone } token refreshToken errors { field message code }
  }
}
"""
TOKEN_AUTH = """
mutation TokenAuth($email: String!, $password: String!) {
  tokenAuth(email: $email, password: $password) { token refreshToken payload }
}
"""
REFRESH_TOKEN = """
mutation RefreshToken($refreshToken: String!) {
  refreshToken(refreshToken: $refreshToken) { token refreshToken payload }
}
"""
REVOKE_TOKEN = """
mutation RevokeToken($refreshToken: String!) { revokeToken(refreshToken: $refreshToken) { revoked } }
"""
VERIFY_TOKEN = "mutation VerifyToken($token: String!) { verifyToken(token: $token) { payload } }"

ZONES = sorted(known_timezones())
ONE_SIGN_UP = {"users": 1, "households": 1, "domains": 1, "memberships": 1, "refresh_tokens": 1}

fresh_emails = st.builds(lambda u: f"fuzz-{u.hex[:12]}@example.com", st.uuids())
strong_passwords = st.builds("{}-{}".format, st.just(PASSWORD), st.text(printable, max_size=20))
household_names = st.text(printable, min_size=1, max_size=NAME_MAX_LENGTH).filter(str.strip)


@st.composite
def valid_sign_ups(draw) -> dict:
    data = {
        "email": draw(fresh_emails),
        "password": draw(strong_passwords),
        "householdName": draw(household_names),
    }
    if draw(st.booleans()):
        data["timezone"] = draw(st.sampled_from(ZONES) | st.none())
    return data


# One known flaw per field; each must be refused with nothing written.
FLAWS = {
    "email": st.sampled_from(
        [
            "",
            "no-at-sign",
            "a@",
            "@example.com",
            "alice@example.com",
            "ALICE@Example.COM",
            " bob@example.com ",
        ]
    )
    | st.builds("{}@{}".format, st.text(printable, min_size=250, max_size=300), st.just("example.com"))
    | st.builds(lambda u: f"fuzz-{u.hex[:8]}\x00@example.com", st.uuids()),
    "password": st.sampled_from(["", "short", "password", "12345678901234", "fuzz-example.com"]),
    "householdName": st.sampled_from(["", " ", "\t\n", "\u3000"])
    | st.text(printable, min_size=NAME_MAX_LENGTH + 1, max_size=400).filter(
        lambda name: len(name.strip()) > NAME_MAX_LENGTH
    ),
    "timezone": st.sampled_from(["Mars/Olympus_Mons", "utc", "Europe/berlin", "+01:00", " UTC", "Local"])
    | spiked(st.sampled_from(["Europe/Berlin", "UTC"])),
}


@st.composite
def flawed_sign_ups(draw) -> tuple[dict, str]:
    data = draw(valid_sign_ups())
    field = draw(st.sampled_from(sorted(FLAWS)))
    data[field] = draw(FLAWS[field])
    return data, field


@st.composite
def hostile_sign_ups(draw) -> dict:
    """Every field may be any text (NUL, surrogates, 300,000 characters) or any JSON value at all."""
    usual = {
        "email": fresh_emails | nasty_text,
        "password": strong_passwords | nasty_text | spiked(strong_passwords),
        "householdName": household_names | nasty_text | spiked(household_names),
        "timezone": st.sampled_from(ZONES) | nasty_text | st.none(),
    }
    data = draw(st.fixed_dictionaries({}, optional={key: typed(value) for key, value in usual.items()}))
    if draw(st.integers(0, 9)) == 0:
        data[draw(st.text(max_size=10))] = draw(anything)
    return draw(typed(st.just(data), rare_one_in=10))


def _sign_up(fuzz, data, token: str | None = None) -> tuple:
    before = rows()
    answer = fuzz.post(SIGN_UP, {"input": data}, token=token)
    return answer, answer.field("signUp"), changes(before, rows())


@settings(FUZZ, max_examples=25)
@given(data=valid_sign_ups())
def test_valid_sign_up_creates_one_account_and_household(fuzz, one_case, data):
    with one_case():
        # when
        answer, payload, written = _sign_up(fuzz, data)

        # then
        assert payload and payload["errors"] == [], answer.body
        assert payload["user"]["email"] == data["email"]
        assert payload["household"]["timezone"] == (data.get("timezone") or "UTC")
        assert payload["token"] and payload["refreshToken"]
        assert written == ONE_SIGN_UP


@settings(FUZZ, max_examples=100)
@given(flawed=flawed_sign_ups())
def test_flawed_sign_up_names_the_field_and_writes_nothing(fuzz, one_case, flawed):
    # given
    data, field = flawed
    event(f"flaw in {field}")

    with one_case():
        # when
        answer, payload, written = _sign_up(fuzz, data)

        # then
        assert written == {}
        assert payload["user"] is None and payload["token"] is None, answer.body
        assert field in [error["field"] for error in payload["errors"]], payload


@settings(FUZZ, max_examples=150)
@given(data=hostile_sign_ups(), signed_in=st.booleans())
def test_hostile_sign_up_never_breaks_the_server(fuzz, one_case, alice, data, signed_in):
    """Half the cases come from a client still holding alice's token (a second household, say)."""
    with one_case():
        # when
        answer, payload, written = _sign_up(fuzz, data, token=alice.token if signed_in else None)

        # then
        if payload and payload["user"]:
            event("signed up")
            assert payload["errors"] == [] and written == ONE_SIGN_UP
        else:
            event("refused in the payload" if payload else "refused by GraphQL")
            assert written == {}
            assert answer.errors or payload["errors"], answer.body


ALICE_EMAILS = ["alice@example.com", "ALICE@EXAMPLE.COM", "Alice@Example.com"]
login_emails = (
    st.sampled_from(ALICE_EMAILS) | fresh_emails | nasty_text | spiked(st.sampled_from(ALICE_EMAILS))
)
login_passwords = st.just(PASSWORD) | strong_passwords | nasty_text | spiked(st.just(PASSWORD))


@settings(FUZZ, max_examples=120)
@given(email=typed(login_emails, rare_one_in=8), password=typed(login_passwords, rare_one_in=8))
def test_token_auth_only_ever_logs_in_with_the_right_password(fuzz, one_case, alice, email, password):
    """Each case is rolled back, failed attempts included, so django-axes never locks alice out."""
    # given
    right = isinstance(email, str) and email.lower() == alice.email and password == PASSWORD

    with one_case():
        before = rows(alice)

        # when
        answer = fuzz.post(TOKEN_AUTH, {"email": email, "password": password})

        # then
        payload = answer.field("tokenAuth")
        written = changes(before, rows(alice))
        event("logged in" if payload else "refused")
        if right:
            assert payload["payload"]["email"] == alice.email, answer.body
            assert written == {"refresh_tokens": 1}
        else:
            assert payload is None and answer.errors, answer.body
            assert written == {}


@settings(FUZZ, max_examples=120)
@given(data=st.data(), mutation=st.sampled_from(["refresh", "revoke"]))
def test_refresh_and_revoke_accept_only_a_live_refresh_token(fuzz, one_case, alice, data, mutation):
    # given
    token = data.draw(typed(random_tokens([alice.refresh_token]), rare_one_in=8), label="refreshToken")
    live = token == alice.refresh_token
    event(f"{mutation} {'live token' if live else 'other'}")

    with one_case():
        before = rows(alice)

        # when
        if mutation == "refresh":
            answer = fuzz.post(REFRESH_TOKEN, {"refreshToken": token})
        else:
            answer = fuzz.post(REVOKE_TOKEN, {"refreshToken": token})

        # then
        written = changes(before, rows(alice))
        if mutation == "refresh" and live:
            assert answer.field("refreshToken")["refreshToken"] != token, answer.body
            assert written == {"refresh_tokens": 1, "revoked_tokens": 1}
        elif mutation == "revoke" and live:
            assert answer.field("revokeToken") == {"revoked": True}, answer.body
            assert written == {"revoked_tokens": 1}
        else:
            assert answer.field("refreshToken") is None, answer.body
            assert answer.errors or answer.field("revokeToken") == {"revoked": False}, answer.body
            assert written == {}


def _signed_by_the_server(token) -> bool:
    """What verifyToken must answer: the token authenticates a user (tests.conftest.token_owner)."""
    return token_owner(token) is not None


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_verify_token_accepts_exactly_the_server_signed_tokens(fuzz, one_case, alice, data):
    # given
    token = data.draw(typed(random_tokens([alice.token]), rare_one_in=8), label="token")

    with one_case():
        before = rows(alice)

        # when
        answer = fuzz.post(VERIFY_TOKEN, {"token": token})

        # then
        payload = answer.field("verifyToken")
        event("verified" if payload else "refused")
        assert bool(payload) == _signed_by_the_server(token), answer.body
        assert payload or answer.errors, answer.body
        assert changes(before, rows(alice)) == {}
