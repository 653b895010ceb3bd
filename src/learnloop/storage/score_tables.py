"""Score tests (services.score_tests) and their banks' calibration (services.score_bank). Part of
the same schema as storage.tables, which exports them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from learnloop.storage.table_base import Base, UTCDateTime

__all__ = ["CourseScoreBank", "ScoreCalibrationAnswer", "ScoreItemExposure", "ScoreTest"]


class ScoreTest(Base):
    """One learner's score test: the items left out when it started, the answers so far and,
    once finished, the ability it measured."""

    __tablename__ = "score_tests"
    __table_args__ = (Index("ix_score_tests_learner", "user_id", "course_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    # items never asked in this test: over the exposure cap when it started, or seen by the
    # learner in an earlier test (fixed at the start, so that rebuilding the test asks the same)
    excluded: Mapped[list[str]] = mapped_column(JSON)
    answers: Mapped[list[Any]] = mapped_column(JSON)  # [item, correct] in order
    theta: Mapped[float | None] = mapped_column(Float)  # EAP ability, once finished
    se: Mapped[float | None] = mapped_column(Float)  # its posterior standard deviation
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CourseScoreBank(Base):
    """A course's score-test items calibrated on its own answers (2PL), and how many tests have
    finished on it (the denominator of every item's exposure rate)."""

    __tablename__ = "course_score_banks"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    params: Mapped[dict[str, list[float]]] = mapped_column(JSON)  # item -> [a, b, c]
    answers: Mapped[int] = mapped_column(Integer)  # answers it was calibrated on
    learners: Mapped[int] = mapped_column(Integer)  # learners (and tests) they came from
    fitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    tests: Mapped[int] = mapped_column(Integer, default=0)  # finished tests, ever


class ScoreItemExposure(Base):
    """How many finished score tests asked each item: an aggregate, kept when a learner's tests
    are erased (the rates stay an upper bound)."""

    __tablename__ = "score_item_exposure"
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    item_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    shown: Mapped[int] = mapped_column(Integer, default=0)


class ScoreCalibrationAnswer(Base):
    """An answer to a bank item from outside the platform (another platform's records, a field
    trial), imported to calibrate the bank (``learnloop import-calibration``). Respondents are
    numbered afresh at each import: their names in the source are never stored."""

    __tablename__ = "score_calibration_answers"
    __table_args__ = (Index("ix_score_calibration_answers_course", "course_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    respondent: Mapped[int] = mapped_column(Integer)  # unique within the course's imports
    item_key: Mapped[str] = mapped_column(String(64))
    correct: Mapped[bool] = mapped_column(Boolean)
