"""Accounts and logins: registration, argon2 passwords, sessions and API tokens."""

from __future__ import annotations

import contextlib
import re
import secrets
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select

from learnloop.domain import Role, Viewer
from learnloop.domain.passwords import MIN_PASSWORD_LENGTH, check_new_password
from learnloop.exceptions import (
    AuthenticationFailed,
    DuplicateName,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from learnloop.services.audit import record_event
from learnloop.services.login_limits import (
    LoginLimits,
    check_login_allowed,
    clear_failures,
    record_failure,
)
from learnloop.storage import Database
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import AuthSession, LearnerProfile, User

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "authenticate",
    "change_password",
    "end_own_sessions",
    "end_session",
    "one_time_password",
    "register_user",
    "reset_password",
    "start_session",
    "viewer_for_token",
    "viewer_for_user",
]

USERNAME = re.compile(r"^[a-zA-Z0-9_.-]{3,64}$")
# A precomputed hash to verify against when the user does not exist, so that a login's timing
# does not tell whether a username is taken.
_DUMMY_PASSWORD = "not-a-real-password"  # noqa: S105


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(_DUMMY_PASSWORD)


def _viewer(user: User) -> Viewer:
    return Viewer(
        user.id, user.username, user.display_name, Role(user.role), user.must_change_password
    )


def register_user(
    db: Database,
    hasher: PasswordHasher,
    *,
    username: str,
    password: str,
    display_name: str,
    role: Role = Role.LEARNER,
    now: datetime | None = None,
) -> Viewer:
    """Create an account (a learner gets an empty profile for onboarding)."""
    username = username.strip()
    if not USERNAME.match(username):
        raise InvalidInput("username", "use 3 to 64 letters, digits, '.', '-' or '_'")
    display_name = " ".join(display_name.split()) or username
    check_new_password(password, username=username, display_name=display_name)
    if len(display_name) > 120:
        raise InvalidInput("display_name", "use at most 120 characters")
    password_hash = hasher.hash(password)
    with db.transaction() as s:
        if s.scalar(select(User.id).where(User.username == username)) is not None:
            raise DuplicateName("username", "%(username)s is taken", username=repr(username))
        user = User(
            username=username,
            display_name=display_name,
            password_hash=password_hash,
            role=role.value,
            created_at=now or datetime.now(UTC),
        )
        s.add(user)
        s.flush()
        if role is Role.LEARNER:
            s.add(LearnerProfile(user_id=user.id, interests="", preferred_modalities=[]))
        return _viewer(user)


def authenticate(
    db: Database,
    hasher: PasswordHasher,
    username: str,
    password: str,
    *,
    address: str = "",
    limits: LoginLimits | None = None,
    now: datetime | None = None,
) -> Viewer:
    """Who ``username`` and ``password`` identify. ``address`` is the client's IP. Each attempt
    counts as a failure from before its password is checked (so that concurrent guesses cannot
    slip past the limit while argon2 runs) until it succeeds, which clears the account's
    failures; while the username or the address has too many, the attempt is refused with
    ``TooManyAttempts`` and nothing is checked or recorded (services.login_limits)."""
    limits = limits or LoginLimits()
    now = now or datetime.now(UTC)
    username = username.strip()
    with db.transaction() as s:
        check_login_allowed(s, username=username, address=address, limits=limits, now=now)
        record_failure(s, username=username, address=address, limits=limits, now=now)
        user = s.scalar(select(User).where(User.username == username))
    if user is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(_dummy_hash(hasher), password)
        raise AuthenticationFailed("wrong username or password")
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise AuthenticationFailed("wrong username or password") from None
    with db.transaction() as s:
        clear_failures(s, username=username)
    return _viewer(user)


def start_session(db: Database, user_id: int, *, kind: str, hours: int) -> str:
    """A new random token for ``user_id``; only its hash is stored."""
    if kind not in ("cookie", "api"):
        raise InvalidInput("kind", "a session is a cookie or an api token")
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with db.transaction() as s:
        s.execute(delete(AuthSession).where(AuthSession.expires_at < now))
        s.add(
            AuthSession(
                token_hash=secret_digest(token),
                user_id=user_id,
                kind=kind,
                created_at=now,
                expires_at=now + timedelta(hours=hours),
            )
        )
    return token


