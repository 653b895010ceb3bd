"""Learners' reports of a problem with a question (services.item_reports). Part of the same schema
as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["ItemReport"]


class ItemReport(Base):
    """A learner's word that something is wrong with one question of their course: the key, the
    wording, a typo. Open until an educator of their class or an admin has looked at it; who did
    is in the audit trail, not here, so that deleting that educator's account leaves the
    learner's report and its answer in place."""

    __tablename__ = "item_reports"
    __table_args__ = (
        Index("ix_item_reports_course", "course_id", "resolved_at", "item_key"),
        Index("ix_item_reports_learner", "user_id", "course_id"),
        # one open report a learner and item: two sent at once cannot both be new
        # (services.item_reports.report_item tries again, and the second replaces the first)
        Index(
            "uq_item_reports_open", "user_id", "course_id", "item_key", unique=True,
            sqlite_where=text("resolved_at IS NULL"), postgresql_where=text("resolved_at IS NULL"),
        ),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    # the activity it was seen in (an item may sit in several) and the item, as the course names
    # them; the course may later drop the item, and the report still says which one it was
    activity_key: Mapped[str] = mapped_column(String(64))
    item_key: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # domain.item_reports.REPORT_KINDS
    comment: Mapped[str] = mapped_column(Text)  # the learner's own words, plain text, may be empty
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # what the educator or admin who looked at it answers the learner (plain text, may be empty)
    reply: Mapped[str] = mapped_column(Text, default="", server_default="")
    # when the learner first saw that it was answered (their home or the question's page): until
    # then their home tells them (services.item_reports.mark_answers_seen)
    answer_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
