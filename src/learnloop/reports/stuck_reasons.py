"""Why a learner may be stuck on an objective, from what their record shows (product.md: "who is
stuck and why"). Each reason is a lead for the educator's conversation, never a verdict:

- ``misconception``: their wrong answers on the objective reveal the same mistaken idea again
  and again (the course tags it; ``misconception_min_answers`` times or more);
- ``prerequisite``: an objective it builds on has slipped: a failed review sent it back into
  practice, or its review is due;
- ``one-kind``: every answer came from one kind of activity while the objective has others
  (more of the same rarely helps a learner who is wheel-spinning, Beck & Gong 2013);
- ``misses``: their last answers on it were all wrong (``RECENT_MISSES`` or more in a row).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.config import PedagogySettings
from learnloop.domain import Course
from learnloop.storage.tables import Attempt, Mastery, MemoryCard

__all__ = ["RECENT_MISSES", "StuckReason", "stuck_reasons"]

# Three wrong answers in a row on one objective: two can be bad luck on hard items; three, after
# the ten answers that make a learner "stuck", say the current approach is not working.
RECENT_MISSES = 3


@dataclass(frozen=True)
class StuckReason:
    kind: str  # misconception | prerequisite | one-kind | misses
    detail: str  # the misconception's or prerequisite's title, or the modality tried
    count: int = 0  # answers showing the misconception; misses in a row
    state: str = ""  # for a prerequisite: "practice" (a review failed) or "due"


def _misses(recent: str) -> int:
    """Wrong answers in a row at the end, from Mastery.recent (the last outcome first)."""
    return len(recent) - len(recent.lstrip("-"))


def stuck_reasons(
    s: Session,
    course_id: int,
    course: Course,
    stuck: Sequence[tuple[int, str]],
    mastery: dict[tuple[int, str], Mastery],
    pedagogy: PedagogySettings,
    now: datetime,
) -> dict[tuple[int, str], list[StuckReason]]:
    """In the caller's read: the reasons for each stuck (learner, objective), from their counted
    answers in the course and their review cards; ``mastery`` is the class's rows already read."""
    if not stuck:
        return {}
    learners = sorted({learner for learner, _ in stuck})
    answers = s.execute(
        select(Attempt.user_id, Attempt.item_key, Attempt.activity_key, Attempt.correct,
               Attempt.misconceptions)
        .where(Attempt.user_id.in_(learners), Attempt.course_id == course_id,
               Attempt.counted.is_(True))
    ).all()  # fmt: skip
    cards = {
        (c.user_id, c.objective_key): c
        for c in s.scalars(
            select(MemoryCard).where(
                MemoryCard.user_id.in_(learners), MemoryCard.course_id == course_id
            )
        )
    }
    wanted = set(stuck)
    shown: dict[tuple[int, str], Counter[str]] = {key: Counter() for key in wanted}
    kinds: dict[tuple[int, str], set[str]] = {key: set() for key in wanted}
    for user_id, item_key, activity_key, correct, tags in answers:
        item = course.items.get(item_key)
        activity = course.activities.get(activity_key)
        for objective in item.objectives if item is not None else ():
            key = (user_id, objective)
            if key not in wanted:
                continue
            if activity is not None:
                kinds[key].add(activity.modality.value)
            if not correct:
                shown[key].update(t for t in tags.split() if t in course.misconceptions)
    out: dict[tuple[int, str], list[StuckReason]] = {}
    for learner, objective in stuck:
        key = (learner, objective)
        reasons = [
            StuckReason("misconception", course.misconceptions[tag].title, n)
            for tag, n in shown[key].most_common()
            if n >= pedagogy.misconception_min_answers
        ][:1]
        for req in course.graph.prerequisites(objective):
            card = cards.get((learner, req))
            if card is None:
                continue
            if card.needs_practice or card.due <= now:
                state = "practice" if card.needs_practice else "due"
                reasons.append(
                    StuckReason("prerequisite", course.objectives[req].title, state=state)
                )
        offered = {a.modality.value for a in course.activities_for(objective)}
        tried = kinds[key]
        if len(tried) == 1 and offered - tried:
            reasons.append(StuckReason("one-kind", next(iter(tried))))
        row = mastery.get(key)
        misses = _misses(row.recent) if row is not None else 0
        if misses >= RECENT_MISSES:
            reasons.append(StuckReason("misses", "", misses))
        out[key] = reasons
    return out
