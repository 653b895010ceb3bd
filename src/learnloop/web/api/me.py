"""The learner's own resources: next steps, attempts, mastery, feedback received, and what their
educators decided about their record (mastery overrides, withdrawn answers)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from learnloop.reports.learner_views import feedback_received, learner_home, progress_map
from learnloop.reports.mastery_overrides import overrides_for
from learnloop.reports.withdrawn_answers import withdrawn_for
from learnloop.services.learning import record_attempt
from learnloop.services.messages import mark_read, reply_to_feedback
from learnloop.web.api.answers import WithdrawnOut
from learnloop.web.api.schemas import (
    AttemptIn,
    AttemptOut,
    FeedbackIn,
    FeedbackOut,
    MarkReadIn,
    MarkReadOut,
    MasteryChangeOut,
    MasteryOut,
    NextStepOut,
)
from learnloop.web.deps import ApiViewer, ApiWords, PlatformDep

router = APIRouter(prefix="/me", tags=["learner"])


@router.get("/next-steps", response_model=list[NextStepOut])
def next_steps(platform: PlatformDep, viewer: ApiViewer, words: ApiWords) -> list[NextStepOut]:
    """``reason_text`` is in the request's language (Accept-Language); ``reason`` is a code."""
    home = learner_home(platform.db, viewer, platform.settings.pedagogy, words=words)
    return [
        NextStepOut(
            activity=s.activity,
            title=s.title,
            modality=s.modality,
            minutes=s.minutes,
            objective=s.objective,
            reason=s.reason,
            reason_text=s.reason_text,
        )
        for s in home.next_steps
    ]


@router.post("/attempts", response_model=AttemptOut, status_code=201)
def post_attempt(body: AttemptIn, platform: PlatformDep, viewer: ApiViewer) -> AttemptOut:
    outcome = record_attempt(
        platform.db,
        viewer,
        activity_key=body.activity,
        item_key=body.item,
        response=body.response,
        public_url=platform.settings.public_url,
    )
    f = outcome.feedback
    return AttemptOut(
        attempt_id=outcome.attempt_id,
        correct=f.correct,
        counted=outcome.counted,
        messages=list(f.messages),
        hints=list(f.hints),
        solution=f.solution,
        changes=[
            MasteryChangeOut(
                objective=c.objective,
                before=c.before,
                after=c.after,
                mastered=c.mastered,
                newly_mastered=c.newly_mastered,
            )
            for c in outcome.changes
        ],
    )


@router.get("/mastery", response_model=list[MasteryOut])
def mastery(platform: PlatformDep, viewer: ApiViewer) -> list[MasteryOut]:
    _, objectives = progress_map(platform.db, viewer, viewer.user_id)
    return [MasteryOut.of(o) for o in objectives]


@router.get("/feedback", response_model=list[FeedbackOut])
def feedback(platform: PlatformDep, viewer: ApiViewer) -> list[FeedbackOut]:
    return [
        FeedbackOut(
            id=m.id,
            sender=m.sender,
            body=m.body,
            sent_at=m.sent_at,
            mine=m.mine,
            recipient=m.recipient,
            read_at=None if m.mine else m.read_at,
        )
        for m in feedback_received(platform.db, viewer)
    ]


@router.post("/feedback/read", response_model=MarkReadOut)
def feedback_read(body: MarkReadIn, platform: PlatformDep, viewer: ApiViewer) -> MarkReadOut:
    """Mark messages sent to you as read: an educator's to you, or, for an educator, a learner's
    reply. Reading GET /me/feedback does not mark them. All or nothing: 404 if one of the ids is
    not a message to you."""
    return MarkReadOut(new=mark_read(platform.db, viewer, body.ids))


@router.post("/feedback/{message_id}/reply", response_model=FeedbackOut, status_code=201)
def reply(
    message_id: int, body: FeedbackIn, platform: PlatformDep, viewer: ApiViewer
) -> FeedbackOut:
    """Reply to a message an educator sent you: it goes to them, and your class's educators see
    it on your page. 404 for a message that was not sent to you."""
    sent = reply_to_feedback(platform.db, viewer, message_id=message_id, body=body.body)
    return FeedbackOut(
        id=sent.id, sender=viewer.display_name, body=sent.body, sent_at=sent.at, mine=True,
        recipient=sent.to,
    )  # fmt: skip


class OverrideSeenOut(BaseModel):
    objective: str
    action: str  # mastered | practice
    reason: str
    educator: str
    at: datetime


@router.get("/mastery-overrides", response_model=list[OverrideSeenOut])
def mastery_overrides(platform: PlatformDep, viewer: ApiViewer) -> list[OverrideSeenOut]:
    """Your educators' decisions in place of the model's, newest first, with their reasons."""
    return [
        OverrideSeenOut(
            objective=o.objective, action=o.action, reason=o.reason, educator=o.educator, at=o.at
        )
        for o in overrides_for(platform.db, viewer, viewer.user_id)
    ]


@router.get("/withdrawn-answers", response_model=list[WithdrawnOut])
def withdrawn_answers(platform: PlatformDep, viewer: ApiViewer) -> list[WithdrawnOut]:
    """Your answers that no longer count, newest first: why, and who withdrew them."""
    return [WithdrawnOut.of(w) for w in withdrawn_for(platform.db, viewer, viewer.user_id)]
