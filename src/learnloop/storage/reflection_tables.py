"""Learners' reflections on their learning (services.reflections). Part of the same schema as
storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["Reflection"]


class Reflection(Base):
    """What a learner wrote about their learning: what went well, what is still hard, what they
    will try next (plain text, any of them may be empty). Their educators read it only while
    ``shared`` is true: the learner decides, and can change their mind."""

    __tablename__ = "reflections"
    __table_args__ = (Index("ix_reflections_learner", "user_id", "course_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    objective_key: Mapped[str] = mapped_column(String(64))  # "": the course as a whole
    went_well: Mapped[str] = mapped_column(Text)
    still_hard: Mapped[str] = mapped_column(Text)
    next_step: Mapped[str] = mapped_column(Text)
    shared: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
