"""The score test as the platform stores it: its bank calibrated on answers (imported, practice
and earlier tests), closed until then; a test that asks adaptively, scores, counts exposure and
changes no mastery; one week between tests, earlier items left out, over-exposed items left out;
a wrong question or a bad import changes nothing; erasing a learner takes their tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import func, select, update

from learnloop.config import DEFAULT_PUBLIC_URL
from learnloop.domain.score_test import RETEST_DAYS
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.score_views import score_page
from learnloop.services.demo_practice import answer_for
from learnloop.services.erasure import delete_account
from learnloop.services.learning import record_attempt
from learnloop.services.score_bank import (
    MIN_ITEM_ANSWERS,
    calibrate_score_bank,
    import_calibration_answers,
)
from learnloop.services.score_tests import answer_score_test, start_score_test
from learnloop.storage.tables import (
    Attempt,
    CourseScoreBank,
    Mastery,
    ScoreCalibrationAnswer,
    ScoreItemExposure,
    ScoreTest,
)
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def true_bank(world: World, seed: int = 3) -> dict[str, tuple[float, float]]:
    """Known 2PL parameters for every item of the demo's bank: (a, b)."""
    assert world.course.score_test is not None
    keys = world.course.score_test.bank_items(world.course)
    rng = np.random.default_rng(seed)
    return {k: (float(rng.uniform(0.8, 1.6)), float(rng.normal(0, 1))) for k in keys}


def simulated_answers(
    truth: dict[str, tuple[float, float]], respondents: int, per: int, seed: int = 4
) -> list[tuple[str, str, bool]]:
    rng = np.random.default_rng(seed)
    keys = sorted(truth)
    rows = []
    for n in range(respondents):
        theta = rng.normal()
        for key in rng.choice(keys, size=per, replace=False):
            a, b = truth[str(key)]
            p = 1 / (1 + np.exp(-a * (theta - b)))
            rows.append((f"r{n}", str(key), bool(rng.random() < p)))
    return rows


def calibrated(world: World) -> dict[str, tuple[float, float]]:
    truth = true_bank(world)
    import_calibration_answers(world.db, world.course_id, simulated_answers(truth, 300, 40))
    fit = calibrate_score_bank(world.db, world.course_id, T0)
    assert fit.ready
    return truth


def take_test(world: World, viewer: object, right: bool | None, now: datetime) -> list[str]:
    """Start and finish a test, answering every question right, wrong, or (None) alternately."""
    from learnloop.domain import Viewer

    assert isinstance(viewer, Viewer)
    start_score_test(world.db, viewer, now)
    asked: list[str] = []
    while (page := score_page(world.db, viewer, now)).question is not None:
        key = page.question.key
        correct = right if right is not None else len(asked) % 2 == 0
        answer_score_test(
            world.db, viewer, item_key=key, response=answer_for(world.course, key, correct),
            now=now,
        )  # fmt: skip
        asked.append(key)
    return asked


def test_calibration_recovers_the_items_and_skips_thinly_answered_ones(world: World) -> None:
    truth = true_bank(world)
    rows = simulated_answers(truth, 300, 40)
    thin = "pw-1"
    rows = [r for r in rows if r[1] != thin] + [(f"t{n}", thin, n % 2 == 0) for n in range(5)]
    assert import_calibration_answers(world.db, world.course_id, rows) == 305
    fit = calibrate_score_bank(world.db, world.course_id, T0)
    with world.db.reading() as s:
        params = s.get(CourseScoreBank, world.course_id).params  # type: ignore[union-attr]
    assert thin not in params
    assert MIN_ITEM_ANSWERS > 5
    assert fit.calibrated == len(truth) - 1 == len(params)
    keys = sorted(params)
    fitted_b = np.array([params[k][1] for k in keys])
    true_b = np.array([truth[k][1] for k in keys])
    assert np.corrcoef(fitted_b, true_b)[0, 1] > 0.95
    assert np.abs(fitted_b - true_b).mean() < 0.25
    assert all(params[k][2] == 0.0 for k in keys)  # 2PL: no guessing


def test_the_test_stays_closed_until_its_bank_is_calibrated(world: World) -> None:
    page = score_page(world.db, world.learner, T0)
    assert page.exists
    assert not page.ready
    assert not page.offered
    with pytest.raises(PermissionDenied, match="enough learners"):
        start_score_test(world.db, world.learner, T0)
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ScoreTest)) == 0


