"""The simulated class on the demo course: learnloop's policy needs far less practice than the
fixed sequence to reach mastery and keeps what was learnt; results are reproducible."""

from __future__ import annotations

import pytest

from learnloop.domain import Course
from learnloop.reports.class_simulation import PolicyResult, simulate_class


@pytest.fixture(scope="module")
def results(demo_course: Course) -> dict[str, PolicyResult]:
    return simulate_class(demo_course, learners=15, days=65, seed=11, pilot_learners=100)


def test_learnloop_needs_less_practice_and_keeps_more(results: dict[str, PolicyResult]) -> None:
    fixed, rand, ours = results["fixed"], results["random"], results["learnloop"]
    assert ours.practice_to_mastery <= 0.7 * fixed.practice_to_mastery
    assert rand.practice_to_mastery > ours.practice_to_mastery
    assert ours.retention_30d >= 0.8
    assert fixed.retention_30d < 0.5  # no reviews: forgotten
    assert ours.truly_mastered > fixed.truly_mastered
    assert all(r.reached == 1.0 for r in results.values())
    curve = ours.mastered_curve
    assert curve[0] == (0, 0.0)
    assert curve[-1][1] == 12.0


def test_the_same_seed_gives_the_same_class(demo_course: Course) -> None:
    a = simulate_class(
        demo_course, learners=3, days=35, seed=5, pilot_learners=10, policies=("fixed",)
    )
    b = simulate_class(
        demo_course, learners=3, days=35, seed=5, pilot_learners=10, policies=("fixed",)
    )
    assert a == b
