"""The recommendation policy's reasons, in words a learner reads at a glance."""

from __future__ import annotations

from learnloop.domain import Course
from learnloop.domain.language import IN_ENGLISH, N_, Wording
from learnloop.engine import Reason, Recommendation
from learnloop.engine.recommendation import band_distance

__all__ = ["MODALITY_NAMES", "explain", "listed"]

# A modality's name inside a sentence ("a reading activity"), marked for the catalogs.
MODALITY_NAMES = {
    "reading": N_("reading"),
    "video": N_("video"),
    "interactive": N_("interactive"),
    "hands-on": N_("hands-on"),
    "project": N_("project"),
}


def listed(names: list[str], words: Wording) -> str:
    """ "a", "a and b", "a, b and c", in the reader's language."""
    if len(names) <= 1:
        return "".join(names)
    return words("%(list)s and %(last)s", list=", ".join(names[:-1]), last=names[-1])


def _titles(course: Course, keys: tuple[str, ...], words: Wording) -> str:
    return listed([course.objectives[k].title for k in keys if k in course.objectives], words)


def explain(
    rec: Recommendation,
    course: Course,
    *,
    p_known: float,
    attempts: int,
    words: Wording = IN_ENGLISH,
) -> str:
    objective = course.objectives[rec.objective].title
    # The modality's name, in the reader's language, in lower case inside a sentence.
    modality = words(MODALITY_NAMES[course.activities[rec.activity].modality.value])
    if rec.reason is Reason.GOAL:
        goal = _titles(course, rec.related, words)
        text = (
            words("Toward your goal “%(goal)s”: this is the goal itself.", goal=goal)
            if rec.objective in rec.related
            else words(
                "Toward your goal “%(goal)s”: %(objective)s is next on the way.",
                goal=goal, objective=objective,
            )
        )  # fmt: skip
    elif rec.reason is Reason.CONTINUE:
        text = words(
            "Keep going: you are at %(percent)s on %(objective)s.",
            percent=words.percent(p_known), objective=objective,
        )  # fmt: skip
    elif rec.reason is Reason.READY:
        text = words(
            "Ready: you mastered %(objectives)s.", objectives=_titles(course, rec.related, words)
        )
    elif rec.reason is Reason.REVIEW:
        recall = rec.expected_success
        text = (
            words(
                "Review: you mastered %(objective)s; your memory of it is down to about %(percent)s.",
                objective=objective, percent=words.percent(recall),
            )
            if recall is not None
            else words("Review: you mastered %(objective)s.", objective=objective)
        )  # fmt: skip
    elif rec.reason is Reason.REFRESH:
        text = words(
            "Refresh: your last review of %(objective)s slipped; a little practice brings it back.",
            objective=objective,
        )
    elif rec.reason is Reason.TRY_ANOTHER_WAY:
        text = words(
            "Try another way: %(objective)s has taken %(attempts)s tries; a %(modality)s activity explains it differently.",
            objective=objective, attempts=attempts, modality=modality,
        )  # fmt: skip
    else:
        text = words(
            "A good place to start: %(objective)s needs nothing before it.", objective=objective
        )
    success = rec.expected_success
    if rec.reason is not Reason.REVIEW and success is not None and band_distance(success) == 0:
        text += " " + words(
            "You should get about %(percent)s right: the zone where practice teaches most.",
            percent=words.percent(success),
        )
    if rec.preferred and rec.reason is not Reason.TRY_ANOTHER_WAY:
        text += " " + words("It is a %(modality)s activity, as you prefer.", modality=modality)
    liked = [course.topics[k].title for k in rec.topics if k in course.topics]
    if liked:
        text += " " + words(
            "It is about %(topics)s, which you said interests you.",
            topics=listed(liked, words),
        )
    return text
