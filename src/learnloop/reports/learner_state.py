"""A learner's state in their course, read in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.domain import Course
from learnloop.domain.interests import topics_of_interest
from learnloop.domain.learner_model import CourseModel
from learnloop.domain.reviews import MemoryCard as Card
from learnloop.domain.reviews import ReviewScheduler
from learnloop.engine import LearnerSnapshot
from learnloop.engine.logistic_kt import RECENT_OUTCOMES
from learnloop.exceptions import NotFound
from learnloop.storage.course_store import (
    course_by_id,
    course_model,
    outcome_string,
    recent_outcomes,
)
from learnloop.storage.tables import (
    Attempt,
    CourseMemoryModel,
    LearnerCourse,
    LearnerProfile,
    Mastery,
    MemoryCard,
)

__all__ = [
    "LearnerState",
    "load_cards",
    "load_learner_state",
    "load_learner_states",
    "objective_state",
]


@dataclass(frozen=True)
class LearnerState:
    course_id: int
    course: Course
    profile: LearnerProfile
    mastery: dict[str, Mastery]
    done_activities: frozenset[str]
    last_modality: dict[str, str]
    cards: dict[str, MemoryCard] = field(default_factory=dict)
    scheduler: ReviewScheduler = field(default_factory=ReviewScheduler)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    model: CourseModel | None = None  # the course's learner model (for expected success)
    recent: str = ""  # the last counted outcomes over the course (models with recency read them)
    started: LearnerCourse | None = None  # their goal in the course, once onboarding asked it

    @property
    def goal(self) -> str | None:
        """The learner's goal in this course (an objective of it), if they chose one."""
        goal = self.started.goal_objective if self.started else None
        return goal if goal in self.course.objectives else None

    def recall(self, key: str) -> float | None:
        """Predicted recall of a mastered objective now (None without a review card)."""
        card = self.cards.get(key)
        return None if card is None else self.scheduler.recall(_card(card), self.now)

    def expected_success(self) -> dict[str, float]:
        """The chance of a right answer on each objective's next question."""
        if self.model is None:
            return {k: o.bkt.predict(self.p_known(k)) for k, o in self.course.objectives.items()}
        state = self.model.state(
            {k: (m.p_known, m.attempts, m.correct) for k, m in self.mastery.items()},
            {k: m.recent for k, m in self.mastery.items()},
            self.recent,
        )
        return {k: self.model.expected_success(state, k) for k in self.course.objectives}

    def due_reviews(self) -> dict[str, float]:
        """Mastered objectives due for review, with their predicted recall now."""
        return {
            k: self.scheduler.recall(_card(c), self.now)
            for k, c in self.cards.items()
            if not c.needs_practice and self.scheduler.is_due(_card(c), self.now)
        }

    @property
    def refresh(self) -> frozenset[str]:
        return frozenset(k for k, c in self.cards.items() if c.needs_practice)

    @property
    def mastered(self) -> frozenset[str]:
        return frozenset(k for k, m in self.mastery.items() if m.mastered)

    def p_known(self, key: str) -> float:
        row = self.mastery.get(key)
        return row.p_known if row else self.course.objectives[key].bkt.prior

    def attempts(self, key: str) -> int:
        row = self.mastery.get(key)
        return row.attempts if row else 0

    def snapshot(self) -> LearnerSnapshot:
        return LearnerSnapshot(
            p_known={k: self.p_known(k) for k in self.course.objectives},
            mastered=self.mastered,
            attempts={k: m.attempts for k, m in self.mastery.items()},
            goal=self.goal,
            preferred_modalities=tuple(self.profile.preferred_modalities or ()),
            done_activities=self.done_activities,
            recent_modalities=self.last_modality,
            expected_success=self.expected_success(),
            due_reviews=self.due_reviews(),
            refresh=self.refresh,
            interests=topics_of_interest(self.course.topics, self.profile.interests),
        )


def load_cards(
    session: Session, learner_id: int, course_id: int
) -> tuple[dict[str, MemoryCard], ReviewScheduler]:
    """A learner's review cards in a course, and the course's review scheduler."""
    cards = {
        c.objective_key: c
        for c in session.scalars(
            select(MemoryCard).where(
                MemoryCard.user_id == learner_id, MemoryCard.course_id == course_id
            )
        )
    }
    return cards, _scheduler(session, course_id)


def _scheduler(session: Session, course_id: int) -> ReviewScheduler:
    """The course's review scheduler: its fitted memory parameters, or the defaults."""
    fitted = session.get(CourseMemoryModel, course_id)
    return ReviewScheduler(fitted.parameters if fitted else None)


def _activities_done(
    course: Course, activity_keys: Iterable[str]
) -> tuple[frozenset[str], dict[str, str]]:
    """Of the activities a learner answered in (``activity_keys``, in key order), those the
    course still has, and for each objective the modality of the last of them (in that order)
    that leads to it."""
    done: set[str] = set()
    last_modality: dict[str, str] = {}
    for activity_key in activity_keys:
        activity = course.activities.get(activity_key)
        if activity is None:
            continue
        done.add(activity_key)
        for objective in activity.objectives:
            last_modality[objective] = activity.modality.value
    return frozenset(done), last_modality


def _card(row: MemoryCard) -> Card:
    return Card(row.stability, row.difficulty, row.due, row.last_review, row.reviews, row.lapses)


