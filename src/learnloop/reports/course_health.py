"""A course as its administrator looks after it: what it holds, who uses it, and the state of the
models fitted on its own data (the learner model, the spaced-review memory and the score test's
calibration), with a warning when a nightly fit seems to have stopped.

``learnloop fit-model``, ``fit-memory`` and ``fit-score-bank`` are meant to run every night
(docs/operations.md); nothing inside the platform notices when cron stops running them, so this
page is where an administrator sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from learnloop.domain import Role, Viewer
from learnloop.domain.learner_model import MIN_ANSWERS_TO_FIT
from learnloop.domain.reviews import MIN_REVIEWS_TO_FIT
from learnloop.domain.score_test import MIN_ITEM_ANSWERS
from learnloop.storage import Database
from learnloop.storage.access import require_role
from learnloop.storage.course_store import course_by_slug
from learnloop.storage.score_tables import CourseScoreBank
from learnloop.storage.tables import (
    Attempt,
    ClassMember,
    CourseLearnerModel,
    CourseMemoryModel,
    CourseSourceFile,
    LearnerCourse,
    LearnerProfile,
    ReviewEvent,
    SchoolClass,
)
from learnloop.storage.tables import Course as CourseRow

__all__ = ["STALE_FIT_DAYS", "CourseHealth", "FitState", "course_health"]

# A fit this old, with new data recorded since, means the nightly job has most likely stopped:
# a week leaves room for a long weekend or a holiday with the server off, and is still soon
# enough that the models have not drifted far from a class's term (about 12 weeks).
STALE_FIT_DAYS = 7


@dataclass(frozen=True)
class FitState:
    """One model fitted on the course's data."""

    fitted_at: datetime | None  # None: not fitted yet (the authors' or default parameters run)
    fitted_on: int  # answers or reviews it was fitted on
    since: int  # answers or reviews recorded since (all of them before a first fit)
    needed: int  # the least a fit takes
    quality: float | None = None  # held-out AUC (learner model), held-out log loss (memory)
    # the same measure of what runs without the fit (the authors' BKT, FSRS's defaults)
    baseline: float | None = None
    adopted: bool = True  # used, being at least as good as that

    def stale(self, now: datetime) -> bool:
        """Fitted more than STALE_FIT_DAYS ago, with new data since; or never fitted although
        there is enough data."""
        if self.fitted_at is None:
            return self.since >= self.needed
        return self.since > 0 and now - self.fitted_at > timedelta(days=STALE_FIT_DAYS)


@dataclass(frozen=True)
class CourseHealth:
    slug: str
    title: str
    language: str
    imported_at: datetime
    objectives: int
    activities: int
    items: int
    media_files: int
    classes: list[tuple[int, str, int, datetime | None]]  # id, name, learners, ended (or None)
    following: int  # learners who follow it now
    started: int  # learners who chose their goal in it
    answers: int  # counted answers, ever
    model_kind: str  # the kind course.yaml chose
    fitted_kind: str | None  # the kind of the fitted model, if any
    # a fitted BKT: objectives with parameters of their own (the others keep the authors')
    objectives_fitted: int | None
    model: FitState
    memory: FitState
    score: FitState | None  # None: the course has no score test
    now: datetime
    source_files: int = 0  # its authors' text files kept for download (0: imported before)

    @property
    def stale(self) -> list[str]:
        """Which fits look stopped: "model", "memory", "score"."""
        fits = {"model": self.model, "memory": self.memory, "score": self.score}
        return [name for name, fit in fits.items() if fit is not None and fit.stale(self.now)]


def _answers(s: Session, course_id: int, since: datetime | None) -> int:
    query = (
        select(func.count())
        .select_from(Attempt)
        .where(Attempt.course_id == course_id, Attempt.counted.is_(True))
    )
    if since is not None:
        query = query.where(Attempt.created_at > since)
    return int(s.scalar(query) or 0)


def _reviews(s: Session, course_id: int, since: datetime | None) -> int:
    query = (
        select(func.count())
        .select_from(ReviewEvent)
        .where(ReviewEvent.course_id == course_id, ReviewEvent.attempt_id.is_not(None))
    )
    if since is not None:
        query = query.where(ReviewEvent.reviewed_at > since)
    return int(s.scalar(query) or 0)


def _classes(s: Session, course_id: int) -> list[tuple[int, str, int, datetime | None]]:
    learners = func.count(ClassMember.user_id).filter(ClassMember.role == Role.LEARNER.value)
    rows = s.execute(
        select(SchoolClass.id, SchoolClass.name, learners, SchoolClass.ended_at)
        .outerjoin(ClassMember, ClassMember.class_id == SchoolClass.id)
        .where(SchoolClass.course_id == course_id)
        .group_by(SchoolClass.id, SchoolClass.name, SchoolClass.ended_at)
        .order_by(SchoolClass.name)
    )
    return [(int(i), str(n), int(c), ended) for i, n, c, ended in rows]


def course_health(
    db: Database, viewer: Viewer, slug: str, now: datetime | None = None
) -> CourseHealth:
    require_role(viewer, Role.ADMIN)
    now = now or datetime.now(UTC)
    with db.reading() as s:
        course_id, course = course_by_slug(s, slug)
        row = s.get(CourseRow, course_id)
        assert row is not None
        model = s.get(CourseLearnerModel, course_id)
        memory = s.get(CourseMemoryModel, course_id)
        bank = s.get(CourseScoreBank, course_id) if course.score_test else None
        model_at = model.fitted_at if model else None
        memory_at = memory.fitted_at if memory else None
        following = select(func.count()).where(LearnerProfile.course_id == course_id)
        started = select(func.count()).where(LearnerCourse.course_id == course_id)
        return CourseHealth(
            slug=slug, title=course.title, language=course.language, imported_at=row.updated_at,
            objectives=len(course.objectives), activities=len(course.activities),
            items=len(course.items), media_files=len(course.media),
            classes=_classes(s, course_id),
            following=s.scalar(following) or 0, started=s.scalar(started) or 0,
            answers=_answers(s, course_id, None),
            model_kind=course.model_kind, fitted_kind=model.kind if model else None,
            objectives_fitted=model.objectives_fitted if model else None,
            model=FitState(model_at, model.answers if model else 0,
                           _answers(s, course_id, model_at), MIN_ANSWERS_TO_FIT,
                           model.auc if model else None, model.baseline_auc if model else None,
                           model.adopted if model else True),
            memory=FitState(memory_at, memory.reviews if memory else 0,
                            _reviews(s, course_id, memory_at), MIN_REVIEWS_TO_FIT,
                            memory.log_loss if memory else None,
                            memory.baseline_log_loss if memory else None,
                            memory.adopted if memory else True),
            score=None if course.score_test is None else FitState(
                bank.fitted_at if bank else None, bank.answers if bank else 0,
                _answers(s, course_id, bank.fitted_at if bank else None),
                course.score_test.max_items * MIN_ITEM_ANSWERS,
            ),
            now=now,
            source_files=s.scalar(
                select(func.count())
                .select_from(CourseSourceFile)
                .where(CourseSourceFile.course_id == course_id)
            )
            or 0,
        )  # fmt: skip
