"""Spaced review and placement as the platform stores them: a card on mastery, a due review that
fails sends the objective back into practice, fitting waits for enough reviews; the diagnostic
asks few questions, places the learner, starts their cards, and is only for a fresh start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.domain.reviews import MIN_REVIEWS_TO_FIT, ReviewScheduler
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.learner_views import learner_home
from learnloop.reports.review_views import placement_page, review_queue
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.placement import answer_placement, start_placement
from learnloop.services.reviews import (
    REFRESH_RIGHT_ANSWERS,
    fit_course_memory,
    held_out_memories,
    scheduler_for,
)
from learnloop.storage.tables import CourseMemoryModel, Mastery, MemoryCard, Placement, ReviewEvent
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PARTS = ["pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]


def master_parts(world: World, when: datetime) -> None:
    for item in PARTS:
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(world.course, item, True), now=when,
        )  # fmt: skip


def card(world: World, objective: str) -> MemoryCard | None:
    with world.db.reading() as s:
        return s.get(MemoryCard, (world.learner.user_id, world.course_id, objective))


def test_mastery_starts_a_card_and_a_failed_due_review_sends_it_back_into_practice(
    world: World,
) -> None:
    master_parts(world, T0)
    started = card(world, "parts-of-a-whole")
    assert started is not None
    assert started.due > T0
    assert not started.needs_practice
    # answered again before it is due: practice, not a review
    record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", False), now=T0 + timedelta(hours=2),
    )  # fmt: skip
    assert card(world, "parts-of-a-whole").reviews == 1  # type: ignore[union-attr]
    due = started.due + timedelta(hours=1)
    assert [
        e.objective for e in review_queue(world.db, world.learner, due) if e.status == "due"
    ] == ["parts-of-a-whole"]
    record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-4",
        response=answer_for(world.course, "pw-4", False), now=due,
    )  # fmt: skip
    lapsed = card(world, "parts-of-a-whole")
    assert lapsed is not None
    assert lapsed.needs_practice
    assert lapsed.lapses == 1
    with world.db.reading() as s:
        ratings = [e.rating for e in s.scalars(select(ReviewEvent).order_by(ReviewEvent.id))]
        mastery = s.get(Mastery, (world.learner.user_id, world.course_id, "parts-of-a-whole"))
    assert ratings == [3, 1]  # the start at mastery, then the failed review
    assert mastery is not None
    assert mastery.mastered
    queue = review_queue(world.db, world.learner, due)
    assert queue[0].status == "practice"
    home = learner_home(world.db, world.learner, PedagogySettings())
    assert home.back_in_practice == 1
    assert home.next_steps[0].reason == "refresh"
    for n, item in enumerate(PARTS[:REFRESH_RIGHT_ANSWERS]):
        assert card(world, "parts-of-a-whole").needs_practice  # type: ignore[union-attr]
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(world.course, item, True), now=due + timedelta(minutes=n + 1),
        )  # fmt: skip
    assert not card(world, "parts-of-a-whole").needs_practice  # type: ignore[union-attr]


def test_course_memory_is_fitted_only_with_enough_reviews(world: World) -> None:
    master_parts(world, T0)
    outcome = fit_course_memory(world.db, world.course_id, T0)
    assert not outcome.fitted
    assert outcome.reviews == 0
    with world.db.transaction() as s:  # a history as a busy course would have it
        for n in range(MIN_REVIEWS_TO_FIT // 2 + 1):
            for day, rating in ((0, 3), (3, 3), (10, 1 if n % 4 == 0 else 3)):
                s.add(
                    ReviewEvent(
                        user_id=world.learner.user_id, course_id=world.course_id,
                        objective_key=f"o{n}", attempt_id=None, rating=rating,
                        reviewed_at=T0 + timedelta(days=day),
                    )
                )  # fmt: skip
    outcome = fit_course_memory(world.db, world.course_id, T0)
    assert outcome.fitted
    assert outcome.reviews >= MIN_REVIEWS_TO_FIT
    with world.db.reading() as s:
        fitted = s.get(CourseMemoryModel, world.course_id)
    assert fitted is not None
    assert len(fitted.parameters) == 21
    assert outcome.log_loss is not None
    assert 0 < outcome.log_loss < 1


def unlike_memories(world: World) -> None:
    """Reviews of 300 memories: those the check fit learns from are forgotten ten days on, the
    held-out ones are recalled, as FSRS's defaults expect of a memory reviewed after three."""
    keys = sorted(f"o{n:03d}" for n in range(300))  # numbered in this order, as the fit reads
    held = held_out_memories(world.course_id, len(keys))
    assert 0 < held.sum() < len(keys)
    with world.db.transaction() as s:
        for key, out in zip(keys, held, strict=True):
            for day, rating in ((0, 3), (3, 3), (10, 3 if out else 1)):
                s.add(
                    ReviewEvent(
                        user_id=world.learner.user_id, course_id=world.course_id,
                        objective_key=key, attempt_id=None, rating=rating,
                        reviewed_at=T0 + timedelta(days=day),
                    )
                )  # fmt: skip