def load_learner_state(
    session: Session, learner_id: int, now: datetime | None = None, *, course_id: int | None = None
) -> LearnerState:
    """The learner's state in the course they follow, or in ``course_id`` (an educator reads a
    learner through a class, whose course may not be the one they follow now)."""
    # the profile and the goal in the course it follows, in one query: every learner page reads
    # both (with a query each, and the home's list of courses, the home lost about a tenth of its
    # rate on SQLite; BENCHMARKS.md, twenty-first session)
    in_course = LearnerProfile.course_id if course_id is None else course_id
    found = session.execute(
        select(LearnerProfile, LearnerCourse)
        .outerjoin(
            LearnerCourse,
            (LearnerCourse.user_id == LearnerProfile.user_id)
            & (LearnerCourse.course_id == in_course),
        )
        .where(LearnerProfile.user_id == learner_id)
    ).one_or_none()
    profile, started = found if found is not None else (None, None)
    if course_id is None:
        course_id = profile.course_id if profile is not None else None
    if profile is None or course_id is None:
        raise NotFound("you are not following a course yet: finish onboarding first")
    course = course_by_id(session, course_id)
    mastery = {
        m.objective_key: m
        for m in session.scalars(
            select(Mastery).where(Mastery.user_id == learner_id, Mastery.course_id == course_id)
        )
    }
    done, last_modality = _activities_done(course, session.scalars(
        select(Attempt.activity_key)
        .where(Attempt.user_id == learner_id, Attempt.course_id == course_id)
        .group_by(Attempt.activity_key)
        .order_by(Attempt.activity_key)
    ))  # fmt: skip
    cards, scheduler = load_cards(session, learner_id, course_id)
    model = course_model(session, course_id, course)
    recent = recent_outcomes(session, learner_id, course_id, course) if model.uses_recent else ""
    return LearnerState(
        course_id, course, profile, mastery, done, last_modality, cards,
        scheduler, now or datetime.now(UTC), model, recent, started,
    )  # fmt: skip


def load_learner_states(
    session: Session, learner_ids: list[int], course_id: int, now: datetime
) -> dict[int, LearnerState]:
    """The states of several learners in the course ``course_id``, the same as
    ``load_learner_state`` gives one by one, in a number of queries that does not grow with the
    learners (a class's page of every learner's report); a learner with no profile is left out."""
    if not learner_ids:
        return {}
    ids = sorted(set(learner_ids))
    found = session.execute(
        select(LearnerProfile, LearnerCourse)
        .outerjoin(LearnerCourse, (LearnerCourse.user_id == LearnerProfile.user_id)
                   & (LearnerCourse.course_id == course_id))
        .where(LearnerProfile.user_id.in_(ids))
    ).all()  # fmt: skip
    course = course_by_id(session, course_id)
    mastery: dict[int, dict[str, Mastery]] = {i: {} for i in ids}
    for m in session.scalars(
        select(Mastery).where(Mastery.user_id.in_(ids), Mastery.course_id == course_id)
    ):
        mastery[m.user_id][m.objective_key] = m
    answered_in: dict[int, list[str]] = {i: [] for i in ids}
    for user_id, activity_key in session.execute(
        select(Attempt.user_id, Attempt.activity_key)
        .where(Attempt.user_id.in_(ids), Attempt.course_id == course_id)
        .group_by(Attempt.user_id, Attempt.activity_key)
        .order_by(Attempt.user_id, Attempt.activity_key)
    ):
        answered_in[user_id].append(activity_key)
    activities = {i: _activities_done(course, keys) for i, keys in answered_in.items()}
    cards: dict[int, dict[str, MemoryCard]] = {i: {} for i in ids}
    for c in session.scalars(
        select(MemoryCard).where(MemoryCard.user_id.in_(ids), MemoryCard.course_id == course_id)
    ):
        cards[c.user_id][c.objective_key] = c
    scheduler = _scheduler(session, course_id)
    model = course_model(session, course_id, course)
    recent: dict[int, list[tuple[str, bool]]] = {i: [] for i in ids}
    if model.uses_recent:  # each learner's last RECENT_OUTCOMES counted answers, in one query
        place = func.row_number().over(partition_by=Attempt.user_id, order_by=Attempt.id.desc())
        ranked = (
            select(Attempt.user_id, Attempt.item_key, Attempt.correct, place.label("place"))
            .where(Attempt.user_id.in_(ids), Attempt.course_id == course_id,
                   Attempt.counted.is_(True))
            .subquery()
        )  # fmt: skip
        for user_id, item_key, correct in session.execute(
            select(ranked.c.user_id, ranked.c.item_key, ranked.c.correct)
            .where(ranked.c.place <= RECENT_OUTCOMES)
            .order_by(ranked.c.user_id, ranked.c.place)
        ):
            recent[user_id].append((item_key, bool(correct)))
    return {
        profile.user_id: LearnerState(
            course_id, course, profile, mastery[profile.user_id],
            *activities[profile.user_id], cards[profile.user_id], scheduler, now, model,
            outcome_string(course, recent[profile.user_id]), started,
        )
        for profile, started in found
    }  # fmt: skip


def objective_state(state: LearnerState, key: str) -> str:
    """mastered | in-progress (started) | ready (unlocked, not started) | locked."""
    if key in state.mastered:
        return "mastered"
    if not state.course.graph.is_unlocked(key, state.mastered):
        return "locked"
    return "in-progress" if state.attempts(key) > 0 else "ready"
