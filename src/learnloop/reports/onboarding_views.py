"""What onboarding asks a learner, with what they answered before: the course (when no class
chose it), goal, interests (the course's topics to tick, and a free line), preferred kinds of
activity, time a week, and whether the placement diagnostic is offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from learnloop.domain import Course, Viewer
from learnloop.domain.interests import topics_of_interest
from learnloop.domain.placement import offers_placement
from learnloop.storage import Database
from learnloop.storage.access import require_learner
from learnloop.storage.course_store import course_by_id
from learnloop.storage.learner_courses import (
    course_goal,
    followable_courses,
    in_a_class,
    practised_or_placed,
)
from learnloop.storage.tables import LearnerProfile

__all__ = ["Onboarding", "onboarding_options"]


@dataclass(frozen=True)
class Onboarding:
    courses: list[tuple[int, str]]  # courses to choose from (empty when the class chose)
    course_id: int | None
    objectives: list[tuple[str, str]]
    goal_objective: str | None
    goal_date: date | None
    interests: str
    preferred_modalities: list[str]
    placement_offered: bool = False  # no practice or placement in the course yet
    weekly_minutes: int | None = None  # the time they said they can give a week
    topics: tuple[str, ...] = ()  # titles of what the course's activities are about
    # the topics the interests name (ticked on the page), and the rest of what the learner wrote
    topics_named: tuple[str, ...] = ()
    other_interests: str = ""
    course_title: str = ""
    # the learner answered onboarding in another course: this one asks only their goal in it
    new_course: bool = False


def _split_interests(course: Course | None, interests: str) -> tuple[tuple[str, ...], str]:
    """The titles of the course's topics that ``interests`` names, and the parts of it (between
    commas) that are not just one of those titles: what the page's free text keeps."""
    if course is None:
        return (), interests
    named = topics_of_interest(course.topics, interests)
    titles = tuple(t.title for k, t in course.topics.items() if k in named)
    picked = {title.casefold() for title in titles}
    rest = [part.strip() for part in interests.split(",")]
    return titles, ", ".join(p for p in rest if p and p.casefold() not in picked)


def onboarding_options(db: Database, viewer: Viewer) -> Onboarding:
    require_learner(viewer)
    with db.reading() as s:
        profile = s.get(LearnerProfile, viewer.user_id)
        courses = followable_courses(s, viewer.user_id)
        course_id = profile.course_id if profile else None
        objectives: list[tuple[str, str]] = []
        if course_id is None and len(courses) == 1:
            course_id = courses[0][0]
        offered = True
        topics: tuple[str, ...] = ()
        course: Course | None = None
        started = course_goal(s, viewer.user_id, course_id)
        if course_id is not None:
            course = course_by_id(s, course_id)
            objectives = [(k, course.objectives[k].title) for k in course.graph.topological_order]
            topics = tuple(t.title for t in course.topics.values())
            offered = offers_placement(course) and not practised_or_placed(
                s, viewer.user_id, course_id
            )
        in_class = in_a_class(s, viewer.user_id)
    goal = started.goal_objective if started else None
    named, other = _split_interests(course, profile.interests if profile else "")
    return Onboarding(
        courses=[] if in_class else courses,
        course_id=course_id,
        objectives=objectives,
        goal_objective=goal if course is not None and goal in course.objectives else None,
        goal_date=started.goal_date if started else None,
        interests=profile.interests if profile else "",
        preferred_modalities=list(profile.preferred_modalities or []) if profile else [],
        placement_offered=offered,
        weekly_minutes=profile.weekly_minutes if profile else None,
        topics=topics,
        topics_named=named,
        other_interests=other,
        course_title=course.title if course is not None else "",
        new_course=started is None and profile is not None and profile.onboarded_at is not None,
    )
