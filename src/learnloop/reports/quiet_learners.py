"""Who has gone quiet in a class: learners whose last answer in the class's course is older than
a named number of days (pedagogy.quiet_after_days), and those who have not answered in it yet.

Being stuck shows in the answers a learner gives; going quiet shows in the answers they no longer
give, and the class page would otherwise not show it at all. A learner who has mastered every
objective of the course is done, not quiet. Only answers count (in the app or from xAPI content):
they are what the learner model learns from, and the one activity every course has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.domain import Course
from learnloop.storage.tables import Attempt, Mastery

__all__ = ["QuietLearner", "QuietLearners", "last_answers", "quiet_learners"]


@dataclass(frozen=True)
class QuietLearner:
    learner_id: int
    display_name: str
    last_answer_at: datetime
    days: int  # whole days since that answer
    mastered: int  # objectives mastered in the course


@dataclass(frozen=True)
class QuietLearners:
    after_days: int
    quiet: list[QuietLearner]  # the longest quiet first
    not_started: list[tuple[int, str]]  # (learner id, name): no answer in the course yet


def last_answers(s: Session, learner_ids: list[int], course_id: int) -> dict[int, datetime]:
    """In the caller's read: each learner's latest answer in the course (none: not there)."""
    if not learner_ids:
        return {}
    rows = s.execute(
        select(Attempt.user_id, func.max(Attempt.created_at))
        .where(Attempt.user_id.in_(learner_ids), Attempt.course_id == course_id)
        .group_by(Attempt.user_id)
    ).all()
    return {int(user_id): at for user_id, at in rows if at is not None}


def quiet_learners(
    s: Session,
    course_id: int,
    course: Course,
    learners: Mapping[int, str],
    mastery: Mapping[int, list[Mastery]],
    now: datetime,
    after_days: int,
) -> QuietLearners:
    """In the caller's read: ``learners`` (id to name) quiet for ``after_days`` or more in the
    course, and those who have not started it; ``mastery``: their rows in the course."""
    latest = last_answers(s, list(learners), course_id)
    everything = len(course.objectives)
    quiet: list[QuietLearner] = []
    not_started: list[tuple[int, str]] = []
    for learner_id, name in learners.items():
        mastered = sum(1 for m in mastery.get(learner_id, []) if m.mastered)
        if mastered >= everything:
            continue  # done with the course
        at = latest.get(learner_id)
        if at is None:
            not_started.append((learner_id, name))
            continue
        days = (now - at).days
        if days >= after_days:
            quiet.append(QuietLearner(learner_id, name, at, days, mastered))
    quiet.sort(key=lambda q: (q.last_answer_at, q.display_name))
    not_started.sort(key=lambda row: row[1])
    return QuietLearners(after_days, quiet, not_started)
