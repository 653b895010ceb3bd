"""Withdrawing answers from the learner model, keeping them whole.

An answer stops counting in two ways:
- the xAPI statement it came from is voided by an LRS client (content hosted elsewhere reported
  it by mistake, or for the wrong person): ``withdraw_voided``, in the voiding statement's own
  transaction (services.lrs);
- an educator of the learner's class, or an admin, withdraws it with a reason the learner sees
  (someone else answered on the learner's device, the page failed): ``withdraw_answer``.
  learnloop then voids its own xAPI record of an in-app answer, so that the LRS says the same.

The answer moves to ``withdrawn_answers`` with when, why and by whom (nothing acknowledged is
lost: the learner's data export lists it), and the learner's model is replayed without it
(services.model_replay), in the same transaction. Voiding learnloop's own record of an in-app
answer from outside withdraws nothing: in-app answers are withdrawn in learnloop, by an educator.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import learner_agent
from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.audit import record_event
from learnloop.services.model_replay import Replay, replay_learner_model
from learnloop.services.own_records import record_anew, void_record
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner_in_class, require_role
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_lock import lock_learner_model
from learnloop.storage.tables import (
    Attempt,
    MasteryEvent,
    ReviewEvent,
    User,
    WithdrawnAnswer,
)

__all__ = [
    "MAX_WITHDRAW_REASON", "Withdrawal", "restore_answer", "withdraw_answer", "withdraw_voided",
]  # fmt: skip

MAX_WITHDRAW_REASON = 500  # a sentence or two, as for a mastery override: what happened


@dataclass(frozen=True, slots=True)
class Withdrawal:
    attempt_id: int
    replay: Replay
    voided_statement: str | None  # learnloop's own record of the answer, voided with it


def _move(
    s: Session,
    attempts: Sequence[Attempt],
    *,
    reason: str,
    by: str,
    voiding: dict[int, str],
    now: datetime,
) -> None:
    """Copy the answers to ``withdrawn_answers`` and take them out of ``attempts`` (with the
    estimate changes and reviews they caused, which the replay rebuilds)."""
    for a in attempts:
        s.add(
            WithdrawnAnswer(
                id=a.id, user_id=a.user_id, course_id=a.course_id, activity_key=a.activity_key,
                item_key=a.item_key, response=a.response, answer_text=a.answer_text,
                correct=a.correct, misses_before=a.misses_before, counted=a.counted,
                feedback=a.feedback, created_at=a.created_at, statement_id=a.statement_id,
                misconceptions=a.misconceptions, withdrawn_at=now, reason=reason, withdrawn_by=by,
                voiding_statement_id=voiding.get(a.id),
            )
        )  # fmt: skip
    ids = [a.id for a in attempts]
    s.flush()
    for table in (MasteryEvent, ReviewEvent):
        s.execute(delete(table).where(table.attempt_id.in_(ids)))
    s.execute(
        delete(Attempt).where(Attempt.id.in_(ids)),
        execution_options={"synchronize_session": "fetch"},
    )


def withdraw_voided(s: Session, voided: dict[str, str], *, now: datetime) -> list[Replay]:
    """Withdraw the answers that came from the voided statements (target id -> voiding
    statement id), inside the LRS's transaction; one replay for each learner concerned."""
    if not voided:
        return []
    attempts = list(
        s.scalars(
            select(Attempt).where(Attempt.statement_id.in_(list(voided))).order_by(Attempt.id)
        )
    )
    if not attempts:
        return []
    learners = sorted({(a.user_id, a.course_id) for a in attempts})
    for user_id, _ in learners:
        lock_learner_model(s, user_id)
    voiding = {a.id: voided[a.statement_id] for a in attempts if a.statement_id is not None}
    for a in attempts:
        _move(
            s, [a], reason=f"xAPI statement {a.statement_id} voided", by="", voiding=voiding,
            now=now,
        )  # fmt: skip
    return [replay_learner_model(s, user_id, course_id) for user_id, course_id in learners]


