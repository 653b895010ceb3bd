"""Reading stored courses back as domain objects, parsed once per content version.

The cache is keyed by (course id, content hash): a re-imported course is parsed afresh, and a
worker never serves a stale version."""

from __future__ import annotations

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from learnloop.domain import Course
from learnloop.domain.course_codec import course_from_dict
from learnloop.domain.learner_model import CourseModel
from learnloop.domain.score_test import (
    CalibratedBank,
    ScoreState,
    ScoreTestSpec,
    calibrated_bank,
    score_state,
)
from learnloop.engine.logistic_kt import RECENT_OUTCOMES
from learnloop.exceptions import NotFound
from learnloop.storage.tables import (
    Attempt,
    CourseLearnerModel,
    CourseScoreBank,
    LearnerProfile,
    ScoreTest,
    WithdrawnAnswer,
)
from learnloop.storage.tables import Course as CourseRow

__all__ = [
    "course_by_id", "course_by_slug", "course_model", "course_of_learner", "new_attempt_id",
    "outcome_string", "recent_outcomes",
]  # fmt: skip


_cache: dict[tuple[int, str], Course] = {}


def _cached(session: Session, course_id: int, content_hash: str) -> Course:
    """The course parsed, from the cache when this version was parsed before. Only a miss reads
    the content column: decoding the stored JSON of the demo course took about half a
    millisecond of every answer and page, cached or not."""
    key = (course_id, content_hash)
    course = _cache.get(key)
    if course is None:
        if len(_cache) > 64:
            _cache.clear()
        content = session.scalar(select(CourseRow.content).where(CourseRow.id == course_id))
        course = course_from_dict(content or {})
        _cache[key] = course
    return course


def course_by_id(session: Session, course_id: int) -> Course:
    content_hash = session.scalar(select(CourseRow.content_hash).where(CourseRow.id == course_id))
    if content_hash is None:
        raise NotFound("course %(course_id)s does not exist", course_id=course_id)
    return _cached(session, course_id, content_hash)


def course_by_slug(session: Session, slug: str) -> tuple[int, Course]:
    row = session.execute(
        select(CourseRow.id, CourseRow.content_hash).where(CourseRow.slug == slug)
    ).one_or_none()
    if row is None:
        raise NotFound("course %(slug)s does not exist", slug=repr(slug))
    return row.id, _cached(session, row.id, row.content_hash)


def course_of_learner(session: Session, user_id: int) -> tuple[int, Course]:
    profile = session.get(LearnerProfile, user_id)
    if profile is None or profile.course_id is None:
        raise NotFound("you are not following a course yet: finish onboarding first")
    return profile.course_id, course_by_id(session, profile.course_id)


def course_model(session: Session, course_id: int, course: Course) -> CourseModel:
    """The learner model the course runs: its chosen kind once fitted (and adopted: at least as
    good as the authors' BKT on held-out learners), its authors' BKT before."""
    row = session.get(CourseLearnerModel, course_id)
    return CourseModel(course, row.model if row is not None and row.adopted else None)


# The largest id either table holds, in one round trip (measured: 44 µs against 158 µs for two
# queries, on every answer).
_TOP = union_all(
    select(func.max(Attempt.id).label("top")), select(func.max(WithdrawnAnswer.id))
).subquery()
_LARGEST_ID = select(func.max(_TOP.c.top))


def new_attempt_id(session: Session) -> int | None:
    """The id a new answer takes on SQLite, or None to let the database choose (PostgreSQL's
    sequence never gives an id twice). SQLite gives the largest id plus one, so an id withdrawn
    from the top of ``attempts`` would come back; learnloop's xAPI record of an answer is named
    after its id (``attempt_statement_id``), and the withdrawn answer keeps both. Under SQLite's
    one write lock, the largest of both tables plus one is safe."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    return (session.scalar(_LARGEST_ID) or 0) + 1


def recent_outcomes(
    session: Session, user_id: int, course_id: int, course: Course, *, before: int | None = None
) -> str:
    """The learner's last counted outcomes in the course ("+" right, "-" wrong, the last one
    first), one for each objective of the answer's item, as the fitted models saw them (before
    the attempt ``before``, when given): what the models with recency read besides Mastery.recent."""
    query = (
        select(Attempt.item_key, Attempt.correct)
        .where(
            Attempt.user_id == user_id, Attempt.course_id == course_id, Attempt.counted.is_(True)
        )
        .order_by(Attempt.id.desc())
        .limit(RECENT_OUTCOMES)
    )
    if before is not None:
        query = query.where(Attempt.id < before)
    return outcome_string(course, [(i, bool(c)) for i, c in session.execute(query)])


def outcome_string(course: Course, answers: list[tuple[str, bool]]) -> str:
    """recent_outcomes' string from a learner's last answers (item, right), the last one first."""
    out = ""
    for item_key, correct in answers:
        item = course.items.get(item_key)
        out += ("+" if correct else "-") * (len(item.objectives) if item else 0)
    return out[:RECENT_OUTCOMES]


def score_bank(session: Session, course_id: int, course: Course) -> CalibratedBank | None:
    """The course's calibrated score-test bank, or None (no score test, or too few items
    calibrated yet)."""
    if course.score_test is None:
        return None
    row = session.get(CourseScoreBank, course_id)
    return None if row is None else calibrated_bank(course.score_test, course, row.params)


def open_score_test(session: Session, user_id: int, course_id: int) -> ScoreTest | None:
    """The learner's score test in progress in the course, if any."""
    return session.scalar(
        select(ScoreTest).where(
            ScoreTest.user_id == user_id,
            ScoreTest.course_id == course_id,
            ScoreTest.finished_at.is_(None),
        )
    )


def state_of(spec: ScoreTestSpec, bank: CalibratedBank, row: ScoreTest) -> ScoreState:
    """A stored score test rebuilt from its answers (domain.score_test)."""
    return score_state(spec, bank, test_id=row.id, excluded=set(row.excluded), answers=row.answers)
