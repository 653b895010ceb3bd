"""Calibrating a course's score-test bank on the course's own answers.

Each item of the bank gets a discrimination and a difficulty from a two-parameter IRT model
(``engine.irt``, marginal maximum likelihood with weak priors) fitted on:

- each learner's first counted answer to each bank item in practice (later answers to the same
  item are no longer evidence about the item: the learner has seen its feedback);
- every answer of every finished score test, each test counted as a learner of its own (a test
  is one occasion; a learner who retook it a month later is another);
- answers imported from outside the platform (``import_calibration_answers``: another platform's
  records, a field trial), each respondent's first answer to each item.

The guessing parameter is 0: the answers a course collects are too few to separate guessing from
difficulty, and the 2PL's lower bound costs a test little (it reads a lucky guess as a little more
ability, which the items after it correct). An item joins the bank once ``MIN_ITEM_ANSWERS``
answers calibrate it. Like the learner model's fit, the fit runs between a read and a short
write, never inside a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from sqlalchemy import func, select

from learnloop.domain.score_test import MIN_ITEM_ANSWERS
from learnloop.engine import ResponseLog
from learnloop.engine.irt import ItemResponseTheory
from learnloop.exceptions import InvalidInput
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import (
    Attempt,
    CourseScoreBank,
    ScoreCalibrationAnswer,
    ScoreItemExposure,
    ScoreTest,
)

__all__ = ["MIN_ITEM_ANSWERS", "BankFit", "calibrate_score_bank", "import_calibration_answers"]

_IMPORTED = -(2**40)  # learner numbers of imported respondents: _IMPORTED - respondent


@dataclass(frozen=True, slots=True)
class BankFit:
    answers: int  # answers read
    learners: int  # learners and tests they came from
    calibrated: int  # items with parameters now
    needed: int  # items the test needs (its max_items)

    @property
    def ready(self) -> bool:
        return self.calibrated >= self.needed


def calibrate_score_bank(db: Database, course_id: int, now: datetime) -> BankFit:
    """Fit the bank's item parameters on the course's answers and store them (InvalidInput for a
    course without a score test)."""
    with db.reading() as s:
        course = course_by_id(s, course_id)
        spec = course.score_test
        if spec is None:
            raise InvalidInput("course", f"course {course.slug!r} has no score_test")
        bank = spec.bank_items(course)
        index = {k: i for i, k in enumerate(bank)}
        first: dict[tuple[int, str], bool] = {}
        for user_id, item, correct in s.execute(
            select(Attempt.user_id, Attempt.item_key, Attempt.correct)
            .where(
                Attempt.course_id == course_id,
                Attempt.counted.is_(True),
                Attempt.item_key.in_(bank),
            )
            .order_by(Attempt.id)
        ):
            first.setdefault((user_id, item), bool(correct))
        rows = [(user_id, index[item], correct) for (user_id, item), correct in first.items()]
        for test_id, answers in s.execute(
            select(ScoreTest.id, ScoreTest.answers).where(
                ScoreTest.course_id == course_id, ScoreTest.finished_at.is_not(None)
            )
        ):
            # a test is a learner of its own; negative ids never meet a user's id
            rows += [(-test_id, index[str(i)], bool(c)) for i, c in answers if str(i) in index]
        imported: dict[tuple[int, str], bool] = {}
        for respondent, item, correct in s.execute(
            select(
                ScoreCalibrationAnswer.respondent,
                ScoreCalibrationAnswer.item_key,
                ScoreCalibrationAnswer.correct,
            )
            .where(ScoreCalibrationAnswer.course_id == course_id)
            .order_by(ScoreCalibrationAnswer.id)
        ):
            if item in index:
                imported.setdefault((respondent, item), bool(correct))
        # imported respondents below every test's id (tests are -1, -2, ...)
        rows += [(_IMPORTED - r, index[item], c) for (r, item), c in imported.items()]
    learners = len({r[0] for r in rows})
    params: dict[str, list[float]] = {}
    if rows:
        log = ResponseLog.from_columns(
            [r[0] for r in rows],
            [0] * len(rows),
            [int(r[2]) for r in rows],
            item=[r[1] for r in rows],
        )
        model = ItemResponseTheory(model="2pl").fit(log)
        counts = np.bincount(log.item, minlength=len(bank))
        for position, number in enumerate(model.items_.tolist()):
            if counts[number] >= MIN_ITEM_ANSWERS:
                params[bank[number]] = [
                    round(float(model.discrimination_[position]), 6),
                    round(float(model.difficulty_[position]), 6),
                    0.0,
                ]
    with db.transaction() as s:
        row = s.get(CourseScoreBank, course_id)
        if row is None:
            row = CourseScoreBank(course_id=course_id, tests=0)
            s.add(row)
        row.params, row.answers, row.learners, row.fitted_at = params, len(rows), learners, now
        known = set(
            s.scalars(
                select(ScoreItemExposure.item_key).where(ScoreItemExposure.course_id == course_id)
            )
        )
        s.add_all(
            ScoreItemExposure(course_id=course_id, item_key=key, shown=0)
            for key in params
            if key not in known
        )
    return BankFit(len(rows), learners, len(params), spec.max_items)


def import_calibration_answers(
    db: Database, course_id: int, rows: Sequence[tuple[str, str, bool]]
) -> int:
    """Store answers from outside the platform ((respondent, item key, correct) each) for the
    bank's calibrations, in one transaction: every item must be in the bank, or nothing is
    stored (InvalidInput naming the answer). Respondents get new numbers; returns how many."""
    with db.transaction() as s:
        course = course_by_id(s, course_id)
        if course.score_test is None:
            raise InvalidInput("course", f"course {course.slug!r} has no score_test")
        bank = set(course.score_test.bank_items(course))
        for number, (_, item, _) in enumerate(rows, start=1):
            if item not in bank:
                raise InvalidInput(
                    "item_id", f"answer {number}: item {item!r} is not in the score test's bank"
                )
        start = (
            s.scalar(
                select(func.max(ScoreCalibrationAnswer.respondent)).where(
                    ScoreCalibrationAnswer.course_id == course_id
                )
            )
            or 0
        )
        numbers: dict[str, int] = {}
        for respondent, _, _ in rows:
            numbers.setdefault(respondent, start + len(numbers) + 1)
        s.add_all(
            ScoreCalibrationAnswer(
                course_id=course_id, respondent=numbers[r], item_key=item, correct=correct
            )
            for r, item, correct in rows
        )
        return len(numbers)
