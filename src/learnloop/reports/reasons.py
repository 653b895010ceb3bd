"""The recommendation policy's reasons, in words a learner reads at a glance."""

from __future__ import annotations

from learnloop.domain import Course
from learnloop.engine import Reason, Recommendation
from learnloop.engine.recommendation import band_distance

__all__ = ["explain"]


def _titles(course: Course, keys: tuple[str, ...]) -> str:
    names = [course.objectives[k].title for k in keys if k in course.objectives]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def explain(rec: Recommendation, course: Course, *, p_known: float, attempts: int) -> str:
    objective = course.objectives[rec.objective].title
    modality = course.activities[rec.activity].modality.value
    if rec.reason is Reason.GOAL:
        goal = _titles(course, rec.related)
        text = (
            f"Toward your goal “{goal}”: this is the goal itself."
            if rec.objective in rec.related
            else f"Toward your goal “{goal}”: {objective} is next on the way."
        )
    elif rec.reason is Reason.CONTINUE:
        text = f"Keep going: you are at {p_known:.0%} on {objective}."
    elif rec.reason is Reason.READY:
        text = f"Ready: you mastered {_titles(course, rec.related)}."
    elif rec.reason is Reason.REVIEW:
        recall = rec.expected_success
        text = f"Review: you mastered {objective}" + (
            f"; your memory of it is down to about {recall:.0%}." if recall is not None else "."
        )
    elif rec.reason is Reason.REFRESH:
        text = (
            f"Refresh: your last review of {objective} slipped; a little practice brings it back."
        )
    elif rec.reason is Reason.TRY_ANOTHER_WAY:
        text = f"Try another way: {objective} has taken {attempts} tries; a {modality} activity explains it differently."
    else:
        text = f"A good place to start: {objective} needs nothing before it."
    success = rec.expected_success
    if rec.reason is not Reason.REVIEW and success is not None and band_distance(success) == 0:
        text += f" You should get about {success:.0%} right: the zone where practice teaches most."
    if rec.preferred and rec.reason is not Reason.TRY_ANOTHER_WAY:
        text += f" It is a {modality} activity, as you prefer."
    return text
