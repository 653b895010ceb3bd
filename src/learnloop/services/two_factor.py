"""Two-step sign-in: after the password, a six-digit code from an authenticator app (TOTP,
RFC 6238, by pyotp), or one of ten recovery codes, each good once.

Anyone may turn it on for their account; educators and administrators, who see learners'
records, are the ones it protects most. The app's secret is kept encrypted with a key derived
from the instance's secret key (Fernet, from ``cryptography``), so that a copy of the database
alone does not give the codes away; recovery codes are kept only as SHA-256 digests. A code
counts once: the step it matched is remembered, and an older or the same step is refused. Wrong
codes count as failed logins under a key of their own per account (``#<id>``), which a right
password does not clear, so that knowing the password does not buy more guesses (the address's
limit counts them too). An administrator can turn it off for someone who lost their phone and
their recovery codes; every change is on the audit trail.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from argon2 import PasswordHasher
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.exceptions import AuthenticationFailed, InvalidInput, NotFound
from learnloop.services.accounts import authenticate
from learnloop.services.audit import record_event
from learnloop.services.login_limits import (
    LoginLimits,
    check_login_allowed,
    clear_failures,
    record_failure,
)
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.secret_box import secret_box
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import RecoveryCode, TotpFactor, User

__all__ = [
    "CODE_WINDOW",
    "ISSUER",
    "RECOVERY_CODES",
    "Enrolment",
    "check_second_step",
    "finish_enrolment",
    "pending_enrolment",
    "reset_two_factor",
    "start_enrolment",
    "turn_off_two_factor",
    "two_factor_on",
]

ISSUER = "learnloop"  # the name the authenticator app shows beside the account
# Steps of 30 s accepted either side of now: a phone whose clock is 30 s off still signs in
# (RFC 6238, 5.2, recommends at most one step of network delay).
CODE_WINDOW = 1
# Ten single-use codes: what GitHub and Google hand out, enough to get through the weeks of a
# lost or replaced phone.
RECOVERY_CODES = 10
_STEP = 30  # seconds a code lasts (RFC 6238's default, what every app uses)
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L to confuse


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into an app by hand
    uri: str  # otpauth:// for the QR code


def _fernet(key: str) -> Fernet:
    return secret_box(key, b"learnloop two-step sign-in")


def _failure_key(user_id: int) -> str:
    """The login-failure key of an account's second step ('#' is in no username)."""
    return f"#{user_id}"


def two_factor_on(db: Database, user_id: int) -> bool:
    with db.reading() as s:
        factor = s.get(TotpFactor, user_id)
        return factor is not None and factor.confirmed_at is not None


