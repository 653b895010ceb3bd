"""Two-step sign-in (services.two_factor): an account's authenticator secret, encrypted, and its
recovery codes, as digests. Part of the same schema as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["RecoveryCode", "TotpFactor"]


class TotpFactor(Base):
    """An account's authenticator app: in force once a code confirmed it."""

    __tablename__ = "totp_factors"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    secret: Mapped[str] = mapped_column(String(200))  # Fernet token of the base32 secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # the latest 30-second step a code was accepted for: that code, and older ones, never again
    last_step: Mapped[int] = mapped_column(Integer, default=0)


class RecoveryCode(Base):
    """One single-use recovery code, as the SHA-256 of its letters (storage.secret_digest)."""

    __tablename__ = "recovery_codes"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
