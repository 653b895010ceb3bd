"""An educator overrides the learner model's mastery decision, with a reason the learner sees
(product.md: "the educator can ... override a mastery estimate (with a reason)").

Two overrides, each the platform's own state change, so that everything downstream follows:

- **mastered**: the objective counts as mastered from now on, as if the learner had reached the
  criterion (the educator saw them do it on paper, in a project, in conversation). Its estimate
  is raised to the mastery threshold if it was below, objectives that need it unlock, and its
  spaced review starts, so FSRS checks the judgment as it checks the model's.
- **practice**: a mastered objective goes back into practice, exactly as after a failed review:
  it stays mastered (what it unlocked stays open) and is recommended for practice until the
  learner answers it right again (services.reviews, REFRESH_RIGHT_ANSWERS).

Each override is one transaction and is kept (``mastery_overrides``) with who made it and why.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Course, Role, Viewer
from learnloop.exceptions import InvalidInput
from learnloop.services.reviews import scheduler_for, start_card
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner_in_class, require_role
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_lock import lock_learner_model
from learnloop.storage.tables import Mastery, MasteryOverride, MemoryCard

__all__ = ["MAX_REASON_LENGTH", "OVERRIDE_ACTIONS", "apply_override", "override_mastery"]

OVERRIDE_ACTIONS = ("mastered", "practice")
MAX_REASON_LENGTH = 500  # a sentence or two: what the educator saw


def override_mastery(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    learner_id: int,
    objective: str,
    action: str,
    reason: str,
    now: datetime | None = None,
) -> int:
    """Apply one override for a learner of the educator's class; returns its id."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    now = now or datetime.now(UTC)
    reason = " ".join(reason.split())
    if action not in OVERRIDE_ACTIONS:
        raise InvalidInput(
            "action",
            "use one of %(names)s, not %(action)s",
            names=", ".join(OVERRIDE_ACTIONS),
            action=repr(action),
        )
    if not reason:
        raise InvalidInput("reason", "say why: the learner sees the reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            "reason",
            "use at most %(max)s characters",
            max=MAX_REASON_LENGTH,
        )
    with db.transaction() as s:
        school_class = require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        course_id = school_class.course_id
        course = course_by_id(s, course_id)
        target = course.objectives.get(objective)
        if target is None:
            raise InvalidInput(
                "objective", "the course has no objective %(objective)s", objective=repr(objective)
            )
        lock_learner_model(s, learner_id)
        before, after = apply_override(
            s, course, course_id=course_id, learner_id=learner_id, objective=objective,
            action=action, now=now,
        )  # fmt: skip
        override = MasteryOverride(
            user_id=learner_id, course_id=course_id, objective_key=objective, action=action,
            reason=reason, educator_id=viewer.user_id, p_before=before, p_after=after,
            created_at=now,
        )  # fmt: skip
        s.add(override)
        s.flush()
        return override.id


def apply_override(
    s: Session,
    course: Course,
    *,
    course_id: int,
    learner_id: int,
    objective: str,
    action: str,
    now: datetime,
    strict: bool = True,
) -> tuple[float, float]:
    """An override's change to the learner model (the learner's model locked by the caller):
    the estimate before and after. ``strict`` refuses an override that would change nothing;
    a replay of the learner's record (services.model_replay) passes False and skips it."""
    target = course.objectives[objective]
    row = s.scalar(
        select(Mastery)
        .where(
            Mastery.user_id == learner_id,
            Mastery.course_id == course_id,
            Mastery.objective_key == objective,
        )
        .with_for_update()
    )
    before = row.p_known if row is not None else target.bkt.prior
    if action == "mastered":
        if row is not None and row.mastered:
            if strict:
                raise InvalidInput("objective", "%(title)s is already mastered", title=target.title)
            return before, before
        if row is None:
            row = Mastery(
                user_id=learner_id, course_id=course_id, objective_key=objective,
                p_known=before, attempts=0, correct=0, recent="",
            )  # fmt: skip
            s.add(row)
        row.p_known = max(row.p_known, target.mastery.threshold)
        row.mastered, row.mastered_at = True, now
        row.threshold, row.min_attempts = target.mastery.threshold, target.mastery.min_attempts
        row.updated_at = now
        start_card(
            s, scheduler_for(s, course_id), user_id=learner_id, course_id=course_id,
            objective=objective, now=now,
        )  # fmt: skip
        return before, row.p_known
    if row is None or not row.mastered:
        if strict:
            raise InvalidInput(
                "objective",
                "%(title)s is not mastered: it is in practice already",
                title=target.title,
            )
        return before, before
    card = s.get(MemoryCard, (learner_id, course_id, objective))
    if card is None:  # mastered before spaced review existed
        start_card(
            s, scheduler_for(s, course_id), user_id=learner_id, course_id=course_id,
            objective=objective, now=now,
        )  # fmt: skip
        card = s.get(MemoryCard, (learner_id, course_id, objective))
    assert card is not None
    card.needs_practice, card.refresh_right = True, 0
    return before, row.p_known
