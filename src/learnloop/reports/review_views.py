"""What spaced review and placement look like to a learner and to their educator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Course, Item, Viewer
from learnloop.domain.placement import diagnostic, offers_placement
from learnloop.exceptions import NotFound
from learnloop.reports.learner_state import LearnerState, load_cards, load_learner_state
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.learner_courses import practised_or_placed
from learnloop.storage.tables import (
    LearnerProfile,
    Placement,
)

__all__ = [
    "PlacementPage",
    "PlacementSummary",
    "ReviewEntry",
    "placement_eligible",
    "placement_page",
    "placement_summary",
    "review_queue",
]


@dataclass(frozen=True)
class ReviewEntry:
    objective: str
    title: str
    status: str  # practice (a review failed) | due | later
    due: datetime
    recall: float  # predicted chance of recall now
    reviews: int
    lapses: int
    activity: str | None  # where to review it: practice with questions
    activity_title: str


def _review_activity(course: Course, objective: str) -> tuple[str | None, str]:
    for a in course.activities_for(objective):
        if a.items:
            return a.key, a.title
    return None, ""


def review_entries(state: LearnerState) -> list[ReviewEntry]:
    course = state.course
    due = state.due_reviews()
    out = []
    for key, card in state.cards.items():
        if key not in course.objectives:
            continue  # an objective the course no longer has
        recall = state.recall(key) or 0.0
        if card.needs_practice:
            status = "practice"
        elif key in due:
            status = "due"
        else:
            status = "later"
        act, act_title = _review_activity(course, key)
        out.append(
            ReviewEntry(
                key, course.objectives[key].title, status, card.due, recall, card.reviews,
                card.lapses, act, act_title,
            )
        )  # fmt: skip
    order = {"practice": 0, "due": 1, "later": 2}
    out.sort(key=lambda e: (order[e.status], e.recall if e.status == "due" else 0.0, e.due))
    return out


def learner_reviews(
    session: Session, learner_id: int, course_id: int, course: Course
) -> list[ReviewEntry]:
    """The review entries of any learner (for their educator), in two queries."""
    cards, scheduler = load_cards(session, learner_id, course_id)
    state = LearnerState(
        course_id, course, LearnerProfile(user_id=learner_id), {}, frozenset(), {}, cards,
        scheduler,
    )  # fmt: skip
    return review_entries(state)


def review_queue(db: Database, viewer: Viewer, now: datetime | None = None) -> list[ReviewEntry]:
    """The learner's mastered objectives: back in practice first, then due (most forgotten
    first), then the rest by due date."""
    require_learner(viewer)
    with db.reading() as s:
        state = load_learner_state(s, viewer.user_id, now)
    return review_entries(state)


@dataclass(frozen=True)
class PlacementSummary:
    started_at: datetime
    finished_at: datetime | None
    questions: int
    known: list[str]  # titles, in course order
    confident: bool
    p_known: list[tuple[str, float]]  # title, chance known


def _summary(course: Course, row: Placement) -> PlacementSummary:
    result = row.result or {}
    order = course.graph.topological_order
    known = set(result.get("known", []))
    p = result.get("p_known", {})
    return PlacementSummary(
        row.started_at,
        row.finished_at,
        len(row.answers),
        [course.objectives[k].title for k in order if k in known],
        bool(result.get("confident", False)),
        [(course.objectives[k].title, float(p[k])) for k in order if k in p],
    )


def placement_summary(
    session: Session, learner_id: int, course_id: int, course: Course
) -> PlacementSummary | None:
    """The learner's latest placement in the course (None if they never started one)."""
    row = session.scalar(
        select(Placement)
        .where(Placement.user_id == learner_id, Placement.course_id == course_id)
        .order_by(Placement.id.desc())
        .limit(1)
    )
    return None if row is None else _summary(course, row)


def placement_eligible(session: Session, state: LearnerState) -> bool:
    """The diagnostic is offered before any practice and placement in the course."""
    if not offers_placement(state.course):
        return False
    return not practised_or_placed(session, state.profile.user_id, state.course_id)


@dataclass(frozen=True)
class PlacementPage:
    offered: bool  # may start one now
    question: Item | None  # the current question of a diagnostic in progress
    number: int  # its number (1-based)
    limit: int  # the most questions it will ask
    summary: PlacementSummary | None  # the latest placement, finished or not
    course_language: str = "en"  # what the question's own text is written in


def placement_page(db: Database, viewer: Viewer) -> PlacementPage:
    require_learner(viewer)
    with db.reading() as s:
        state = load_learner_state(s, viewer.user_id)
        row = s.scalar(
            select(Placement)
            .where(Placement.user_id == viewer.user_id, Placement.course_id == state.course_id)
            .order_by(Placement.id.desc())
            .limit(1)
        )
        offered = placement_eligible(s, state)
    course = state.course
    if row is None:
        return PlacementPage(offered, None, 0, 0, None)
    summary = _summary(course, row)
    if row.finished_at is not None:
        return PlacementPage(False, None, 0, 0, summary)
    current = diagnostic(course, row.answers)
    if current.next_item is None:
        raise NotFound("the diagnostic has no question left")
    return PlacementPage(
        False, current.next_item, len(row.answers) + 1, current.test.max_questions, summary,
        course.language,
    )  # fmt: skip
