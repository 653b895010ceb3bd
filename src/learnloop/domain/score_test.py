"""A course's score test: a computerized adaptive test over the course's items, for courses that
want a score (course.yaml, ``score_test``), rebuilt from its answers so far like the placement
diagnostic (the database keeps the answers, never the engine's state).

The bank is the course's items that test the chosen objectives, with item parameters calibrated on
the course's own answers (``services.score_bank``). The next item is the engine's choice
(``engine.adaptive_test``: EAP ability, maximum information among the three most informative,
items over the exposure cap left out), drawn with a generator seeded by the test's id and the
question's number, so that rebuilding the test from its answers asks the same question again.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from learnloop.domain.course import Course, Item
from learnloop.engine.adaptive_test import AdaptiveTest, BankTables, ItemBank

__all__ = [
    "DEFAULT_MAX_EXPOSURE",
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_SE_TARGET",
    "MIN_ITEM_ANSWERS",
    "RETEST_DAYS",
    "SCORE_MEAN",
    "SCORE_SD",
    "CalibratedBank",
    "ScoreState",
    "ScoreTestSpec",
    "calibrated_bank",
    "percentile",
    "scaled_score",
    "score_state",
]

# An item is calibrated once this many learners answered it: with the priors on difficulty
# (sd 2) and log-discrimination (sd 0.5), ten answers put its difficulty within about ±0.7 of
# the truth (tests/services/test_score_bank.py recovers difficulties from simulated answers),
# enough for choosing questions; the score's own standard error comes from the answers.
MIN_ITEM_ANSWERS = 10

# The test's length when the course says none: issue 5's benchmark length, where a 300-item bank
# brings the standard error near 0.35 with exposure held at a quarter.
DEFAULT_MAX_ITEMS = 20
# Stop early once the standard error of ability is below this: a reliability of about
# 1 − 0.3² = 0.91 on the calibration population's scale, the usual bar for decisions about one
# person (Thissen 2000, in Wainer's *Computerized Adaptive Testing: A Primer*).
DEFAULT_SE_TARGET = 0.3
# No item is shown in more than a quarter of the tests (issue 5): an item that everyone sees
# spreads among learners and stops measuring.
DEFAULT_MAX_EXPOSURE = 0.25
# A learner may take the test again a week after their last one: less practice than that rarely
# moves ability by more than a test's standard error, and early retests mostly measure memory of
# the items.
RETEST_DAYS = 7
# The reported score: ability on a scale with mean 100 and standard deviation 15 over the
# population the bank was calibrated on (the course's own learners), like most score scales.
SCORE_MEAN = 100.0
SCORE_SD = 15.0
# How many of the most informative items the next question is drawn from (randomesque).
_RANDOMESQUE = 3


@dataclass(frozen=True, slots=True)
class ScoreTestSpec:
    """course.yaml's ``score_test``: its title, length, stopping rule and exposure cap, and the
    objectives whose items make the bank (every objective when none is named)."""

    title: str
    max_items: int = DEFAULT_MAX_ITEMS
    se_target: float = DEFAULT_SE_TARGET
    max_exposure: float = DEFAULT_MAX_EXPOSURE
    objectives: tuple[str, ...] = ()

    def bank_items(self, course: Course) -> list[str]:
        """The items of the bank, in course order: those that test a chosen objective."""
        return self._bank(course.objectives, course.items)

    def _bank(self, objectives: Collection[str], items: Mapping[str, Item]) -> list[str]:
        chosen = set(self.objectives or objectives)
        return [k for k, item in items.items() if chosen.intersection(item.objectives)]

    def problems(
        self, objectives: Collection[str], items: Mapping[str, Item]
    ) -> list[tuple[str, str]]:
        """(field, what is wrong) for a spec that cannot run on a course of these objectives and
        items."""
        out: list[tuple[str, str]] = []
        if not 1 <= self.max_items <= 100:
            out.append(("max_items", f"max_items must be 1 to 100, not {self.max_items}"))
        if not 0.0 <= self.se_target < 1.0:
            out.append(
                ("se_target", f"se_target must be at least 0 and below 1, not {self.se_target}")
            )
        if not 0.0 < self.max_exposure <= 1.0:
            out.append(
                (
                    "max_exposure",
                    f"max_exposure must be above 0 and at most 1, not {self.max_exposure}",
                )
            )
        unknown = [k for k in self.objectives if k not in objectives]
        if unknown:
            out.append(("objectives", f"unknown objective(s): {', '.join(unknown)}"))
        if out:
            return out
        n = len(self._bank(objectives, items))
        if n < self.max_items:
            out.append(
                ("max_items", f"the bank has {n} items, fewer than max_items ({self.max_items})")
            )
        elif self.max_exposure * n < self.max_items:
            most = int(self.max_exposure * n)
            out.append(
                (
                    "max_exposure",
                    f"with {n} items and max_exposure {self.max_exposure}, a test can hold only "
                    f"{most} items on average, fewer than max_items ({self.max_items})",
                )
            )
        return out


@dataclass(frozen=True)
class CalibratedBank:
    """The bank items that have calibrated parameters, in course order, with their tables."""

    keys: tuple[str, ...]
    items: ItemBank
    tables: BankTables

    def index(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.keys)}


def calibrated_bank(
    spec: ScoreTestSpec, course: Course, params: Mapping[str, Sequence[float]]
) -> CalibratedBank | None:
    """The bank from ``params`` (item -> [a, b, c]); None while fewer than ``max_items`` of its
    items are calibrated (the test is not offered yet)."""
    keys = tuple(k for k in spec.bank_items(course) if k in params)
    if len(keys) < spec.max_items:
        return None
    values = np.array([[float(v) for v in params[k]] for k in keys], dtype=np.float64)
    items = ItemBank(values[:, 0].copy(), values[:, 1].copy(), values[:, 2].copy())
    return CalibratedBank(keys, items, BankTables.build(items))


@dataclass(frozen=True, slots=True)
class ScoreState:
    theta: float
    se: float
    next_item: str | None  # None once the test is done
    asked: int

    @property
    def done(self) -> bool:
        return self.next_item is None


def score_state(
    spec: ScoreTestSpec,
    bank: CalibratedBank,
    *,
    test_id: int,
    excluded: Collection[str],
    answers: Sequence[Sequence[object]],
) -> ScoreState:
    """The test after ``answers`` ([item, correct] each): its estimate and the next question.
    ``excluded`` items (over the exposure cap, or seen in the learner's earlier tests when
    fill-ins remain) are never asked, unless too few others remain."""
    index = bank.index()
    eligible = np.array([k not in excluded for k in bank.keys], dtype=bool)
    test = AdaptiveTest(
        bank.items,
        rng=np.random.default_rng([test_id, len(answers)]),
        max_items=spec.max_items,
        se_target=spec.se_target,
        randomesque=_RANDOMESQUE,
        tables=bank.tables,
        eligible=eligible,
    )
    for item, correct in answers:
        position = index.get(str(item))
        if position is not None:  # an item recalibrated out of the bank since no longer counts
            test.record(position, bool(correct))
    if test.done:
        return ScoreState(test.theta, test.se, None, len(answers))
    return ScoreState(test.theta, test.se, bank.keys[test.next_item()], len(answers))


def scaled_score(theta: float) -> int:
    return round(SCORE_MEAN + SCORE_SD * theta)


def percentile(theta: float) -> int:
    """The share of the calibration population below ``theta`` (in percent, 1 to 99)."""
    share = 0.5 * (1.0 + math.erf(theta / math.sqrt(2.0)))
    return min(99, max(1, round(100 * share)))
