"""Project work and rubric feedback (product.md, Collaboration: "rubric feedback on project work";
Educator: "give feedback on submitted work").

A learner hands in work (plain text: their answer, their working, links to what they made) on a
project or hands-on activity that is unlocked for them, in their class for the course. The class's
educators, and admins, read it and give a level for each criterion of the activity's rubric and a
comment. A submission is never edited: a better version is handed in as a new one, so feedback
always refers to what its educator read. Reviewing again replaces the review, which records who
gave it and when. Work handed in for a group of the class (services.class_groups) is the group's:
every member sees it and its feedback, and a better version by any of them supersedes it. Nobody
outside the class sees the work: to them a submission does not exist.

The rubric is feedback for the learner, not evidence for the learner model: mastery still comes
from answers (an educator who judges an objective mastered from the work says so with a mastery
override, which carries its reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select

from learnloop.domain import RubricCriterion, Viewer
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.services.learning import is_locked, mastery_rows
from learnloop.storage import Database
from learnloop.storage.access import learner_class, moderates_class, require_learner
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import (
    ClassGroup,
    ClassGroupMember,
    ProjectReview,
    ProjectSubmission,
    SchoolClass,
)

__all__ = ["MAX_COMMENT_LENGTH", "MAX_WORK_LENGTH", "review_submission", "submit_work"]

# A written project fits (the recipe project's two scaled recipes with working are about 2,000
# characters); anything bigger is a file, which learners link to.
MAX_WORK_LENGTH = 10_000
MAX_COMMENT_LENGTH = 4_000  # as feedback messages (services.messages)


def submit_work(
    db: Database,
    viewer: Viewer,
    *,
    activity_key: str,
    body: str,
    group_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Hand in ``body`` on a project or hands-on activity of the learner's course, alone or for
    ``group_id``, a group of their class they are in; its id."""
    require_learner(viewer)
    body = body.strip()
    if not body:
        raise InvalidInput("body", "write or paste your work first")
    if len(body) > MAX_WORK_LENGTH:
        raise InvalidInput(
            "body",
            "use at most %(max)s characters (link to anything longer)",
            max=MAX_WORK_LENGTH,
        )
    with db.transaction() as s:
        school_class = learner_class(s, viewer)
        course = course_by_id(s, school_class.course_id)
        activity = course.activities.get(activity_key)
        if activity is None:
            raise NotFound(
                "activity %(activity_key)s does not exist", activity_key=repr(activity_key)
            )
        if not activity.takes_work:
            raise InvalidInput(
                "activity", "%(title)s takes answers, not handed-in work", title=activity.title
            )
        if is_locked(
            course, activity.objectives, mastery_rows(s, viewer.user_id, school_class.course_id)
        ):
            raise PermissionDenied("this activity is locked: master its prerequisites first")
        if group_id is not None:
            group = s.get(ClassGroup, group_id)
            member = s.get(ClassGroupMember, (group_id, viewer.user_id))
            if group is None or group.class_id != school_class.id or member is None:
                raise NotFound("you are in no group %(group_id)s of your class", group_id=group_id)
        row = ProjectSubmission(
            class_id=school_class.id, learner_id=viewer.user_id, activity_key=activity_key,
            group_id=group_id, body=body, submitted_at=now or datetime.now(UTC),
        )  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


def review_submission(
    db: Database,
    viewer: Viewer,
    submission_id: int,
    *,
    levels: Mapping[str, int],
    comment: str,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Give (or replace) the feedback on a submission: a level index (0 = lowest) for every
    criterion of the activity's rubric, and a comment (needed when the rubric is empty).
    Returns the submission's class and learner."""
    comment = comment.strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise InvalidInput(
            "comment",
            "use at most %(max)s characters",
            max=MAX_COMMENT_LENGTH,
        )
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        # locked: two educators saving at once replace each other's review, never insert two
        submission = s.get(ProjectSubmission, submission_id, with_for_update=True)
        if submission is None or not moderates_class(s, viewer, submission.class_id):
            # the same answer inside and outside the class: no hint that the work exists
            raise NotFound(
                "submission %(submission_id)s does not exist", submission_id=submission_id
            )
        school_class = s.get(SchoolClass, submission.class_id)
        assert school_class is not None  # the foreign key
        course = course_by_id(s, school_class.course_id)
        activity = course.activities.get(submission.activity_key)
        rubric = activity.rubric if activity is not None else ()
        chosen = _checked_levels(rubric, levels)
        if not rubric and not comment:
            raise InvalidInput("comment", "this activity has no rubric: write a comment")
        review = s.scalar(select(ProjectReview).where(ProjectReview.submission_id == submission_id))
        if review is None:
            review = ProjectReview(submission_id=submission_id)
            s.add(review)
        review.educator_id, review.levels = viewer.user_id, chosen
        review.comment, review.reviewed_at = comment, now
        return submission.class_id, submission.learner_id


def _checked_levels(
    rubric: tuple[RubricCriterion, ...], levels: Mapping[str, int]
) -> dict[str, int]:
    chosen: dict[str, int] = {}
    known = {c.key for c in rubric}
    unknown = sorted(set(levels) - known)
    if unknown:
        raise InvalidInput(
            "levels", "the rubric has no criterion %(value)s", value=repr(unknown[0])
        )
    for criterion in rubric:
        level = levels.get(criterion.key)
        if level is None:
            raise InvalidInput(
                f"levels.{criterion.key}", "choose a level for %(title)s", title=criterion.title
            )
        if not 0 <= level < len(criterion.levels):
            raise InvalidInput(
                f"levels.{criterion.key}",
                "%(title)s: a level from 0 to %(n)s, not %(level)s",
                title=criterion.title,
                n=len(criterion.levels) - 1,
                level=level,
            )
        chosen[criterion.key] = level
    return chosen
