"""Two-step sign-in: turned on with a code from the app (its recovery codes shown once), then a
right password alone signs nobody in: the code does, once; a recovery code works once; a
forged or stale pending cookie leads back to the login; wrong codes are limited even when the
password is known; the API asks for the code too; the owner turns it off with password and code,
an admin for someone who lost their phone; the secret is kept encrypted and never exported."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.exceptions import AuthenticationFailed, InvalidInput, TooManyAttempts
from learnloop.services.accounts import authenticate
from learnloop.services.login_limits import LoginLimits
from learnloop.services.two_factor import (
    check_second_step,
    finish_enrolment,
    start_enrolment,
    turn_off_two_factor,
    two_factor_on,
)
from learnloop.storage.tables import AuditEvent, TotpFactor
from tests.conftest import PASSWORD, World
from tests.web.conftest import CSRF, csrf_of, post

KEY = "test-secret"  # make_app's secret key: the pages' and these calls' must agree


def turned_on(w: World, who: str = "teacher") -> tuple[pyotp.TOTP, list[str]]:
    viewer = {"teacher": w.educator, "lea": w.learner}[who]
    enrolment = start_enrolment(w.db, viewer, KEY, now=datetime.now(UTC) - timedelta(minutes=2))
    totp = pyotp.TOTP(enrolment.secret)
    earlier = datetime.now(UTC) - timedelta(minutes=2)
    codes = finish_enrolment(w.db, viewer, KEY, totp.at(earlier), now=earlier)
    return totp, codes


def sign_in(client: TestClient, username: str) -> object:
    return client.post("/login", data={"csrf_token": csrf_of(client), "username": username,
                                        "password": PASSWORD, "next": "/teach/reminders"})  # fmt: skip


def test_the_service_turns_it_on_checks_codes_once_and_turns_it_off(
    sqlite_world: World, hasher: PasswordHasher
) -> None:
    w = sqlite_world
    enrolment = start_enrolment(w.db, w.educator, KEY)
    assert enrolment.uri.startswith("otpauth://totp/learnloop:teacher?secret=")
    assert not two_factor_on(w.db, w.educator.user_id)
    with pytest.raises(InvalidInput):
        finish_enrolment(w.db, w.educator, KEY, "000000")
    totp = pyotp.TOTP(enrolment.secret)
    now = datetime.now(UTC)
    codes = finish_enrolment(w.db, w.educator, KEY, totp.at(now), now=now)
    assert len(codes) == 10
    assert all(re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", c) for c in codes)
    with w.db.reading() as s:
        stored = s.get(TotpFactor, w.educator.user_id)
        assert stored is not None
        assert enrolment.secret not in stored.secret  # encrypted
    with pytest.raises(AuthenticationFailed, match="used already"):  # it turned it on: once
        check_second_step(w.db, w.educator.user_id, KEY, totp.at(now), now=now)
    later = now + timedelta(seconds=30)
    check_second_step(w.db, w.educator.user_id, KEY, totp.at(later), now=later)
    with pytest.raises(AuthenticationFailed):  # an older code after a newer one: refused
        check_second_step(w.db, w.educator.user_id, KEY, totp.at(now), now=later)
    check_second_step(w.db, w.educator.user_id, KEY, codes[0].lower(), now=later)
    with pytest.raises(AuthenticationFailed):  # a recovery code works once
        check_second_step(w.db, w.educator.user_id, KEY, codes[0], now=later)
    with pytest.raises(AuthenticationFailed):  # another instance key cannot read the secret
        check_second_step(w.db, w.educator.user_id, "another key", codes[1], now=later)
    with pytest.raises(InvalidInput) as wrong:
        turn_off_two_factor(w.db, hasher, w.educator, KEY, password=PASSWORD, code="123456")
    assert wrong.value.field == "code"
    turn_off_two_factor(w.db, hasher, w.educator, KEY, password=PASSWORD, code=codes[2])
    assert not two_factor_on(w.db, w.educator.user_id)
    with w.db.reading() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.subject == "teacher")).all()
    assert actions == ["two_factor.enabled", "two_factor.disabled"]


def test_wrong_codes_are_limited_though_the_password_is_right(
    sqlite_world: World, hasher: PasswordHasher
) -> None:
    w = sqlite_world
    turned_on(w)
    limits = LoginLimits(per_account=3, per_address=100, window=timedelta(minutes=15))
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            check_second_step(w.db, w.educator.user_id, KEY, "111111", limits=limits)
    authenticate(w.db, hasher, "teacher", PASSWORD, limits=limits)  # clears password failures
    with pytest.raises(TooManyAttempts):  # ... not the codes'
        check_second_step(w.db, w.educator.user_id, KEY, "222222", limits=limits)


def test_signing_in_takes_the_code_after_the_password(
    client: TestClient, sqlite_world: World
) -> None:
    w = sqlite_world
    totp, codes = turned_on(w)
    first = sign_in(client, "teacher")
    assert first.status_code == 303  # type: ignore[attr-defined]
    assert first.headers["location"] == "/login/code?next=/teach/reminders"  # type: ignore[attr-defined]
    assert "ll_session" not in client.cookies
    assert client.get("/teach").status_code == 303  # not signed in yet
    page = client.get("/login/code?next=/teach/reminders")
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.text
    token = CSRF.search(page.text)
    assert token
    wrong = client.post("/login/code", data={"csrf_token": token.group(1), "code": "000000",
                                             "next": "/teach/reminders"})  # fmt: skip
    assert wrong.status_code == 401
    assert "wrong code" in wrong.text
    right = client.post("/login/code", data={"csrf_token": token.group(1), "code": totp.now(),
                                             "next": "/teach/reminders"})  # fmt: skip
    assert (right.status_code, right.headers["location"]) == (303, "/teach/reminders")
    assert client.get("/teach").status_code == 200

    other = TestClient(client.app, follow_redirects=False)  # type: ignore[arg-type]
    with other:
        sign_in(other, "teacher")
        pending = other.cookies.get("ll_pending")
        assert pending
        _uid, expires, nonce, signature = pending.split(".")
        csrf = csrf_of(other)
        forged = {"ll_pending": f"{w.admin.user_id}.{expires}.{nonce}.{signature}",
                  "ll_csrf": other.cookies["ll_csrf"]}  # fmt: skip
        other.cookies.clear()
        for name, value in forged.items():
            other.cookies.set(name, value)
        assert other.get("/login/code").headers["location"] == "/login"  # forged: back to login
        recovered = other.post("/login/code", data={"csrf_token": csrf, "code": codes[3]})
        assert recovered.headers["location"] == "/login"
        assert "ll_session" not in other.cookies
        other.cookies.clear()
        sign_in(other, "teacher")
        recovered = other.post("/login/code", data={"csrf_token": csrf_of(other), "code": codes[3]})
        assert (recovered.status_code, recovered.headers["location"]) == (303, "/teach")


def test_the_account_page_turns_it_on_and_off(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    lea = clients["learner"]
    page = lea.get("/account/two-step")
    assert 'action="/account/two-step/start"' in page.text
    started = post(lea, "/account/two-step/start")
    text = started.text  # type: ignore[attr-defined]
    assert "<svg" in text
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', text)
    assert secret
    mistyped = post(lea, "/account/two-step/confirm", code="000000")
    assert mistyped.status_code == 400  # type: ignore[attr-defined]
    assert f'<code id="secret">{secret.group(1)}</code>' in mistyped.text  # type: ignore[attr-defined]
    done = post(lea, "/account/two-step/confirm", code=pyotp.TOTP(secret.group(1)).now())
    codes = re.findall(r"<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>", done.text)  # type: ignore[attr-defined]
    assert len(codes) == 10
    assert re.findall(r"[A-Z2-9]{5}-[A-Z2-9]{5}", lea.get("/account/two-step").text) == []
    export = lea.get("/account/data.json").json()
    assert export["tables"]["totp_factors"][0].get("secret") is None
    assert all("code_hash" not in row for row in export["tables"]["recovery_codes"])
    off = post(lea, "/account/two-step/off", password=PASSWORD, code=codes[0])
    assert "Two-step sign-in is off" in off.text  # type: ignore[attr-defined]
    assert not two_factor_on(sqlite_world.db, sqlite_world.learner.user_id)


def test_the_api_asks_for_the_code_and_an_admin_resets_it(
    client: TestClient, clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    totp, _ = turned_on(w)
    no_code = client.post("/api/v1/auth/token", json={"username": "teacher", "password": PASSWORD})
    assert no_code.status_code == 401
    assert "two steps" in no_code.json()["detail"]
    with_code = client.post("/api/v1/auth/token", json={"username": "teacher",
                                                        "password": PASSWORD, "code": totp.now()})  # fmt: skip
    assert with_code.status_code == 200
    admin = clients["admin"]
    reset = post(admin, "/admin/accounts/two-step-reset", username="teacher")
    assert reset.status_code == 200  # type: ignore[attr-defined]
    assert "teacher signs in with the password alone" in reset.text  # type: ignore[attr-defined]
    assert not two_factor_on(w.db, w.educator.user_id)
    again = post(admin, "/admin/accounts/two-step-reset", username="teacher")
    assert again.status_code == 400  # type: ignore[attr-defined]
    plain = client.post("/api/v1/auth/token", json={"username": "teacher", "password": PASSWORD})
    assert plain.status_code == 200


def test_the_api_turns_it_on_and_off_for_the_caller(
    client: TestClient, sqlite_world: World
) -> None:
    def token(code: str = "") -> str:
        got = client.post("/api/v1/auth/token",
                          json={"username": "lea", "password": PASSWORD, "code": code})  # fmt: skip
        assert got.status_code == 200, got.text
        return str(got.json()["access_token"])

    headers = {"Authorization": f"Bearer {token()}"}
    assert client.get("/api/v1/me/two-step", headers=headers).json() == {"on": False}
    key = client.post("/api/v1/me/two-step", headers=headers)
    assert key.status_code == 201
    totp = pyotp.TOTP(key.json()["secret"])
    assert key.json()["uri"].startswith("otpauth://totp/learnloop:lea?secret=")
    wrong = client.post("/api/v1/me/two-step/confirm", json={"code": "000000"}, headers=headers)
    assert (wrong.status_code, wrong.json()["field"]) == (400, "code")
    on = client.post("/api/v1/me/two-step/confirm", json={"code": totp.now()}, headers=headers)
    assert len(on.json()["recovery_codes"]) == 10
    assert client.get("/api/v1/me/two-step", headers=headers).json() == {"on": True}
    assert client.post("/api/v1/me/two-step", headers=headers).status_code == 400  # on already
    token(on.json()["recovery_codes"][0])  # the next token takes a code
    bad = client.post("/api/v1/me/two-step/off", json={"password": "guess", "code": "1"},
                      headers=headers)  # fmt: skip
    assert (bad.status_code, bad.json()["field"]) == (400, "password")
    done = client.post("/api/v1/me/two-step/off",
                       json={"password": PASSWORD, "code": on.json()["recovery_codes"][1]},
                       headers=headers)  # fmt: skip
    assert done.status_code == 204
    assert client.get("/api/v1/me/two-step", headers=headers).json() == {"on": False}
    token()  # the password alone again
