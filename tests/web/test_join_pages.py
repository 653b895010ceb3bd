"""Joining a class with its code on the pages and through the API: the educator opens joining on
the class page, a newcomer follows the link through logging in or registering, sees who will see
their work, confirms and is in the class; a typed code asks for the same confirmation; wrong
codes, bad days and outside redirects change nothing."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.services.class_codes import open_joining
from learnloop.storage.tables import ClassJoinCode, ClassMember, LearnerProfile, User
from tests.conftest import World
from tests.web.conftest import csrf_of

CODE_SHOWN = re.compile(r"<strong>([A-Z2-9]{5}-[A-Z2-9]{5})</strong>")


def in_class(world: World, class_id: int, username: str) -> bool:
    with world.db.reading() as s:
        user_id = s.scalar(select(User.id).where(User.username == username))
        return user_id is not None and s.get(ClassMember, (class_id, user_id)) is not None


def test_a_newcomer_joins_through_the_link(
    app: FastAPI, clients: dict[str, TestClient], sqlite_world: World
) -> None:
    educator, class_id = clients["educator"], sqlite_world.class_id
    page_url = f"/teach/classes/{class_id}"
    assert "Make a code" in educator.get(page_url).text
    opened = educator.post(
        f"{page_url}/join-code", data={"csrf_token": educator.cookies["ll_csrf"], "days": "10"}
    )
    assert opened.status_code == 303
    page = educator.get(page_url).text
    match = CODE_SHOWN.search(page)
    assert match, page
    code = match.group(1).replace("-", "")
    link = f"/join/{code}"
    assert f"http://127.0.0.1:8000{link}" in page
    assert f'action="{page_url}/join-code/delete"' in page

    with TestClient(app, follow_redirects=False) as newcomer:
        to_login = newcomer.get(link)
        assert to_login.status_code == 303
        assert to_login.headers["location"] == f"/login?next={link}"
        login_page = newcomer.get(to_login.headers["location"]).text
        register_url = f"/register?next={quote(link)}"
        assert f'href="{register_url}"' in login_page
        register_page = newcomer.get(register_url).text
        assert f'name="next" value="{link}"' in register_page
        registered = newcomer.post(
            "/register",
            data={
                "csrf_token": csrf_of(newcomer), "username": "nia", "display_name": "Nia Obi",
                "password": "a long enough phrase", "password_again": "a long enough phrase",
                "next": link,
            },
        )  # fmt: skip
        assert registered.status_code == 303
        assert registered.headers["location"] == link
        confirm = newcomer.get(link)
        assert confirm.status_code == 200
        assert "<strong>7B</strong>" in confirm.text
        assert "Joining lets its educators (Teacher) see your progress" in confirm.text
        assert not in_class(sqlite_world, class_id, "nia")  # looking is not joining
        joined = newcomer.post(
            "/join",
            data={"csrf_token": newcomer.cookies["ll_csrf"], "code": code, "confirmed": "yes"},
        )
        assert joined.status_code == 303
        assert joined.headers["location"] == f"/learn?joined={class_id}"
        # not onboarded yet: the home sends her to set up, her course chosen by the class
        assert newcomer.get(joined.headers["location"]).headers["location"] == "/learn/onboarding"
    assert in_class(sqlite_world, class_id, "nia")
    assert "Nia Obi" in educator.get(page_url).text


def test_a_typed_code_is_confirmed_before_joining(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    opened = open_joining(
        sqlite_world.db, sqlite_world.other_educator, class_id=sqlite_world.other_class_id
    )
    learner = clients["learner"]
    token = learner.cookies["ll_csrf"]
    assert 'href="/join"' in learner.get("/learn").text
    typed = opened.code[:5].lower() + " " + opened.code[5:].lower()
    shown = learner.post("/join", data={"csrf_token": token, "code": typed})
    assert shown.status_code == 200
    assert "<strong>8C</strong>" in shown.text
    assert f'name="code" value="{opened.code}"' in shown.text
    assert not in_class(sqlite_world, sqlite_world.other_class_id, "lea")
    done = learner.post("/join", data={"csrf_token": token, "code": typed, "confirmed": "yes"})
    assert done.status_code == 303
    assert in_class(sqlite_world, sqlite_world.other_class_id, "lea")
    home = learner.get(done.headers["location"]).text
    assert "You joined the class 8C: its educators now see your progress." in home


def test_a_wrong_code_says_so_and_joins_nothing(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    learner = clients["learner"]
    token = learner.cookies["ll_csrf"]
    with sqlite_world.db.reading() as s:
        before = s.scalars(select(ClassMember.class_id).where(
            ClassMember.user_id == sqlite_world.learner.user_id)).all()  # fmt: skip
        course = s.get(LearnerProfile, sqlite_world.learner.user_id)
        assert course is not None
        course_id = course.course_id
    for code, said in (
        ("ABCDE-FGH23", "no class has this code"),
        ("hello", "a class code is 10 letters and digits"),
    ):
        refused = learner.post(
            "/join", data={"csrf_token": token, "code": code, "confirmed": "yes"}
        )
        assert refused.status_code == 400
        assert said in refused.text
        assert 'aria-invalid="true"' in refused.text
        assert f'value="{code}"' in refused.text  # what was typed stays, to correct it
    assert learner.get("/join/ABCDEFGH23").status_code == 404
    with sqlite_world.db.reading() as s:
        after = s.scalars(select(ClassMember.class_id).where(
            ClassMember.user_id == sqlite_world.learner.user_id)).all()  # fmt: skip
        profile = s.get(LearnerProfile, sqlite_world.learner.user_id)
        assert profile is not None
        assert profile.course_id == course_id
    assert after == before


def test_the_home_names_only_a_class_the_learner_is_in(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    learner = clients["learner"]
    assert "You joined the class 7B" in learner.get(f"/learn?joined={sqlite_world.class_id}").text
    assert "You joined" not in learner.get(f"/learn?joined={sqlite_world.other_class_id}").text


def test_bad_days_are_refused_on_the_class_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    educator = clients["educator"]
    url = f"/teach/classes/{sqlite_world.class_id}/join-code"
    for days, said in (("soon", "give the days as a whole number"), ("91", "from 1 to 90 days")):
        refused = educator.post(url, data={"csrf_token": educator.cookies["ll_csrf"], "days": days})
        assert refused.status_code == 400
        assert said in refused.text
    with sqlite_world.db.reading() as s:
        assert s.get(ClassJoinCode, sqlite_world.class_id) is None
    # the page's errors come from its forms only, never from a link someone else made
    crafted = educator.get(
        f"/teach/classes/{sqlite_world.class_id}?join_error=Your+session+expired,+log+in+at+evil.example"
        "&message_error=Call+us&status=500"
    )
    assert crafted.status_code == 200
    assert 'role="alert"' not in crafted.text
    assert ">Your session expired" not in crafted.text


def test_registering_never_leaves_the_site(app: FastAPI) -> None:
    with TestClient(app, follow_redirects=False) as newcomer:
        registered = newcomer.post(
            "/register",
            data={
                "csrf_token": csrf_of(newcomer), "username": "nia", "display_name": "Nia",
                "password": "a long enough phrase", "password_again": "a long enough phrase",
                "next": "//evil.example/join",
            },
        )  # fmt: skip
    assert registered.headers["location"] == "/learn/onboarding"


def test_the_api_opens_reads_closes_and_joins(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    url = f"/api/v1/classes/{sqlite_world.other_class_id}/join-code"
    assert client.get(url, headers=auth("other_educator")).status_code == 404
    made = client.post(url, headers=auth("other_educator"), json={"days": 3})
    assert made.status_code == 201
    body = made.json()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", body["code"])
    assert body["url"] == f"http://127.0.0.1:8000/join/{body['code'].replace('-', '')}"
    assert body["expired"] is False
    assert client.get(url, headers=auth("other_educator")).json()["code"] == body["code"]
    too_long = client.post(url, headers=auth("other_educator"), json={"days": 365})
    assert too_long.status_code == 400
    assert too_long.json()["field"] == "days"

    joined = client.post("/api/v1/me/classes", headers=auth("learner"), json={"code": body["code"]})
    assert joined.status_code == 200
    assert joined.json() == {
        "class_id": sqlite_world.other_class_id, "class_name": "8C",
        "course_id": sqlite_world.course_id, "new": True,
    }  # fmt: skip
    again = client.post("/api/v1/me/classes", headers=auth("learner"), json={"code": body["code"]})
    assert again.json()["new"] is False

    assert client.delete(url, headers=auth("other_educator")).status_code == 204
    closed = client.post("/api/v1/me/classes", headers=auth("other_learner"), json=body)
    assert closed.status_code == 400
    assert closed.json()["field"] == "code"
    assert not in_class(sqlite_world, sqlite_world.other_class_id, "omar")


def test_the_admin_finds_joining_from_the_class_members_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    admin = clients["admin"]
    members = admin.get(f"/admin/classes/{sqlite_world.class_id}").text
    link = f"/teach/classes/{sqlite_world.class_id}#joining"
    assert f'href="{link}"' in members
    page = admin.get(link.split("#")[0]).text
    assert 'id="joining"' in page
    assert "Make a code" in page
