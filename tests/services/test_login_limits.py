"""Failed-login limits: per account and per address, within a window, cleared by a success."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from learnloop.exceptions import AuthenticationFailed, TooManyAttempts
from learnloop.services.accounts import authenticate, register_user
from learnloop.services.login_limits import LoginLimits
from learnloop.storage import Database
from learnloop.storage.tables import LoginFailure

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LIMITS = LoginLimits(per_account=3, per_address=5, window=timedelta(minutes=15))
RIGHT, WRONG = "the right password", "a wrong password"


@pytest.fixture
def ana(db: Database, hasher: PasswordHasher) -> int:
    return register_user(db, hasher, username="ana", password=RIGHT, display_name="Ana").user_id


def _try(
    db: Database,
    hasher: PasswordHasher,
    password: str,
    *,
    username: str = "ana",
    address: str = "10.0.0.1",
    at: datetime = T0,
) -> int:
    return authenticate(
        db, hasher, username, password, address=address, limits=LIMITS, now=at
    ).user_id


def _fail(db: Database, hasher: PasswordHasher, times: int, **kwargs: object) -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            _try(db, hasher, WRONG, **kwargs)  # type: ignore[arg-type]


def test_an_account_over_its_limit_refuses_even_the_right_password(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    _fail(db, hasher, 3, at=T0)
    with pytest.raises(TooManyAttempts) as info:
        _try(db, hasher, RIGHT, at=T0 + timedelta(minutes=1), address="10.0.0.9")
    # the third failure, at T0, leaves the window at T0 + 15 min: 14 minutes from now
    assert info.value.retry_after == 14 * 60
    assert "try again in 14 minutes" in str(info.value)
    # a refused attempt is not recorded, so it does not push the wait further
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 3


def test_the_account_opens_again_when_its_failures_leave_the_window(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    _fail(db, hasher, 3)
    assert _try(db, hasher, RIGHT, at=T0 + timedelta(minutes=15, seconds=1)) == ana


def test_a_success_clears_the_accounts_failures(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    _fail(db, hasher, 2)
    assert _try(db, hasher, RIGHT) == ana
    _fail(db, hasher, 2)  # two more: four in the window, but only two since the success
    assert _try(db, hasher, RIGHT) == ana
    with db.reading() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 0


def test_another_accounts_failures_do_not_lock_this_one(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    _fail(db, hasher, 3, username="ben", address="10.0.0.2")
    assert _try(db, hasher, RIGHT, address="10.0.0.3") == ana
    with pytest.raises(TooManyAttempts):
        _try(db, hasher, RIGHT, username="ben", address="10.0.0.3")


def test_unknown_usernames_are_limited_like_known_ones(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    _fail(db, hasher, 3, username="nobody")
    with pytest.raises(TooManyAttempts):
        _try(db, hasher, WRONG, username="nobody")


def test_an_address_over_its_limit_is_refused_for_every_account(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    for name in ("u1", "u2", "u3", "u4", "u5"):  # one failure each: no account is over its limit
        _fail(db, hasher, 1, username=name, address="10.9.9.9")
    with pytest.raises(TooManyAttempts):
        _try(db, hasher, RIGHT, address="10.9.9.9")
    assert _try(db, hasher, RIGHT, address="10.0.0.1") == ana


def test_failures_older_than_the_window_are_deleted(
    db: Database, hasher: PasswordHasher, ana: int
) -> None:
    _fail(db, hasher, 2, at=T0)
    _fail(db, hasher, 1, username="ben", at=T0 + timedelta(minutes=20))
    with db.reading() as s:
        assert s.scalars(select(LoginFailure.username)).all() == ["ben"]
