"""Synthetic learners: they learn with practice, forget with time, keep spaced practice longer
than massed practice, and learn slowly on forgotten foundations."""

from __future__ import annotations

import numpy as np

from learnloop.engine.synthetic_learners import TRUE_MASTERY, SyntheticLearner, draw_learners

PREREQS = {"a": (), "b": ("a",)}


def learner() -> SyntheticLearner:
    return SyntheticLearner(
        ("a", "b"), PREREQS, theta=0.0, rate=1.0,
        knowledge=np.zeros(2), tau=np.full(2, 6.0), last=np.full(2, np.nan),
    )  # fmt: skip


def test_practice_raises_recall_and_time_lowers_it() -> None:
    person = learner()
    before = person.p_right("a", 0.0, 0.0)
    for _ in range(5):
        person.practise("a", 0.0)
    assert person.p_right("a", 0.0, 0.0) > before + 0.3
    assert person.recall(10.0)[0] < person.recall(1.0)[0] < person.recall(0.0)[0]


def test_spaced_practice_is_remembered_longer_than_massed() -> None:
    massed, spaced = learner(), learner()
    for _ in range(12):
        massed.practise("a", 0.0)
    for day in range(0, 12 * 3, 3):
        spaced.practise("a", float(day))
    # measured the same time after each one's last practice
    assert spaced.recall(33.0 + 20)[0] > massed.recall(0.0 + 20)[0]
    assert spaced.tau[0] > massed.tau[0]


def test_forgotten_prerequisites_slow_learning_and_mastery_is_recorded() -> None:
    solid, shaky = learner(), learner()
    for _ in range(15):
        solid.practise("a", 0.0)
    for _ in range(4):
        solid.practise("b", 0.0)
        shaky.practise("b", 0.0)
    assert solid.knowledge[1] > shaky.knowledge[1] * 2
    assert solid.mastered_at["a"] == 0.0
    assert "a" not in shaky.mastered_at
    assert solid.knowledge[0] >= TRUE_MASTERY


def test_drawn_learners_differ_and_are_reproducible() -> None:
    one = draw_learners(("a", "b"), PREREQS, 50, np.random.default_rng(3))
    two = draw_learners(("a", "b"), PREREQS, 50, np.random.default_rng(3))
    assert [p.theta for p in one] == [p.theta for p in two]
    assert np.std([p.rate for p in one]) > 0.2
    right = [one[0].answer("a", 0.0, 0.0, np.random.default_rng(s)) for s in range(20)]
    assert len(set(right)) == 2
