"""The FSRS-6 memory model: the same equations as the ``fsrs`` package, and a fit that finds
parameters from reviews drawn from known ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import fsrs
import numpy as np
import pytest
from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

from learnloop.engine.memory import (
    DEFAULT_PARAMETERS,
    LOWER_BOUNDS,
    UPPER_BOUNDS,
    FSRSMemoryModel,
    ReviewHistory,
    recall_after,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _scheduler(parameters: tuple[float, ...]) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        parameters=parameters, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )


def _random_parameters(rng: np.random.Generator) -> tuple[float, ...]:
    lo, hi = np.array(LOWER_BOUNDS), np.array(UPPER_BOUNDS)
    w = np.array(DEFAULT_PARAMETERS) * rng.uniform(0.6, 1.4, len(lo))
    return tuple(float(v) for v in np.clip(w, lo, hi))


def _run_library(
    scheduler: fsrs.Scheduler, gaps: list[list[int]], ratings: list[list[int]]
) -> tuple[ReviewHistory, np.ndarray]:
    """Replays each memory's reviews through the fsrs package; returns the history and the
    package's recall prediction before each review (NaN on a first review)."""
    memory, elapsed, rating, expected = [], [], [], []
    for m, (gap_list, rating_list) in enumerate(zip(gaps, ratings, strict=True)):
        card = fsrs.Card(card_id=m + 1, due=T0)
        when = T0
        for i, (gap, r) in enumerate(zip(gap_list, rating_list, strict=True)):
            when = when + timedelta(days=int(gap))
            expected.append(np.nan if i == 0 else scheduler.get_card_retrievability(card, when))
            card, _ = scheduler.review_card(card, fsrs.Rating(int(r)), when)
            memory.append(m)
            elapsed.append(0 if i == 0 else int(gap))
            rating.append(r)
    history = ReviewHistory(
        np.array(memory, dtype=np.int64), np.array(elapsed, dtype=np.float64), np.array(rating)
    )
    return history, np.array(expected)


def test_bounds_are_the_fsrs_package_bounds() -> None:
    assert tuple(LOWER_BOUNDS_PARAMETERS) == LOWER_BOUNDS
    assert tuple(UPPER_BOUNDS_PARAMETERS) == UPPER_BOUNDS
    assert tuple(fsrs.scheduler.DEFAULT_PARAMETERS) == DEFAULT_PARAMETERS


@pytest.mark.parametrize("which", ["default", "random"])
def test_recall_predictions_match_the_fsrs_package(which: str, rng: np.random.Generator) -> None:
    params = DEFAULT_PARAMETERS if which == "default" else _random_parameters(rng)
    gaps = [
        [0, *rng.choice([0, 1, 2, 3, 7, 15, 40], size=int(rng.integers(1, 9)))] for _ in range(60)
    ]
    ratings = [list(rng.integers(1, 5, size=len(g))) for g in gaps]
    history, expected = _run_library(_scheduler(params), gaps, ratings)
    ours = FSRSMemoryModel().predict_recall(history, params)
    assert np.isnan(ours[history.first]).all()
    np.testing.assert_allclose(ours[~history.first], expected[~history.first], rtol=1e-9)


def test_recall_after_is_ninety_percent_at_the_stability() -> None:
    assert recall_after(12.0, 12.0) == pytest.approx(0.9)
    assert recall_after(12.0, 0.0) == 1.0
    assert recall_after(12.0, 30.0) < recall_after(12.0, 20.0) < 0.9


def _simulate(
    truth: tuple[float, ...], rng: np.random.Generator, memories: int, reviews: int
) -> ReviewHistory:
    """Reviews drawn from FSRS with ``truth``: recall with the package's own retrievability,
    after intervals of 1 to 60 days that ignore the schedule, so recall ranges widely."""
    scheduler = _scheduler(truth)
    memory, elapsed, rating = [], [], []
    for m in range(memories):
        card = fsrs.Card(card_id=m + 1, due=T0)
        when = T0
        for i in range(reviews):
            gap = 0
            if i:
                gap = int(rng.choice([1, 2, 4, 8, 15, 30, 60]))
                when = when + timedelta(days=gap)
                recalled = rng.random() < scheduler.get_card_retrievability(card, when)
                r = int(rng.choice([2, 3, 3, 3, 4])) if recalled else 1
            else:
                r = int(rng.integers(1, 5))
            card, _ = scheduler.review_card(card, fsrs.Rating(r), when)
            memory.append(m)
            elapsed.append(gap)
            rating.append(r)
    return ReviewHistory(
        np.array(memory, dtype=np.int64), np.array(elapsed, dtype=np.float64), np.array(rating)
    )


