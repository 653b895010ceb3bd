"""Work learners hand in on project and hands-on activities, and the educators' rubric feedback
on it (services.projects). Part of the same schema as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["ProjectReview", "ProjectSubmission"]


class ProjectSubmission(Base):
    """One version of a learner's work on an activity, as handed in (never edited: a better
    version is a new row, so the feedback always refers to what the educator read)."""

    __tablename__ = "project_submissions"
    __table_args__ = (
        Index("ix_project_submissions_class", "class_id", "submitted_at"),
        Index("ix_project_submissions_learner", "learner_id", "activity_key", "submitted_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    activity_key: Mapped[str] = mapped_column(String(64))
    # handed in for a group of the class (its members all see it and its feedback); None: alone
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_groups.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)  # plain text, escaped when shown
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProjectReview(Base):
    """An educator's feedback on one submission: a level for each rubric criterion, by key (the
    level's index, lowest 0), and a comment. One a submission; a second review replaces it."""

    __tablename__ = "project_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("project_submissions.id", ondelete="CASCADE"), unique=True
    )
    educator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    levels: Mapped[dict[str, Any]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text)  # plain text, may be empty when levels say it all
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
