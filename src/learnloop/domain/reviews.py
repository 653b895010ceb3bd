"""Spaced review of mastered objectives, scheduled by FSRS through the ``fsrs`` package.

An objective gets a memory card when it is mastered (that moment counts as its first review,
rated "good"). Each later review is one answer to one of its questions: right at the first try is
"good", right after a miss is "hard", wrong is "again". The package's scheduler turns the card's
stability into the next due date; the engine fits its parameters per course
(``engine.memory.FSRSMemoryModel``) once the course has enough reviews.

Scheduling is deterministic: no learning steps (mastery already was the learning), no fuzzing
(the package would draw it from Python's global random state), and every time is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import fsrs
import numpy as np

from learnloop.engine.memory import ReviewHistory

__all__ = [
    "DESIRED_RETENTION",
    "MIN_REVIEWS_TO_FIT",
    "MemoryCard",
    "ReviewScheduler",
    "rating_for",
    "review_history",
]

# Reviews come when predicted recall falls to 92%. FSRS's default is 90%, the usual balance
# between review load and forgetting for flashcards (Ye et al. 2022; above ~0.95 the load
# multiplies for little gain). A mastered objective is a prerequisite others build on, so it is
# held a little higher: in the class simulation (BENCHMARKS.md, six seeds) 90% left the recall of
# mastered objectives 30 days on at 0.856 on average, half the runs under the 0.85 goal, and 92%
# gives 0.868 (every run 0.86 or more) for 13% more questions and no more practice to mastery.
DESIRED_RETENTION = 0.92
# A course's own parameters are fitted once it has this many reviews after a first one; below
# that the fit stays near the defaults anyway (engine.memory's prior weighs like 64 reviews).
MIN_REVIEWS_TO_FIT = 512
# No objective waits more than a year for its next review.
MAXIMUM_INTERVAL_DAYS = 365


def rating_for(correct: bool, misses_before: int) -> int:
    """FSRS rating of a review answer: 1 again, 2 hard, 3 good."""
    if not correct:
        return int(fsrs.Rating.Again)
    return int(fsrs.Rating.Good if misses_before == 0 else fsrs.Rating.Hard)


@dataclass(frozen=True, slots=True)
class MemoryCard:
    """A mastered objective's memory: what the database keeps of an ``fsrs.Card``."""

    stability: float
    difficulty: float
    due: datetime
    last_review: datetime
    reviews: int
    lapses: int

    def to_json(self) -> dict[str, Any]:
        return {
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due.isoformat(),
            "last_review": self.last_review.isoformat(),
            "reviews": self.reviews,
            "lapses": self.lapses,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MemoryCard:
        return cls(
            float(data["stability"]),
            float(data["difficulty"]),
            datetime.fromisoformat(data["due"]),
            datetime.fromisoformat(data["last_review"]),
            int(data["reviews"]),
            int(data["lapses"]),
        )


def _utc(when: datetime) -> datetime:
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)


class ReviewScheduler:
    def __init__(self, parameters: Sequence[float] | None = None) -> None:
        self._scheduler = fsrs.Scheduler(
            parameters=tuple(parameters) if parameters else fsrs.scheduler.DEFAULT_PARAMETERS,
            desired_retention=DESIRED_RETENTION,
            learning_steps=(),
            relearning_steps=(),
            maximum_interval=MAXIMUM_INTERVAL_DAYS,
            enable_fuzzing=False,
        )

    @property
    def parameters(self) -> tuple[float, ...]:
        return tuple(self._scheduler.parameters)

    def _card(self, card: MemoryCard) -> fsrs.Card:
        return fsrs.Card(
            card_id=1,  # without an id the package sleeps a millisecond to make a unique one
            state=fsrs.State.Review,
            step=None,
            stability=card.stability,
            difficulty=card.difficulty,
            due=_utc(card.due),
            last_review=_utc(card.last_review),
        )

    def start(self, mastered_at: datetime) -> MemoryCard:
        """The card of an objective mastered at ``mastered_at`` (its first review, "good")."""
        card, _ = self._scheduler.review_card(
            fsrs.Card(card_id=1), fsrs.Rating.Good, _utc(mastered_at)
        )
        assert card.stability is not None
        assert card.difficulty is not None
        return MemoryCard(card.stability, card.difficulty, card.due, _utc(mastered_at), 1, 0)

    def review(self, card: MemoryCard, rating: int, when: datetime) -> MemoryCard:
        new, _ = self._scheduler.review_card(self._card(card), fsrs.Rating(rating), _utc(when))
        assert new.stability is not None
        assert new.difficulty is not None
        lapses = card.lapses + int(rating == fsrs.Rating.Again)
        return MemoryCard(
            new.stability, new.difficulty, new.due, _utc(when), card.reviews + 1, lapses
        )

    def recall(self, card: MemoryCard, when: datetime) -> float:
        """Predicted chance of recall at ``when``."""
        return float(self._scheduler.get_card_retrievability(self._card(card), _utc(when)))

    def is_due(self, card: MemoryCard, when: datetime) -> bool:
        return _utc(card.due) <= _utc(when)


def review_history(rows: Sequence[tuple[int, str, datetime, int]]) -> ReviewHistory:
    """Reviews as (learner, objective, when, rating) rows, ordered by learner, objective and time,
    as the engine's history: one memory per learner and objective, whole days between reviews
    counted by calendar date (as FSRS counts them)."""
    memory: list[int] = []
    elapsed: list[float] = []
    rating: list[int] = []
    current: tuple[int, str] | None = None
    previous: datetime | None = None
    for learner, objective, when, r in rows:
        if (learner, objective) != current:
            current, previous = (learner, objective), None
            memory.append(memory[-1] + 1 if memory else 0)
        else:
            memory.append(memory[-1])
        elapsed.append(0.0 if previous is None else float((when.date() - previous.date()).days))
        rating.append(r)
        previous = when
    return ReviewHistory(
        np.array(memory, dtype=np.int64), np.array(elapsed), np.array(rating, dtype=np.int64)
    )
