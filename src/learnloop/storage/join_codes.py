"""The codes learners join a class with (services.class_codes), and finding the open one someone
typed. Part of the same schema as storage.tables, which exports the table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from learnloop.domain.class_codes import normalized_code
from learnloop.exceptions import InvalidInput
from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["ClassJoinCode", "find_open_code"]


class ClassJoinCode(Base):
    """A class's one join code: a learner who gives it (typed, or by following its link) joins
    the class until it expires. A new code replaces the class's old one; closing joining deletes
    the row. Stored as typed without its dash: it admits to a class, it is not a password (the
    class's educators read it on the class page)."""

    __tablename__ = "class_join_codes"
    class_id: Mapped[int] = mapped_column(
        ForeignKey("classes.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


def find_open_code(s: Session, typed: str, now: datetime) -> ClassJoinCode:
    """The open code someone typed; InvalidInput (field ``code``) when it is not one, no class
    has it, or it has expired."""
    code = normalized_code(typed)
    row = s.scalar(select(ClassJoinCode).where(ClassJoinCode.code == code))
    if row is None:
        raise InvalidInput(
            "code", "no class has this code: check it, or ask your educator for a new one"
        )
    if row.expires_at <= now:
        raise InvalidInput(
            "code", "this code expired on %(date)s: ask your educator for a new one",
            date=row.expires_at.date().isoformat(),
        )  # fmt: skip
    return row
