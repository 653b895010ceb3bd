"""Grade passback to LTI platforms (Assignment and Grade Services): ``learnloop lti-sync`` sends
each learner who launched a gradable link how many of its objectives they have mastered (the
activity's, for a link to one activity; else the course's), as a score on that link's line item,
when it has changed since the last one sent. A link to the course's score test gets the learner's
latest finished score test instead, as a percentile out of 100 (the scaled score has no maximum
a gradebook could divide by); until they finish one, nothing is sent for them.

Sending is outside the learning loop on purpose: an answer never waits for a platform, and a
platform that is down loses nothing. What was sent is recorded per learner and link only once the
platform took it, so the next run sends what is still owed. One access token per platform and run
(the client-credentials grant with a client assertion signed by the tool's key).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from learnloop.adapters.lti import SCORE_MEDIA_TYPE, SCORE_SCOPE, score, scores_url
from learnloop.domain import Course
from learnloop.domain.score_test import percentile
from learnloop.services.lti_calls import PlatformError, Tokens, post
from learnloop.storage import Database
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import (
    LtiLineItem,
    LtiPlatform,
    LtiScore,
    Mastery,
    SchoolClass,
    ScoreTest,
)

__all__ = ["PERCENTILE_MAXIMUM", "SyncReport", "sync_scores"]

# A score-test link's maximum: its score is a percentile.
PERCENTILE_MAXIMUM = 100


@dataclass
class SyncReport:
    sent: int = 0
    unchanged: int = 0
    waiting: int = 0  # on a score-test link, learners who have not finished a score test yet
    failed: list[str] = field(default_factory=list)  # "platform, learner: why", one per score


@dataclass(frozen=True)
class _Owed:
    line_item_id: int
    user_id: int
    subject: str
    platform_id: int
    lineitem_url: str
    given: float
    maximum: float


def _owed(db: Database) -> tuple[list[_Owed], int, int, dict[int, LtiPlatform]]:
    """Every score whose value differs from the one last sent, how many are unchanged, how many
    wait for a first score test, and the platforms concerned."""
    with db.reading() as s:
        rows = s.execute(
            select(LtiScore, LtiLineItem, SchoolClass.course_id)
            .join(LtiLineItem, LtiLineItem.id == LtiScore.line_item_id)
            .join(SchoolClass, SchoolClass.id == LtiLineItem.class_id)
        ).all()
        mastered: dict[tuple[int, int], set[str]] = {}
        for user_id, course_id, objective in s.execute(
            select(Mastery.user_id, Mastery.course_id, Mastery.objective_key).where(
                Mastery.mastered.is_(True), Mastery.user_id.in_(select(LtiScore.user_id))
            )
        ):
            mastered.setdefault((user_id, course_id), set()).add(objective)
        latest_test: dict[tuple[int, int], float] = {}
        for user_id, course_id, theta in s.execute(
            select(ScoreTest.user_id, ScoreTest.course_id, ScoreTest.theta)
            .where(
                ScoreTest.finished_at.is_not(None), ScoreTest.user_id.in_(select(LtiScore.user_id))
            )
            .order_by(ScoreTest.finished_at, ScoreTest.id)
        ):
            if theta is not None:
                latest_test[(user_id, course_id)] = theta  # the last one read is the latest
        courses = {cid: course_by_id(s, cid) for cid in {r[2] for r in rows}}
        platforms = {p.id: p for p in s.scalars(select(LtiPlatform))}
    owed, unchanged, waiting = [], 0, 0
    for row, item, course_id in rows:
        if item.score_test:
            theta = latest_test.get((row.user_id, course_id))
            if theta is None:
                waiting += 1
                continue
            given, maximum = float(percentile(theta)), float(PERCENTILE_MAXIMUM)
        else:
            given, maximum = _mastered_share(
                courses[course_id], item, mastered.get((row.user_id, course_id), set())
            )
        if row.sent_given == given:
            unchanged += 1
            continue
        owed.append(_Owed(
            row.line_item_id, row.user_id, row.subject, item.platform_id, item.lineitem_url,
            given, maximum,
        ))  # fmt: skip
    return owed, unchanged, waiting, platforms


def _mastered_share(course: Course, item: LtiLineItem, mastered: set[str]) -> tuple[float, float]:
    """Objectives mastered of the link's (its activity's, else the course's), and how many."""
    activity = course.activities.get(item.activity_key) if item.activity_key else None
    counted = set(activity.objectives) if activity is not None else set(course.objectives)
    return float(len(counted & mastered)), float(len(counted))


def sync_scores(
    db: Database,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], Any] | None = None,
) -> SyncReport:
    """Send every changed score (see the module's docstring); ``progress(done, total)`` after each."""
    now = now or datetime.now(UTC)
    owed, unchanged, waiting, platforms = _owed(db)
    report = SyncReport(unchanged=unchanged, waiting=waiting)
    tokens = Tokens(db, SCORE_SCOPE, now)
    for n, due in enumerate(owed, start=1):
        platform = platforms[due.platform_id]
        try:
            token = tokens.of(platform)
            body = score(user_id=due.subject, given=due.given, maximum=due.maximum, now=now)
            post(scores_url(due.lineitem_url), json.dumps(body).encode(), {
                "Content-Type": SCORE_MEDIA_TYPE, "Authorization": f"Bearer {token}",
            })  # fmt: skip
        except PlatformError as exc:
            report.failed.append(f"{platform.name}, learner {due.user_id}: {exc}")
        else:
            with db.transaction() as s:
                row = s.get(LtiScore, (due.line_item_id, due.user_id))
                if row is not None:
                    row.sent_given, row.sent_at = due.given, now
            report.sent += 1
        if progress is not None:
            progress(n, len(owed))
    return report
