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
    LearnloopObject,
    activity_iri,
    lookup_names,
    parse_object,
)
from learnloop.domain import Activity, Course, Role
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


def _parents(context: dict[str, Any]) -> set[str]:
    """The ids of the statement's parent activities (where an answered question sits)."""
    listed = (context.get("contextActivities") or {}).get("parent") or []
    if not isinstance(listed, list):
        return set()
    return {p["id"] for p in listed if isinstance(p, dict) and isinstance(p.get("id"), str)}


def _first_item(activity: Activity | None) -> tuple[Activity, str] | None:
    return (activity, activity.items[0]) if activity is not None and activity.items else None


def _answered_where(
    course: Course, iri: str, target: LearnloopObject | None, parents: set[str], public_url: str
) -> tuple[Activity, str] | None:
    """The activity and item that a statement about ``iri`` answers, or None: an item (its own
    IRI, or an outside question it lists), in the activity the statement names as its parent
    if one holds it; an activity (its own IRI, or outside content it lists) by its first item."""
    if target is None:
        item_key = next((k for k, i in course.items.items() if iri in i.xapi_activities), None)
        if item_key is None:
            return _first_item(
                next((a for a in course.activities.values() if iri in a.xapi_activities), None)
            )
    elif course.slug != target.course:
        return None
    elif target.kind == "activity":
        return _first_item(course.activities.get(target.key))
    else:
        item_key = target.key
    holders = [a for a in course.activities.values() if item_key in a.items]
    named = [
        a for a in holders
        if activity_iri(public_url, course.slug, a.key) in parents or parents & set(a.xapi_activities)
    ]  # fmt: skip
    return ((named or holders)[0], item_key) if holders else None


def feed_learner_model(s: Session, st: dict[str, Any], *, public_url: str, now: datetime) -> bool:
    """A statement about a learnloop item or activity (or outside content an item or activity
    of the learner's course lists in ``xapi_activities``) by a learnloop learner updates the learner
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
    user = account_named(s, *lookup_names(public_url, st["actor"]))
    if user is None or user.role != Role.LEARNER.value:
        return False
    try:
        course_id, course = course_of_learner(s, user.id)
    except NotFound:
        return False
    where = _answered_where(course, iri, target, _parents(context), public_url)
    if where is None:
        return False
    activity, item_key = where
    rows = mastery_rows(s, user.id, course_id)
    if is_locked(course, activity.objectives, rows):
        return False
    response = (st.get("result") or {}).get("response", "")
    apply_answer(
        s, user_id=user.id, course_id=course_id, course=course, rows=rows,
        activity_key=activity.key, item_key=item_key, correct=correct,
        response={"xapi": st["id"]},
        answer_text=str(response)[:1000] or ("right" if correct else "wrong"), now=now,
        statement_id=st["id"],
    )  # fmt: skip
    return True
