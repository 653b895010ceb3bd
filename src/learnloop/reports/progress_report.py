"""A learner's progress on one page, to print or to hand to their family: every objective of the
course with where they stand on it (mastered on which day, the estimate while in progress, what
unlocks a locked one), their goal and pace, their last weeks of practice and their latest score.
The learner reads their own; an educator of their class reads it for them (a parents' evening, a
report card). Read-only, like every report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, select

from learnloop.domain import Role, Viewer
from learnloop.domain.goals import GoalPace
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.reports.goal_progress import goal_of
from learnloop.reports.learner_state import LearnerState, load_learner_states, objective_state
from learnloop.reports.learner_views import learner_state_for
from learnloop.reports.score_views import ScoreResult, latest_scores, learner_scores
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator
from learnloop.storage.tables import Attempt, ClassMember, SchoolClass, User

__all__ = [
    "REPORT_WEEKS",
    "ProgressReport",
    "ReportObjective",
    "WeekOfPractice",
    "class_progress_reports",
    "progress_report",
]

# Weeks of practice the report shows, the latest last: a month, what a family asks about ("is
# she working?") and what a report card covers between two meetings.
REPORT_WEEKS = 4


@dataclass(frozen=True)
class ReportObjective:
    key: str
    title: str
    statement: str  # what mastering it means, as the course says it
    state: str  # mastered | in-progress | ready | locked
    p_known: float
    attempts: int
    mastered_at: datetime | None
    missing: tuple[str, ...]  # titles of the prerequisites still to master (locked ones)


@dataclass(frozen=True)
class WeekOfPractice:
    monday: date
    answers: int
    right: int
    days: int  # days with at least one answer


@dataclass(frozen=True)
class ProgressReport:
    learner: str
    course_title: str
    course_language: str  # the course's own texts are in it (their lang attribute)
    class_name: str | None  # the class an educator reads it through
    made_on: date
    objectives: list[ReportObjective]  # in prerequisite order
    goal_title: str | None
    goal_date: date | None
    pace: GoalPace | None
    weeks: list[WeekOfPractice]  # REPORT_WEEKS of them, the latest last
    answers: int  # every counted answer in the course
    first_answer: date | None
    score: ScoreResult | None  # the latest score test, if the course has one

    def count(self, state: str) -> int:
        return sum(o.state == state for o in self.objectives)


def _weeks(rows: list[tuple[datetime, bool]], today: date) -> list[WeekOfPractice]:
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=n) for n in range(REPORT_WEEKS - 1, -1, -1)]
    out = []
    for monday in mondays:
        week = [(at, right) for at, right in rows if monday <= at.date() < monday + timedelta(7)]
        out.append(WeekOfPractice(monday, len(week), sum(r for _, r in week),
                                  len({at.date() for at, _ in week})))  # fmt: skip
    return out


def _first_monday(now: datetime) -> datetime:
    """The start of the first week the report shows."""
    monday = now.date() - timedelta(days=now.date().weekday() + 7 * (REPORT_WEEKS - 1))
    return datetime.combine(monday, datetime.min.time(), tzinfo=now.tzinfo)


def _counted(learner_ids: list[int], course_id: int) -> ColumnElement[bool]:
    return and_(Attempt.user_id.in_(learner_ids), Attempt.course_id == course_id,
                Attempt.counted.is_(True))  # fmt: skip


def _report(
    state: LearnerState, name: str, class_name: str | None, recent: list[tuple[datetime, bool]],
    answers: tuple[int, datetime | None], score: ScoreResult | None, now: datetime, words: Wording,
) -> ProgressReport:  # fmt: skip
    """One learner's report from what was read about them."""
    course = state.course
    objectives = []
    for key in course.graph.topological_order:
        row = state.mastery.get(key)
        missing = course.graph.missing_prerequisites(key, state.mastered)
        objectives.append(ReportObjective(
            key, course.objectives[key].title, course.objectives[key].statement,
            objective_state(state, key), state.p_known(key), state.attempts(key),
            row.mastered_at if row is not None and key in state.mastered else None,
            tuple(course.objectives[m].title for m in missing),
        ))  # fmt: skip
    goal = state.goal
    started = state.started
    pace = goal_of(course, goal, started.goal_date if started else None,
                   state.profile.weekly_minutes, state.mastery.values(), now, words=words)  # fmt: skip
    total, first = answers
    return ProgressReport(
        name, course.title, course.language, class_name, now.date(), objectives,
        course.objectives[goal].title if goal else None, started.goal_date if started else None,
        pace, _weeks(recent, now.date()), total, first.date() if first else None, score,
    )  # fmt: skip


