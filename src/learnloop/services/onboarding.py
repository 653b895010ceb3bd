"""A learner's start in a course, and their choice among the courses they may follow.

Onboarding asks what belongs to the learner (interests, preferred kinds of activity, the time
they can give a week) once, and what belongs to a course (the goal in it and its date) in each
course they start: a learner in classes on several courses keeps a goal in each. Switching to a
course they have not started yet sends them through onboarding for it (``Followed.started``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from learnloop.domain import Modality, Viewer
from learnloop.exceptions import InvalidInput, PermissionDenied
from learnloop.services.courses import follow_course, learner_profile
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_courses import course_goal, followable_courses
from learnloop.storage.tables import LearnerCourse

__all__ = [
    "MAX_WEEKLY_MINUTES",
    "MIN_WEEKLY_MINUTES",
    "Followed",
    "choose_course",
    "complete_onboarding",
]

# The time a learner may say they give a week: at least ten minutes (less plans nothing), at most
# forty hours (a full-time week; more is a typo).
MIN_WEEKLY_MINUTES = 10
MAX_WEEKLY_MINUTES = 2400


@dataclass(frozen=True)
class Followed:
    course_id: int
    title: str
    started: bool  # False: onboarding asks the goal in it next


def _may_follow(s: Session, user_id: int, course_id: int) -> str:
    """The course's title, if the learner may follow it (``storage.learner_courses``)."""
    course_by_id(s, course_id)  # NotFound if it does not exist
    for followable, title in followable_courses(s, user_id):
        if followable == course_id:
            return title
    raise PermissionDenied(
        "your classes choose your courses: join a class on this course with its code"
    )


def choose_course(db: Database, viewer: Viewer, course_id: int) -> Followed:
    """Make ``course_id`` the course the learner follows now; their goal in it, and their
    answers and mastery, are as they left them."""
    require_learner(viewer)
    with db.transaction() as s:
        title = _may_follow(s, viewer.user_id, course_id)
        follow_course(s, viewer.user_id, course_id)
        return Followed(course_id, title, course_goal(s, viewer.user_id, course_id) is not None)


def _check_answers(
    interests: str, preferred_modalities: list[str], weekly_minutes: int | None
) -> None:
    if (
        weekly_minutes is not None
        and not MIN_WEEKLY_MINUTES <= weekly_minutes <= MAX_WEEKLY_MINUTES
    ):
        raise InvalidInput(
            "weekly_minutes",
            "give between %(low)s and %(high)s minutes a week",
            low=MIN_WEEKLY_MINUTES,
            high=MAX_WEEKLY_MINUTES,
        )
    known = {m.value for m in Modality}
    for modality in preferred_modalities:
        if modality not in known:
            raise InvalidInput(
                "preferred_modalities",
                "%(modality)s is not one of %(value)s",
                modality=repr(modality),
                value=sorted(known),
            )
    if len(interests) > 1000:
        raise InvalidInput("interests", "use at most 1000 characters")


def complete_onboarding(
    db: Database,
    viewer: Viewer,
    *,
    course_id: int | None,
    goal_objective: str | None,
    goal_date: date | None,
    interests: str,
    preferred_modalities: list[str],
    weekly_minutes: int | None = None,
    now: datetime | None = None,
) -> None:
    """Record the learner's goal in the course (``course_id``, or the one they follow), their
    interests, preferred kinds of activity and the time they can give a week."""
    require_learner(viewer)
    _check_answers(interests, preferred_modalities, weekly_minutes)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        profile = learner_profile(s, viewer.user_id)
        if course_id is not None and course_id != profile.course_id:
            _may_follow(s, viewer.user_id, course_id)
            profile.course_id = course_id
        if profile.course_id is None:
            raise InvalidInput("course_id", "choose a course to follow")
        course = course_by_id(s, profile.course_id)
        if goal_objective and goal_objective not in course.objectives:
            raise InvalidInput(
                "goal_objective",
                "%(goal_objective)s is not an objective of this course",
                goal_objective=repr(goal_objective),
            )
        if goal_date is not None and goal_date < now.date():
            raise InvalidInput("goal_date", "a goal date cannot be in the past")
        row = course_goal(s, viewer.user_id, profile.course_id)
        if row is None:
            row = LearnerCourse(user_id=viewer.user_id, course_id=profile.course_id, started_at=now)
            s.add(row)
        row.goal_objective = goal_objective or None
        row.goal_date = goal_date
        profile.interests = interests.strip()
        profile.preferred_modalities = list(dict.fromkeys(preferred_modalities))
        profile.weekly_minutes = weekly_minutes
        profile.onboarded_at = profile.onboarded_at or now
