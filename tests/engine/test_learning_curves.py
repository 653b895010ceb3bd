"""Learning curves: error rates by opportunity over the learners who reached it, cut where too
few did, and the category of a curve's shape; and on simulated learners, practice that teaches
gives a falling curve and practice that does not a flat one."""

from __future__ import annotations

import numpy as np
import pytest

from learnloop.engine.learning_curves import (
    CurveKind,
    CurvePoint,
    classify_curve,
    learning_curve,
)


def test_rates_are_over_the_learners_who_reached_each_opportunity() -> None:
    sequences = [
        [False, False, True, True],
        [False, True, True],
        [True, True],
        [False],
    ]
    points = learning_curve(sequences, horizon=10, min_learners=2)
    assert points == [
        CurvePoint(1, 3 / 4, 4),
        CurvePoint(2, 1 / 3, 3),
        CurvePoint(3, 0.0, 2),
    ]  # the fourth opportunity: one learner, below min_learners: the curve stops


def test_the_horizon_cuts_long_sequences_and_empty_input_gives_no_curve() -> None:
    long = [[False] * 30, [True] * 30]
    assert [p.opportunity for p in learning_curve(long, horizon=5, min_learners=1)] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert learning_curve([], horizon=5, min_learners=1) == []
    assert learning_curve([[], []], horizon=5, min_learners=1) == []
    with pytest.raises(ValueError, match="at least 1"):
        learning_curve(long, horizon=0, min_learners=1)


def _curve(*rates: float) -> list[CurvePoint]:
    return [CurvePoint(k + 1, r, 10) for k, r in enumerate(rates)]


@pytest.mark.parametrize(
    ("rates", "kind"),
    [
        ((0.6, 0.5, 0.3, 0.2, 0.1), CurveKind.GOOD),
        ((0.9, 0.8, 0.7, 0.6, 0.5), CurveKind.STILL_HIGH),
        ((0.5, 0.55, 0.5, 0.45, 0.5), CurveKind.NO_LEARNING),
        ((0.1, 0.05, 0.1, 0.08), CurveKind.LOW_AND_FLAT),
        ((0.6, 0.2), CurveKind.TOO_LITTLE_DATA),
        ((), CurveKind.TOO_LITTLE_DATA),
    ],
)
def test_categories(rates: tuple[float, ...], kind: CurveKind) -> None:
    assert classify_curve(_curve(*rates), low=0.2, high=0.4, min_drop=0.1) == kind


def test_simulated_practice_that_teaches_falls_and_practice_that_does_not_stays_flat(
    rng: np.random.Generator,
) -> None:
    """BKT learners (learn 0.3 a practice, guess 0.2, slip 0.1) against learners who never
    learn (the same guess): 200 of each, 8 answers each."""

    def learners(learn: float) -> list[list[bool]]:
        out = []
        for _ in range(200):
            known, answers = rng.random() < 0.1, []
            for _ in range(8):
                answers.append(bool(rng.random() < (0.9 if known else 0.2)))
                known = known or rng.random() < learn
            out.append(answers)
        return out

    taught = learning_curve(learners(0.3), horizon=8, min_learners=5)
    untaught = learning_curve(learners(0.0), horizon=8, min_learners=5)
    assert taught[0].error_rate > 0.6
    assert taught[-1].error_rate < 0.3
    assert classify_curve(taught, low=0.2, high=0.4, min_drop=0.1) == CurveKind.GOOD
    assert classify_curve(untaught, low=0.2, high=0.4, min_drop=0.1) == CurveKind.NO_LEARNING
