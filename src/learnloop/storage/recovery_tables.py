"""An account's own e-mail address for a forgotten password, and the one-time links sent to it
(services.account_recovery). Part of the same schema as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["EmailLink", "RecoveryEmail"]


class RecoveryEmail(Base):
    """The address the account's owner gave for resetting a forgotten password. A link to reset
    goes to it only once it is confirmed (a link sent to it was opened), so that a typing slip
    never sends someone else the keys to the account. The row exists while the owner wants it."""

    __tablename__ = "recovery_emails"
    __table_args__ = (Index("ix_recovery_emails_email", "email_key"),)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254))  # as the owner typed it
    email_key: Mapped[str] = mapped_column(String(254))  # lower-cased: what a request is matched on
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EmailLink(Base):
    """A link sent by e-mail that does one thing once: confirm an address (``confirm``) or set a
    new password (``reset``). Only the SHA-256 of its secret is kept; it names the address it
    went to, so that a link to an address since replaced opens nothing."""

    __tablename__ = "email_links"
    __table_args__ = (Index("ix_email_links_user", "user_id", "purpose", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # storage.secret_digest
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(8))  # confirm | reset
    email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
