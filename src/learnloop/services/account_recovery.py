"""A forgotten password, reset by a link sent to the account's own confirmed address
(domain.account_recovery says what is allowed and why).

Every function here writes in one transaction and returns what the caller must send (a
``LinkToSend``, the link's secret with where it goes); the web layer sends it once the change is
committed. Only the SHA-256 of a link's secret is stored, as for sessions, so a copy of the
database opens no account. A link is spent when used, dies after its time, and dies with the
address it went to: replacing or removing the address, or resetting the password, kills every
link still out.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from learnloop.domain import Viewer
from learnloop.domain.account_recovery import (
    ACCOUNTS_PER_ADDRESS,
    CONFIRM_MAILS_PER_HOUR,
    RESET_MAILS_PER_HOUR,
    LinkPurpose,
    check_recovery_email,
)
from learnloop.domain.passwords import check_new_password
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.accounts import authenticate
from learnloop.services.audit import record_event
from learnloop.services.login_limits import (
    LoginLimits,
    check_login_allowed,
    clear_failures,
    record_failure,
)
from learnloop.services.two_factor import check_second_step
from learnloop.storage import Database
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import (
    AuthSession,
    EmailLink,
    RecoveryEmail,
    TotpFactor,
    User,
)

__all__ = [
    "LinkToSend",
    "ResetAccount",
    "account_to_reset",
    "confirm_recovery_email",
    "remove_recovery_email",
    "request_password_reset",
    "reset_password_with_link",
    "set_recovery_email",
]

_HOUR = timedelta(hours=1)
# The login-limit key a reset request counts under: its own per username or address typed, so
# that asking for links never locks the owner out of logging in, while the address's count is
# the same one logins share (one client cannot ask for thousands).
_REQUEST_KEY = "?reset:"


@dataclass(frozen=True)
class LinkToSend:
    """A link to mail: to ``to``, for the account ``username``, with its one-time ``secret``."""

    purpose: LinkPurpose
    to: str
    user_id: int
    username: str
    display_name: str
    secret: str


def _new_link(
    s: Session, user: User, purpose: LinkPurpose, email: str, now: datetime, life: timedelta
) -> LinkToSend:
    secret = secrets.token_urlsafe(32)
    s.add(EmailLink(token_hash=secret_digest(secret), user_id=user.id, purpose=purpose,
                    email=email, created_at=now, expires_at=now + life))  # fmt: skip
    return LinkToSend(purpose, email, user.id, user.username, user.display_name, secret)


def _sent_lately(s: Session, user_id: int, purpose: LinkPurpose, now: datetime) -> int:
    return s.scalar(
        select(func.count()).select_from(EmailLink).where(
            EmailLink.user_id == user_id, EmailLink.purpose == purpose,
            EmailLink.created_at > now - _HOUR,
        )
    ) or 0  # fmt: skip


def _kill_links(s: Session, user_id: int, now: datetime) -> None:
    """Spend every link of the account still out (the rows stay for the hourly counts)."""
    s.execute(
        update(EmailLink)
        .where(EmailLink.user_id == user_id, EmailLink.used_at.is_(None))
        .values(used_at=now)
    )


def set_recovery_email(
    db: Database,
    hasher: PasswordHasher,
    viewer: Viewer,
    *,
    email: str,
    password: str,
    now: datetime,
    life: timedelta,
    address: str = "",
    limits: LoginLimits | None = None,
) -> LinkToSend:
    """Give (or replace) the viewer's recovery address, their password checked as a login is;
    it works once confirmed by the link returned, which lasts ``life``. A replaced address
    stops working at once, and links sent to it die."""
    address_given = check_recovery_email(email)
    if not password:
        raise InvalidInput("password", "type your password to change where its reset link goes")
    authenticate(db, hasher, viewer.username, password, address=address, limits=limits)
    with db.transaction() as s:
        user = s.get(User, viewer.user_id)
        if user is None:
            raise NotFound("the account no longer exists")
        if _sent_lately(s, user.id, "confirm", now) >= CONFIRM_MAILS_PER_HOUR:
            raise InvalidInput(
                "email",
                "%(n)s confirmation mails went out in the last hour: try again later",
                n=CONFIRM_MAILS_PER_HOUR,
            )
        _kill_links(s, user.id, now)
        row = s.get(RecoveryEmail, user.id)
        if row is None:
            row = RecoveryEmail(user_id=user.id, created_at=now)
            s.add(row)
        row.email, row.email_key, row.confirmed_at = address_given, address_given.lower(), None
        return _new_link(s, user, "confirm", address_given, now, life)


def remove_recovery_email(db: Database, viewer: Viewer, *, now: datetime) -> bool:
    """Forget the viewer's recovery address; whether there was one. Links sent to it die."""
    with db.transaction() as s:
        _kill_links(s, viewer.user_id, now)
        gone = s.execute(delete(RecoveryEmail).where(RecoveryEmail.user_id == viewer.user_id))
        return bool(gone.rowcount)  # type: ignore[attr-defined]


