"""Reports of a problem with a question (domain.item_reports): a learner sends one from under the
question; an educator of their class, or an admin, looks at it and answers.

A learner has at most one open report on an item: reporting it again while the first is open
replaces what the first said, so a second thought is not a second report for the educator to
read. Once a report is answered, a new one can be sent; the learner's home tells them of the
answer until they have seen it there or under the question. Answering is recorded in the audit
trail with who answered, since the report row keeps no account but the learner's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.domain.item_reports import MAX_REPORT_COMMENT, MAX_REPORT_REPLY, REPORT_KINDS
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import record_event
from learnloop.storage import Database
from learnloop.storage.access import (
    learners_of_class_among,
    require_class_educator,
    require_learner,
    require_role,
)
from learnloop.storage.course_store import course_by_slug, course_of_learner
from learnloop.storage.tables import ClassMember, ItemReport, SchoolClass, User

__all__ = [
    "mark_answers_seen",
    "may_answer",
    "report_item",
    "resolve_item_report",
    "resolve_reports_on_item",
]


def report_item(
    db: Database,
    viewer: Viewer,
    *,
    activity_key: str,
    item_key: str,
    kind: str,
    comment: str,
    now: datetime | None = None,
) -> int:
    """Keep the learner's report on ``item_key`` as they met it in ``activity_key`` of their
    course; the report's id (that of their open report on the item, when they had one)."""
    require_learner(viewer)
    comment = comment.strip()
    if kind not in REPORT_KINDS:
        raise InvalidInput("kind", "choose one of %(kinds)s", kinds=", ".join(REPORT_KINDS))
    if len(comment) > MAX_REPORT_COMMENT:
        raise InvalidInput("comment", "use at most %(max)s characters", max=MAX_REPORT_COMMENT)
    if kind == "other" and not comment:
        raise InvalidInput("comment", "say what is wrong with the question")
    when = now or datetime.now(UTC)
    try:
        return _keep_report(db, viewer, activity_key, item_key, kind, comment, when)
    except IntegrityError:  # another of theirs, sent at the same moment, came first: replace it
        return _keep_report(db, viewer, activity_key, item_key, kind, comment, when)


def _keep_report(
    db: Database,
    viewer: Viewer,
    activity_key: str,
    item_key: str,
    kind: str,
    comment: str,
    when: datetime,
) -> int:
    with db.transaction() as s:
        course_id, course = course_of_learner(s, viewer.user_id)
        activity = course.activities.get(activity_key)
        if activity is None:
            raise NotFound(
                "activity %(activity_key)s does not exist", activity_key=repr(activity_key)
            )
        if item_key not in activity.items:
            raise InvalidInput("item", "the activity has no question %(item)s", item=repr(item_key))
        row = s.scalar(
            select(ItemReport).where(
                ItemReport.user_id == viewer.user_id,
                ItemReport.course_id == course_id,
                ItemReport.item_key == item_key,
                ItemReport.resolved_at.is_(None),
            )
        )
        if row is None:
            row = ItemReport(
                user_id=viewer.user_id, course_id=course_id, item_key=item_key, reply="",
            )  # fmt: skip
            s.add(row)
        row.activity_key, row.kind, row.comment, row.created_at = (
            activity_key, kind, comment, when,
        )  # fmt: skip
        s.flush()  # a second open report on the item stops here (uq_item_reports_open)
        return row.id


def _checked_reply(reply: str) -> str:
    reply = reply.strip()
    if len(reply) > MAX_REPORT_REPLY:
        raise InvalidInput("reply", "use at most %(max)s characters", max=MAX_REPORT_REPLY)
    return reply


def may_answer(s: Session, viewer: Viewer, report: ItemReport) -> bool:
    """Whether ``viewer`` may answer ``report``: an admin, or an educator of a class of the
    report's course that has its learner."""
    if viewer.is_admin:
        return True
    if viewer.role is not Role.EDUCATOR:
        return False
    mine = select(ClassMember.class_id).where(
        ClassMember.user_id == viewer.user_id, ClassMember.role == Role.EDUCATOR.value
    )
    return (
        s.scalar(
            select(ClassMember.class_id)
            .join(SchoolClass, SchoolClass.id == ClassMember.class_id)
            .where(
                ClassMember.user_id == report.user_id,
                ClassMember.role == Role.LEARNER.value,
                ClassMember.class_id.in_(mine),
                SchoolClass.course_id == report.course_id,
            )
            .limit(1)
        )
        is not None
    )


