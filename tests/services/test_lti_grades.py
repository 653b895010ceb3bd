"""Grade passback, on both databases, against a platform served over real HTTP: the tool buys an
access token with a client assertion the platform verifies against the tool's published key, and
posts each learner's score (objectives mastered of the course's) to their link's line item, only
when it changed, and keeps what a failing platform still owes for the next run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from learnloop.adapters.lti import AGS_CLAIM, SCORE_SCOPE
from learnloop.domain import Role, Viewer
from learnloop.domain.score_test import percentile
from learnloop.services.lti_grades import sync_scores
from learnloop.services.mastery_overrides import override_mastery
from learnloop.storage.tables import LtiLineItem, ScoreTest
from tests.conftest import World
from tests.lti_platform import (
    INSTRUCTOR,
    Platform,
    PlatformServer,
    launch,
)
from tests.services.test_score_tests import take_test
from tests.web.score_bank import calibrate_demo_bank


def _gradable(book: PlatformServer) -> dict[str, Any]:
    return {
        AGS_CLAIM: {
            "scope": [SCORE_SCOPE],
            "lineitem": book.url + "/lineitems/7/lineitem?type_id=2",
        }
    }


def test_scores_go_to_the_line_item_when_they_change(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    ada = launch(
        world.db, served_platform, issuer=platform_server.url, **_gradable(platform_server)
    )
    launch(
        world.db,
        served_platform,
        issuer=platform_server.url,
        sub="teacher-1",
        roles=[INSTRUCTOR],
        **_gradable(platform_server),
    )
    launch(
        world.db, served_platform, issuer=platform_server.url, sub="no-grades"
    )  # a link without grades: nothing owed
    now = datetime.now(UTC).replace(microsecond=0)  # the platform checks the assertion's iat
    first = sync_scores(world.db, now=now)
    assert platform_server.errors == []
    assert (first.sent, first.unchanged, first.failed) == (1, 0, [])  # the learner only
    objectives = float(len(world.course.objectives))
    assert platform_server.scores == [{
        "userId": "moodle-user-42", "scoreGiven": 0.0, "scoreMaximum": objectives,
        "activityProgress": "InProgress", "gradingProgress": "FullyGraded",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }]  # fmt: skip
    again = sync_scores(world.db)
    assert (again.sent, again.unchanged) == (0, 1)
    for key in list(world.course.objectives)[:2]:
        override_mastery(world.db, world.admin, class_id=ada.class_id, learner_id=ada.user_id,
                         objective=key, action="mastered", reason="seen in class")  # fmt: skip
    later = sync_scores(world.db)
    assert later.sent == 1
    assert platform_server.scores[-1]["scoreGiven"] == 2.0
    assert platform_server.scopes == [
        SCORE_SCOPE,
        SCORE_SCOPE,
    ]  # one token per run that sends anything


def test_a_platform_that_is_down_is_owed_the_score(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    launch(world.db, served_platform, issuer=platform_server.url, **_gradable(platform_server))
    platform_server.down = True
    failed = sync_scores(world.db)
    assert failed.sent == 0
    assert len(failed.failed) == 1
    assert failed.failed[0].startswith("School Moodle, learner ")
    assert "answered 503" in failed.failed[0]
    platform_server.down = False
    retried = sync_scores(world.db)
    assert (retried.sent, retried.failed) == (1, [])
    assert len(platform_server.scores) == 1


def test_a_launch_without_the_score_scope_is_not_graded(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    claim = {AGS_CLAIM: {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"],
                         "lineitem": platform_server.url + "/lineitems/7/lineitem?type_id=2"}}  # fmt: skip
    launch(world.db, served_platform, issuer=platform_server.url, **claim)
    assert sync_scores(world.db).sent == 0
    assert platform_server.scores == []


def test_a_score_test_link_gets_the_latest_test_as_a_percentile(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    done = launch(
        world.db, served_platform, issuer=platform_server.url, custom={"score_test": "1"},
        **_gradable(platform_server),
    )  # fmt: skip
    assert done.next_url == "/learn/score-test"  # the link opens the score test
    with world.db.reading() as s:
        (item,) = s.scalars(select(LtiLineItem)).all()
    assert (item.score_test, item.activity_key) == (True, "")
    now = datetime.now(UTC).replace(microsecond=0)
    before = sync_scores(world.db, now=now)
    assert (before.sent, before.unchanged, before.waiting) == (0, 0, 1)  # no test yet: nothing
    calibrate_demo_bank(world)
    learner = Viewer(done.user_id, "", "", Role.LEARNER, False)
    take_test(world, learner, True, now)
    with world.db.reading() as s:
        theta = s.scalar(select(ScoreTest.theta).where(ScoreTest.user_id == done.user_id))
    assert theta is not None
    sent = sync_scores(world.db, now=now)
    assert (sent.sent, sent.waiting) == (1, 0)
    assert platform_server.scores[-1]["scoreGiven"] == float(percentile(theta))
    assert platform_server.scores[-1]["scoreMaximum"] == 100.0
    assert sync_scores(world.db, now=now).unchanged == 1
