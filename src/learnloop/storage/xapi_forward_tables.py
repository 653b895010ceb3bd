"""Other Learning Record Stores that learnloop sends its statements to (services.xapi_forwarding).
Part of the same schema as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, ForeignKey, Integer, String, Text, and_, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.domain import Course
from learnloop.storage.table_base import Base, UTCDateTime
from learnloop.storage.xapi_tables import XapiStatement, XapiStatementKey

__all__ = [
    "XapiForward", "XapiForwardSkip", "XapiForwardVoid", "course_statements", "still_to_send",
]  # fmt: skip


class XapiForward(Base):
    """An LRS that receives a copy of the statements stored here, in storage order: the
    district's or the university's own, where its reports are. ``sent_through`` is the storage
    number of the last statement it accepted, moved in the same transaction that records the
    answer, so a run stopped half way sends the rest next time (and at worst a batch again,
    which an LRS takes as it is: the same ids with the same content)."""

    __tablename__ = "xapi_forwards"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    endpoint: Mapped[str] = mapped_column(String(500))  # the LRS's base, ending in "/"
    username: Mapped[str] = mapped_column(String(200))  # its HTTP Basic credentials
    secret: Mapped[str] = mapped_column(Text)  # the password, Fernet-encrypted (instance key)
    xapi_version: Mapped[str] = mapped_column(String(8))  # 1.0.3 | 2.0.0
    scope: Mapped[str] = mapped_column(String(8))  # own (learnloop's answers) | all
    sent_through: Mapped[int] = mapped_column(Integer)
    # where its copy started (0: from the start; else the last statement stored before it was
    # added, which it never gets): an erasure voids there only what it may hold
    started_after: Mapped[int] = mapped_column(Integer, default=0)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")  # empty once a batch went again
    # the statement the LRS refused, which stops the copy until an admin skips it (None: none)
    refused_seq: Mapped[int | None] = mapped_column(Integer)
    # only the statements about this course (``course_statements``); None: every course's
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))


class XapiForwardVoid(Base):
    """A statement an erasure deleted here (services.erasure) that the other LRS may hold a copy
    of: the next run sends it a statement voiding that copy (xAPI has no deletion), once its
    storage number ``seq`` is at or behind the LRS's place; one still ahead of it was never sent,
    and the run drops it. Only the statement's id is kept, nothing about the person."""

    __tablename__ = "xapi_forward_voids"
    forward_id: Mapped[int] = mapped_column(
        ForeignKey("xapi_forwards.id", ondelete="CASCADE"), primary_key=True
    )
    statement_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())


class XapiForwardSkip(Base):
    """A statement the other LRS refused and an administrator skipped (services.xapi_forwarding
    ``skip_refused``): it never got it, so an erasure does not ask it to void it. Only the
    storage number is kept."""

    __tablename__ = "xapi_forward_skips"
    forward_id: Mapped[int] = mapped_column(
        ForeignKey("xapi_forwards.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


def course_statements(course: Course, iri: str, after: int = 0) -> ColumnElement[bool]:
    """The statements about ``course``, whose activity IRI is ``iri``: those that mention, as
    their object or in their context (or, when they refer to another statement, in that
    statement's), the course, one of its activities or items (whose IRIs start with the
    course's), or outside content that the course lists as one of its activities or items (an
    H5P page, a SCORM package). Found by the statements' filed index keys: on SQLite, file the
    queue first (services.statement_index.catch_up). ``after``: only those stored after that
    storage number are wanted (each batch then reads the course's keys from its place on, not
    from the start)."""
    outside = sorted(
        {i for a in course.activities.values() for i in a.xapi_activities}
        | {i for item in course.items.values() for i in item.xapi_activities}
    )
    key = XapiStatementKey.key
    # "/" is followed by "0" in code point order: the range holds every IRI under the course's
    about = or_(key == iri, and_(key >= iri + "/", key < iri + "0"))
    if outside:
        about = or_(about, key.in_(outside))
    mentions = select(XapiStatementKey.seq).where(
        XapiStatementKey.kind.in_(("activity", "rract")), about, XapiStatementKey.seq > after
    )  # every activity a statement mentions; and those of the statement a reference targets
    return XapiStatement.seq.in_(mentions)


def still_to_send(
    scope: str, after: int, about: ColumnElement[bool] | None = None
) -> ColumnElement[bool]:
    """The statements an LRS that gets ``scope`` (own: learnloop's own, written by no client;
    all) has not got yet, its place being storage number ``after``, and when it gets only one
    course's, those ``about`` it (``course_statements``): what a run sends and what the
    connections page counts as waiting."""
    condition = XapiStatement.seq > after
    if scope == "own":
        condition = and_(condition, XapiStatement.client_id.is_(None))
    if about is not None:
        condition = and_(condition, about)
    return condition
