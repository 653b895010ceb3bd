"""What an educator sees: their classes, a class overview, one learner in detail.

Each view runs a fixed number of queries whatever the size of the class (netbox's query budgets):
the tests count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.config import PedagogySettings
from learnloop.domain import Course, Role, Viewer
from learnloop.domain.goals import GoalPace
from learnloop.reports.class_messages import ExchangeEntry, exchange_with, new_replies_by_class
from learnloop.reports.goal_progress import LearnerGoal, class_goals, goal_of
from learnloop.reports.quiet_learners import QuietLearners, quiet_learners
from learnloop.reports.review_views import (
    PlacementSummary,
    ReviewEntry,
    learner_reviews,
    placement_summary,
)
from learnloop.reports.score_views import ScoreResult, latest_scores, learner_scores
from learnloop.reports.stuck_reasons import StuckReason, stuck_reasons
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner_in_class, require_role
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_courses import course_goal
from learnloop.storage.tables import (
    Attempt,
    ClassMember,
    LearnerProfile,
    Mastery,
    MasteryEvent,
    SchoolClass,
    User,
)
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "ClassOverview",
    "ClassSummary",
    "LearnerDetail",
    "StuckLearner",
    "class_ended_at",
    "class_overview",
    "classes_for",
    "learner_answers",
    "learner_detail",
]


@dataclass(frozen=True)
class ClassSummary:
    id: int
    name: str
    course_title: str
    learners: int
    new_replies: int = 0  # learners' replies to the viewer they have not read yet
    ended_at: datetime | None = None  # when an admin ended it (services.class_lifecycle)


@dataclass(frozen=True)
class Cell:
    p_known: float | None  # None: never practised
    attempts: int
    state: str  # mastered | in-progress | ready | locked


@dataclass(frozen=True)
class LearnerRow:
    id: int
    display_name: str
    username: str
    cells: list[Cell]
    mastered: int
    score: ScoreResult | None = None  # the latest finished score test, if the course has one


@dataclass(frozen=True)
class StuckLearner:
    learner_id: int
    display_name: str
    objective: str
    objective_title: str
    attempts: int
    p_known: float
    reasons: list[StuckReason] = field(default_factory=list)  # leads, from their record


@dataclass(frozen=True)
class ClassOverview:
    id: int
    name: str
    course: Course
    objectives: list[tuple[str, str]]  # key, title, in prerequisite order
    learners: list[LearnerRow]
    stuck: list[StuckLearner]
    stuck_threshold: int
    mastery_threshold: float
    goals: list[LearnerGoal]  # those behind first
    quiet: QuietLearners  # who has gone quiet, and who has not started
    ended_at: datetime | None = None  # when an admin ended it: nothing new starts in it

    @property
    def behind(self) -> list[LearnerGoal]:
        """Learners behind the pace their own goal's date needs."""
        return [g for g in self.goals if g.behind]


@dataclass(frozen=True)
class AttemptRow:
    id: int
    at: datetime
    activity_key: str
    activity_title: str
    item_key: str
    answer_text: str
    correct: bool
    counted: bool


@dataclass(frozen=True)
class LearnerDetail:
    class_id: int
    class_name: str
    learner_id: int
    display_name: str
    username: str
    course: Course
    goal_title: str | None
    mastery: list[tuple[str, str, float, int, bool]]  # key, title, p, attempts, mastered
    history: dict[str, list[tuple[datetime, float]]]  # objective -> [(time, p_after)]
    attempts: list[AttemptRow]
    feedback: list[ExchangeEntry]  # the exchange with the class's educators, newest first
    placement: PlacementSummary | None = None
    reviews: list[ReviewEntry] | None = None
    scores: list[ScoreResult] | None = None  # finished score tests, newest first
    # what they answered at onboarding (which tells them educators see it)
    goal_objective: str | None = None
    goal_date: date | None = None
    interests: str = ""
    preferred_modalities: tuple[str, ...] = ()
    weekly_minutes: int | None = None
    pace: GoalPace | None = None  # toward the goal, as the learner's home reckons it
    # where the learner stands with this course: "following" it now, "elsewhere" (following
    # another course of theirs at the moment), or "not-started" (never asked their goal in it)
    following: str = "following"


def class_ended_at(db: Database, viewer: Viewer, class_id: int) -> datetime | None:
    """When an admin ended the class, None while it runs (its educators and admins)."""
    with db.reading() as s:
        return require_class_educator(s, viewer, class_id).ended_at