def start_enrolment(
    db: Database, viewer: Viewer, key: str, *, now: datetime | None = None
) -> Enrolment:
    """A new secret for the viewer's app, not yet in force: it is once a code from the app
    confirms it (``finish_enrolment``). Starting again replaces an unconfirmed one."""
    now = now or datetime.now(UTC)
    secret = pyotp.random_base32()
    with db.transaction() as s:
        factor = s.get(TotpFactor, viewer.user_id)
        if factor is not None and factor.confirmed_at is not None:
            raise InvalidInput("code", "two-step sign-in is on already: turn it off first")
        if factor is None:
            factor = TotpFactor(user_id=viewer.user_id)
            s.add(factor)
        factor.secret = _fernet(key).encrypt(secret.encode()).decode()
        factor.created_at, factor.confirmed_at, factor.last_step = now, None, 0
    uri = pyotp.TOTP(secret).provisioning_uri(name=viewer.username, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def pending_enrolment(db: Database, viewer: Viewer, key: str) -> Enrolment | None:
    """The secret started and not yet confirmed, to show again after a mistyped code."""
    with db.reading() as s:
        factor = s.get(TotpFactor, viewer.user_id)
        if factor is None or factor.confirmed_at is not None:
            return None
        secret = _fernet(key).decrypt(factor.secret.encode()).decode()
    uri = pyotp.TOTP(secret).provisioning_uri(name=viewer.username, issuer_name=ISSUER)
    return Enrolment(secret, uri)


def _step_matched(secret: str, code: str, now: datetime, after: int) -> int | None:
    """The time step ``code`` is the app's code for, within the window and later than
    ``after``; None when it is none."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // _STEP
    for step in range(current - CODE_WINDOW, current + CODE_WINDOW + 1):
        if step > after and hmac.compare_digest(totp.at(step * _STEP), code):
            return step
    return None


def _new_recovery_codes() -> list[str]:
    out = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        out.append(f"{raw[:5]}-{raw[5:]}")
    return out


def _normal(recovery: str) -> str:
    return recovery.strip().upper().replace("-", "").replace(" ", "")


def finish_enrolment(
    db: Database, viewer: Viewer, key: str, code: str, *, now: datetime | None = None
) -> list[str]:
    """Turn two-step sign-in on with a code from the app; the recovery codes, shown once."""
    now = now or datetime.now(UTC)
    codes = _new_recovery_codes()
    with db.transaction() as s:
        factor = s.get(TotpFactor, viewer.user_id)
        if factor is None or factor.confirmed_at is not None:
            raise InvalidInput("code", "start again: scan the new code into your app")
        secret = _fernet(key).decrypt(factor.secret.encode()).decode()
        step = _step_matched(secret, code, now, after=0)
        if step is None:
            raise InvalidInput("code", "that is not the code your app shows now")
        factor.confirmed_at, factor.last_step = now, step
        s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == viewer.user_id))
        for recovery in codes:
            s.add(RecoveryCode(user_id=viewer.user_id, code_hash=secret_digest(_normal(recovery))))
        record_event(s, actor=viewer.username, action="two_factor.enabled",
                     subject=viewer.username, now=now)  # fmt: skip
    return codes


def check_second_step(
    db: Database,
    user_id: int,
    key: str,
    code: str,
    *,
    address: str = "",
    limits: LoginLimits | None = None,
    now: datetime | None = None,
) -> None:
    """Accept the app's current code (once) or an unused recovery code (spent now), else
    AuthenticationFailed; TooManyAttempts while the account's second step or the address has
    too many failures."""
    limits = limits or LoginLimits()
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        check_login_allowed(s, username=_failure_key(user_id), address=address, limits=limits,
                            now=now)  # fmt: skip
        record_failure(s, username=_failure_key(user_id), address=address, limits=limits, now=now)
    with db.transaction() as s:
        factor = s.get(TotpFactor, user_id)
        if factor is None or factor.confirmed_at is None:
            raise AuthenticationFailed("this account has no two-step sign-in")
        try:
            secret = _fernet(key).decrypt(factor.secret.encode()).decode()
        except InvalidToken:  # the instance's secret key changed since it was turned on
            raise AuthenticationFailed("the code cannot be checked: ask an administrator") from None
        step = _step_matched(secret, code, now, after=factor.last_step)
        if step is not None:
            factor.last_step = step
        elif _step_matched(secret, code, now, after=-1) is not None:
            raise AuthenticationFailed("that code was used already: wait for your app's next one")
        else:
            spare = s.get(RecoveryCode, (user_id, secret_digest(_normal(code))))
            if spare is None or spare.used_at is not None:
                raise AuthenticationFailed("wrong code")
            spare.used_at = now
        clear_failures(s, username=_failure_key(user_id))


def turn_off_two_factor(
    db: Database,
    hasher: PasswordHasher,
    viewer: Viewer,
    key: str,
    *,
    password: str,
    code: str,
    address: str = "",
    limits: LoginLimits | None = None,
    now: datetime | None = None,
) -> None:
    """The account's owner turns it off: their password and a current code (or a recovery
    code), each checked and limited as at login."""
    now = now or datetime.now(UTC)
    try:
        authenticate(db, hasher, viewer.username, password, address=address, limits=limits,
                     now=now)  # fmt: skip
    except AuthenticationFailed:
        raise InvalidInput("password", "that is not your password") from None
    try:
        check_second_step(db, viewer.user_id, key, code, address=address, limits=limits, now=now)
    except AuthenticationFailed:
        raise InvalidInput(
            "code", "that is not a code your app shows now, nor a recovery code"
        ) from None
    with db.transaction() as s:
        _remove(s, viewer.user_id)
        record_event(s, actor=viewer.username, action="two_factor.disabled",
                     subject=viewer.username, now=now)  # fmt: skip


def reset_two_factor(
    db: Database, viewer: Viewer, *, username: str, now: datetime | None = None
) -> None:
    """An administrator turns someone's two-step sign-in off (a lost phone and lost codes): the
    password alone signs them in again until they turn it back on."""
    require_role(viewer, Role.ADMIN)
    username = username.strip()
    if not username:
        raise InvalidInput("username", "name the account")
    with db.transaction() as s:
        user_id = s.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise NotFound("no account named %(username)s", username=repr(username))
        if s.get(TotpFactor, user_id) is None:
            raise InvalidInput("username", "%(username)s does not sign in in two steps",
                               username=username)  # fmt: skip
        _remove(s, user_id)
        record_event(s, actor=viewer.username, action="two_factor.reset", subject=username,
                     now=now or datetime.now(UTC))  # fmt: skip


def _remove(s: Session, user_id: int) -> None:
    s.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    s.execute(delete(TotpFactor).where(TotpFactor.user_id == user_id))
