"""Grade passback, on both databases, against a platform served over real HTTP: the tool buys an
access token with a client assertion the platform verifies against the tool's published key, and
posts each learner's score (objectives mastered of the course's) to their link's line item, only
when it changed, and keeps what a failing platform still owes for the next run."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest

from learnloop.adapters.lti import AGS_CLAIM, SCORE_SCOPE
from learnloop.services.lti import (
    PlatformRegistration,
    begin_login,
    complete_launch,
    register_platform,
    tool_jwks,
)
from learnloop.services.lti_grades import sync_scores
from learnloop.services.mastery_overrides import override_mastery
from learnloop.storage import Database
from tests.conftest import World
from tests.lti_platform import CLIENT_ID, DEPLOYMENT, INSTRUCTOR, Platform, state_and_nonce


class _Gradebook:
    """The platform's token and score endpoints; the token endpoint checks the tool's assertion
    against the key set the tool publishes, as a platform does."""

    def __init__(self, tool_keys: dict[str, Any]) -> None:
        self.tool_keys = tool_keys
        self.scores: list[dict[str, Any]] = []
        self.token_requests = 0
        self.down = False
        self.errors: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                try:
                    self._post()
                except Exception as exc:  # a broken request: say so, and fail the test
                    outer.errors.append(repr(exc))
                    self._answer(500, {})

            def _post(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                path = urlsplit(self.path)
                if outer.down:
                    self._answer(503, {})
                elif path.path == "/token":
                    outer.token_requests += 1
                    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                    key = jwt.PyJWKSet.from_dict(outer.tool_keys).keys[0].key
                    claims = jwt.decode(form["client_assertion"], key, algorithms=["RS256"],
                                        audience=outer.url + "/token")  # fmt: skip
                    assert (claims["iss"], claims["sub"]) == (CLIENT_ID, CLIENT_ID)
                    assert form["grant_type"] == "client_credentials"
                    assert form["scope"] == SCORE_SCOPE
                    self._answer(200, {"access_token": "tok-1", "token_type": "Bearer"})
                elif path.path == "/lineitems/7/lineitem/scores" and path.query == "type_id=2":
                    assert self.headers["Authorization"] == "Bearer tok-1"
                    assert self.headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
                    outer.scores.append(json.loads(body))
                    self._answer(200, {})
                else:
                    self._answer(404, {})

            def _answer(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def gradebook(world: World) -> Iterator[_Gradebook]:
    book = _Gradebook(tool_jwks(world.db))
    yield book
    book.server.shutdown()
    book.server.server_close()


@pytest.fixture
def platform(world: World, gradebook: _Gradebook) -> Platform:
    platform = Platform()
    register_platform(world.db, PlatformRegistration(
        name="School Moodle", issuer=gradebook.url, client_id=CLIENT_ID,
        auth_login_url=gradebook.url + "/auth", auth_token_url=gradebook.url + "/token",
        deployments=(DEPLOYMENT,), jwks=platform.jwks(), course_slug="fractions",
    ))  # fmt: skip
    return platform


def _launch(db: Database, platform: Platform, issuer: str, **changes: Any) -> Any:
    url = begin_login(db, issuer=issuer, login_hint="1", target_link_uri="x", redirect_uri="x")
    state, nonce = state_and_nonce(url.url)
    token = platform.id_token(nonce, iss=issuer, **changes)
    return complete_launch(db, id_token=token, state=state)


def _gradable(book: _Gradebook) -> dict[str, Any]:
    return {
        AGS_CLAIM: {
            "scope": [SCORE_SCOPE],
            "lineitem": book.url + "/lineitems/7/lineitem?type_id=2",
        }
    }


def test_scores_go_to_the_line_item_when_they_change(
    world: World, platform: Platform, gradebook: _Gradebook
) -> None:
    ada = _launch(world.db, platform, gradebook.url, **_gradable(gradebook))
    _launch(
        world.db,
        platform,
        gradebook.url,
        sub="teacher-1",
        roles=[INSTRUCTOR],
        **_gradable(gradebook),
    )
    _launch(
        world.db, platform, gradebook.url, sub="no-grades"
    )  # a link without grades: nothing owed
    now = datetime.now(UTC).replace(microsecond=0)  # the platform checks the assertion's iat
    first = sync_scores(world.db, now=now)
    assert gradebook.errors == []
    assert (first.sent, first.unchanged, first.failed) == (1, 0, [])  # the learner only
    objectives = float(len(world.course.objectives))
    assert gradebook.scores == [{
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
    assert gradebook.scores[-1]["scoreGiven"] == 2.0
    assert gradebook.token_requests == 2  # one token per run that sends anything


def test_a_platform_that_is_down_is_owed_the_score(
    world: World, platform: Platform, gradebook: _Gradebook
) -> None:
    _launch(world.db, platform, gradebook.url, **_gradable(gradebook))
    gradebook.down = True
    failed = sync_scores(world.db)
    assert failed.sent == 0
    assert len(failed.failed) == 1
    assert failed.failed[0].startswith("School Moodle, learner ")
    assert "answered 503" in failed.failed[0]
    gradebook.down = False
    retried = sync_scores(world.db)
    assert (retried.sent, retried.failed) == (1, [])
    assert len(gradebook.scores) == 1


def test_a_launch_without_the_score_scope_is_not_graded(
    world: World, platform: Platform, gradebook: _Gradebook
) -> None:
    claim = {AGS_CLAIM: {"scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly"],
                         "lineitem": gradebook.url + "/lineitems/7/lineitem?type_id=2"}}  # fmt: skip
    _launch(world.db, platform, gradebook.url, **claim)
    assert sync_scores(world.db).sent == 0
    assert gradebook.scores == []
