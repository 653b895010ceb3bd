"""Handed-in work and its rubric feedback as its readers see it: a learner, their own work on an
activity; an educator, their class's work waiting for feedback and the work they reviewed.
Access as in services.projects: the class and nobody else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session, aliased

from learnloop.domain import Course, RubricCriterion, Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.access import (
    learner_class,
    learner_record_scope,
    moderates_class,
    require_class_educator,
    require_learner,
)
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import (
    ClassGroup,
    ClassGroupMember,
    ProjectReview,
    ProjectSubmission,
    SchoolClass,
    User,
)

__all__ = [
    "REVIEWED_SHOWN", "ClassWork", "LevelView", "ReviewView", "SubmissionView", "class_work",
    "learner_work", "reviewed_work_of_mine", "submission_for_review", "work_of_learner",
]  # fmt: skip

REVIEWED_SHOWN = 50  # reviewed work listed on the educator's page: a few weeks of a class


@dataclass(frozen=True)
class LevelView:
    key: str  # the criterion's key
    criterion: str  # the criterion's title
    level: str  # the chosen level's text
    index: int  # 0 = lowest
    top: int  # the highest index (levels - 1)


@dataclass(frozen=True)
class ReviewView:
    levels: list[LevelView]
    comment: str  # plain text: the templates escape it
    educator: str
    at: datetime


@dataclass(frozen=True)
class SubmissionView:
    id: int
    class_id: int
    activity_key: str
    activity_title: str
    learner_id: int
    learner: str  # who handed it in
    group_id: int | None  # handed in for this group of the class; None: alone
    group: str  # the group's name, or ""
    body: str  # plain text: the templates escape it
    at: datetime
    review: ReviewView | None


@dataclass(frozen=True)
class ClassWork:
    class_id: int
    class_name: str
    awaiting: list[SubmissionView]  # the latest version of each piece of work, oldest first
    reviewed: list[SubmissionView]  # newest review first


def _review(course: Course, activity_key: str, review: ProjectReview, by: str) -> ReviewView:
    activity = course.activities.get(activity_key)
    levels = [
        LevelView(
            c.key, c.title, c.levels[review.levels[c.key]], review.levels[c.key], len(c.levels) - 1
        )
        for c in (activity.rubric if activity is not None else ())
        if isinstance(review.levels.get(c.key), int) and review.levels[c.key] < len(c.levels)
    ]
    return ReviewView(levels, review.comment, by, review.reviewed_at)


def _views(s: Session, course: Course, where: list[ColumnElement[bool]]) -> list[SubmissionView]:
    learner, educator = aliased(User), aliased(User)
    rows = s.execute(
        select(
            ProjectSubmission,
            learner.display_name,
            ProjectReview,
            educator.display_name,
            ClassGroup.name,
        )
        .join(learner, learner.id == ProjectSubmission.learner_id)
        .outerjoin(ClassGroup, ClassGroup.id == ProjectSubmission.group_id)
        .outerjoin(ProjectReview, ProjectReview.submission_id == ProjectSubmission.id)
        .outerjoin(educator, educator.id == ProjectReview.educator_id)
        .where(*where)
        .order_by(ProjectSubmission.submitted_at.desc(), ProjectSubmission.id.desc())
    )
    out = []
    for sub, learner_name, review, educator_name, group_name in rows:
        activity = course.activities.get(sub.activity_key)
        out.append(
            SubmissionView(
                sub.id, sub.class_id, sub.activity_key,
                activity.title if activity is not None else sub.activity_key,
                sub.learner_id, learner_name, sub.group_id, group_name or "", sub.body,
                sub.submitted_at,
                None if review is None
                else _review(course, sub.activity_key, review, educator_name or "an educator"),
            )
        )  # fmt: skip
    return out


def _mine_or_my_groups(user_id: int) -> ColumnElement[bool]:
    """Work the learner handed in, or that was handed in for a group they are in."""
    groups = select(ClassGroupMember.group_id).where(ClassGroupMember.user_id == user_id)
    return or_(ProjectSubmission.learner_id == user_id, ProjectSubmission.group_id.in_(groups))


def learner_work(db: Database, viewer: Viewer, activity_key: str) -> list[SubmissionView]:
    """The learner's own work on ``activity_key`` in their class, newest first (NotFound when
    they are in no class for their course)."""
    require_learner(viewer)
    with db.reading() as s:
        school_class = learner_class(s, viewer)
        course = course_by_id(s, school_class.course_id)
        return _views(
            s, course,
            [ProjectSubmission.class_id == school_class.id,
             _mine_or_my_groups(viewer.user_id),
             ProjectSubmission.activity_key == activity_key],
        )  # fmt: skip


def reviewed_work_of_mine(db: Database, viewer: Viewer, limit: int = 3) -> list[SubmissionView]:
    """The learner's work with feedback, newest feedback first (for the home page); empty when
    they are in no class for their course."""
    require_learner(viewer)
    with db.reading() as s:
        try:
            school_class = learner_class(s, viewer)
        except NotFound:
            return []
        course = course_by_id(s, school_class.course_id)
        mine = _views(
            s, course,
            [ProjectSubmission.class_id == school_class.id,
             _mine_or_my_groups(viewer.user_id), ProjectReview.id.is_not(None)],
        )  # fmt: skip
    return sorted(mine, key=lambda v: v.review.at if v.review else v.at, reverse=True)[:limit]


def work_of_learner(
    db: Database, viewer: Viewer, class_id: int, learner_id: int
) -> list[SubmissionView]:
    """One learner's work in the class, newest first, for its educators and admins."""
    with db.reading() as s:
        _, course = learner_record_scope(s, viewer, learner_id, class_id)
        return _views(
            s, course,
            [ProjectSubmission.class_id == class_id, ProjectSubmission.learner_id == learner_id],
        )  # fmt: skip


