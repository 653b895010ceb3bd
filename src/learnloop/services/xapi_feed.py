"""An xAPI statement about a learnloop item or activity, by a learnloop learner, updates the
learner model exactly as an in-app answer does (``learning.apply_answer``): one record of learning.
The learner is named by their learnloop account or by an identity linked to it
(services.xapi_identities).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from learnloop.adapters.xapi.learnloop_ids import (
    ATTEMPT_EXTENSION,
    PLATFORM,
    activity_iri,
    parse_learner,
    parse_object,
)
from learnloop.adapters.xapi.statements import agent_key
from learnloop.domain import Role
from learnloop.exceptions import NotFound
from learnloop.services.learning import apply_answer, is_locked, mastery_rows
from learnloop.storage.course_store import course_of_learner
from learnloop.storage.personal_data import account_named

__all__ = ["LEARNING_VERBS", "PASSING_SCALED", "feed_learner_model"]


# Verbs that report an answer or a finished activity; the outcome comes from result.success, or
# from result.score.scaled against PASSING_SCALED when success is absent.
LEARNING_VERBS = {
    "http://adlnet.gov/expapi/verbs/answered",
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
}
# A scaled score of 0.8 or more counts as right when a statement gives no success: the usual
# mastery score of SCORM packages, which is what most xAPI content grew out of.
PASSING_SCALED = 0.8


def _outcome(st: dict[str, Any]) -> bool | None:
    result = st.get("result") or {}
    if isinstance(result.get("success"), bool):
        return bool(result["success"])
    scaled = (result.get("score") or {}).get("scaled")
    if isinstance(scaled, int | float) and not isinstance(scaled, bool):
        return scaled >= PASSING_SCALED
    return None


def feed_learner_model(s: Session, st: dict[str, Any], *, public_url: str, now: datetime) -> bool:
    """A statement about a learnloop item or activity (or outside content an activity of the
    learner's course lists in ``xapi_activities``) by a learnloop learner updates the learner
    model exactly as an answer in the app does (``learning.apply_answer``). Statements learnloop
    emitted itself, and any statement about a locked activity, a course the learner does not
    follow or without an outcome, change nothing. Returns whether the model was updated."""
    if (
        st["verb"]["id"] not in LEARNING_VERBS
        or st["object"].get("objectType", "Activity") != "Activity"
    ):
        return False
    context = st.get("context") or {}
    if context.get("platform") == PLATFORM and ATTEMPT_EXTENSION in (
        context.get("extensions") or {}
    ):
        return False  # learnloop's own record of an in-app answer: already counted
    correct = _outcome(st)
    if correct is None:
        return False
    iri = st["object"]["id"]
    target = parse_object(public_url, iri)
    actor = st["actor"]
    group = actor.get("objectType") == "Group"  # a Group is nobody's identity
    user = account_named(s, parse_learner(public_url, actor), None if group else agent_key(actor))
    if user is None or user.role != Role.LEARNER.value:
        return False
    try:
        course_id, course = course_of_learner(s, user.id)
    except NotFound:
        return False
    if target is None:  # outside content that an activity of the course counts as its own
        activity = next((a for a in course.activities.values() if iri in a.xapi_activities), None)
        if activity is None or not activity.items:
            return False
        items = [activity.items[0]]
    elif course.slug != target.course:
        return False
    elif target.kind == "item":
        if target.key not in course.items:
            return False
        parents = (
            [p["id"] for p in (context.get("contextActivities") or {}).get("parent", []) or []]
            if isinstance((context.get("contextActivities") or {}).get("parent", []), list)
            else []
        )
        found = next(
            (
                a for a in course.activities.values()
                if target.key in a.items and activity_iri(public_url, course.slug, a.key) in parents
            ),
            next((a for a in course.activities.values() if target.key in a.items), None),
        )  # fmt: skip
        if found is None:
            return False
        activity, items = found, [target.key]
    else:
        found = course.activities.get(target.key)
        if found is None or not found.items:
            return False
        activity, items = found, [found.items[0]]
    rows = mastery_rows(s, user.id, course_id)
    if is_locked(course, activity.objectives, rows):
        return False
    response = (st.get("result") or {}).get("response", "")
    for item in items:
        apply_answer(
            s, user_id=user.id, course_id=course_id, course=course, rows=rows,
            activity_key=activity.key,
            item_key=item, correct=correct, response={"xapi": st["id"]},
            answer_text=str(response)[:1000] or ("right" if correct else "wrong"), now=now,
            statement_id=st["id"],
        )  # fmt: skip
    return True