def progress_report(
    db: Database,
    viewer: Viewer,
    learner_id: int,
    *,
    class_id: int | None = None,
    now: datetime,
    words: Wording = IN_ENGLISH,
) -> ProgressReport:
    """The report of ``learner_id`` for themselves (``class_id`` None) or for an educator of
    their class ``class_id``; NotFound to anyone else."""
    with db.reading() as s:
        state = learner_state_for(s, viewer, learner_id, class_id)
        name = s.scalar(select(User.display_name).where(User.id == learner_id)) or ""
        class_name = (
            s.scalar(select(SchoolClass.name).where(SchoolClass.id == class_id))
            if class_id is not None
            else None
        )
        counted = _counted([learner_id], state.course_id)
        recent = [(at, bool(right)) for at, right in s.execute(
            select(Attempt.created_at, Attempt.correct)
            .where(counted, Attempt.created_at >= _first_monday(now))
        )]  # fmt: skip
        total, first = s.execute(select(func.count(), func.min(Attempt.created_at))
                                 .where(counted)).one()  # fmt: skip
        scores = learner_scores(s, learner_id, state.course_id)
    score = max(scores, key=lambda r: r.finished_at) if scores else None
    return _report(state, name, class_name, recent, (int(total or 0), first), score, now, words)


def class_progress_reports(
    db: Database, viewer: Viewer, class_id: int, *, now: datetime, words: Wording = IN_ENGLISH
) -> tuple[str, list[ProgressReport]]:
    """The class's name and each of its learners' reports, by name (the class's educators and
    admins), to print them all at once for a parents' evening: each the same as
    ``progress_report`` gives, read for the whole class in a number of queries that does not
    grow with it."""
    with db.reading() as s:
        require_class_educator(s, viewer, class_id)
        name, course_id = s.execute(
            select(SchoolClass.name, SchoolClass.course_id).where(SchoolClass.id == class_id)
        ).one()
        learners = list(s.execute(
            select(User.id, User.display_name).join(ClassMember, User.id == ClassMember.user_id)
            .where(ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value)
            .order_by(func.lower(User.display_name), User.username)
        ))  # fmt: skip
        ids = [user_id for user_id, _ in learners]
        states = load_learner_states(s, ids, course_id, now)
        recent: dict[int, list[tuple[datetime, bool]]] = {i: [] for i in ids}
        for user_id, at, right in s.execute(
            select(Attempt.user_id, Attempt.created_at, Attempt.correct)
            .where(_counted(ids, course_id), Attempt.created_at >= _first_monday(now))
        ):  # fmt: skip
            recent[user_id].append((at, bool(right)))
        answers = {user_id: (int(total), first) for user_id, total, first in s.execute(
            select(Attempt.user_id, func.count(), func.min(Attempt.created_at))
            .where(_counted(ids, course_id)).group_by(Attempt.user_id)
        )}  # fmt: skip
        scores = latest_scores(s, ids, course_id)
    reports = [
        _report(states[i], display_name, name, recent[i], answers.get(i, (0, None)),
                scores.get(i), now, words)
        for i, display_name in learners
        if i in states  # one who never started learnloop has nothing to report yet
    ]  # fmt: skip
    return name, reports
