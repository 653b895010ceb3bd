"""Discussion on the pages: a learner's post reaches the class and its educator, escaped, and
not another class; the educator takes it down; a typed answer is shown as text, never markup."""

from __future__ import annotations

from fastapi.testclient import TestClient

from learnloop.services.discussion import post_message
from tests.conftest import World

SCRIPT = "<script>alert('x')</script> is 2/4 = 1/2?"


def test_a_post_reaches_the_class_escaped_and_the_educator_takes_it_down(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    lea = clients["learner"]
    r = lea.post(
        "/learn/activities/parts-practice/discussion",
        data={"csrf_token": lea.cookies["ll_csrf"], "body": SCRIPT},
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/learn/activities/parts-practice#discussion"
    empty = lea.post(
        "/learn/activities/parts-practice/discussion",
        data={"csrf_token": lea.cookies["ll_csrf"], "body": "  "},
    )
    assert empty.status_code == 400
    assert "write something first" in empty.text
    forged = lea.post("/learn/activities/parts-practice/discussion", data={"body": "no token"})
    assert forged.status_code == 403

    escaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; is 2/4 = 1/2?"
    page = clients["other_learner"].get("/learn/activities/parts-practice").text
    assert "Discussion in 7B" in page
    assert escaped in page
    assert "<script>alert" not in page
    post_message(w.db, w.outsider, activity_key="parts-practice", body="Hello from 8C")
    assert "Hello from 8C" not in clients["learner"].get("/learn/activities/parts-practice").text

    teacher = clients["educator"]
    board = teacher.get(f"/teach/classes/{w.class_id}/discussion").text
    assert escaped in board
    assert "Hello from 8C" not in board
    post_id = board.split('id="post-')[1].split('"')[0]
    down = teacher.post(
        f"/discussion/posts/{post_id}/hide", data={"csrf_token": teacher.cookies["ll_csrf"]}
    )
    assert down.status_code == 303
    assert down.headers["location"] == f"/teach/classes/{w.class_id}/discussion"
    assert escaped not in clients["other_learner"].get("/learn/activities/parts-practice").text
    reply = teacher.post(
        f"/teach/classes/{w.class_id}/discussion",
        data={"csrf_token": teacher.cookies["ll_csrf"], "activity": "parts-practice",
              "body": "Yes: shade 2 of 4 and 1 of 2."},
    )  # fmt: skip
    assert reply.status_code == 303
    assert "Yes: shade 2 of 4" in clients["learner"].get("/learn/activities/parts-practice").text


def test_a_typed_answer_is_shown_as_text(clients: dict[str, TestClient]) -> None:
    lea = clients["learner"]
    r = lea.post(
        "/learn/activities/parts-practice/items/pw-6",
        data={"csrf_token": lea.cookies["ll_csrf"], "response": "<b>numer</b>"},
    )
    assert r.status_code == 303
    page = lea.get("/learn/activities/parts-practice").text
    assert "you answered <q>&lt;b&gt;numer&lt;/b&gt;</q>" in page
