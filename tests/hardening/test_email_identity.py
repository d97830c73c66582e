"""One account per canonical email, one lockout per account, one per client IP.

The attacker writes the victim's email differently (case, compatibility characters, the dotless
i that PostgreSQL's UPPER() maps to I), signs up case-fold twins, races two sign-ups, and sprays
passwords across accounts from one IP, through /graphql and the admin login.
"""

import json
import threading
import uuid

import pytest
from django.test import Client, override_settings

from accounts.models import User
from tests.conftest import PASSWORD
from tests.hardening.servers import gunicorn

TOKEN_AUTH = """
mutation($email: String!, $password: String!) { tokenAuth(email: $email, password: $password) { token } }
"""
SIGN_UP = """
mutation($input: SignUpInput!) {
  signUp(input: $input) { token user { email } errors { field code message } }
}
"""
ME = "{ me { email } }"
DOTLESS_I = "\u0131"
FULLWIDTH_V = "\uff36"


def _client_ip() -> str:
    """A client address of its own, so per-IP counters of other tests never interfere."""
    return f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"


def _post(query, variables=None, *, ip="127.0.0.1", token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = Client(raise_request_exception=False).post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers=headers,
        REMOTE_ADDR=ip,
    )
    assert response.status_code in (200, 400), response.content[:300]
    return response.json()


def _login(email, password=PASSWORD, ip="127.0.0.1"):
    body = _post(TOKEN_AUTH, {"email": email, "password": password}, ip=ip)
    if body.get("errors"):
        error = body["errors"][0]
        return error["extensions"]["code"], error["message"]
    return "OK", body["data"]["tokenAuth"]["token"]


def _sign_up(email, **extra):
    variables = {"input": {"email": email, "password": PASSWORD, "householdName": "Home", **extra}}
    return _post(SIGN_UP, variables, ip=_client_ip())["data"]["signUp"]


@pytest.fixture
def victim(db):
    email = f"victim-{uuid.uuid4().hex[:6]}@example.com"
    return User.objects.create_user(email=email, password=PASSWORD, is_staff=True)


def _lock_out(email, ip="127.0.0.1"):
    """AXES_FAILURE_LIMIT (5) wrong passwords: the fifth answer already says locked out."""
    codes = [_login(email, "wrong-password-1", ip=ip)[0] for _ in range(5)]
    assert codes == ["INVALID_CREDENTIALS"] * 4 + ["LOCKED_OUT"]


def test_the_lockout_holds_however_the_email_is_written(victim, settings):
    _lock_out(victim.email)
    local, domain = victim.email.split("@")
    variants = [
        victim.email.upper(),
        local.capitalize() + "@" + domain.upper(),
        FULLWIDTH_V + victim.email[1:],  # NFKC: fullwidth V is V
        f"  {victim.email}  ",
    ]

    answers = [_login(variant)[0] for variant in variants]

    assert answers == ["LOCKED_OUT"] * len(variants)


def test_the_dotless_i_is_another_address_that_never_reaches_the_victim(victim):
    dotless = victim.email.replace("i", DOTLESS_I, 1)

    assert _login(dotless)[0] == "INVALID_CREDENTIALS"  # correct password, yet no token
    _lock_out(victim.email)
    assert _login(dotless)[0] == "INVALID_CREDENTIALS"
    assert _login(victim.email)[0] == "LOCKED_OUT"


def test_the_admin_login_finds_the_account_by_canonical_email_and_honours_the_lockout(victim):
    admin = Client(raise_request_exception=False)
    upper = victim.email.upper()

    assert admin.post("/admin/login/", {"username": upper, "password": PASSWORD}).status_code == 302
    _lock_out(victim.email)
    refused = Client(raise_request_exception=False).post(
        "/admin/login/", {"username": victim.email.capitalize(), "password": PASSWORD}
    )

    assert refused.status_code != 302 and "sessionid" not in refused.cookies


def test_aliased_logins_in_one_request_cannot_keep_guessing(victim):
    _lock_out(victim.email)
    aliases = " ".join(
        f'a{i}: tokenAuth(email: "{victim.email.upper()}", password: "{PASSWORD}") {{ token }}'
        for i in range(3)
    )

    body = _post(f"mutation {{ {aliases} }}")

    assert body.get("data") is None or not any((body["data"] or {}).values())
    assert "token" not in json.dumps(body.get("data") or {})


