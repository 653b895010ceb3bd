"""How the demo's simulated learners practise: like a learner who follows the platform's gating,
through ``record_attempt``, with right and wrong answers written as a learner would write them;
and the class's answers recorded in the order of their times."""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from fractions import Fraction

import numpy as np
from sqlalchemy import select

from learnloop.domain import Course, Viewer
from learnloop.engine.simulation import SimulatedLearner
from learnloop.services.learning import record_attempt
from learnloop.storage import Database
from learnloop.storage.tables import Mastery

__all__ = ["MISCONCEPTION_SHARE", "answer_for", "in_time_order", "misconception_habits", "practise"]

# Share of demo learners who hold each of the course's misconceptions: enough that the
# educator's "Items and misconceptions" page has something to show in a class of 14.
MISCONCEPTION_SHARE = 0.3


def misconception_habits(
    course: Course, stream: list[int]
) -> tuple[frozenset[str], np.random.Generator]:
    """Which of the course's misconceptions a learner holds (each with MISCONCEPTION_SHARE), and
    the stream that then picks their wrong answers: a stream apart from the one that decides
    right and wrong, so the misconceptions leave every history (and mastery) as it was."""
    rng = np.random.default_rng(stream)
    held = frozenset(k for k in sorted(course.misconceptions) if rng.random() < MISCONCEPTION_SHARE)
    return held, rng


def answer_for(
    course: Course,
    item_key: str,
    correct: bool,
    *,
    holds: frozenset[str] = frozenset(),
    rng: np.random.Generator | None = None,
) -> str | list[str]:
    """A response to ``item_key`` that is right or wrong as asked. A wrong one is the authored
    wrong answer of a misconception in ``holds`` when the item has one, else (with ``rng``) an
    authored wrong answer at random, else a plain wrong one."""
    item = course.items[item_key]
    if item.choices:
        right = [c.key for c in item.choices if c.correct]
        wrong = [c.key for c in item.choices if not c.correct]
        if not correct:
            tagged = [c.key for c in item.choices if c.misconception in holds and not c.correct]
            if tagged:
                wrong = tagged[:1] + [w for w in wrong if w != tagged[0]]
            elif rng is not None:
                wrong = [wrong[int(rng.integers(len(wrong)))]]
        if item.kind.value == "single_choice":
            return right[0] if correct else wrong[0]
        return right if correct else right[:-1] + wrong[:1]
    if item.order:  # ordering: the steps in order, or the first two swapped
        keys = [chr(97 + i) for i in range(len(item.order))]
        return keys if correct else [keys[1], keys[0], *keys[2:]]
    if item.pairs:  # matching: each left with its own right, or the first two crossed
        keys = [chr(97 + i) for i in range(len(item.pairs))]
        return keys if correct else [keys[1], keys[0], *keys[2:]]
    if not correct and item.wrong_answers:
        revealing = [w for w in item.wrong_answers if w.misconception in holds]
        if revealing:
            return _wrong_text(item.kind.value, revealing[0].match)
        if rng is not None and rng.random() < 0.5:
            pick = item.wrong_answers[int(rng.integers(len(item.wrong_answers)))]
            return _wrong_text(item.kind.value, pick.match)
    if item.answer is not None:
        # the right answer as stored; a wrong one written as a learner would, as a fraction
        return repr(item.answer) if correct else _wrong_text("numeric", repr(item.answer + 1.0))
    return item.accepted[0] if correct and item.accepted else "I am not sure"


def _wrong_text(kind: str, match: str) -> str:
    """What a learner would type for an authored wrong answer: a numeric one (stored as a float)
    as a fraction; a short-text one (a pattern) as the pattern's plain reading, when it matches."""
    if kind == "numeric":
        return str(Fraction(float(match)).limit_denominator(1000))
    plain = re.sub(r"\(.*?\)\?", "", match)  # optional groups left out
    plain = plain.replace("\\s*", "").replace("\\s+", " ").strip()
    return plain if re.fullmatch(match, plain, re.IGNORECASE) else "I am not sure"


def practise(
    db: Database,
    course: Course,
    viewer: Viewer,
    learner: SimulatedLearner,
    steps: int,
    start: datetime,
    rng: np.random.Generator,
    habits: tuple[frozenset[str], np.random.Generator] | None = None,
) -> Iterator[datetime]:
    """Practise like a learner who follows the platform's gating, for ``steps`` answers: yields
    the time of the next answer, and records it when resumed."""
    when = start
    for _ in range(steps):
        when += timedelta(minutes=float(rng.uniform(1, 6)))
        yield when
        with db.reading() as s:
            mastered = set(
                s.scalars(
                    select(Mastery.objective_key).where(
                        Mastery.user_id == viewer.user_id, Mastery.mastered
                    )
                )
            )
        ready = course.graph.ready(mastered)
        if not ready:
            return
        objective = ready[0]
        activity = next(
            (
                a
                for a in course.activities_for(objective)
                if a.items and set(a.objectives) <= set(ready) | mastered
            ),
            None,
        )
        if activity is None:
            return
        item_key = activity.items[int(rng.integers(len(activity.items)))]
        correct = learner.answer(objective, rng)
        record_attempt(
            db,
            viewer,
            activity_key=activity.key,
            item_key=item_key,
            response=answer_for(
                course,
                item_key,
                correct,
                holds=habits[0] if habits else frozenset(),
                rng=habits[1] if habits else None,
            ),
            now=when,
        )


def in_time_order(runs: list[Iterator[datetime]]) -> None:
    """Advance every learner's run, always the one whose next answer comes first."""
    waiting = [(when, i) for i, run in enumerate(runs) if (when := next(run, None)) is not None]
    heapq.heapify(waiting)
    while waiting:
        _, i = heapq.heappop(waiting)
        upcoming = next(runs[i], None)
        if upcoming is not None:
            heapq.heappush(waiting, (upcoming, i))
