"""One's own sessions on the password page and through the API: every browser and token of the
account listed, the one in use marked; one ended, or every other one, and whoever used them must
sign in again; nobody else's can be ended."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from learnloop.services.accounts import start_session
from tests.conftest import World
from tests.web.conftest import login, post


def test_a_learner_ends_a_browser_left_signed_in_and_then_every_other_session(
    app: FastAPI, sqlite_world: World
) -> None:
    with (
        TestClient(app, follow_redirects=False) as here,
        TestClient(app, follow_redirects=False) as library,
    ):
        login(library, "lea")
        login(here, "lea")
        token = start_session(sqlite_world.db, sqlite_world.learner.user_id, kind="api", hours=1)
        api = {"Authorization": f"Bearer {token}"}
        page = here.get("/account/password")
        assert page.text.count('action="/account/sessions/end" class="inline"') == 2
        assert page.text.count("this one") == 1
        assert "An API token" in page.text
        listed = here.get("/api/v1/me/sessions", headers=api).json()
        assert [s["kind"] for s in listed].count("cookie") == 2
        assert [s["current"] for s in listed].count(True) == 1  # the token the request came with
        api_id = next(s["id"] for s in listed if s["kind"] == "api")

        ended = post(here, "/account/sessions/end", session=api_id)
        assert ended.headers["location"] == "/account/password?ended=1#sessions"  # type: ignore[attr-defined]
        assert here.get("/api/v1/me", headers=api).status_code == 401
        assert library.get("/learn").status_code == 200
        assert "1 other session ended" in here.get("/account/password?ended=1").text

        post(here, "/account/sessions/end")
        assert library.get("/learn").headers["location"].startswith("/login")
        assert here.get("/learn").status_code == 200  # this one stays
        assert "Nowhere else: only here." in here.get("/account/password").text


def test_nobody_ends_another_persons_session(
    clients: dict[str, TestClient], sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    others = start_session(sqlite_world.db, sqlite_world.other_learner.user_id, kind="api", hours=1)
    theirs = {"Authorization": f"Bearer {others}"}
    their_id = clients["other_learner"].get("/api/v1/me/sessions", headers=theirs).json()[0]["id"]
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    refused = clients["learner"].post("/api/v1/me/sessions/end", headers=lea,
                                      json={"session": their_id})  # fmt: skip
    assert refused.status_code == 404
    page = post(clients["learner"], "/account/sessions/end", session=their_id)
    assert page.status_code == 404  # type: ignore[attr-defined]
    assert clients["other_learner"].get("/api/v1/me", headers=theirs).status_code == 200
    ended = clients["learner"].post("/api/v1/me/sessions/end", headers=lea, json={})
    assert ended.status_code == 200
    assert clients["learner"].get("/api/v1/me", headers=lea).status_code == 200  # its own stays
    assert ended.json()["ended"] >= 1  # the learner's browser session, at least
    assert clients["learner"].get("/learn").headers["location"].startswith("/login")
