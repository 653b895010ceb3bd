"""The other LRSs that get a copy of the statements (services.xapi_forwarding), as the
administrator's connections page and the API show them, and as "My data" names them to everyone
whose records go there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select, union

from learnloop.adapters.xapi.learnloop_ids import course_iri
from learnloop.domain import Role, Viewer
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import (
    ClassMember,
    LearnerCourse,
    SchoolClass,
    XapiForward,
    XapiForwardVoid,
    XapiStatement,
)
from learnloop.storage.xapi_forward_tables import course_statements, still_to_send

__all__ = ["ForwardRow", "forward_hosts", "forwards"]


@dataclass(frozen=True)
class ForwardRow:
    name: str
    endpoint: str
    version: str
    scope: str  # own | all
    sent: int  # statements it accepted
    waiting: int  # statements stored here it has not got yet
    last_success_at: datetime | None
    last_failure_at: datetime | None
    error: str  # what went wrong last, "" once a batch went again
    refused_statement: str | None  # the id it refused, which waits for an administrator
    voids_waiting: int = 0  # its copies of erased statements still to void there
    course: str | None = None  # the slug of the only course whose statements it gets
    course_title: str = ""  # and its title
    username: str = ""  # the key it gave learnloop (its secret is never shown)


def forwards(db: Database, viewer: Viewer | None, *, base: str) -> list[ForwardRow]:
    """Every LRS that gets the statements; ``viewer`` None: the operator, on the command line;
    ``base``: learnloop's public address (a course's activity IRIs start with it). A course's
    statements are found by their filed index keys: file the queue first (statement_index's
    ``catch_up``), or those still queued (on SQLite) are not counted as waiting yet."""
    if viewer is not None:
        require_role(viewer, Role.ADMIN)
    rows: list[ForwardRow] = []
    with db.reading() as s:
        for f in s.scalars(select(XapiForward).order_by(XapiForward.name)):
            about, slug, title = None, None, ""
            if f.course_id is not None:
                course = course_by_id(s, f.course_id)
                slug, title = course.slug, course.title
                about = course_statements(course, course_iri(base, slug), f.sent_through)
            waiting = select(func.count()).select_from(XapiStatement)
            waiting = waiting.where(still_to_send(f.scope, f.sent_through, about))
            refused = None
            if f.refused_seq is not None:  # "" when the statement is gone since (an erasure)
                refused = (
                    s.scalar(select(XapiStatement.id).where(XapiStatement.seq == f.refused_seq))
                    or ""
                )
            voids = (
                select(func.count())
                .select_from(XapiForwardVoid)
                .where(XapiForwardVoid.forward_id == f.id, XapiForwardVoid.seq <= f.sent_through)
            )  # those it never got are not voided: they are not sent either
            rows.append(ForwardRow(
                f.name, f.endpoint, f.xapi_version, f.scope, f.sent_count,
                int(s.scalar(waiting) or 0), f.last_success_at, f.last_failure_at, f.last_error,
                refused, int(s.scalar(voids) or 0), slug, title, f.username,
            ))  # fmt: skip
    return rows


def forward_hosts(db: Database, user_id: int) -> list[str]:
    """The hosts of the LRSs that get a copy of the statements about the user ``user_id``, for
    their "My data" page: those that get every course's, and those that get one of the courses
    they learn or teach in (a class's course, or one they started)."""
    theirs = union(
        select(SchoolClass.course_id).join(ClassMember, ClassMember.class_id == SchoolClass.id)
        .where(ClassMember.user_id == user_id),
        select(LearnerCourse.course_id).where(LearnerCourse.user_id == user_id),
    )  # fmt: skip
    with db.reading() as s:
        endpoints = s.scalars(select(XapiForward.endpoint).where(
            XapiForward.course_id.is_(None) | XapiForward.course_id.in_(theirs)
        ))  # fmt: skip
        return sorted({urlsplit(e).hostname or e for e in endpoints})
