"""The recovery address of one's own account, as the password page and the API show it
(services.account_recovery writes it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from learnloop.storage import Database
from learnloop.storage.tables import RecoveryEmail

__all__ = ["RecoveryAddress", "my_recovery_email"]


@dataclass(frozen=True)
class RecoveryAddress:
    email: str
    confirmed_at: datetime | None  # None: its confirmation link has not been opened yet


def my_recovery_email(db: Database, user_id: int) -> RecoveryAddress | None:
    with db.reading() as s:
        row = s.get(RecoveryEmail, user_id)
        return None if row is None else RecoveryAddress(row.email, row.confirmed_at)
