"""Answers withdrawn from the learner model (services.answer_withdrawal). Part of the same schema
as storage.tables, which exports it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["WithdrawnAnswer"]


class WithdrawnAnswer(Base):
    """An answer taken out of the learner's record: its xAPI statement was voided, or an educator
    withdrew it (someone else answered, the page failed). Kept whole, with why and by whom, so
    that nothing acknowledged is lost; the learner model is replayed without it."""

    __tablename__ = "withdrawn_answers"
    __table_args__ = (Index("ix_withdrawn_answers_learner", "user_id", "course_id"),)
    # the answer's own id in ``attempts``, where it was
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    activity_key: Mapped[str] = mapped_column(String(64))
    item_key: Mapped[str] = mapped_column(String(64))
    response: Mapped[Any] = mapped_column(JSON)
    answer_text: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    misses_before: Mapped[int] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    statement_id: Mapped[str | None] = mapped_column(String(36))
    misconceptions: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # plain text the learner sees: the educator's reason, or which statement voided it
    reason: Mapped[str] = mapped_column(Text)
    # the educator's username (kept as words, as the audit trail keeps actors), or "" when an
    # xAPI client voided the statement the answer came from
    withdrawn_by: Mapped[str] = mapped_column(String(64))
    # the voiding statement's id, when a voiding withdrew it (the client's, or learnloop's own
    # voiding of its record of an in-app answer)
    voiding_statement_id: Mapped[str | None] = mapped_column(String(36))
