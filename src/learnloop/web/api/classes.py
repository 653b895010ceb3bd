"""Classes: the educator's reports and feedback."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from learnloop.reports.class_views import class_overview, classes_for, learner_detail
from learnloop.reports.learner_views import progress_map
from learnloop.services.mastery_overrides import override_mastery
from learnloop.services.messages import (
    MAX_FEEDBACK_LENGTH,
    MAX_RECIPIENTS,
    send_feedback,
    send_feedback_to_learners,
)
from learnloop.web.api.schemas import (
    ClassReportOut,
    ClassSummaryOut,
    FeedbackIn,
    FeedbackOut,
    GoalOut,
    LearnerDetailOut,
    LearnerRef,
    LearnerReportOut,
    MasteryOut,
    OverrideIn,
    OverrideOut,
    PaceOut,
    PlacementOut,
    ProfileOut,
    QuietOut,
    ReasonOut,
    ScoreOut,
    StuckOut,
)
from learnloop.web.deps import ApiViewer, PlatformDep

router = APIRouter(prefix="/classes", tags=["classes"])


@router.get("", response_model=list[ClassSummaryOut])
def list_classes(platform: PlatformDep, viewer: ApiViewer) -> list[ClassSummaryOut]:
    return [
        ClassSummaryOut(
            id=c.id,
            name=c.name,
            course_title=c.course_title,
            learners=c.learners,
            new_replies=c.new_replies,
            ended_at=c.ended_at,
        )
        for c in classes_for(platform.db, viewer)
    ]


@router.get("/{class_id}/report", response_model=ClassReportOut)
def report(class_id: int, platform: PlatformDep, viewer: ApiViewer) -> ClassReportOut:
    o = class_overview(platform.db, viewer, class_id, platform.settings.pedagogy)
    keys = [k for k, _ in o.objectives]
    quiet = o.quiet
    return ClassReportOut(
        id=o.id,
        name=o.name,
        ended_at=o.ended_at,
        objectives=keys,
        learners=[
            LearnerReportOut(
                id=row.id,
                display_name=row.display_name,
                mastered=row.mastered,
                p_known={k: c.p_known for k, c in zip(keys, row.cells, strict=True)},
                states={k: c.state for k, c in zip(keys, row.cells, strict=True)},
            )
            for row in o.learners
        ],
        stuck=[
            StuckOut(
                learner_id=s.learner_id,
                display_name=s.display_name,
                objective=s.objective,
                attempts=s.attempts,
                p_known=s.p_known,
                reasons=[
                    ReasonOut(kind=r.kind, detail=r.detail, count=r.count, state=r.state)
                    for r in s.reasons
                ],
            )
            for s in o.stuck
        ],
        stuck_threshold=o.stuck_threshold,
        goals=[
            GoalOut(learner_id=g.learner_id, display_name=g.display_name, goal_objective=g.goal,
                    goal_date=g.goal_date, pace=PaceOut.of(g.pace))
            for g in o.goals
        ],
        quiet=[QuietOut(**vars(q)) for q in quiet.quiet],
        quiet_after_days=quiet.after_days,
        not_started=[LearnerRef(learner_id=i, display_name=n) for i, n in quiet.not_started],
    )  # fmt: skip


@router.get("/{class_id}/learners/{learner_id}", response_model=LearnerDetailOut)
def learner(
    class_id: int, learner_id: int, platform: PlatformDep, viewer: ApiViewer
) -> LearnerDetailOut:
    """What the learner page shows besides mastery: their onboarding answers, their score tests
    and their placement."""
    d = learner_detail(platform.db, viewer, class_id, learner_id, limit=0)
    placed = d.placement
    return LearnerDetailOut(
        id=d.learner_id,
        display_name=d.display_name,
        username=d.username,
        profile=ProfileOut(
            goal_objective=d.goal_objective,
            goal_date=d.goal_date,
            interests=d.interests,
            preferred_modalities=list(d.preferred_modalities),
            weekly_minutes=d.weekly_minutes,
        ),
        pace=PaceOut.of(d.pace) if d.pace is not None else None,
        following=d.following,
        scores=[ScoreOut.of(r) for r in d.scores or []],
        placement=PlacementOut(
            questions=placed.questions, finished_at=placed.finished_at, placed_mastered=placed.known
        )
        if placed is not None
        else None,
    )


@router.get("/{class_id}/learners/{learner_id}/mastery", response_model=list[MasteryOut])
def learner_mastery(
    class_id: int, learner_id: int, platform: PlatformDep, viewer: ApiViewer
) -> list[MasteryOut]:
    _, objectives = progress_map(platform.db, viewer, learner_id, class_id)
    return [MasteryOut.of(o) for o in objectives]


@router.post(
    "/{class_id}/learners/{learner_id}/feedback", response_model=FeedbackOut, status_code=201
)
def post_feedback(
    class_id: int, learner_id: int, body: FeedbackIn, platform: PlatformDep, viewer: ApiViewer
) -> FeedbackOut:
    message_id = send_feedback(
        platform.db, viewer, class_id=class_id, learner_id=learner_id, body=body.body
    )
    return FeedbackOut(
        id=message_id, sender=viewer.display_name, body=body.body.strip(), sent_at=datetime.now(UTC)
    )


class GroupMessageIn(BaseModel):
    learner_ids: list[int] = Field(max_length=MAX_RECIPIENTS * 2)
    body: str = Field(max_length=2 * MAX_FEEDBACK_LENGTH)


class GroupMessageOut(BaseModel):
    ids: list[int] = Field(description="one message per learner, in the order given")


@router.post("/{class_id}/feedback", response_model=GroupMessageOut, status_code=201)
def post_feedback_to_learners(
    class_id: int, body: GroupMessageIn, platform: PlatformDep, viewer: ApiViewer
) -> GroupMessageOut:
    """The same message to several of the class's learners (all or nothing: 400 names the ids
    that are not its learners); each gets their own and can reply."""
    ids = send_feedback_to_learners(
        platform.db, viewer, class_id=class_id, learner_ids=body.learner_ids, body=body.body
    )
    return GroupMessageOut(ids=ids)


@router.post(
    "/{class_id}/learners/{learner_id}/mastery-overrides",
    response_model=OverrideOut,
    status_code=201,
)
def post_override(
    class_id: int, learner_id: int, body: OverrideIn, platform: PlatformDep, viewer: ApiViewer
) -> OverrideOut:
    override_id = override_mastery(
        platform.db, viewer, class_id=class_id, learner_id=learner_id, objective=body.objective,
        action=body.action, reason=body.reason,
    )  # fmt: skip
    _, objectives = progress_map(platform.db, viewer, learner_id, class_id)
    state = next(o.state for o in objectives if o.key == body.objective)
    return OverrideOut(id=override_id, objective=body.objective, action=body.action, state=state)
