"""Deep linking, on both databases: an instructor's deep-linking launch leaves a request only they
can answer; the answer is a response signed with the tool's key that the platform can verify,
carrying one resource link per chosen activity (graded ones with a line item) and the platform's
data; it is answered once, and whatever is wrong is refused by name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from learnloop.adapters.lti import CLAIM
from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.services.lti import begin_login, complete_launch
from learnloop.services.lti_deep_linking import DEEP_LINK_MINUTES, answer_deep_link, deep_link_for
from learnloop.services.lti_platforms import tool_jwks
from learnloop.storage import Database
from learnloop.storage.tables import User
from tests.conftest import World
from tests.lti_platform import CLIENT_ID, INSTRUCTOR, ISSUER, Platform, register, state_and_nonce

PUBLIC = "https://learn.example.org"
RETURN = ISSUER + "/mod/lti/contentitem_return.php"


def _settings(**changes: Any) -> dict[str, Any]:
    return {"deep_link_return_url": RETURN, "accept_types": ["ltiResourceLink"], "data": "csrf-of-moodle",
            **changes}  # fmt: skip


def _deep_launch(db: Database, platform: Platform, **changes: Any) -> Any:
    url = begin_login(db, issuer=ISSUER, login_hint="1", target_link_uri="x", redirect_uri="x")
    state, nonce = state_and_nonce(url.url)
    fields: dict[str, Any] = {
        "message_type": "LtiDeepLinkingRequest", "resource_link": None, "roles": [INSTRUCTOR],
        "sub": "teacher-1", "deep_linking_settings": _settings(),
    }  # fmt: skip
    fields.update(changes)
    return complete_launch(db, id_token=platform.id_token(nonce, **fields), state=state)


def _viewer(db: Database, user_id: int) -> Viewer:
    with db.reading() as s:
        user = s.get(User, user_id)
        assert user is not None
        return Viewer(user.id, user.username, user.display_name, Role(user.role), False)


@pytest.fixture
def platform(world: World) -> Platform:
    platform = Platform()
    register(world, platform)
    return platform


def test_an_instructor_chooses_and_the_platform_can_verify_the_answer(
    world: World, platform: Platform
) -> None:
    done = _deep_launch(world.db, platform)
    assert done.next_url.startswith("/lti/deep-link/")
    link_id = done.next_url.rsplit("/", 1)[1]
    teacher = _viewer(world.db, done.user_id)
    choice = deep_link_for(world.db, teacher, link_id)
    assert choice.platform_name == "School Moodle"
    assert [a[0] for a in choice.activities] == list(world.course.activities)
    answer = answer_deep_link(world.db, teacher, link_id, activity_keys=["parts-practice", "recipe-project"],
                              graded=True, public_url=PUBLIC)  # fmt: skip
    assert (answer.return_url, answer.chosen) == (RETURN, 2)
    key = jwt.PyJWKSet.from_dict(tool_jwks(world.db)).keys[0].key
    claims = jwt.decode(answer.jwt, key, algorithms=["RS256"], audience=ISSUER)
    assert claims["iss"] == CLIENT_ID
    assert claims[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[CLAIM + "deployment_id"] == "deployment-1"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "csrf-of-moodle"
    items = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    practice = world.course.activities["parts-practice"]
    assert items[0] == {
        "type": "ltiResourceLink", "title": practice.title, "url": PUBLIC + "/lti/launch",
        "custom": {"course": "fractions", "activity": "parts-practice"},
        "text": f"{practice.modality.value.replace('_', ' ')}, about {practice.minutes} minutes",
        "lineItem": {"scoreMaximum": len(practice.objectives), "label": practice.title,
                     "resourceId": "parts-practice"},
    }  # fmt: skip
    with pytest.raises(NotFound):  # answered once
        answer_deep_link(
            world.db, teacher, link_id, activity_keys=[], graded=False, public_url=PUBLIC
        )


def test_only_the_instructor_who_launched_sees_the_request(
    world: World, platform: Platform
) -> None:
    done = _deep_launch(world.db, platform)
    link_id = done.next_url.rsplit("/", 1)[1]
    for other in (world.educator, world.admin, world.learner):
        with pytest.raises(NotFound):
            deep_link_for(world.db, other, link_id)
        with pytest.raises(NotFound):
            answer_deep_link(world.db, other, link_id, activity_keys=["parts-practice"], graded=False,
                             public_url=PUBLIC)  # fmt: skip
    teacher = _viewer(world.db, done.user_id)
    later = datetime.now(UTC) + timedelta(minutes=DEEP_LINK_MINUTES + 1)
    with pytest.raises(NotFound, match="expired"):
        deep_link_for(world.db, teacher, link_id, now=later)


def test_what_the_platform_does_not_take_is_refused(world: World, platform: Platform) -> None:
    done = _deep_launch(world.db, platform, deep_linking_settings=_settings(accept_multiple=False,
                                                                            accept_lineitem=False))  # fmt: skip
    link_id = done.next_url.rsplit("/", 1)[1]
    teacher = _viewer(world.db, done.user_id)
    for keys, graded, message in (
        (
            ["parts-practice", "recipe-project"],
            False,
            "activity: the platform takes one activity here",
        ),
        (["no-such-activity"], False, "activity: the course has no activity no-such-activity"),
        (["parts-practice"], True, "graded: the platform takes no graded links here"),
    ):
        with pytest.raises(InvalidInput) as info:
            answer_deep_link(
                world.db, teacher, link_id, activity_keys=keys, graded=graded, public_url=PUBLIC
            )
        assert str(info.value).startswith(message), str(info.value)
    cancelled = answer_deep_link(
        world.db, teacher, link_id, activity_keys=[], graded=False, public_url=PUBLIC
    )
    assert cancelled.chosen == 0  # an empty answer tells the platform the instructor cancelled


def test_learners_cannot_deep_link(world: World, platform: Platform) -> None:
    with pytest.raises(InvalidInput, match="only an instructor chooses"):
        _deep_launch(world.db, platform, roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
                     sub="pupil-1")  # fmt: skip
    with pytest.raises(InvalidInput, match="must accept ltiResourceLink"):
        _deep_launch(world.db, platform, deep_linking_settings=_settings(accept_types=["file"]))


def test_the_score_test_is_offered_as_a_link_graded_as_a_percentile(
    world: World, platform: Platform
) -> None:
    assert world.course.score_test is not None  # the demo offers one
    done = _deep_launch(world.db, platform)
    link_id = done.next_url.rsplit("/", 1)[1]
    teacher = _viewer(world.db, done.user_id)
    choice = deep_link_for(world.db, teacher, link_id)
    assert choice.score_test == world.course.score_test.title
    answer = answer_deep_link(
        world.db, teacher, link_id, activity_keys=[choice.score_test_choice], graded=True,
        public_url=PUBLIC,
    )  # fmt: skip
    key = jwt.PyJWKSet.from_dict(tool_jwks(world.db)).keys[0].key
    claims = jwt.decode(answer.jwt, key, algorithms=["RS256"], audience=ISSUER)
    (item,) = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"course": "fractions", "score_test": "1"}
    assert item["lineItem"] == {
        "scoreMaximum": 100, "label": world.course.score_test.title, "resourceId": "score-test"
    }  # fmt: skip