def class_work(db: Database, viewer: Viewer, class_id: int) -> ClassWork:
    """The class's work waiting for feedback (only each learner's latest version of an
    activity: an earlier one is superseded) and the most recently reviewed."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        every = _views(s, course, [ProjectSubmission.class_id == class_id])
    latest: set[tuple[int, int, str]] = set()
    awaiting = []
    for view in every:  # newest first: the first of each author and activity is the latest
        # the author is the group for group work (any member's version supersedes), else the learner
        key = (view.group_id or 0, 0 if view.group_id else view.learner_id, view.activity_key)
        if key in latest:
            continue
        latest.add(key)
        if view.review is None:
            awaiting.append(view)
    reviewed = sorted(
        (v for v in every if v.review is not None),
        key=lambda v: v.review.at if v.review else v.at,
        reverse=True,
    )
    return ClassWork(class_id, school_class.name, awaiting[::-1], reviewed[:REVIEWED_SHOWN])


def submission_for_review(
    db: Database, viewer: Viewer, submission_id: int
) -> tuple[SubmissionView, tuple[RubricCriterion, ...], list[SubmissionView]]:
    """A submission, its activity's rubric and the learner's other versions of the work (newest
    first), for an educator of its class or an admin; NotFound for anyone else."""
    with db.reading() as s:
        row = s.get(ProjectSubmission, submission_id)
        if row is None or not moderates_class(s, viewer, row.class_id):
            raise NotFound(
                "submission %(submission_id)s does not exist", submission_id=submission_id
            )
        school_class = s.get(SchoolClass, row.class_id)
        assert school_class is not None  # the foreign key
        course = course_by_id(s, school_class.course_id)
        author = (
            ProjectSubmission.group_id == row.group_id
            if row.group_id is not None
            else (ProjectSubmission.learner_id == row.learner_id)
            & ProjectSubmission.group_id.is_(None)
        )
        versions = _views(
            s, course,
            [ProjectSubmission.class_id == row.class_id, author,
             ProjectSubmission.activity_key == row.activity_key],
        )  # fmt: skip
    activity = course.activities.get(row.activity_key)
    this = next(v for v in versions if v.id == submission_id)
    others = [v for v in versions if v.id != submission_id]
    return this, activity.rubric if activity is not None else (), others