def _live_link(s: Session, secret: str, purpose: LinkPurpose, now: datetime) -> EmailLink:
    """The unspent, unexpired link ``secret`` opens, whose address is still the account's, or
    NotFound (the same message whatever the reason: a link either works or it does not)."""
    link = s.scalar(
        select(EmailLink).where(EmailLink.token_hash == secret_digest(secret)).with_for_update()
    )
    row = s.get(RecoveryEmail, link.user_id) if link is not None else None
    if (
        link is None or row is None or link.purpose != purpose or link.used_at is not None
        or link.expires_at <= now or row.email_key != link.email.lower()
    ):  # fmt: skip
        raise NotFound("this link has expired or was used already: ask for a new one")
    return link


def confirm_recovery_email(db: Database, secret: str, *, now: datetime) -> str:
    """Confirm the address the link went to; the account's username. No login is needed: the
    link, which only that address received, is the proof."""
    with db.transaction() as s:
        link = _live_link(s, secret, "confirm", now)
        link.used_at = now
        row = s.get(RecoveryEmail, link.user_id)
        assert row is not None  # _live_link found it
        row.confirmed_at = now
        user = s.get(User, link.user_id)
        assert user is not None  # the link's row goes with the account
        return user.username


def request_password_reset(
    db: Database, *, who: str, now: datetime, life: timedelta, address: str = "",
    limits: LoginLimits | None = None,
) -> list[LinkToSend]:  # fmt: skip
    """The reset links to send for ``who`` (a username or a confirmed recovery address), each
    lasting ``life``: none when nothing matches, the address is unconfirmed, or the account had
    its hourly share; the caller answers the same in every case. TooManyAttempts when the
    client, or requests for ``who``, are over the login limits."""
    who = who.strip()
    if not who:
        raise InvalidInput("who", "give your username or the address you gave for this")
    limits = limits or LoginLimits()
    key = _REQUEST_KEY + who.lower()[:56]
    with db.transaction() as s:
        check_login_allowed(s, username=key, address=address, limits=limits, now=now)
        record_failure(s, username=key, address=address, limits=limits, now=now)
    with db.transaction() as s:
        matched = select(User, RecoveryEmail).join(RecoveryEmail, RecoveryEmail.user_id == User.id)
        if "@" in who:
            matched = matched.where(RecoveryEmail.email_key == who.lower())
        else:
            matched = matched.where(User.username == who)
        rows = s.execute(
            matched.where(RecoveryEmail.confirmed_at.is_not(None))
            .order_by(User.id).limit(ACCOUNTS_PER_ADDRESS + 1)
        ).all()  # fmt: skip
        if len(rows) > ACCOUNTS_PER_ADDRESS:
            return []
        return [
            _new_link(s, user, "reset", row.email, now, life)
            for user, row in rows
            if _sent_lately(s, user.id, "reset", now) < RESET_MAILS_PER_HOUR
        ]


@dataclass(frozen=True)
class ResetAccount:
    """The account a reset link opens, as its page shows it."""

    user_id: int
    username: str
    display_name: str
    needs_code: bool  # two-step sign-in is on: the reset asks for its code too


def account_to_reset(db: Database, secret: str, *, now: datetime) -> ResetAccount:
    """The account the reset link ``secret`` opens; NotFound when the link does not work."""
    with db.transaction() as s:
        link = _live_link(s, secret, "reset", now)
        user = s.get(User, link.user_id)
        assert user is not None  # the link's row goes with the account
        factor = s.get(TotpFactor, user.id)
        needs = factor is not None and factor.confirmed_at is not None
        return ResetAccount(user.id, user.username, user.display_name, needs)


def reset_password_with_link(
    db: Database,
    hasher: PasswordHasher,
    *,
    secret: str,
    new: str,
    code: str = "",
    key: str = "",
    now: datetime,
    address: str = "",
    limits: LoginLimits | None = None,
) -> str:
    """Set the password of the account the reset link opens to ``new`` and spend the link; every
    session and API token of the account ends, every other link dies, and the audit trail says
    so. An account with two-step sign-in needs its ``code`` (the app's or a recovery code;
    ``key`` is the instance's secret, which unlocks the app's key). The username."""
    account = account_to_reset(db, secret, now=now)
    check_new_password(new, username=account.username, display_name=account.display_name,
                       field="new")  # fmt: skip
    if account.needs_code:
        if not code.strip():
            raise InvalidInput(
                "code", "type the code from your authenticator app, or a recovery code"
            )
        check_second_step(
            db, account.user_id, key, code.strip(), address=address, limits=limits, now=now
        )
    password_hash = hasher.hash(new)
    with db.transaction() as s:
        link = _live_link(s, secret, "reset", now)  # again: one use, even if sent twice at once
        user = s.get(User, link.user_id)
        assert user is not None
        user.password_hash, user.must_change_password = password_hash, False
        _kill_links(s, user.id, now)
        s.execute(delete(AuthSession).where(AuthSession.user_id == user.id))
        clear_failures(s, username=user.username)
        record_event(s, actor=user.username, action="account.password_reset_by_email",
                     subject=user.username, now=now)  # fmt: skip
    return account.username