def test_a_test_adapts_scores_counts_exposure_and_leaves_mastery_alone(world: World) -> None:
    calibrated(world)
    with world.db.reading() as s:
        mastery_before = s.scalar(select(func.count()).select_from(Mastery))
    strong = take_test(world, world.learner, True, T0)
    weak = take_test(world, world.other_learner, False, T0)
    spec = world.course.score_test
    assert spec is not None
    assert 1 <= len(strong) <= spec.max_items
    assert len(set(strong)) == len(strong)
    strong_score = score_page(world.db, world.learner, T0).results[0]
    weak_score = score_page(world.db, world.other_learner, T0).results[0]
    assert strong_score.score > 115 > 85 > weak_score.score
    assert strong_score.low < strong_score.score < strong_score.high
    # adaptive: after right answers it asks harder questions than after wrong ones
    with world.db.reading() as s:
        params = s.get(CourseScoreBank, world.course_id).params  # type: ignore[union-attr]
        assert np.mean([params[k][1] for k in strong[3:]]) > np.mean(
            [params[k][1] for k in weak[3:]]
        )
        assert s.get(CourseScoreBank, world.course_id).tests == 2  # type: ignore[union-attr]
        shown: dict[str, int] = {}
        for key, count in s.execute(select(ScoreItemExposure.item_key, ScoreItemExposure.shown)):
            shown[key] = count
        for key in set(strong) | set(weak):
            assert shown[key] == (key in strong) + (key in weak)
        assert sum(shown.values()) == len(strong) + len(weak)
        # a test, not practice: no answer recorded as an attempt, no mastery changed
        assert s.scalar(select(func.count()).select_from(Attempt)) == 0
        assert s.scalar(select(func.count()).select_from(Mastery)) == mastery_before


def test_only_the_current_question_is_answered_and_a_refusal_changes_nothing(
    world: World,
) -> None:
    calibrated(world)
    with pytest.raises(NotFound):
        answer_score_test(world.db, world.learner, item_key="pw-1", response="a", now=T0)
    start_score_test(world.db, world.learner, T0)
    assert start_score_test(world.db, world.learner, T0) == start_score_test(
        world.db, world.learner, T0
    )  # resumed, not started twice
    current = score_page(world.db, world.learner, T0).question
    assert current is not None
    other = next(k for k in world.course.items if k != current.key)
    with pytest.raises(InvalidInput, match="current question"):
        answer_score_test(world.db, world.learner, item_key=other, response="a", now=T0)
    with world.db.reading() as s:
        assert s.scalar(select(ScoreTest.answers)) == []
    # rebuilt from the database, the test asks the same question again
    assert score_page(world.db, world.learner, T0).question == current


def test_a_retest_waits_a_week_and_leaves_out_the_items_seen_before(world: World) -> None:
    calibrated(world)
    first = take_test(world, world.learner, None, T0)
    soon = T0 + timedelta(days=RETEST_DAYS - 1)
    page = score_page(world.db, world.learner, soon)
    assert not page.offered
    assert page.again_on == (T0 + timedelta(days=RETEST_DAYS)).date()
    with pytest.raises(PermissionDenied, match="again from"):
        start_score_test(world.db, world.learner, soon)
    later = T0 + timedelta(days=RETEST_DAYS)
    assert score_page(world.db, world.learner, later).offered
    second = take_test(world, world.learner, None, later)
    assert not set(first) & set(second)
    assert len(score_page(world.db, world.learner, later).results) == 2


def test_items_over_the_exposure_cap_are_left_out(world: World) -> None:
    calibrated(world)
    spec = world.course.score_test
    assert spec is not None
    # the items the learner's test would ask first, had nobody seen them
    probe = take_test(world, world.outsider, True, T0)
    with world.db.transaction() as s:  # as if 20 tests had been given, the probe's items in 10
        s.execute(update(CourseScoreBank).values(tests=20))
        s.execute(update(ScoreItemExposure).values(shown=0))
        s.execute(
            update(ScoreItemExposure)
            .where(ScoreItemExposure.item_key.in_(probe))
            .values(shown=int(20 * spec.max_exposure))  # one more would pass the cap
        )
    asked = take_test(world, world.learner, True, T0)
    assert not set(asked) & set(probe)


def test_practice_and_finished_tests_feed_the_calibration(world: World) -> None:
    calibrated(world)
    before = calibrate_score_bank(world.db, world.course_id, T0)
    take_test(world, world.learner, None, T0)
    record_attempt(
        world.db, world.other_learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", True), now=T0,
    )  # fmt: skip
    after = calibrate_score_bank(world.db, world.course_id, T0)
    assert after.learners == before.learners + 2  # the test, and the learner who practised
    assert after.answers > before.answers


def test_an_import_naming_an_item_outside_the_bank_stores_nothing(world: World) -> None:
    rows = [("x", "pw-1", True), ("x", "no-such-item", False)]
    with pytest.raises(InvalidInput, match="answer 2: item 'no-such-item'") as caught:
        import_calibration_answers(world.db, world.course_id, rows)
    assert caught.value.field == "item_id"
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ScoreCalibrationAnswer)) == 0


def test_erasing_a_learner_takes_their_tests_and_keeps_the_exposure_counts(
    world: World,
) -> None:
    calibrated(world)
    asked = take_test(world, world.learner, True, T0)
    take_test(world, world.other_learner, True, T0)
    delete_account(
        world.db, world.admin, username=world.learner.username, confirm=world.learner.username,
        public_url=DEFAULT_PUBLIC_URL, now=T0,
    )  # fmt: skip
    with world.db.reading() as s:
        owners = set(s.scalars(select(ScoreTest.user_id)))
        assert owners == {world.other_learner.user_id}
        assert (
            s.scalar(select(ScoreItemExposure.shown).where(ScoreItemExposure.item_key == asked[0]))
            >= 1
        )