def classes_for(db: Database, viewer: Viewer) -> list[ClassSummary]:
    """The classes an educator teaches; every class for an admin."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    learners = (
        select(ClassMember.class_id, func.count().label("n"))
        .where(ClassMember.role == Role.LEARNER.value)
        .group_by(ClassMember.class_id)
        .subquery()
    )
    query = (
        select(
            SchoolClass.id,
            SchoolClass.name,
            CourseRow.title,
            func.coalesce(learners.c.n, 0),
            SchoolClass.ended_at,
        )
        .join(CourseRow, CourseRow.id == SchoolClass.course_id)
        .outerjoin(learners, learners.c.class_id == SchoolClass.id)
        .order_by(SchoolClass.name)
    )
    if not viewer.is_admin:
        query = query.join(ClassMember, ClassMember.class_id == SchoolClass.id).where(
            ClassMember.user_id == viewer.user_id, ClassMember.role == Role.EDUCATOR.value
        )
    with db.reading() as s:
        rows = list(s.execute(query))
        new = new_replies_by_class(s, viewer.user_id, (row[0] for row in rows))
        return [
            ClassSummary(id, name, course, learners, new.get(id, 0), ended_at)
            for id, name, course, learners, ended_at in rows
        ]


def _heatmap(
    course: Course,
    learners: list[tuple[int, str, str]],
    mastery: dict[int, list[Mastery]],
    scores: dict[int, ScoreResult],
    pedagogy: PedagogySettings,
) -> tuple[list[LearnerRow], list[StuckLearner]]:
    """The heatmap's rows, learner by learner, and who is stuck (the most answers first)."""
    order = list(course.graph.topological_order)
    out_rows: list[LearnerRow] = []
    stuck: list[StuckLearner] = []
    for learner_id, name, username in learners:
        own = {m.objective_key: m for m in mastery.get(learner_id, [])}
        mastered = {k for k, m in own.items() if m.mastered}
        cells = []
        for key in order:
            m = own.get(key)
            if m is not None and m.mastered:
                state = "mastered"
            elif not course.graph.is_unlocked(key, mastered):
                state = "locked"
            else:
                state = "in-progress" if m is not None and m.attempts else "ready"
            cells.append(Cell(m.p_known if m else None, m.attempts if m else 0, state))
            if m is not None and not m.mastered and m.attempts >= pedagogy.stuck_min_attempts:
                stuck.append(
                    StuckLearner(
                        learner_id, name, key, course.objectives[key].title, m.attempts, m.p_known
                    )
                )
        out_rows.append(
            LearnerRow(learner_id, name, username, cells, len(mastered), scores.get(learner_id))
        )
    stuck.sort(key=lambda x: (-x.attempts, x.display_name))
    return out_rows, stuck


def class_overview(
    db: Database,
    viewer: Viewer,
    class_id: int,
    pedagogy: PedagogySettings,
    now: datetime | None = None,
) -> ClassOverview:
    now = now or datetime.now(UTC)
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        course_id = school_class.course_id
        course = course_by_id(s, course_id)
        learners = [
            (int(i), str(name), str(username))
            for i, name, username in s.execute(
                select(User.id, User.display_name, User.username)
                .join(ClassMember, ClassMember.user_id == User.id)
                .where(ClassMember.class_id == class_id, ClassMember.role == Role.LEARNER.value)
                .order_by(User.display_name)
            )
        ]
        ids = [row[0] for row in learners]
        rows: dict[tuple[int, str], Mastery] = {
            (m.user_id, m.objective_key): m
            for m in s.scalars(
                select(Mastery).where(Mastery.user_id.in_(ids), Mastery.course_id == course_id)
            )
        }
        scores = latest_scores(s, ids, course_id) if course.score_test is not None else {}
        by_learner: dict[int, list[Mastery]] = {}
        for (user_id, _), row in rows.items():
            by_learner.setdefault(user_id, []).append(row)
        names = {i: name for i, name, _ in learners}
        goals = class_goals(s, course_id, course, names, by_learner, now)
        out_rows, stuck = _heatmap(course, learners, by_learner, scores, pedagogy)
        quiet = quiet_learners(
            s, course_id, course, names, by_learner, now, pedagogy.quiet_after_days
        )
        reasons = stuck_reasons(
            s, course_id, course, [(x.learner_id, x.objective) for x in stuck], rows, pedagogy,
            now,
        )  # fmt: skip
    stuck = [replace(x, reasons=reasons[(x.learner_id, x.objective)]) for x in stuck]
    return ClassOverview(
        class_id,
        school_class.name,
        course,
        [(k, course.objectives[k].title) for k in course.graph.topological_order],
        out_rows,
        stuck,
        pedagogy.stuck_min_attempts,
        pedagogy.mastery_threshold,
        goals,
        quiet,
        school_class.ended_at,
    )


