"""Deep linking: an instructor, launched from the platform's editor (services.lti makes the pending
request), chooses learnloop activities; the answer is a signed list of links that the browser
carries back to the platform, which adds them to its course.

Only the instructor whose launch it was can see or answer the request, within
``DEEP_LINK_MINUTES``; it is answered once (the request is gone after), and an answer with no
activity tells the platform the instructor cancelled.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from learnloop.adapters.lti import SCORE_TEST_CHOICE, ChosenActivity, deep_linking_response
from learnloop.domain import Course, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.lti_grades import PERCENTILE_MAXIMUM
from learnloop.services.lti_platforms import tool_keys
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import Course as CourseRow
from learnloop.storage.tables import LtiDeepLink, LtiPlatform, SchoolClass

__all__ = [
    "DEEP_LINK_MINUTES",
    "DeepLinkAnswer",
    "DeepLinkChoice",
    "answer_deep_link",
    "deep_link_for",
]

# How long an instructor may take to choose: long enough to read the list, short enough that an
# abandoned request does not linger.
DEEP_LINK_MINUTES = 60


@dataclass(frozen=True)
class DeepLinkChoice:
    link_id: str
    class_name: str
    course_title: str
    platform_name: str
    activities: list[tuple[str, str, str, int]]  # key, title, modality, objectives it serves
    accept_multiple: bool
    accept_line_items: bool
    # the course's score test, offered as one more link (its title), when the course has one
    score_test: str | None = None
    score_test_choice: str = SCORE_TEST_CHOICE


@dataclass(frozen=True)
class DeepLinkAnswer:
    return_url: str  # the platform's: the browser posts ``jwt`` there as the form field JWT
    jwt: str
    chosen: int


def _pending(s: Session, viewer: Viewer, link_id: str, now: datetime) -> LtiDeepLink:
    row = s.get(LtiDeepLink, link_id)
    # someone else's request, or an old one, does not exist for this viewer
    if row is None or row.user_id != viewer.user_id:
        raise NotFound("no such content request: choose again from the platform")
    if row.created_at < now - timedelta(minutes=DEEP_LINK_MINUTES):
        raise NotFound("this content request has expired: choose again from the platform")
    return row


def _context(s: Session, row: LtiDeepLink) -> tuple[SchoolClass, LtiPlatform, Course]:
    school_class = s.get(SchoolClass, row.class_id)
    platform = s.get(LtiPlatform, row.platform_id)
    if school_class is None or platform is None:  # pragma: no cover - foreign keys cascade
        raise NotFound("no such content request")
    return school_class, platform, course_by_id(s, school_class.course_id)


def deep_link_for(
    db: Database, viewer: Viewer, link_id: str, *, now: datetime | None = None
) -> DeepLinkChoice:
    """What the instructor chooses from: the activities of the class's course, in course order."""
    now = now or datetime.now(UTC)
    with db.reading() as s:
        row = _pending(s, viewer, link_id, now)
        school_class, platform, course = _context(s, row)
        return DeepLinkChoice(
            link_id, school_class.name, course.title, platform.name,
            [(a.key, a.title, a.modality.value, len(a.objectives)) for a in course.activities.values()],
            row.accept_multiple, row.accept_line_items,
            course.score_test.title if course.score_test else None,
        )  # fmt: skip


def answer_deep_link(
    db: Database,
    viewer: Viewer,
    link_id: str,
    *,
    activity_keys: list[str],
    graded: bool,
    public_url: str,
    now: datetime | None = None,
) -> DeepLinkAnswer:
    """Sign the instructor's choice for the platform and close the request (one transaction)."""
    now = now or datetime.now(UTC)
    keys = list(dict.fromkeys(k for k in activity_keys if k))
    with db.transaction() as s:
        row = _pending(s, viewer, link_id, now)
        school_class, platform, course = _context(s, row)
        offered = set(course.activities) | ({SCORE_TEST_CHOICE} if course.score_test else set())
        unknown = [k for k in keys if k not in offered]
        if unknown:
            raise InvalidInput("activity", f"the course has no activity {', '.join(unknown)}")
        if len(keys) > 1 and not row.accept_multiple:
            raise InvalidInput("activity", "the platform takes one activity here: choose one")
        if graded and not row.accept_line_items:
            raise InvalidInput("graded", "the platform takes no graded links here")
        slug = s.get(CourseRow, school_class.course_id)
        chosen = []
        for k in keys:
            if k == SCORE_TEST_CHOICE and course.score_test is not None:
                chosen.append(ChosenActivity(
                    k, course.score_test.title, "score test, scored as a percentile",
                    PERCENTILE_MAXIMUM, graded,
                ))  # fmt: skip
                continue
            activity = course.activities[k]
            summary = (
                f"{activity.modality.value.replace('_', ' ')}, about {activity.minutes} minutes"
            )
            chosen.append(
                ChosenActivity(k, activity.title, summary, len(activity.objectives), graded)
            )
        token = deep_linking_response(
            tool_keys(s, now)[0], client_id=platform.client_id, platform_issuer=platform.issuer,
            deployment_id=row.deployment_id, nonce=secrets.token_urlsafe(16), data=row.data,
            chosen=chosen, launch_url=public_url.rstrip("/") + "/lti/launch",
            course=slug.slug if slug else "", now=now,
        )  # fmt: skip
        return_url = row.return_url
        s.execute(delete(LtiDeepLink).where(LtiDeepLink.id == link_id))
        return DeepLinkAnswer(return_url, token, len(chosen))