def test_case_fold_twins_are_one_account(db):
    email = f"twin-{uuid.uuid4().hex[:6]}@gmail.com"

    first = _sign_up(email)
    variants = [email.upper(), email.replace("i", "I"), email.replace("g", "\uff47")]  # fullwidth g
    twins = [_sign_up(variant) for variant in variants]

    assert first["errors"] == [] and first["user"]["email"] == email
    assert [twin["errors"][0]["code"] for twin in twins] == ["taken"] * 3
    assert _post(ME, token=first["token"])["data"]["me"]["email"] == email


def test_the_dotless_twin_is_a_separate_account_and_both_keep_working(db):
    email = f"twin-{uuid.uuid4().hex[:6]}@gmail.com"
    dotless = email.replace("gmail", f"gma{DOTLESS_I}l")

    owner, twin = _sign_up(email), _sign_up(dotless)

    assert owner["errors"] == [] and twin["errors"] == []
    assert _post(ME, token=owner["token"])["data"]["me"]["email"] == email
    assert _post(ME, token=twin["token"])["data"]["me"]["email"] == dotless
    assert _login(email)[0] == "OK" and _login(dotless)[0] == "OK"


def test_racing_case_fold_twins_end_with_one_account_and_a_clear_error(db, new_email):
    pairs = [new_email("race") for _ in range(4)]
    answers = {}
    with gunicorn(workers=2) as server:

        def sign_up(key, email):
            variables = {"input": {"email": email, "password": PASSWORD, "householdName": "Home"}}
            answers[key] = server.graphql(SIGN_UP, variables)

        racers = [
            threading.Thread(target=sign_up, args=((email, variant), variant))
            for email in pairs
            for variant in (email, email.upper())
        ]
        for racer in racers:
            racer.start()
        for racer in racers:
            racer.join(timeout=60)
        logins = [
            server.graphql(TOKEN_AUTH, {"email": email.upper(), "password": PASSWORD}) for email in pairs
        ]

    assert {response.status for response in answers.values()} == {200}
    for email in pairs:
        payloads = [answers[(email, variant)].json()["data"]["signUp"] for variant in (email, email.upper())]
        assert sorted(len(payload["errors"]) for payload in payloads) == [0, 1]
        assert [e["code"] for payload in payloads for e in payload["errors"]] == ["taken"]
    assert all(login.status == 200 and login.json()["data"]["tokenAuth"]["token"] for login in logins)
    assert User.objects.filter(email__in=pairs).count() == len(pairs)


def test_password_spraying_from_one_ip_is_stopped_across_accounts(alice, bob):
    sprayer, neighbour = _client_ip(), _client_ip()
    targets = [f"sprayed-{i}@example.com" for i in range(3)]

    with override_settings(LOGIN_FAILURES_PER_IP="3/15m"):
        wrong = [_login(email, "Spring2026!", ip=sprayer) for email in targets]
        locked = _login(alice.email, ip=sprayer)
        other_ip = _login(bob.email, ip=neighbour)

    assert [code for code, _ in wrong] == ["INVALID_CREDENTIALS"] * 3
    assert locked[0] == "LOCKED_OUT"  # even the right password, from that IP
    assert other_ip[0] == "OK"


def test_errors_never_say_whether_an_account_exists(victim):
    ip = _client_ip()

    unknown = _login(f"nobody-{uuid.uuid4().hex[:6]}@example.com", "wrong-password-1", ip=ip)
    known = _login(victim.email, "wrong-password-1", ip=ip)

    assert unknown == known


def test_a_login_without_a_client_address_is_answered_not_a_500(victim):
    """Behind a unix socket REMOTE_ADDR is empty: such clients share one bucket."""
    assert _login(victim.email, ip="")[0] == "OK"


def test_behind_a_proxy_the_configured_header_names_the_client(victim):
    sprayer, other = _client_ip(), _client_ip()

    def login(email, password, real_ip):
        body = json.dumps({"query": TOKEN_AUTH, "variables": {"email": email, "password": password}})
        response = Client().post("/graphql", body, content_type="application/json", HTTP_X_REAL_IP=real_ip)
        errors = response.json().get("errors")
        return errors[0]["extensions"]["code"] if errors else "OK"

    with override_settings(CLIENT_IP_META_KEY="HTTP_X_REAL_IP", LOGIN_FAILURES_PER_IP="2/15m"):
        wrong = [login(f"nobody-{i}@example.com", "x-wrong-1", sprayer) for i in range(2)]
        assert login(victim.email, PASSWORD, sprayer) == "LOCKED_OUT"
        assert login(victim.email, PASSWORD, other) == "OK"
    assert wrong == ["INVALID_CREDENTIALS"] * 2
