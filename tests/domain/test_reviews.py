"""Review scheduling: mastery starts a card, reviews move its due date the way FSRS says, a
lapse shortens the interval, and the card survives the database's JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learnloop.domain.reviews import DESIRED_RETENTION, MemoryCard, ReviewScheduler, rating_for

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_ratings_from_answers() -> None:
    assert rating_for(correct=False, misses_before=0) == 1
    assert rating_for(correct=True, misses_before=2) == 2
    assert rating_for(correct=True, misses_before=0) == 3


def test_mastery_starts_a_card_due_when_recall_falls_to_the_target() -> None:
    scheduler = ReviewScheduler()
    card = scheduler.start(T0)
    assert card.reviews == 1
    assert card.lapses == 0
    assert card.due > T0
    assert not scheduler.is_due(card, T0 + timedelta(hours=1))
    assert scheduler.is_due(card, card.due)
    # at the due date, recall is at (about: whole days) the desired retention
    assert scheduler.recall(card, card.due) == pytest.approx(DESIRED_RETENTION, abs=0.03)
    assert scheduler.recall(card, card.due + timedelta(days=20)) < scheduler.recall(card, card.due)


def test_successful_reviews_space_out_and_a_lapse_brings_the_card_back() -> None:
    scheduler = ReviewScheduler()
    card = scheduler.start(T0)
    intervals = []
    for _ in range(3):
        when = card.due
        card = scheduler.review(card, 3, when)
        intervals.append(card.due - when)
    assert intervals[0] < intervals[1] < intervals[2]
    when = card.due
    lapsed = scheduler.review(card, 1, when)
    assert lapsed.lapses == 1
    assert lapsed.reviews == 5
    assert lapsed.due - when < intervals[0]
    assert lapsed.stability < card.stability


def test_cards_round_trip_through_json_and_parameters_are_used() -> None:
    card = ReviewScheduler().start(T0)
    assert MemoryCard.from_json(card.to_json()) == card
    slow = list(ReviewScheduler().parameters)
    slow[2] = 0.5  # a course where a first "good" leaves a short memory
    assert ReviewScheduler(slow).start(T0).due < card.due
