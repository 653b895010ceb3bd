"""The LTI 1.3 endpoints through the app: the login initiation sends the browser to the platform;
the platform's launch signs its person in whoever the browser was signed in as before, and a forged
launch changes nothing for any role; the tool's key set is public."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.config import Settings
from learnloop.services.lrs import create_client
from learnloop.services.lti_platforms import tool_jwks
from learnloop.services.lti_registration import invite_platform
from learnloop.web.app import create_app
from tests.conftest import World
from tests.lti_platform import (
    CLIENT_ID,
    ISSUER,
    Platform,
    PlatformServer,
    pending_deep_link,
    register,
)
from tests.web.conftest import CSRF, ROLES

HOMES = {"learner": "/learn", "other_learner": "/learn", "educator": "/teach",
         "other_educator": "/teach", "admin": "/admin"}  # fmt: skip


@pytest.fixture
def platform(sqlite_world: World) -> Platform:
    platform = Platform()
    register(sqlite_world, platform)
    return platform


def _start(client: TestClient, *, post: bool = False) -> tuple[str, str]:
    params = {"iss": ISSUER, "login_hint": "42", "target_link_uri": "http://testserver/lti/launch",
              "lti_message_hint": "m-1"}  # fmt: skip
    answer = (
        client.post("/lti/login", data=params) if post else client.get("/lti/login", params=params)
    )
    assert answer.status_code == 303, answer.text
    target = urlsplit(answer.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == ISSUER + "/mod/lti/auth.php"
    query = {k: v[0] for k, v in parse_qs(target.query).items()}
    assert query["redirect_uri"].endswith("/lti/launch")
    assert (query["client_id"], query["login_hint"], query["lti_message_hint"]) == (
        CLIENT_ID,
        "42",
        "m-1",
    )
    return query["state"], query["nonce"]


@pytest.mark.parametrize("post", [False, True])
def test_a_launch_signs_the_platforms_person_in(
    client: TestClient, platform: Platform, post: bool
) -> None:
    state, nonce = _start(client, post=post)
    launched = client.post(
        "/lti/launch", data={"id_token": platform.id_token(nonce), "state": state}
    )
    assert launched.status_code == 303, launched.text
    assert launched.headers["location"] == "/learn"
    home = client.get("/learn")
    assert home.headers["location"] == "/learn/onboarding"  # a new learner starts as any does
    onboarding = client.get("/learn/onboarding")
    assert onboarding.status_code == 200
    assert "Ada Lovelace" in onboarding.text


@pytest.mark.parametrize("role", ROLES)
def test_for_every_role_a_forged_launch_changes_nothing_and_a_real_one_switches(
    role: str, clients: dict[str, TestClient], platform: Platform
) -> None:
    client = clients[role]
    before = client.get("/")
    state, nonce = _start(client)
    impostor = Platform()
    forged = impostor.id_token(nonce, kid=platform.kid)
    refused = client.post("/lti/launch", data={"id_token": forged, "state": state})
    assert refused.status_code == 400
    assert "id_token: not verified" in refused.text
    after = client.get("/")
    assert after.headers.get("location") == before.headers.get("location")
    if role != "anonymous":
        assert after.headers["location"] == HOMES[role]  # still signed in as themselves
    state, nonce = _start(client)
    launched = client.post(
        "/lti/launch", data={"id_token": platform.id_token(nonce), "state": state}
    )
    assert launched.status_code == 303
    assert client.get("/").headers["location"] == "/learn"  # now the platform's learner
    assert "Ada Lovelace" in client.get("/learn/onboarding").text


def test_a_launch_ends_the_session_it_replaces(
    clients: dict[str, TestClient], platform: Platform
) -> None:
    client = clients["educator"]
    old = client.cookies["ll_session"]
    state, nonce = _start(client)
    client.post("/lti/launch", data={"id_token": platform.id_token(nonce), "state": state})
    assert client.cookies["ll_session"] != old
    with TestClient(client.app, follow_redirects=False) as thief:
        thief.cookies.set("ll_session", old)
        assert thief.get("/teach").headers["location"].startswith("/login")


def test_over_https_the_launch_must_come_back_to_the_browser_that_started_it(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path, platform: Platform
) -> None:
    settings = Settings(database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
                        secure_cookies=True, public_url="https://testserver")  # fmt: skip
    app = create_app(settings, database=sqlite_world.db, hasher=hasher)
    with (
        TestClient(app, base_url="https://testserver", follow_redirects=False) as victim,
        TestClient(app, base_url="https://testserver", follow_redirects=False) as attacker,
    ):
        state, nonce = _start(attacker)
        cookie = attacker.cookies["ll_lti_state"]
        assert cookie == state
        token = platform.id_token(nonce)
        handed = victim.post("/lti/launch", data={"id_token": token, "state": state})
        assert handed.status_code == 400
        assert "this browser did not start the launch" in handed.text
        own = attacker.post("/lti/launch", data={"id_token": token, "state": state})
        assert own.status_code == 303, own.text
        assert "ll_lti_state" not in attacker.cookies  # used once, then dropped


def test_what_is_not_a_launch_gets_a_page_that_says_why(
    client: TestClient, platform: Platform
) -> None:
    unknown = client.get("/lti/login", params={"iss": "https://other.example", "login_hint": "1",
                                               "target_link_uri": "x"})  # fmt: skip
    assert unknown.status_code == 400
    assert "iss: no platform" in unknown.text
    empty = client.post("/lti/launch", data={})
    assert empty.status_code == 400
    assert "state: unknown or used already" in empty.text


def test_the_tools_key_set_is_public(client: TestClient) -> None:
    answer = client.get("/lti/jwks")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "max-age=3600"
    (key,) = answer.json()["keys"]
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key
    assert "p" not in key
    assert client.get("/lti/jwks").json() == answer.json()


def test_an_instructor_deep_links_through_the_pages(client: TestClient, platform: Platform) -> None:
    state, nonce = _start(client)
    settings = {"deep_link_return_url": ISSUER + "/mod/lti/contentitem_return.php",
                "accept_types": ["ltiResourceLink"], "data": "d-1"}  # fmt: skip
    token = platform.id_token(
        nonce, message_type="LtiDeepLinkingRequest", resource_link=None, sub="teacher-9",
        roles=["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        deep_linking_settings=settings,
    )  # fmt: skip
    launched = client.post("/lti/launch", data={"id_token": token, "state": state})
    assert launched.status_code == 303, launched.text
    page_url = launched.headers["location"]
    assert page_url.startswith("/lti/deep-link/")
    page = client.get(page_url)
    assert page.status_code == 200
    assert 'name="activity" value="parts-practice"' in page.text
    csrf = CSRF.search(page.text)
    assert csrf
    missing = client.post(page_url, data={"csrf_token": csrf.group(1)})  # nothing chosen: a cancel
    assert missing.status_code == 200
    assert "Nothing chosen" in missing.text
    assert client.get(page_url).status_code == 404  # answered once


def test_the_answer_page_may_post_to_the_platform_only(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    link_id = pending_deep_link(sqlite_world)
    client = clients["educator"]
    page = client.get(f"/lti/deep-link/{link_id}")
    csrf = CSRF.search(page.text)
    assert csrf
    answer = client.post(f"/lti/deep-link/{link_id}", data={"csrf_token": csrf.group(1),
                                                             "activity": ["parts-practice"], "graded": "yes"})  # fmt: skip
    assert answer.status_code == 200
    assert f'action="{ISSUER}/mod/lti/contentitem_return.php"' in answer.text
    assert 'name="JWT" value="ey' in answer.text
    policy = answer.headers["content-security-policy"]
    assert f"form-action 'self' {ISSUER};" in policy + ";"
    assert "form-action 'self';" in client.get("/teach").headers["content-security-policy"] + ";"


def test_the_admin_sees_the_connected_systems(
    clients: dict[str, TestClient], platform: Platform, sqlite_world: World
) -> None:
    state, nonce = _start(clients["anonymous"])
    clients["anonymous"].post(
        "/lti/launch", data={"id_token": platform.id_token(nonce), "state": state}
    )
    create_client(sqlite_world.db, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
                  name="H5P server", can_write=False)  # fmt: skip
    summary = " ".join(clients["admin"].get("/admin").text.split())
    assert "1 LTI platform · 1 active LRS client" in summary
    page = clients["admin"].get("/admin/connections")
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert (
        f"<td>School Moodle</td><td><code>{ISSUER}</code></td><td>1</td><td>1 class, 1 account</td>"
        in text
    )
    assert "<td>H5P server</td>" in text
    assert "<td>read statements</td>" in text


@pytest.mark.parametrize("role", ROLES)
def test_a_registration_link_works_once_for_whoever_holds_it(
    role: str, clients: dict[str, TestClient], sqlite_world: World
) -> None:
    server = PlatformServer(tool_jwks(sqlite_world.db))
    try:
        code = invite_platform(sqlite_world.db, course_slug="fractions")
        params = {"openid_configuration": server.url + "/.well-known/openid-configuration",
                  "registration_token": "reg-token-1"}  # fmt: skip
        page = clients[role].get(f"/lti/register/{code}", params=params)
        assert page.status_code == 200, page.text
        assert "learnloop is registered" in page.text
        assert f"frame-ancestors {server.url};" in page.headers["content-security-policy"]
        assert "x-frame-options" not in page.headers  # the platform frames this page
        assert '<script src="/static/lti-close.js" defer></script>' in page.text
        again = clients[role].get(f"/lti/register/{code}", params=params)
        assert again.status_code == 404
        assert "unknown, used or expired" in again.text
        assert len(server.registrations) == 1
    finally:
        server.close()
    assert clients[role].get("/teach").headers.get("x-frame-options") == "DENY"
