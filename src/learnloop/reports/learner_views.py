"""What a learner sees: home with next steps, the progress map, an activity (onboarding:
reports.onboarding_views)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from learnloop.config import PedagogySettings
from learnloop.domain import Activity, Course, Item, Viewer
from learnloop.domain.goals import GoalPace
from learnloop.domain.language import IN_ENGLISH, Wording
from learnloop.engine import ActivityOption, recommend
from learnloop.exceptions import NotFound
from learnloop.reports.assignments import AssignmentView, learner_assignments_in
from learnloop.reports.goal_progress import goal_of
from learnloop.reports.item_reports import MyReport, latest_reports_in
from learnloop.reports.learner_courses import CourseChoice, course_choices
from learnloop.reports.learner_state import LearnerState, load_learner_state, objective_state
from learnloop.reports.reasons import explain
from learnloop.reports.review_views import placement_eligible
from learnloop.storage import Database
from learnloop.storage.access import (
    require_class_educator,
    require_learner,
    require_learner_in_class,
)
from learnloop.storage.tables import (
    Attempt,
    FeedbackMessage,
    MasteryEvent,
    SchoolClass,
    User,
)

__all__ = [
    "ActivityView",
    "LearnerHome",
    "NextStep",
    "ObjectiveView",
    "activity_view",
    "feedback_received",
    "learner_home",
    "learner_state_for",
    "progress_map",
]


@dataclass(frozen=True)
class NextStep:
    activity: str
    title: str
    modality: str
    minutes: int
    objective: str
    objective_title: str
    reason: str  # machine-readable (engine.Reason)
    reason_text: str


@dataclass(frozen=True)
class Message:
    sender: str
    body: str
    sent_at: datetime
    id: int = 0
    mine: bool = False  # the learner's own reply; ``recipient`` is the educator it went to
    recipient: str = ""
    read_at: datetime | None = None  # when the learner first saw it; None: new (not for ``mine``)

    @property
    def new(self) -> bool:
        """Sent to the learner and not yet seen by them."""
        return not self.mine and self.read_at is None


@dataclass(frozen=True)
class LearnerHome:
    display_name: str
    course_title: str
    onboarded: bool
    goal_title: str | None
    goal_date: date | None
    mastered: int
    total: int
    next_steps: list[NextStep]
    messages: list[Message]
    reviews_due: int = 0
    back_in_practice: int = 0
    placement_offered: bool = False
    pace: GoalPace | None = None  # progress against the goal (domain.goals)
    assignments: list[AssignmentView] = field(default_factory=list)  # open first
    score_test: str = ""  # the title of the course's score test, if it has one
    # every course the learner may follow, when there are several (reports.learner_courses)
    courses: list[CourseChoice] = field(default_factory=list)

    @property
    def new_messages(self) -> list[int]:
        """The ids of the messages shown that the learner has not seen yet."""
        return [m.id for m in self.messages if m.new]


@dataclass(frozen=True)
class ObjectiveView:
    key: str
    title: str
    statement: str
    state: str  # mastered | in-progress | ready | locked
    p_known: float
    attempts: int
    missing: list[str]  # titles of the prerequisites still to master (locked objectives)
    prerequisites: list[str]  # keys
    depth: int
    # (key, title, modality, titles of the topics it is about)
    activities: list[tuple[str, str, str, tuple[str, ...]]]


@dataclass(frozen=True)
class ItemFeedback:
    correct: bool
    answer_text: str
    messages: list[str]
    hints: list[str]
    solution: str
    changes: list[tuple[str, float, float]]  # objective title, before, after


@dataclass(frozen=True)
class ActivityView:
    activity: Activity
    course_title: str
    course_language: str  # what the course's own text is written in
    locked_by: list[str]
    objectives: list[ObjectiveView]
    items: list[tuple[Item, ItemFeedback | None]]
    assigned: list[AssignmentView] = field(default_factory=list)  # open assignments of it
    # the learner's latest report on each question of it they reported (reports.item_reports)
    reports: dict[str, MyReport] = field(default_factory=dict)


def _topic_titles(course: Course, keys: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(course.topics[k].title for k in keys if k in course.topics)


def _next_steps(state: LearnerState, pedagogy: PedagogySettings, words: Wording) -> list[NextStep]:
    course = state.course
    options = [
        ActivityOption(
            a.key, a.objectives, a.modality.value, a.minutes, bool(a.items), frozenset(a.topics)
        )
        for a in course.activities.values()
    ]
    recs = recommend(
        course.graph,
        options,
        state.snapshot(),
        limit=pedagogy.recommendations_shown,
        stuck_attempts=pedagogy.stuck_min_attempts,
    )
    out = []
    for rec in recs:
        act = course.activities[rec.activity]
        text = explain(
            rec,
            course,
            p_known=state.p_known(rec.objective),
            attempts=state.attempts(rec.objective),
            words=words,
        )
        out.append(
            NextStep(
                act.key,
                act.title,
                act.modality.value,
                act.minutes,
                rec.objective,
                course.objectives[rec.objective].title,
                rec.reason.value,
                text,
            )
        )
    return out


# the messages the learner's home shows: the latest, either way
MESSAGES_SHOWN = 20


def _messages(s: Session, learner_id: int) -> list[Message]:
    """The learner's latest messages with educators, newest first: those sent to them and
    their replies."""
    sender, recipient = aliased(User), aliased(User)
    rows = s.execute(
        select(
            FeedbackMessage.id,
            sender.display_name,
            recipient.display_name,
            FeedbackMessage.body,
            FeedbackMessage.created_at,
            FeedbackMessage.sender_id,
            FeedbackMessage.read_at,
        )
        .join(sender, sender.id == FeedbackMessage.sender_id)
        .join(recipient, recipient.id == FeedbackMessage.recipient_id)
        .where(
            or_(FeedbackMessage.recipient_id == learner_id, FeedbackMessage.sender_id == learner_id)
        )
        .order_by(FeedbackMessage.created_at.desc(), FeedbackMessage.id.desc())
        .limit(MESSAGES_SHOWN)
    )
    return [
        Message(who, body, at, message_id, sender_id == learner_id, to, read_at)
        for message_id, who, to, body, at, sender_id, read_at in rows
    ]


def feedback_received(db: Database, viewer: Viewer) -> list[Message]:
    """The latest messages educators sent to this learner, and the learner's replies, newest
    first."""
    require_learner(viewer)
    with db.reading() as s:
        return _messages(s, viewer.user_id)


def learner_home(
    db: Database,
    viewer: Viewer,
    pedagogy: PedagogySettings,
    *,
    words: Wording = IN_ENGLISH,
    now: datetime | None = None,
) -> LearnerHome:
    """The learner's home at ``now`` (the clock when None); its sentences (reasons, pace)
    written with ``words``."""
    require_learner(viewer)
    with db.reading() as s:
        state = load_learner_state(s, viewer.user_id, now)
        messages = _messages(s, viewer.user_id)
        offered = placement_eligible(s, state)
        assignments = learner_assignments_in(s, viewer, state.course_id, state.course)
        courses = course_choices(s, viewer, state.course_id, state.now, only_several=True)
    course = state.course
    goal = state.goal
    goal_date = state.started.goal_date if state.started else None
    pace = goal_of(course, goal, goal_date, state.profile.weekly_minutes, state.mastery.values(),
                   state.now, words=words)  # fmt: skip
    return LearnerHome(
        display_name=viewer.display_name,
        course_title=course.title,
        onboarded=state.started is not None,
        goal_title=course.objectives[goal].title if goal is not None else None,
        goal_date=goal_date,
        mastered=len(state.mastered),
        total=len(course.objectives),
        next_steps=_next_steps(state, pedagogy, words),
        messages=messages,
        reviews_due=len(state.due_reviews()),
        back_in_practice=len(state.refresh),
        placement_offered=offered,
        pace=pace,
        assignments=assignments,
        score_test=course.score_test.title if course.score_test else "",
        courses=courses,
    )


def _objective_views(state: LearnerState, keys: list[str] | None = None) -> list[ObjectiveView]:
    course = state.course
    out = []
    for key in keys if keys is not None else list(course.graph.topological_order):
        obj = course.objectives[key]
        missing = course.graph.missing_prerequisites(key, state.mastered)
        out.append(
            ObjectiveView(
                key,
                obj.title,
                obj.statement,
                objective_state(state, key),
                state.p_known(key),
                state.attempts(key),
                [course.objectives[m].title for m in missing],
                list(obj.prerequisites),
                course.graph.depth[key],
                [
                    (a.key, a.title, a.modality.value, _topic_titles(course, a.topics))
                    for a in course.activities_for(key)
                ],
            )
        )
    return out


def learner_state_for(
    s: Session, viewer: Viewer, learner_id: int, class_id: int | None
) -> LearnerState:
    """The learner's state for themselves (``class_id`` None), in the course they follow, or for
    an educator of their class ``class_id``, in the class's course (not another one the learner
    may follow now); NotFound or PermissionDenied to anyone else."""
    if class_id is not None:  # an educator's view through their class, whoever asks
        require_class_educator(s, viewer, class_id)
        require_learner_in_class(s, class_id, learner_id)
        course_id = s.scalar(select(SchoolClass.course_id).where(SchoolClass.id == class_id))
        return load_learner_state(s, learner_id, course_id=course_id)
    if learner_id == viewer.user_id:
        require_learner(viewer)
        return load_learner_state(s, learner_id)
    raise NotFound("no such learner")


def progress_map(
    db: Database, viewer: Viewer, learner_id: int, class_id: int | None = None
) -> tuple[Course, list[ObjectiveView]]:
    """A learner's objectives in prerequisite order: for the learner, or an educator of their class."""
    with db.reading() as s:
        state = learner_state_for(s, viewer, learner_id, class_id)
    return state.course, _objective_views(state)


