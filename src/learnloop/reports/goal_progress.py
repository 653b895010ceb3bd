"""Learners' progress against their own goals, as their educator reads it: who has a goal in the
class's course, how far they are from it, and who is behind the pace their date needs (the same
reckoning as the learner's own home, ``domain.goals.goal_pace``).

A goal is the learner's, not an assignment: the class page lists those behind it so that the
educator can talk about a later date or more time, never to grade them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Course
from learnloop.domain.goals import GoalPace, goal_pace, objective_minutes
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.storage.tables import LearnerCourse, LearnerProfile, Mastery

__all__ = ["BEHIND_STATUSES", "LearnerGoal", "class_goals", "goal_of"]

# What the class page lists under "Behind their goal": a pace too slow for the date, and a date
# already passed with objectives to go. "starting" (no pace yet) is not behind: a learner one
# week in has not shown a pace to judge.
BEHIND_STATUSES = ("behind", "overdue")


@dataclass(frozen=True)
class LearnerGoal:
    learner_id: int
    display_name: str
    goal: str  # the objective's key
    goal_title: str
    goal_date: date | None
    weekly_minutes: int | None
    pace: GoalPace

    @property
    def behind(self) -> bool:
        return self.pace.status in BEHIND_STATUSES


def goal_of(
    course: Course,
    goal: str | None,
    goal_date: date | None,
    weekly_minutes: int | None,
    mastery: Iterable[Mastery],
    now: datetime,
    minutes: Mapping[str, int] | None = None,
    words: Wording = IN_ENGLISH,
) -> GoalPace | None:
    """The pace toward ``goal`` from the learner's mastery rows in ``course``; None without a
    goal in it. ``minutes``: the course's ``objective_minutes``, when already worked out;
    ``words``: the reader's, for the sentence the learner's home shows."""
    if goal is None or goal not in course.objectives:
        return None
    rows = list(mastery)
    practised = [
        m.mastered_at for m in rows if m.mastered and m.mastered_at is not None and m.attempts > 0
    ]
    return goal_pace(
        course.graph, goal, course.objectives[goal].title, goal_date,
        {m.objective_key for m in rows if m.mastered}, practised, now, words=words,
        weekly_minutes=weekly_minutes,
        minutes=objective_minutes(course) if minutes is None else minutes,
    )  # fmt: skip


def class_goals(
    s: Session,
    course_id: int,
    course: Course,
    learners: Mapping[int, str],
    mastery: Mapping[int, list[Mastery]],
    now: datetime,
) -> list[LearnerGoal]:
    """In the caller's read: the goals in ``course`` of ``learners`` (id to name), from their
    ``mastery`` rows already read, those behind first (the furthest first), then by name."""
    goals = s.execute(
        select(
            LearnerCourse.user_id, LearnerCourse.goal_objective, LearnerCourse.goal_date,
            LearnerProfile.weekly_minutes,
        )
        .outerjoin(LearnerProfile, LearnerProfile.user_id == LearnerCourse.user_id)
        .where(
            LearnerCourse.course_id == course_id,
            LearnerCourse.user_id.in_(list(learners)),
            LearnerCourse.goal_objective.is_not(None),
        )
    ).all()  # fmt: skip
    minutes = objective_minutes(course)
    out = []
    for user_id, goal, when, weekly in goals:
        pace = goal_of(course, goal, when, weekly, mastery.get(user_id, []), now, minutes)
        if pace is not None and goal is not None:
            title = course.objectives[goal].title
            out.append(LearnerGoal(user_id, learners[user_id], goal, title, when, weekly, pace))
    out.sort(key=lambda g: (not g.behind, -g.pace.remaining if g.behind else 0, g.display_name))
    return out
