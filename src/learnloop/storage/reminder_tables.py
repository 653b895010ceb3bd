"""Learners' e-mail reminders (services.reminders) and calendar feeds (services.calendar_feeds).
Part of the same schema as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["CalendarFeed", "ReminderSubscription"]


class ReminderSubscription(Base):
    """A learner's own request for e-mail reminders: where, how often, in which language. The row
    exists only while they want them (their consent); stopping deletes it, address and all."""

    __tablename__ = "reminder_subscriptions"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254))  # RFC 5321's longest usable address
    frequency: Mapped[str] = mapped_column(String(8))  # daily | weekly
    language: Mapped[str] = mapped_column(String(16))  # the page's language when they asked
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CalendarFeed(Base):
    """A learner's own calendar link: their assignments' due days, read by a calendar program
    that knows the link. Only the SHA-256 of the link's secret is kept, as for sessions; the row
    exists only while the learner wants the link, and a new link replaces it."""

    __tablename__ = "calendar_feeds"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(
        String(64), unique=True
    )  # storage.secret_digest of the link's secret
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
