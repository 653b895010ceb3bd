"""The audit trail: every change an administrator makes, or an operator makes on the command line,
is recorded in the same transaction as the change itself, so that a change is never made without its
record and a record never names a change that was rolled back.

Recorded: an account deleted (with how many rows went, by table), an LRS client created or revoked,
a course imported or updated, a class's membership and join codes changed, and one kind of read: a
class's records downloaded (services.class_downloads). The record names people and things by name,
not by foreign key, so it outlives them: after an account's deletion the trail still says who
deleted which username, and when, which is what accountability asks for; nothing else about the
person is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from learnloop.storage.tables import AuditEvent

__all__ = ["OPERATOR", "record_event"]

# The actor of a change made on the command line: whoever can run it can reach the database.
OPERATOR = "operator"


def record_event(
    s: Session,
    *,
    actor: str,
    action: str,
    subject: str,
    now: datetime,
    details: dict[str, Any] | None = None,
) -> None:
    """Add one audit event in the caller's transaction."""
    s.add(
        AuditEvent(
            at=now, actor=actor[:64], action=action, subject=subject[:200], details=details or {}
        )
    )