def _log_loss(history: ReviewHistory, p: np.ndarray, mask: np.ndarray) -> float:
    y = history.recalled[mask]
    q = np.clip(p[mask], 1e-6, 1 - 1e-6)
    return float(-(y * np.log(q) + (~y) * np.log(1 - q)).mean())


def test_fit_recovers_the_predictions_of_the_true_parameters(rng: np.random.Generator) -> None:
    truth = list(DEFAULT_PARAMETERS)
    truth[0:4] = [1.0, 3.0, 9.0, 30.0]  # memories last longer than the defaults say
    truth[8] = 1.0  # and grow more slowly on success
    truth[20] = 0.5  # and the forgetting curve is steeper
    truth_t = tuple(truth)
    history = _simulate(truth_t, rng, memories=400, reviews=7)
    fresh = _simulate(truth_t, rng, memories=400, reviews=7)
    model = FSRSMemoryModel().fit(history)
    mask = ~fresh.first
    fitted = _log_loss(fresh, model.predict_recall(fresh), mask)
    true = _log_loss(fresh, model.predict_recall(fresh, truth_t), mask)
    default = _log_loss(fresh, model.predict_recall(fresh, DEFAULT_PARAMETERS), mask)
    # On reviews it never saw, the fit is within 0.005 of the truth and ahead of the defaults.
    assert fitted < true + 0.005
    assert fitted < default - 0.01
    assert model.parameters_[3] > 12.0  # the long initial stability after "easy" is found
    assert all(
        lo <= w <= hi
        for w, lo, hi in zip(model.parameters_, LOWER_BOUNDS, UPPER_BOUNDS, strict=True)
    )


def test_small_histories_stay_near_the_defaults(rng: np.random.Generator) -> None:
    history = _simulate(DEFAULT_PARAMETERS, rng, memories=4, reviews=4)
    model = FSRSMemoryModel().fit(history)
    moved = np.abs(np.array(model.parameters_) - DEFAULT_PARAMETERS) / (
        np.array(UPPER_BOUNDS) - LOWER_BOUNDS
    )
    assert moved.max() < 0.1


def test_history_checks_its_arrays() -> None:
    with pytest.raises(ValueError, match="same length"):
        ReviewHistory(np.array([0, 0]), np.array([0.0]), np.array([3, 3]))
    with pytest.raises(ValueError, match="1 \\(again\\) to 4"):
        ReviewHistory(np.array([0]), np.array([0.0]), np.array([5]))
    with pytest.raises(ValueError, match="contiguous"):
        ReviewHistory(np.array([1, 0]), np.array([0.0, 0.0]), np.array([3, 3]))
    only_firsts = ReviewHistory(np.array([0, 1]), np.array([0.0, 0.0]), np.array([3, 3]))
    with pytest.raises(ValueError, match="at least one review"):
        FSRSMemoryModel().fit(only_firsts)
    with pytest.raises(RuntimeError, match="fit the model first"):
        FSRSMemoryModel().predict_recall(only_firsts)


def test_situations_group_by_interval_review_number_and_lapses() -> None:
    history = ReviewHistory(
        np.array([0, 0, 0, 1, 1]), np.array([0.0, 3.0, 3.0, 0.0, 3.0]), np.array([1, 3, 3, 3, 3])
    )
    s = history.situations()
    # memory 0's second and third reviews differ in number; memory 1's second review has no
    # lapse before it, unlike memory 0's; the two first reviews are alike
    assert s[0] == s[3]
    assert len({s[0], s[1], s[2], s[4]}) == 4
    # the same interval, number and lapses give the same group
    twin = ReviewHistory(
        np.array([0, 0, 1, 1]), np.array([0.0, 3.0, 0.0, 3.0]), np.array([3, 3, 3, 3])
    )
    assert twin.situations()[1] == twin.situations()[3]
