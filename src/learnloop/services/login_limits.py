"""Limits on failed logins, so that passwords cannot be guessed by trying many of them.

Every login attempt is recorded, with the username tried and the address it came from, as a
failure before its password is checked; a success then clears its account's failures, so the
owner who mistyped a few times starts afresh. Counting first means that guesses sent at once
cannot all pass the check while argon2 runs. While an account, or an address, has too many
failures within the window, a login for it is refused before anything is checked
(``TooManyAttempts``, with the seconds until one is allowed again): a guesser gains nothing and
costs the server no argon2 work, and the refusal is not recorded, so it does not extend the
wait. Unknown usernames count like known ones, so the refusal never tells whether an account
exists.

Both counts are kept in the database, not in a process: every worker of an installation sees the
same failures, and a restart does not reset them. (On PostgreSQL two attempts checked in the
same millisecond may both pass at the limit; the excess is bounded by the attempts in flight.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from learnloop.exceptions import TooManyAttempts
from learnloop.storage.tables import LoginFailure

__all__ = ["LoginLimits", "check_login_allowed", "clear_failures", "record_failure"]


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How many failed logins an account and an address may have within ``window``. The
    defaults are ``Settings``' (config.py says why)."""

    per_account: int = 10
    per_address: int = 100
    window: timedelta = timedelta(minutes=15)


def _retry_after(times: list[datetime], limit: int, window: timedelta, now: datetime) -> float:
    """Seconds until fewer than ``limit`` of the failures at ``times`` (newest first) are within
    the window: when the ``limit``-th newest leaves it."""
    if len(times) < limit:
        return 0.0
    return max((times[limit - 1] + window - now).total_seconds(), 0.0)


def _recent(
    s: Session, column: InstrumentedAttribute[str], value: str, since: datetime, limit: int
) -> list[datetime]:
    """The times of the newest ``limit`` failures for ``column == value`` within the window: the
    limit is all a check needs, so it reads a few rows whatever an attacker has sent."""
    rows = s.scalars(
        select(LoginFailure.at)
        .where(column == value, LoginFailure.at > since)
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    )
    return list(rows)


def check_login_allowed(
    s: Session, *, username: str, address: str, limits: LoginLimits, now: datetime
) -> None:
    """Raise ``TooManyAttempts`` while ``username`` or ``address`` is over its limit."""
    since = now - limits.window
    wait = max(
        _retry_after(
            _recent(s, LoginFailure.username, username, since, limits.per_account),
            limits.per_account, limits.window, now,
        ),
        _retry_after(
            _recent(s, LoginFailure.address, address, since, limits.per_address),
            limits.per_address, limits.window, now,
        ),
    )  # fmt: skip
    if wait > 0:
        raise TooManyAttempts(math.ceil(wait))


def record_failure(
    s: Session, *, username: str, address: str, limits: LoginLimits, now: datetime
) -> None:
    """Record one failed (or not yet checked) login, and forget failures that no longer count
    (older than the window), so that the table holds only the last window's."""
    s.execute(delete(LoginFailure).where(LoginFailure.at <= now - limits.window))
    s.add(LoginFailure(username=username[:64], address=address[:64], at=now))


def clear_failures(s: Session, *, username: str) -> None:
    s.execute(delete(LoginFailure).where(LoginFailure.username == username))
