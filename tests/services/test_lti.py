"""learnloop as an LTI 1.3 tool, on both databases: a platform registered; a launch from it makes
(once) the account and the class that stand for its person and course and signs them in; replays,
stale logins, unknown deployments and role changes are refused and change nothing; the platform's
keys are fetched over HTTP and fetched again when it rotates them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from learnloop.adapters.lti import AGS_CLAIM, SCORE_SCOPE
from learnloop.exceptions import DuplicateName, InvalidInput
from learnloop.services.class_lifecycle import end_class, reopen_class
from learnloop.services.erasure import delete_account
from learnloop.services.lti import (
    JWKS_REFETCH_SECONDS,
    LOGIN_STATE_MINUTES,
    NO_PASSWORD,
    begin_login,
    complete_launch,
)
from learnloop.services.lti_platforms import (
    platforms,
    register_platform,
    remove_platform,
    tool_jwks,
)
from learnloop.storage import Database
from learnloop.storage.tables import (
    ClassMember,
    LearnerProfile,
    LtiAccount,
    LtiDeepLink,
    LtiLineItem,
    LtiLoginState,
    SchoolClass,
    User,
)
from tests.conftest import World
from tests.lti_platform import (
    CLIENT_ID,
    DEPLOYMENT,
    INSTRUCTOR,
    ISSUER,
    Platform,
    PlatformServer,
    launch,
    registration,
    state_and_nonce,
)

REDIRECT = "http://127.0.0.1:8000/lti/launch"


@pytest.fixture
def platform() -> Platform:
    return Platform()


@pytest.fixture
def registered(world: World, platform: Platform) -> Platform:
    register_platform(world.db, registration(platform))
    return platform


def _count(db: Database, table: Any) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


def test_a_first_launch_makes_the_account_and_the_class(world: World, registered: Platform) -> None:
    done = launch(world.db, registered)
    assert done.next_url == "/learn"
    with world.db.reading() as s:
        user = s.get(User, done.user_id)
        school_class = s.get(SchoolClass, done.class_id)
        assert user is not None
        assert school_class is not None
        assert (user.role, user.display_name, user.password_hash) == (
            "learner",
            "Ada Lovelace",
            NO_PASSWORD,
        )
        assert school_class.name == "Year 7 Maths (School Moodle)"
        assert school_class.course_id == world.course_id
        assert s.get(ClassMember, (done.class_id, done.user_id)) is not None
        profile = s.get(LearnerProfile, done.user_id)
        assert profile is not None
        assert profile.course_id == world.course_id
    again = launch(world.db, registered, name="Ada King")
    assert (again.user_id, again.class_id) == (done.user_id, done.class_id)
    with world.db.reading() as s:
        renamed = s.get(User, done.user_id)
        assert renamed is not None
        assert renamed.display_name == "Ada King"
    assert _count(world.db, LtiAccount) == 1


def test_an_instructor_becomes_the_classes_educator(world: World, registered: Platform) -> None:
    learner = launch(world.db, registered)
    teacher = launch(world.db, registered, sub="moodle-teacher-1", roles=[INSTRUCTOR])
    assert teacher.class_id == learner.class_id
    assert teacher.next_url == f"/teach/classes/{teacher.class_id}"
    with world.db.reading() as s:
        member = s.get(ClassMember, (teacher.class_id, teacher.user_id))
        assert member is not None
        assert member.role == "educator"


def test_links_choose_the_course_and_the_activity(world: World, registered: Platform) -> None:
    done = launch(world.db, registered, custom={"activity": "parts-practice"})
    assert done.next_url == "/learn/activities/parts-practice"
    weird = launch(world.db, registered, custom={"activity": "../../admin"})
    assert weird.next_url == "/learn"  # never a path the link makes up
    with pytest.raises(InvalidInput, match="custom: there is no course 'algebra'"):
        launch(
            world.db,
            registered,
            context={"id": "c2", "title": "Other"},
            custom={"course": "algebra"},
        )


def test_without_a_course_the_launch_says_how_to_give_one(world: World, platform: Platform) -> None:
    register_platform(world.db, registration(platform, course_slug=""))
    with pytest.raises(InvalidInput, match="set the custom parameter course=SLUG"):
        launch(world.db, platform)
    assert _count(world.db, LtiAccount) == 0  # one transaction: no account without its class
    done = launch(world.db, platform, custom={"course": "fractions"})
    assert done.class_id


def test_a_replayed_or_stale_launch_is_refused(world: World, registered: Platform) -> None:
    url = begin_login(
        world.db, issuer=ISSUER, login_hint="42", target_link_uri=REDIRECT, redirect_uri=REDIRECT
    )
    state, nonce = state_and_nonce(url.url)
    token = registered.id_token(nonce)
    complete_launch(world.db, id_token=token, state=state)
    with pytest.raises(InvalidInput, match="state: unknown or used already"):
        complete_launch(world.db, id_token=token, state=state)
    then = datetime.now(UTC) - timedelta(minutes=LOGIN_STATE_MINUTES + 1)
    url = begin_login(world.db, issuer=ISSUER, login_hint="42", target_link_uri=REDIRECT,
                      redirect_uri=REDIRECT, now=then)  # fmt: skip
    state, nonce = state_and_nonce(url.url)
    with pytest.raises(InvalidInput, match="state: the login took too long"):
        complete_launch(world.db, id_token=registered.id_token(nonce), state=state)
    # a new login sweeps the stale ones away
    begin_login(
        world.db, issuer=ISSUER, login_hint="42", target_link_uri=REDIRECT, redirect_uri=REDIRECT
    )
    assert _count(world.db, LtiLoginState) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deployment_id": "deployment-2"}, "deployment_id: 'deployment-2' is not registered"),
        ({"nonce": "not-ours"}, "nonce: not the one this tool sent"),
        ({"context": None}, "learnloop needs the course (context)"),
        ({"kid": "rotated-away"}, "kid: the platform publishes no key 'rotated-away'"),
    ],
)
def test_a_refused_launch_changes_nothing(
    world: World, registered: Platform, changes: dict[str, Any], message: str
) -> None:
    users, classes = _count(world.db, User), _count(world.db, SchoolClass)
    url = begin_login(
        world.db, issuer=ISSUER, login_hint="42", target_link_uri=REDIRECT, redirect_uri=REDIRECT
    )
    state, nonce = state_and_nonce(url.url)
    changes = dict(changes)  # the parameters are shared by both databases' runs
    kid = changes.pop("kid", None)
    nonce = changes.pop("nonce", nonce)
    with pytest.raises(InvalidInput, match=re.escape(message)):
        complete_launch(
            world.db, id_token=registered.id_token(nonce, kid=kid, **changes), state=state
        )
    assert (_count(world.db, User), _count(world.db, SchoolClass)) == (users, classes)


def test_a_launch_never_changes_an_accounts_role(world: World, registered: Platform) -> None:
    launch(world.db, registered)
    with pytest.raises(InvalidInput, match="roles: this person's learnloop account is a learner"):
        launch(world.db, registered, roles=[INSTRUCTOR])


def test_logins_under_way_are_capped(world: World, registered: Platform) -> None:
    def start() -> None:
        begin_login(world.db, issuer=ISSUER, login_hint="1", target_link_uri=REDIRECT,
                    redirect_uri=REDIRECT, max_pending=2)  # fmt: skip

    start()
    start()
    with pytest.raises(InvalidInput, match="too many logins under way"):
        start()
    assert _count(world.db, LtiLoginState) == 2


def test_login_initiation_checks_the_platform(world: World, registered: Platform) -> None:
    with pytest.raises(InvalidInput, match=re.escape("iss: no platform 'https://other.example'")):
        begin_login(world.db, issuer="https://other.example", login_hint="1", target_link_uri=REDIRECT,
                    redirect_uri=REDIRECT)  # fmt: skip
    with pytest.raises(InvalidInput, match="login_hint: missing"):
        begin_login(
            world.db, issuer=ISSUER, login_hint="", target_link_uri=REDIRECT, redirect_uri=REDIRECT
        )
    second = Platform()
    register_platform(world.db, registration(second, name="Second", client_id="client-2"))
    with pytest.raises(InvalidInput, match="client_id: several registrations"):
        begin_login(
            world.db, issuer=ISSUER, login_hint="1", target_link_uri=REDIRECT, redirect_uri=REDIRECT
        )
    url = begin_login(world.db, issuer=ISSUER, login_hint="1", target_link_uri=REDIRECT,
                      redirect_uri=REDIRECT, client_id="client-2")  # fmt: skip
    assert "client_id=client-2" in url.url


def test_registration_checks_every_field(world: World, platform: Platform) -> None:
    bad: list[tuple[dict[str, Any], str]] = [
        (
            {"issuer": "http://moodle.example.org"},
            "issuer: 'http://moodle.example.org' is not an https URL",
        ),
        ({"deployments": ()}, "deployment: give at least one deployment id"),
        (
            {"jwks_url": ISSUER + "/keys"},
            "jwks_url: give the platform's key set URL or its key set",
        ),
        ({"jwks": {"keys": []}}, "jwks: the key set holds no key"),
        ({"course_slug": "algebra"}, "course: there is no course 'algebra'"),
        ({"client_id": " "}, "client_id: give the client id"),
    ]
    for changes, message in bad:
        with pytest.raises(InvalidInput) as info:
            register_platform(world.db, registration(platform, **changes))
        assert str(info.value).startswith(message), str(info.value)
    register_platform(world.db, registration(platform))
    with pytest.raises(DuplicateName):
        register_platform(world.db, registration(platform, name="Again"))
    assert platforms(world.db) == [("School Moodle", ISSUER, CLIENT_ID, [DEPLOYMENT])]
    remove_platform(world.db, name="School Moodle")
    assert platforms(world.db) == []


@pytest.fixture
def key_server(platform: Platform) -> Iterator[PlatformServer]:
    server = PlatformServer({"keys": []})
    server.jwks = platform.jwks()
    yield server
    server.close()


def test_the_platforms_keys_are_fetched_and_refetched_on_rotation(
    world: World, platform: Platform, key_server: PlatformServer
) -> None:
    register_platform(
        world.db, registration(platform, jwks=None, jwks_url=key_server.url + "/jwks")
    )
    now = datetime.now(UTC)
    launch(world.db, platform, now=now)
    launch(world.db, platform, now=now + timedelta(seconds=1))
    assert key_server.jwks_fetches == 1  # kept, not fetched for every launch
    rotated = Platform()
    key_server.jwks = rotated.jwks()
    soon = now + timedelta(seconds=JWKS_REFETCH_SECONDS / 2)
    with pytest.raises(InvalidInput, match="kid: the platform publishes no key"):
        launch(world.db, rotated, now=soon, sub="someone-else")
    assert key_server.jwks_fetches == 1  # an unknown kid fetches at most once a minute
    later = now + timedelta(seconds=JWKS_REFETCH_SECONDS + 1)
    launch(world.db, rotated, now=later)
    assert key_server.jwks_fetches == 2


def test_the_tool_key_is_made_once(world: World) -> None:
    first = tool_jwks(world.db)
    assert len(first["keys"]) == 1
    assert tool_jwks(world.db) == first


def test_erasing_a_launched_account_forgets_its_platform_identity(
    world: World, registered: Platform
) -> None:
    done = launch(world.db, registered)
    with world.db.reading() as s:
        username = s.get(User, done.user_id).username  # type: ignore[union-attr]
    delete_account(
        world.db,
        world.admin,
        username=username,
        confirm=username,
        public_url="http://127.0.0.1:8000",
    )
    assert _count(world.db, LtiAccount) == 0
    launch(world.db, registered)  # the same person launching again gets a new, empty account
    assert _count(world.db, LtiAccount) == 1


def test_an_ended_class_lets_its_members_in_and_nobody_new(
    world: World, registered: Platform
) -> None:
    ada = launch(world.db, registered)
    teacher: dict[str, Any] = {"sub": "t-1", "name": "Mr Babbage", "roles": [INSTRUCTOR]}
    babbage = launch(world.db, registered, **teacher)
    end_class(world.db, world.admin, class_id=ada.class_id)
    gradable: dict[str, Any] = {
        AGS_CLAIM: {"scope": [SCORE_SCOPE], "lineitem": ISSUER + "/lineitems/9"}
    }
    again = launch(world.db, registered, **gradable)  # a member: in, to read what is there
    assert (again.user_id, again.class_id, again.next_url) == (ada.user_id, ada.class_id, "/learn")
    assert launch(world.db, registered, **teacher).next_url == f"/teach/classes/{ada.class_id}"
    assert _count(world.db, LtiLineItem) == 0  # but no new gradable link starts in it
    users = _count(world.db, User)
    for newcomer in (
        {"sub": "p-2", "name": "Grace Hopper"},
        {"sub": "t-2", "name": "Ms Somerville", "roles": [INSTRUCTOR]},
        {**teacher, "message_type": "LtiDeepLinkingRequest", "resource_link": None,
         "deep_linking_settings": {"deep_link_return_url": ISSUER + "/return",
                                   "accept_types": ["ltiResourceLink"]}},
    ):  # fmt: skip
        with pytest.raises(InvalidInput, match=r"class: Year 7 Maths .* has ended"):
            launch(world.db, registered, **newcomer)
    assert _count(world.db, User) == users  # refused before anything was kept
    assert _count(world.db, LtiDeepLink) == 0
    with world.db.reading() as s:
        members = s.scalars(select(ClassMember.user_id).where(ClassMember.class_id == ada.class_id))
        assert sorted(members) == sorted([ada.user_id, babbage.user_id])
    reopen_class(world.db, world.admin, class_id=ada.class_id)
    grace = launch(world.db, registered, sub="p-2", name="Grace Hopper", **gradable)
    assert grace.class_id == ada.class_id
    assert _count(world.db, LtiLineItem) == 1
