"""Request and response bodies of the JSON API (never the storage tables)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from learnloop.domain import Item
from learnloop.domain.goals import GoalPace
from learnloop.reports.learner_views import ObjectiveView
from learnloop.reports.score_views import ScoreResult

__all__ = [
    "AttemptIn",
    "AttemptOut",
    "ChoiceOut",
    "ClassReportOut",
    "ClassSummaryOut",
    "CourseDetailOut",
    "CourseOut",
    "FeedbackIn",
    "FeedbackOut",
    "ItemOut",
    "LearnerDetailOut",
    "MasteryOut",
    "NextStepOut",
    "OverrideIn",
    "OverrideOut",
    "TokenIn",
    "TokenOut",
    "TopicOut",
    "ViewerOut",
    "item_out",
]


class TokenIn(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    # an account that signs in in two steps: its authenticator app's code, or a recovery code
    code: str = Field("", max_length=40)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (the OAuth 2 token type, not a secret)
    expires_in: int  # seconds


class ViewerOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str


class CourseOut(BaseModel):
    id: int
    slug: str
    title: str


class ObjectiveOut(BaseModel):
    key: str
    title: str
    statement: str
    prerequisites: list[str]
    mastery_threshold: float
    mastery_min_attempts: int


class ChoiceOut(BaseModel):
    key: str
    text: str  # sanitized HTML


class ItemOut(BaseModel):
    key: str
    kind: str
    prompt: str  # sanitized HTML
    objectives: list[str]
    choices: list[ChoiceOut]
    unit: str
    # ordering: the steps as shown (answer with their keys in order); matching: the left sides
    # in order and the options (answer with one option key per left side, in order)
    steps: list[ChoiceOut] = []
    lefts: list[str] = []
    options: list[ChoiceOut] = []


def item_out(i: Item) -> ItemOut:
    """An item as a client shows it: never its answers."""
    return ItemOut(
        key=i.key,
        kind=i.kind.value,
        prompt=i.prompt,
        objectives=list(i.objectives),
        choices=[ChoiceOut(key=c.key, text=c.text) for c in i.choices],
        unit=i.unit,
        steps=[ChoiceOut(key=k, text=t) for k, t in i.shown_order()],
        lefts=[left for left, _ in i.pairs],
        options=[ChoiceOut(key=k, text=t) for k, t in i.match_options()],
    )


class ActivityOut(BaseModel):
    key: str
    title: str
    modality: str
    minutes: int
    objectives: list[str]
    body: str  # sanitized HTML
    items: list[ItemOut]
    topics: list[str]  # keys of the course's topics it is about


class TopicOut(BaseModel):
    key: str
    title: str
    words: list[str]  # other words for it that learners' interests may use


class CourseDetailOut(CourseOut):
    description: str
    objectives: list[ObjectiveOut]
    activities: list[ActivityOut]
    topics: list[TopicOut]


class NextStepOut(BaseModel):
    activity: str
    title: str
    modality: str
    minutes: int
    objective: str
    reason: str
    reason_text: str


class AttemptIn(BaseModel):
    activity: str = Field(max_length=64)
    item: str = Field(max_length=64)
    response: str | list[str] = Field(description="a choice key, a list of choice keys, or text")


class MasteryChangeOut(BaseModel):
    objective: str
    before: float
    after: float
    mastered: bool
    newly_mastered: bool


class AttemptOut(BaseModel):
    attempt_id: int
    correct: bool
    counted: bool
    messages: list[str]
    hints: list[str]
    solution: str
    changes: list[MasteryChangeOut]


class MasteryOut(BaseModel):
    objective: str
    title: str
    state: str
    p_known: float
    attempts: int
    missing_prerequisites: list[str]

    @classmethod
    def of(cls, o: ObjectiveView) -> MasteryOut:
        return cls(
            objective=o.key,
            title=o.title,
            state=o.state,
            p_known=o.p_known,
            attempts=o.attempts,
            missing_prerequisites=o.missing,
        )


class FeedbackIn(BaseModel):
    body: str = Field(min_length=1, max_length=4000)


class FeedbackOut(BaseModel):
    id: int | None = None
    sender: str
    body: str
    sent_at: datetime
    mine: bool = Field(False, description="the learner's own reply (in GET /me/feedback)")
    recipient: str = Field("", description="who a reply went to")
    read_at: datetime | None = Field(
        None,
        description="when you first saw a message sent to you (your home page, or POST "
        "/me/feedback/read); null: new. Always null on your own replies.",
    )


class MarkReadIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=500, description="messages sent to you")


class MarkReadOut(BaseModel):
    new: int = Field(description="how many of them had not been read before")


class ClassSummaryOut(BaseModel):
    id: int
    name: str
    course_title: str
    learners: int
    new_replies: int = Field(0, description="learners' replies to you that you have not read")
    ended_at: datetime | None = Field(
        None, description="when an admin ended the class: readable, nothing new starts in it"
    )


class LearnerReportOut(BaseModel):
    id: int
    display_name: str
    mastered: int
    p_known: dict[str, float | None]
    states: dict[str, str]


class ReasonOut(BaseModel):
    """A lead on why a learner is stuck (reports.stuck_reasons)."""

    kind: str  # misconception | prerequisite | one-kind | misses
    detail: str  # the misconception's or prerequisite's title, or the modality tried
    count: int  # answers showing the misconception; misses in a row
    state: str  # for a prerequisite: practice (a review failed) or due


class StuckOut(BaseModel):
    learner_id: int
    display_name: str
    objective: str
    attempts: int
    p_known: float
    reasons: list[ReasonOut]


class PaceOut(BaseModel):
    """Where a learner stands against their own goal (domain.goals)."""

    status: str  # done | no-date | overdue | starting | on-track | behind
    remaining: int  # objectives still to master on the way (the goal included)
    needed_per_week: float | None  # what the date needs
    per_week: float | None  # their pace over the last two weeks
    projected: date | None  # when their pace (or the time they give a week) gets there

    @classmethod
    def of(cls, pace: GoalPace) -> PaceOut:
        return cls(status=pace.status, remaining=pace.remaining,
                   needed_per_week=pace.needed_per_week, per_week=pace.per_week,
                   projected=pace.projected)  # fmt: skip


class GoalOut(BaseModel):
    learner_id: int
    display_name: str
    goal_objective: str
    goal_date: date | None
    pace: PaceOut


class QuietOut(BaseModel):
    learner_id: int
    display_name: str
    last_answer_at: datetime
    days: int  # whole days since that answer
    mastered: int  # objectives mastered in the course


class LearnerRef(BaseModel):
    learner_id: int
    display_name: str


class ClassReportOut(BaseModel):
    id: int
    name: str
    ended_at: datetime | None  # when an admin ended the class, else null
    objectives: list[str]
    learners: list[LearnerReportOut]
    stuck: list[StuckOut]
    stuck_threshold: int
    goals: list[GoalOut]  # learners' own goals in the course, those behind first
    # no answer in the course for quiet_after_days or more (not those who mastered it all), the
    # longest quiet first; and those with no answer in it yet
    quiet: list[QuietOut]
    quiet_after_days: int
    not_started: list[LearnerRef]


class OverrideIn(BaseModel):
    objective: str = Field(max_length=64)
    action: str = Field(max_length=16, description="mastered | practice")
    reason: str = Field(max_length=2000, description="plain text; the learner sees it")


class OverrideOut(BaseModel):
    id: int
    objective: str
    action: str
    state: str  # the objective's state for the learner afterwards


class ProfileOut(BaseModel):
    """What the learner answered at onboarding."""

    goal_objective: str | None
    goal_date: date | None
    interests: str
    preferred_modalities: list[str]
    weekly_minutes: int | None


class ScoreOut(BaseModel):
    """A finished score test."""

    score: int  # on a scale with mean 100 and standard deviation 15
    low: int  # one standard error below
    high: int  # and above
    percentile: int  # share of the calibration population below it, in percent
    theta: float  # the ability itself (EAP), and its standard error
    se: float
    questions: int
    finished_at: datetime

    @classmethod
    def of(cls, r: ScoreResult) -> ScoreOut:
        return cls(
            score=r.score, low=r.low, high=r.high, percentile=r.percentile, theta=r.theta,
            se=r.se, questions=r.questions, finished_at=r.finished_at,
        )  # fmt: skip


class PlacementOut(BaseModel):
    questions: int
    finished_at: datetime | None
    placed_mastered: list[str]  # objective titles, in course order


class LearnerDetailOut(BaseModel):
    id: int
    display_name: str
    username: str
    profile: ProfileOut
    pace: PaceOut | None  # toward their goal in the class's course, if they set one
    following: str  # following (this course now) | elsewhere (another of theirs) | not-started
    scores: list[ScoreOut]  # finished score tests, newest first
    placement: PlacementOut | None
