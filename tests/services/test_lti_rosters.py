"""Rosters from the platform, on both databases, read over real HTTP in pages: every active member
gets their account and membership, as their first launch would; inactive members and accounts
whose roles changed are left as they are; a failing platform changes nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from learnloop.adapters.lti import NRPS_CLAIM, ROSTER_SCOPE
from learnloop.services.class_lifecycle import end_class, reopen_class
from learnloop.services.lti_rosters import sync_rosters
from learnloop.storage import Database
from learnloop.storage.tables import ClassMember, User
from tests.conftest import World
from tests.lti_platform import (
    INSTRUCTOR,
    LEARNER,
    Platform,
    PlatformServer,
    launch,
)


def _member(user_id: str, name: str, role: str = LEARNER, **extra: Any) -> dict[str, Any]:
    return {"user_id": user_id, "name": name, "roles": [role], **extra}


def _class_members(db: Database, class_id: int) -> dict[str, str]:
    with db.reading() as s:
        rows = s.execute(
            select(User.display_name, ClassMember.role)
            .join(ClassMember, ClassMember.user_id == User.id)
            .where(ClassMember.class_id == class_id)
        )
        return {name: role for name, role in rows}  # noqa: C416 (rows are not pairs)


def test_the_roster_fills_the_class(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    offer = {
        NRPS_CLAIM: {
            "context_memberships_url": platform_server.url + "/memberships",
            "service_versions": ["2.0"],
        }
    }
    first = launch(world.db, served_platform, issuer=platform_server.url, **offer)
    platform_server.roster = [
        [_member("moodle-user-42", "Ada Lovelace"), _member("t-1", "Mr Babbage", INSTRUCTOR)],
        [_member("p-2", "Grace Hopper"), _member("p-3", "Gone Away", status="Inactive")],
    ]
    report = sync_rosters(world.db)
    assert (report.added, report.already, report.skipped, report.failed) == (2, 1, [], [])
    assert platform_server.errors == []
    assert platform_server.scopes == [ROSTER_SCOPE]
    assert _class_members(world.db, first.class_id) == {
        "Ada Lovelace": "learner", "Mr Babbage": "educator", "Grace Hopper": "learner",
    }  # fmt: skip
    # Grace's first launch finds the account the roster made
    grace = launch(
        world.db, served_platform, issuer=platform_server.url, sub="p-2", name="Grace Hopper"
    )
    assert _class_members(world.db, grace.class_id)["Grace Hopper"] == "learner"
    again = sync_rosters(world.db)
    assert (again.added, again.already) == (0, 3)


def test_a_changed_role_is_reported_and_left(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    offer = {NRPS_CLAIM: {"context_memberships_url": platform_server.url + "/memberships"}}
    launch(world.db, served_platform, issuer=platform_server.url, **offer)
    platform_server.roster = [
        [_member("moodle-user-42", "Ada Lovelace", INSTRUCTOR), _member("p-2", "Grace Hopper")]
    ]
    report = sync_rosters(world.db)
    assert report.added == 1
    assert len(report.skipped) == 1
    assert "Ada Lovelace: this person's learnloop account is a learner" in report.skipped[0]


def test_a_platform_that_fails_changes_nothing(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    offer = {NRPS_CLAIM: {"context_memberships_url": platform_server.url + "/memberships"}}
    first = launch(world.db, served_platform, issuer=platform_server.url, **offer)
    platform_server.roster = [
        [_member("p-2", "Grace Hopper")],
        [{"name": "no id"}],
    ]  # the second page is broken
    report = sync_rosters(world.db)
    assert report.added == 0
    assert len(report.failed) == 1
    assert "members[0].user_id: missing or not a string" in report.failed[0]
    assert "Grace Hopper" not in _class_members(world.db, first.class_id)
    platform_server.down = True
    assert "answered 503" in sync_rosters(world.db).failed[0]


def test_courses_without_the_service_are_not_read(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    launch(world.db, served_platform, issuer=platform_server.url)
    report = sync_rosters(world.db)
    assert (report.added, report.failed) == (0, [])
    assert platform_server.scopes == []  # no token asked for


def test_an_ended_class_is_not_read_nor_filled(
    world: World, served_platform: Platform, platform_server: PlatformServer
) -> None:
    offer = {NRPS_CLAIM: {"context_memberships_url": platform_server.url + "/memberships"}}
    first = launch(world.db, served_platform, issuer=platform_server.url, **offer)
    platform_server.roster = [[_member("p-2", "Grace Hopper")]]
    end_class(world.db, world.admin, class_id=first.class_id)
    report = sync_rosters(world.db)
    assert (report.added, report.already, report.skipped, report.failed) == (0, 0, [], [])
    assert report.ended == ["School Moodle, course course-99: Year 7 Maths (School Moodle)"]
    assert platform_server.scopes == []  # the platform is not even asked
    assert _class_members(world.db, first.class_id) == {"Ada Lovelace": "learner"}
    reopen_class(world.db, world.admin, class_id=first.class_id)
    assert sync_rosters(world.db).added == 1
