"""The bytes of courses' media files (content.course_media). Part of the same schema as
storage.tables, which exports them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base

__all__ = ["CourseMediaFile"]


class CourseMediaFile(Base):
    """One file of a course's media folder, as the course last imported had it. Stored in the
    database with the course, so every worker serves it and a backup holds it."""

    __tablename__ = "course_media"
    course_id: Mapped[int] = mapped_column(
        ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(255), primary_key=True)  # inside media/
    content_type: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))  # hex; the page's ETag
    content: Mapped[bytes] = mapped_column(LargeBinary)