def _answer_rows(
    s: Session, learner_id: int, course_id: int, course: Course, limit: int
) -> list[AttemptRow]:
    """The learner's latest ``limit`` answers in the course, latest first."""
    return [
        AttemptRow(
            a.id, a.created_at, a.activity_key,
            course.activities[a.activity_key].title
            if a.activity_key in course.activities else a.activity_key,
            a.item_key, a.answer_text, a.correct, a.counted,
        )
        for a in s.scalars(
            select(Attempt)
            .where(Attempt.user_id == learner_id, Attempt.course_id == course_id)
            .order_by(Attempt.created_at.desc(), Attempt.id.desc())
            .limit(limit)
        )
    ]  # fmt: skip


def learner_answers(
    db: Database, viewer: Viewer, class_id: int, learner_id: int, *, limit: int = 200
) -> list[AttemptRow]:
    """A learner's latest answers, for an educator of their class: only what the answers list
    needs, not the whole learner page."""
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        course = course_by_id(s, school_class.course_id)
        return _answer_rows(s, learner_id, school_class.course_id, course, limit)


def learner_detail(
    db: Database, viewer: Viewer, class_id: int, learner_id: int, *, limit: int = 200
) -> LearnerDetail:
    with db.reading() as s:
        school_class = require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        course = course_by_id(s, school_class.course_id)
        user = s.get(User, learner_id)
        profile = s.get(LearnerProfile, learner_id)
        started = course_goal(s, learner_id, school_class.course_id)
        assert user is not None
        mastery = {
            m.objective_key: m
            for m in s.scalars(
                select(Mastery).where(
                    Mastery.user_id == learner_id, Mastery.course_id == school_class.course_id
                )
            )
        }
        history: dict[str, list[tuple[datetime, float]]] = {}
        for e in s.scalars(
            select(MasteryEvent)
            .where(
                MasteryEvent.user_id == learner_id, MasteryEvent.course_id == school_class.course_id
            )
            .order_by(MasteryEvent.created_at, MasteryEvent.id)
        ):
            history.setdefault(e.objective_key, []).append((e.created_at, e.p_after))
        attempts = _answer_rows(s, learner_id, school_class.course_id, course, limit)
        feedback = exchange_with(s, viewer, class_id, learner_id)
        placement = placement_summary(s, learner_id, school_class.course_id, course)
        reviews = learner_reviews(s, learner_id, school_class.course_id, course)
        scores = learner_scores(s, learner_id, school_class.course_id)
    order = course.graph.topological_order
    goal = started.goal_objective if started else None
    return LearnerDetail(
        class_id=class_id,
        class_name=school_class.name,
        learner_id=learner_id,
        display_name=user.display_name,
        username=user.username,
        course=course,
        goal_title=course.objectives[goal].title if goal in course.objectives else None,
        mastery=[
            (
                k,
                course.objectives[k].title,
                m.p_known if (m := mastery.get(k)) else course.objectives[k].bkt.prior,
                m.attempts if m else 0,
                bool(m and m.mastered),
            )
            for k in order
        ],
        history={k: v for k, v in history.items() if k in course.objectives},
        attempts=attempts,
        feedback=feedback,
        placement=placement,
        reviews=reviews,
        scores=scores,
        goal_objective=goal if goal in course.objectives else None,
        goal_date=started.goal_date if started else None,
        interests=profile.interests if profile else "",
        preferred_modalities=tuple(profile.preferred_modalities or ()) if profile else (),
        weekly_minutes=profile.weekly_minutes if profile else None,
        following=(
            "not-started" if started is None
            else "following"
            if profile is not None and profile.course_id == school_class.course_id
            else "elsewhere"
        ),
        pace=goal_of(
            course, goal, started.goal_date if started else None,
            profile.weekly_minutes if profile else None, mastery.values(), datetime.now(UTC),
        ),
    )  # fmt: skip
