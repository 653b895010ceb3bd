"""A learner's answers, for the educators of their class: the answers that count, the ones
withdrawn, and withdrawing one (services.answer_withdrawal)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.class_views import learner_answers
from learnloop.reports.withdrawn_answers import WithdrawnRow, withdrawn_for
from learnloop.services.answer_withdrawal import restore_answer, withdraw_answer
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/classes", tags=["classes"])

# the most answers one listing returns, latest first (the learner page shows as many)
ANSWERS_LISTED = 200


class AnswerOut(BaseModel):
    id: int
    answered_at: datetime
    activity: str
    item: str
    answer: str
    correct: bool
    counted: bool = Field(description="false when it was no evidence: the item solved before, "
                          "or the worked solution shown")  # fmt: skip


class WithdrawnOut(BaseModel):
    id: int
    answered_at: datetime
    withdrawn_at: datetime
    item: str
    answer: str
    correct: bool
    reason: str
    by: str = Field(description="the educator; empty when its xAPI statement was voided")

    @classmethod
    def of(cls, w: WithdrawnRow) -> WithdrawnOut:
        return cls(
            id=w.id, answered_at=w.answered_at, withdrawn_at=w.withdrawn_at, item=w.item_key,
            answer=w.answer_text, correct=w.correct, reason=w.reason, by=w.by,
        )  # fmt: skip


class AnswersOut(BaseModel):
    answers: list[AnswerOut]
    withdrawn: list[WithdrawnOut]


class WithdrawIn(BaseModel):
    reason: str = Field(max_length=2000, description="plain text; the learner sees it")


class WithdrawalOut(BaseModel):
    id: int
    mastered_before: list[str]
    mastered_after: list[str]
    recounted: int = Field(description="answers whose counting as evidence changed")
    voided_statement: str | None = Field(
        description="learnloop's voiding of its own xAPI record of the answer, if it had one"
    )


@router.get("/{class_id}/learners/{learner_id}/answers", response_model=AnswersOut)
def answers(class_id: int, learner_id: int, platform: PlatformDep, viewer: ApiViewer) -> AnswersOut:
    listed = learner_answers(platform.db, viewer, class_id, learner_id, limit=ANSWERS_LISTED)
    return AnswersOut(
        answers=[
            AnswerOut(
                id=a.id,
                answered_at=a.at,
                activity=a.activity_key,
                item=a.item_key,
                answer=a.answer_text,
                correct=a.correct,
                counted=a.counted,
            )
            for a in listed
        ],
        withdrawn=[
            WithdrawnOut.of(w) for w in withdrawn_for(platform.db, viewer, learner_id, class_id)
        ],
    )


@router.post(
    "/{class_id}/learners/{learner_id}/answers/{attempt_id}/withdraw",
    response_model=WithdrawalOut,
)
def withdraw(
    class_id: int,
    learner_id: int,
    attempt_id: int,
    body: WithdrawIn,
    platform: PlatformDep,
    viewer: ApiViewer,
) -> WithdrawalOut:
    done = withdraw_answer(
        platform.db, viewer, class_id=class_id, learner_id=learner_id, attempt_id=attempt_id,
        reason=body.reason, public_url=platform.settings.public_url,
    )  # fmt: skip
    return WithdrawalOut(
        id=done.attempt_id,
        mastered_before=sorted(done.replay.mastered_before),
        mastered_after=sorted(done.replay.mastered_after),
        recounted=done.replay.recounted,
        voided_statement=done.voided_statement,
    )


class RestoredOut(BaseModel):
    id: int
    mastered_before: list[str]
    mastered_after: list[str]


@router.post(
    "/{class_id}/learners/{learner_id}/answers/{attempt_id}/restore", response_model=RestoredOut
)
def restore(
    class_id: int, learner_id: int, attempt_id: int, platform: PlatformDep, viewer: ApiViewer
) -> RestoredOut:
    replay = restore_answer(
        platform.db, viewer, class_id=class_id, learner_id=learner_id, attempt_id=attempt_id,
        public_url=platform.settings.public_url,
    )  # fmt: skip
    return RestoredOut(
        id=attempt_id,
        mastered_before=sorted(replay.mastered_before),
        mastered_after=sorted(replay.mastered_after),
    )
