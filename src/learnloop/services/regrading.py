"""Grading answers again after a course's items changed (a mistaken answer key, an accepted
answer added), and replaying the learner models they fed.

An author fixes an item and imports the course again; the answers already given were graded by
the old item. ``regrade_course`` grades every in-app answer of the course (or of the items named)
with the items as they are now. Where the outcome changes, the answer's ``correct`` and the
misconceptions it revealed change, learnloop's xAPI record of it is voided and a corrected
record stored (services.own_records), and the learner's model is replayed (services.model_replay):
mastery reached only through a wrongly marked answer goes, mastery a wrongly refused answer
held back comes. The feedback shown at the time stays as it was shown.

Each learner is regraded in one transaction (their answers, records and replay together or not
at all); a second run finds nothing left to change. Answers reported by xAPI statements carry the
outcome their content gave them and are not regraded; an answer the item can no longer read (a
choice since removed) keeps its grade and is counted as unreadable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import platform_agent
from learnloop.domain import Course, grade
from learnloop.exceptions import InvalidInput
from learnloop.services.audit import OPERATOR, record_event
from learnloop.services.model_replay import replay_learner_model
from learnloop.services.own_records import record_anew
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_lock import lock_learner_model
from learnloop.storage.tables import Attempt, User

__all__ = ["Regrade", "regrade_course"]


@dataclass(frozen=True, slots=True)
class Regrade:
    checked: int  # in-app answers graded again
    changed: int  # whose outcome changed
    now_right: int  # of those, now right
    unreadable: int  # the item can no longer read them: kept as graded
    learners: int  # learners whose model was replayed
    mastery_gained: int  # objectives mastered after the replay and not before
    mastery_lost: int
    applied: bool  # False for a dry run


@dataclass(frozen=True, slots=True)
class _Regraded:
    attempt_id: int
    user_id: int
    correct: bool
    answer_text: str
    misconceptions: str


# answers read at a time when planning (only the columns grading needs: a course's whole
# history is never held as objects)
_BATCH = 5000


def _regraded(
    course: Course, answers: Iterable[tuple[int, int, str, Any, bool]]
) -> tuple[list[_Regraded], int, int]:
    """Of ``answers`` (id, learner, item, response, correct), those whose outcome the course's
    items give differently now; how many were read, and how many the items cannot read any more."""
    changed: list[_Regraded] = []
    checked = unreadable = 0
    for attempt_id, user_id, item_key, response, correct in answers:
        checked += 1
        try:
            result = grade(course.items[item_key], response)
        except InvalidInput:
            unreadable += 1
            continue
        if result.correct != correct:
            changed.append(
                _Regraded(attempt_id, user_id, result.correct, result.answer_text,
                          " ".join(result.misconceptions))
            )  # fmt: skip
    return changed, checked, unreadable


def _answers(
    s: Session, course_id: int, items: Sequence[str], user_id: int | None = None
) -> Iterator[tuple[int, int, str, Any, bool]]:
    """The in-app answers to ``items`` (of one learner, when given), learner by learner in
    order."""
    query = (
        select(Attempt.id, Attempt.user_id, Attempt.item_key, Attempt.response, Attempt.correct)
        .where(
            Attempt.course_id == course_id,
            Attempt.statement_id.is_(None),
            Attempt.item_key.in_(list(items)),
        )
        .order_by(Attempt.user_id, Attempt.id)
        .execution_options(yield_per=_BATCH)
    )
    if user_id is not None:
        query = query.where(Attempt.user_id == user_id)
    for row in s.execute(query):
        yield row.id, row.user_id, row.item_key, row.response, row.correct


def _chosen_items(course: Course, items: Sequence[str]) -> list[str]:
    unknown = [k for k in items if k not in course.items]
    if unknown:
        raise InvalidInput(
            "items", "the course has no item %(items)s", items=", ".join(map(repr, unknown))
        )
    return list(items) or list(course.items)


def regrade_course(
    db: Database,
    course_id: int,
    *,
    items: Sequence[str] = (),
    public_url: str,
    dry_run: bool = False,
    now: datetime | None = None,
    actor: str = OPERATOR,
    progress: Callable[[int, int], None] | None = None,
) -> Regrade:
    """Grade the course's in-app answers (to ``items``, or to every item) again with its items
    as they are now; apply the changes learner by learner, or with ``dry_run`` only count them.
    ``progress(done, total)`` hears after each learner."""
    now = now or datetime.now(UTC)
    with db.reading() as s:
        course = course_by_id(s, course_id)
        chosen = _chosen_items(course, items)
        changed, checked, unreadable = _regraded(course, _answers(s, course_id, chosen))
    learners = sorted({c.user_id for c in changed})
    if dry_run or not changed:
        return Regrade(
            checked, len(changed), sum(c.correct for c in changed), unreadable, len(learners),
            0, 0, applied=False,
        )  # fmt: skip
    done_changed = now_right = gained = lost = 0
    for n, user_id in enumerate(learners, 1):
        with db.transaction() as s:
            lock_learner_model(s, user_id)
            course = course_by_id(s, course_id)
            # graded again under the lock: the plan was read before it
            fixes, _, _ = _regraded(course, _answers(s, course_id, chosen, user_id))
            if fixes:
                user = s.get(User, user_id)
                assert user is not None
                for fix in fixes:
                    a = s.get(Attempt, fix.attempt_id)
                    assert a is not None
                    a.correct, a.answer_text = fix.correct, fix.answer_text
                    a.misconceptions = fix.misconceptions
                    record_anew(
                        s, public_url, a, username=user.username, display_name=user.display_name,
                        course=course.slug, actor=platform_agent(public_url), now=now,
                    )  # fmt: skip
                replay = replay_learner_model(s, user_id, course_id)
                done_changed += len(fixes)
                now_right += sum(f.correct for f in fixes)
                gained += len(replay.mastered_after - replay.mastered_before)
                lost += len(replay.mastered_before - replay.mastered_after)
                record_event(
                    s, actor=actor, action="answers.regraded", subject=user.username, now=now,
                    details={"course": course.slug, "answers": [f.attempt_id for f in fixes]},
                )  # fmt: skip
        if progress is not None:
            progress(n, len(learners))
    return Regrade(
        checked, done_changed, now_right, unreadable, len(learners), gained, lost, applied=True
    )