def resolve_item_report(
    db: Database,
    viewer: Viewer,
    report_id: int,
    *,
    reply: str,
    class_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Mark the report looked at, with ``reply`` for its learner to read (may be empty). With
    ``class_id`` (the class page it is answered from), the viewer must teach that class and the
    report's learner be in it."""
    reply = _checked_reply(reply)
    when = now or datetime.now(UTC)
    with db.transaction() as s:
        # locked (on PostgreSQL): two educators answering at once take turns, and the second is
        # told it was answered
        report = s.get(ItemReport, report_id, with_for_update=True)
        if class_id is not None:
            school_class = require_class_educator(s, viewer, class_id)
            if report is not None and (
                school_class.course_id != report.course_id
                or not learners_of_class_among(s, class_id, [report.user_id])
            ):
                report = None  # not this class's: it does not exist here
        if report is None or not may_answer(s, viewer, report):
            # a report exists only for those who may answer it, as a reflection for its learner
            raise NotFound("report %(report_id)s does not exist", report_id=report_id)
        if report.resolved_at is not None:
            raise InvalidInput("report", "this report has been answered already")
        report.resolved_at, report.reply = when, reply
        learner = s.get(User, report.user_id)
        record_event(
            s, actor=viewer.username, action="item_report.resolved",
            subject=learner.username if learner is not None else str(report.user_id), now=when,
            details={"report": report.id, "item": report.item_key, "kind": report.kind},
        )  # fmt: skip


def resolve_reports_on_item(
    db: Database,
    viewer: Viewer,
    *,
    item_key: str,
    reply: str,
    class_id: int | None = None,
    course_slug: str | None = None,
    now: datetime | None = None,
) -> int:
    """Answer every open report on ``item_key`` at once, with one ``reply``: those of the class's
    learners (``class_id``, its educators and admins) or every learner's on the course
    (``course_slug``, admins); how many. Twelve learners who found the same wrong key get the
    same answer, and each report is recorded in the audit trail as if answered alone."""
    reply = _checked_reply(reply)
    when = now or datetime.now(UTC)
    with db.transaction() as s:
        query = select(ItemReport, User.username).join(User, User.id == ItemReport.user_id)
        if class_id is not None:
            school_class = require_class_educator(s, viewer, class_id)
            query = query.where(
                ItemReport.course_id == school_class.course_id,
                ItemReport.user_id.in_(
                    select(ClassMember.user_id).where(
                        ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value
                    )
                ),
            )
        else:
            require_role(viewer, Role.ADMIN)
            course_id, _ = course_by_slug(s, course_slug or "")
            query = query.where(ItemReport.course_id == course_id)
        found = list(
            s.execute(
                query.where(ItemReport.item_key == item_key, ItemReport.resolved_at.is_(None))
                .order_by(ItemReport.id)
                .with_for_update(of=ItemReport)
            )
        )
        if not found:
            raise InvalidInput("item", "no report on %(item)s waits", item=repr(item_key))
        for report, username in found:
            report.resolved_at, report.reply = when, reply
            record_event(
                s, actor=viewer.username, action="item_report.resolved", subject=username,
                now=when, details={"report": report.id, "item": item_key, "kind": report.kind},
            )  # fmt: skip
        return len(found)


def mark_answers_seen(
    db: Database, viewer: Viewer, report_ids: list[int], *, now: datetime | None = None
) -> int:
    """The learner has seen the answers to these reports of theirs (the others are left alone:
    nobody marks another's); how many were new."""
    require_learner(viewer)
    if not report_ids:
        return 0
    with db.transaction() as s:
        done = s.execute(
            update(ItemReport)
            .where(
                ItemReport.id.in_(report_ids),
                ItemReport.user_id == viewer.user_id,
                ItemReport.resolved_at.is_not(None),
                ItemReport.answer_seen_at.is_(None),
            )
            .values(answer_seen_at=now or datetime.now(UTC))
        )
        return int(done.rowcount)  # type: ignore[attr-defined]