def end_session(db: Database, token: str) -> None:
    with db.transaction() as s:
        s.execute(delete(AuthSession).where(AuthSession.token_hash == secret_digest(token)))


def end_own_sessions(
    db: Database, viewer: Viewer, *, keep_token: str | None, session_id: int | None = None
) -> int:
    """End the viewer's sessions and API tokens other than the one ``keep_token`` is (a browser
    left signed in elsewhere, a token a script no longer needs): all of them, or the one
    ``session_id`` names (NotFound when it is not theirs or not another). How many ended."""
    others = delete(AuthSession).where(AuthSession.user_id == viewer.user_id)
    if keep_token is not None:
        others = others.where(AuthSession.token_hash != secret_digest(keep_token))
    if session_id is not None:
        others = others.where(AuthSession.id == session_id)
    with db.transaction() as s:
        ended = int(s.execute(others).rowcount or 0)  # type: ignore[attr-defined]
    if session_id is not None and not ended:
        raise NotFound("no other session of yours has that number")
    return ended


def viewer_for_user(db: Database, user_id: int) -> Viewer:
    """The account ``user_id`` as a viewer (its second sign-in step done); AuthenticationFailed
    when it no longer exists."""
    with db.reading() as s:
        user = s.get(User, user_id)
    if user is None:
        raise AuthenticationFailed("the account no longer exists")
    return _viewer(user)


def viewer_for_token(db: Database, token: str, *, kind: str) -> Viewer:
    """Who holds ``token``; AuthenticationFailed when it is unknown, expired or of another kind."""
    with db.reading() as s:
        row = s.execute(
            select(User, AuthSession.expires_at)
            .join(AuthSession, AuthSession.user_id == User.id)
            .where(AuthSession.token_hash == secret_digest(token), AuthSession.kind == kind)
        ).first()
    if row is None or row[1] <= datetime.now(UTC):
        raise AuthenticationFailed("not logged in, or the session has expired")
    return _viewer(row[0])


def change_password(
    db: Database,
    hasher: PasswordHasher,
    viewer: Viewer,
    *,
    current: str,
    new: str,
    keep_token: str | None = None,
    address: str = "",
    limits: LoginLimits | None = None,
) -> None:
    """Replace the viewer's password. The current one is checked as a login is (and counts
    towards the login limits, so a stolen session cannot guess it); every other session and API
    token of the account ends, the one ``keep_token`` names stays."""
    check_new_password(new, username=viewer.username, display_name=viewer.display_name,
                       field="new")  # fmt: skip
    if new == current:
        raise InvalidInput("new", "choose a password other than the current one")
    authenticate(db, hasher, viewer.username, current, address=address, limits=limits)
    password_hash = hasher.hash(new)
    with db.transaction() as s:
        user = s.get(User, viewer.user_id)
        if user is None:
            raise AuthenticationFailed("the account no longer exists")
        user.password_hash, user.must_change_password = password_hash, False
        others = delete(AuthSession).where(AuthSession.user_id == viewer.user_id)
        if keep_token is not None:
            others = others.where(AuthSession.token_hash != secret_digest(keep_token))
        s.execute(others)


def one_time_password() -> str:
    """A password to hand out once (a reset, a roster): 16 URL-safe characters, 96 random bits,
    beyond guessing and short enough to type from a printed slip."""
    return secrets.token_urlsafe(12)


def reset_password(db: Database, hasher: PasswordHasher, viewer: Viewer, *, username: str) -> str:
    """An admin gives ``username`` a new one-time password (returned, shown once): their sessions
    end and they must choose their own at their next login. Audited."""
    if not viewer.is_admin:
        raise PermissionDenied("only an admin resets passwords")
    username = username.strip()
    password = one_time_password()
    password_hash = hasher.hash(password)
    now = datetime.now(UTC)
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise InvalidInput("username", "no account named %(username)s", username=repr(username))
        user.password_hash, user.must_change_password = password_hash, True
        s.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        record_event(
            s, actor=viewer.username, action="account.password_reset", subject=username, now=now
        )
    return password
