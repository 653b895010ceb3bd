"""Where one's own account is signed in: its browser sessions and API tokens, the one in use
marked, for the password page and ``GET /api/v1/me/sessions`` (services.accounts ends them).
Nothing about the device is kept (no address, no browser): a session is known by when it began
and when it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from learnloop.storage import Database
from learnloop.storage.secret_digest import secret_digest
from learnloop.storage.tables import AuthSession

__all__ = ["OwnSession", "own_sessions"]


@dataclass(frozen=True)
class OwnSession:
    id: int
    kind: str  # cookie (a browser) | api (a token)
    created_at: datetime
    expires_at: datetime
    current: bool  # the one this request came with


def own_sessions(db: Database, user_id: int, current_token: str | None) -> list[OwnSession]:
    """The account's live sessions, the newest first."""
    mine = secret_digest(current_token) if current_token else ""
    with db.reading() as s:
        rows = s.execute(
            select(AuthSession.id, AuthSession.kind, AuthSession.created_at, AuthSession.expires_at,
                   AuthSession.token_hash)
            .where(AuthSession.user_id == user_id, AuthSession.expires_at > datetime.now(UTC))
            .order_by(AuthSession.created_at.desc(), AuthSession.id.desc())
        ).all()  # fmt: skip
    return [OwnSession(i, kind, at, until, digest == mine) for i, kind, at, until, digest in rows]
