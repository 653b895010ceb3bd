"""Replaying a learner's record: the learner model rebuilt from what the learner did, in order.

A learner's model state (mastery, the history of each estimate, review cards and reviews) is
derived: every answer, finished placement diagnostic and educator override is kept, and each
changed the state when it came. When one of those answers is withdrawn (services.answer_withdrawal),
the state must become what it would have been without it, not what it is minus a guess. So the
derived rows are deleted and the kept record is applied again, oldest first, through the same
functions that applied it the first time (``learning.update_model``, ``placement.apply_placement``,
``mastery_overrides.apply_override``): a replay of an untouched record gives back the same rows.

What a replay judges with:
- the course's learner model and review parameters as they are now (a refit since is used);
- for an objective the learner had mastered, the mastery criterion recorded when they mastered it
  (engine.mastery: a later change of the course's criterion never rewrites the past); for the
  others, the course's criterion now;
- whether an answer counts as evidence, from the answers kept (a withdrawn right answer no longer
  means the item was solved), with the number of misses the learner was shown at the time (what
  decided whether the worked solution showed).

Answers on items the course no longer has are kept and skipped, as the model fit skips them.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.domain import Course
from learnloop.engine.mastery import MasteryCriterion
from learnloop.services.learning import is_evidence, mastery_rows, update_model
from learnloop.services.mastery_overrides import apply_override
from learnloop.services.placement import apply_placement
from learnloop.services.reviews import scheduler_for
from learnloop.storage.course_store import course_by_id, course_model
from learnloop.storage.tables import (
    Attempt,
    Mastery,
    MasteryEvent,
    MasteryOverride,
    MemoryCard,
    Placement,
    ReviewEvent,
)

__all__ = ["Replay", "replay_learner_model"]

# Derived from the record, rebuilt by a replay; children first.
_DERIVED = (MasteryEvent, ReviewEvent, MemoryCard, Mastery)


@dataclass(frozen=True, slots=True)
class Replay:
    answers: int  # answers applied again
    recounted: int  # answers whose "counted as evidence" changed
    mastered_before: frozenset[str]
    mastered_after: frozenset[str]


def _with_recorded_criteria(course: Course, recorded: dict[str, MasteryCriterion]) -> Course:
    if not recorded:
        return course
    objectives = {
        k: replace(o, mastery=recorded[k]) if k in recorded else o
        for k, o in course.objectives.items()
    }
    return replace(course, objectives=objectives)


def replay_learner_model(s: Session, user_id: int, course_id: int) -> Replay:
    """Rebuild the learner's model state for the course from their kept record, inside the
    caller's transaction."""
    old = mastery_rows(s, user_id, course_id)  # the learner's model locked, as every change does
    course = course_by_id(s, course_id)
    recorded = {
        k: MasteryCriterion(m.threshold, m.min_attempts)
        for k, m in old.items()
        if m.mastered and k in course.objectives
    }
    before = frozenset(k for k, m in old.items() if m.mastered)
    course = _with_recorded_criteria(course, recorded)
    for table in _DERIVED:
        s.execute(
            delete(table).where(table.user_id == user_id, table.course_id == course_id),
            execution_options={"synchronize_session": "fetch"},
        )
    attempts = list(
        s.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.course_id == course_id)
            .order_by(Attempt.id)
        )
    )
    placements = list(
        s.scalars(
            select(Placement)
            .where(
                Placement.user_id == user_id,
                Placement.course_id == course_id,
                Placement.finished_at.is_not(None),
            )
            .order_by(Placement.finished_at, Placement.id)
        )
    )
    overrides = list(
        s.scalars(
            select(MasteryOverride)
            .where(MasteryOverride.user_id == user_id, MasteryOverride.course_id == course_id)
            .order_by(MasteryOverride.created_at, MasteryOverride.id)
        )
    )
    model = course_model(s, course_id, course)
    scheduler = scheduler_for(s, course_id)
    rows: dict[str, Mastery] = {}
    solved: dict[str, bool] = defaultdict(bool)  # item -> answered right among the answers kept
    applied = recounted = 0
    # Each list keeps its own order (answers by id, as they were applied); the three are merged
    # by time, placements first, then answers, then overrides at the same instant.
    timeline: list[tuple[datetime, Any]] = list(
        heapq.merge(
            [(p.finished_at, p) for p in placements if p.finished_at is not None],
            [(a.created_at, a) for a in attempts],
            [(o.created_at, o) for o in overrides],
            key=lambda pair: pair[0],
        )
    )
    for when, event in timeline:
        if isinstance(event, Attempt):
            if event.item_key not in course.items:
                continue
            counted = is_evidence(solved[event.item_key], event.misses_before)
            solved[event.item_key] |= event.correct
            if counted != event.counted:
                event.counted = counted
                recounted += 1
            update_model(s, event, course=course, rows=rows, model=model, scheduler=scheduler)
            applied += 1
            continue
        s.flush()
        if isinstance(event, Placement):
            result = event.result or {}
            apply_placement(
                s, user_id, course_id, course, dict(result.get("p_known") or {}),
                set(result.get("known") or ()), when,
            )  # fmt: skip
        elif event.objective_key in course.objectives:
            apply_override(
                s, course, course_id=course_id, learner_id=user_id,
                objective=event.objective_key, action=event.action, now=when, strict=False,
            )  # fmt: skip
        rows = mastery_rows(s, user_id, course_id)
    s.flush()
    after = frozenset(k for k, m in mastery_rows(s, user_id, course_id).items() if m.mastered)
    return Replay(applied, recounted, before, after)