def activity_view(db: Database, viewer: Viewer, activity_key: str) -> ActivityView:
    require_learner(viewer)
    with db.reading() as s:
        state = load_learner_state(s, viewer.user_id)
        activity = state.course.activities.get(activity_key)
        if activity is None:
            raise NotFound(
                "activity %(activity_key)s does not exist", activity_key=repr(activity_key)
            )
        latest: dict[str, Attempt] = {}
        for attempt in s.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == viewer.user_id,
                Attempt.course_id == state.course_id,
                Attempt.activity_key == activity_key,
            )
            .order_by(Attempt.id)
        ):
            latest[attempt.item_key] = attempt
        changes = _changes_by_attempt(s, [a.id for a in latest.values()])
        assigned = learner_assignments_in(
            s, viewer, state.course_id, state.course, open_of=activity_key
        )
        reports = latest_reports_in(s, viewer.user_id, state.course_id, activity.items)
    course = state.course
    locked: list[str] = []
    for key in activity.objectives:
        locked.extend(
            course.objectives[m].title
            for m in course.graph.missing_prerequisites(key, state.mastered)
        )
    items: list[tuple[Item, ItemFeedback | None]] = []
    for item_key in activity.items:
        last = latest.get(item_key)
        feedback = None
        if last is not None:
            f = last.feedback
            feedback = ItemFeedback(
                last.correct,
                last.answer_text,
                list(f["messages"]),
                list(f["hints"]),
                f["solution"],
                [
                    (course.objectives[k].title, b, a)
                    for k, b, a in changes.get(last.id, [])
                    if k in course.objectives
                ],
            )
        items.append((course.items[item_key], feedback))
    return ActivityView(
        activity,
        course.title,
        course.language,
        list(dict.fromkeys(locked)),
        _objective_views(state, list(activity.objectives)),
        items,
        [a for a in assigned if not a.done],
        reports,
    )


def _changes_by_attempt(
    s: Session, attempt_ids: list[int]
) -> dict[int, list[tuple[str, float, float]]]:
    out: dict[int, list[tuple[str, float, float]]] = {}
    if not attempt_ids:
        return out
    for e in s.scalars(select(MasteryEvent).where(MasteryEvent.attempt_id.in_(attempt_ids))):
        out.setdefault(e.attempt_id, []).append((e.objective_key, e.p_before, e.p_after))
    return out