def withdraw_answer(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    learner_id: int,
    attempt_id: int,
    reason: str,
    public_url: str,
    now: datetime | None = None,
) -> Withdrawal:
    """An educator of the learner's class (or an admin) withdraws one answer, with a reason the
    learner sees: one transaction for the move, learnloop's voiding of its own record of the
    answer, the replay and the audit event."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    now = now or datetime.now(UTC)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("reason", "say why: the learner sees the reason")
    if len(reason) > MAX_WITHDRAW_REASON:
        raise InvalidInput("reason", "use at most %(max)s characters", max=MAX_WITHDRAW_REASON)
    with db.transaction() as s:
        school_class = require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        lock_learner_model(s, learner_id)
        attempt = s.get(Attempt, attempt_id)
        if (
            attempt is None
            or attempt.user_id != learner_id
            or attempt.course_id != school_class.course_id
        ):
            raise NotFound(
                "learner %(learner_id)s has no answer %(attempt_id)s in this class's course",
                learner_id=learner_id,
                attempt_id=attempt_id,
            )
        voided = (
            void_record(
                s, public_url, attempt.id, now=now,
                actor=learner_agent(public_url, viewer.username, viewer.display_name),
            )
            if attempt.statement_id is None
            else None
        )  # fmt: skip
        _move(
            s, [attempt], reason=reason, by=viewer.username,
            voiding={attempt.id: voided} if voided else {}, now=now,
        )  # fmt: skip
        replay = replay_learner_model(s, learner_id, school_class.course_id)
        learner = s.scalar(select(User.username).where(User.id == learner_id))
        record_event(
            s, actor=viewer.username, action="answer.withdrawn", subject=learner or "",
            now=now, details={"attempt": attempt_id, "class": class_id},
        )  # fmt: skip
        return Withdrawal(attempt_id, replay, voided)


def restore_answer(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    learner_id: int,
    attempt_id: int,
    public_url: str,
    now: datetime | None = None,
) -> Replay:
    """Put back an answer an educator withdrew (by mistake): it returns to ``attempts`` under
    its own id, learnloop stores a new xAPI record of it (the old one stays voided), and the
    learner's model is replayed with it; one transaction, in the audit trail. An answer whose
    xAPI statement its content voided stays withdrawn: the content took it back."""
    require_role(viewer, Role.EDUCATOR, Role.ADMIN)
    now = now or datetime.now(UTC)
    with db.transaction() as s:
        school_class = require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        lock_learner_model(s, learner_id)
        kept = s.get(WithdrawnAnswer, attempt_id)
        if kept is None or kept.user_id != learner_id or kept.course_id != school_class.course_id:
            raise NotFound(
                "learner %(learner_id)s has no withdrawn answer %(attempt_id)s in this class's "
                "course",
                learner_id=learner_id,
                attempt_id=attempt_id,
            )
        if not kept.withdrawn_by:
            raise InvalidInput(
                "answer", "the content that reported this answer voided it: it stays withdrawn"
            )
        attempt = Attempt(
            id=kept.id, user_id=kept.user_id, course_id=kept.course_id,
            activity_key=kept.activity_key, item_key=kept.item_key, response=kept.response,
            answer_text=kept.answer_text, correct=kept.correct, misses_before=kept.misses_before,
            counted=kept.counted, feedback=kept.feedback, created_at=kept.created_at,
            statement_id=kept.statement_id, misconceptions=kept.misconceptions,
        )  # fmt: skip
        s.delete(kept)
        s.add(attempt)
        s.flush()
        user = s.get(User, learner_id)
        assert user is not None
        if attempt.statement_id is None:
            record_anew(
                s, public_url, attempt, username=user.username, display_name=user.display_name,
                course=course_by_id(s, school_class.course_id).slug,
                actor=learner_agent(public_url, viewer.username, viewer.display_name), now=now,
            )  # fmt: skip
        replay = replay_learner_model(s, learner_id, school_class.course_id)
        record_event(
            s, actor=viewer.username, action="answer.restored", subject=user.username, now=now,
            details={"attempt": attempt_id, "class": class_id},
        )  # fmt: skip
        return replay