def test_fitted_memory_parameters_that_predict_worse_than_the_defaults_are_not_used(
    world: World,
) -> None:
    unlike_memories(world)
    outcome = fit_course_memory(world.db, world.course_id, T0)
    assert outcome.fitted
    assert outcome.log_loss is not None
    assert outcome.baseline_log_loss is not None
    assert outcome.log_loss > outcome.baseline_log_loss
    assert not outcome.adopted
    with world.db.reading() as s:
        stored = s.get(CourseMemoryModel, world.course_id)
        assert stored is not None
        assert (stored.adopted, stored.baseline_log_loss) == (False, outcome.baseline_log_loss)
        assert scheduler_for(s, world.course_id).parameters == ReviewScheduler(None).parameters
        assert tuple(stored.parameters) != ReviewScheduler(None).parameters


def test_a_memory_fit_with_nothing_to_hold_out_is_used_and_scored_on_its_reviews(
    world: World,
) -> None:
    """One memory reviewed every other day: it is either held out (nothing left to fit) or not
    (nothing to check on), so there is no check, and the fit is used."""
    with world.db.transaction() as s:
        for n in range(MIN_REVIEWS_TO_FIT + 1):
            s.add(
                ReviewEvent(
                    user_id=world.learner.user_id, course_id=world.course_id,
                    objective_key="o", attempt_id=None, rating=1 if n % 5 == 4 else 3,
                    reviewed_at=T0 + timedelta(days=2 * n),
                )
            )  # fmt: skip
    outcome = fit_course_memory(world.db, world.course_id, T0)
    assert outcome.fitted
    assert outcome.baseline_log_loss is None
    assert outcome.adopted
    assert outcome.log_loss is not None
    assert 0 < outcome.log_loss < 1


def test_the_placement_diagnostic_places_a_strong_learner_and_starts_their_cards(
    world: World,
) -> None:
    start_placement(world.db, world.learner, T0)
    asked: list[str] = []
    while (page := placement_page(world.db, world.learner)).question is not None:
        item = page.question
        with pytest.raises(InvalidInput, match="current question"):
            answer_placement(world.db, world.learner, item_key="not-this-one", response="1")
        answer_placement(
            world.db, world.learner, item_key=item.key,
            response=answer_for(world.course, item.key, True), now=T0,
        )  # fmt: skip
        asked.extend(world.course.items[item.key].objectives)
    assert 3 <= len(asked) <= max(3, int(0.4 * len(world.course.objectives)))
    summary = placement_page(world.db, world.learner).summary
    assert summary is not None
    assert summary.finished_at is not None
    titles = {world.course.objectives[k].title for k in asked}
    assert titles <= set(summary.known)  # every objective answered right is placed as known
    with world.db.reading() as s:
        rows = {
            m.objective_key: m
            for m in s.scalars(select(Mastery).where(Mastery.user_id == world.learner.user_id))
        }
        cards = set(
            s.scalars(
                select(MemoryCard.objective_key).where(MemoryCard.user_id == world.learner.user_id)
            )
        )
    known = {k for k, m in rows.items() if m.mastered}
    assert len(known) == len(summary.known)
    assert cards == known
    # what is placed as known is closed under prerequisites
    assert all(set(world.course.objectives[k].prerequisites) <= known for k in known)
    assert all(m.p_known <= 0.8 for m in rows.values() if not m.mastered)
    with pytest.raises(PermissionDenied, match="start of a course"):
        start_placement(world.db, world.learner, T0)
    with pytest.raises(NotFound):
        answer_placement(world.db, world.learner, item_key="pw-3", response="1")


def test_a_weak_learner_is_placed_at_the_start_and_practice_closes_the_offer(world: World) -> None:
    start_placement(world.db, world.other_learner, T0)
    while (page := placement_page(world.db, world.other_learner)).question is not None:
        answer_placement(
            world.db, world.other_learner, item_key=page.question.key,
            response=answer_for(world.course, page.question.key, False), now=T0,
        )  # fmt: skip
    assert placement_page(world.db, world.other_learner).summary.known == []  # type: ignore[union-attr]
    # a learner who has practised cannot start one
    record_attempt(
        world.db, world.learner, activity_key="parts-practice", item_key="pw-3",
        response=answer_for(world.course, "pw-3", True),
    )  # fmt: skip
    assert not placement_page(world.db, world.learner).offered
    with pytest.raises(PermissionDenied):
        start_placement(world.db, world.learner)
    with world.db.reading() as s:
        assert s.scalar(select(Placement).where(Placement.user_id == world.learner.user_id)) is None
