"""What is new shows as new once: the learner's home marks its new messages, the educator's
classes, class page and learner page mark new replies, each read when its recipient opens it;
the API reads without marking and marks on request. A learner leaves a class from their account
page, after a confirmation, and the class's educator no longer sees them."""

from __future__ import annotations

from fastapi.testclient import TestClient

from learnloop.services.messages import reply_to_feedback, send_feedback
from tests.conftest import World

NEW = '<strong class="new-badge">New</strong>'


def _to_lea(w: World, body: str) -> int:
    return send_feedback(
        w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id, body=body
    )


def test_a_new_message_is_announced_once_on_the_home_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    learner = clients["learner"]
    assert "new message" not in learner.get("/learn").text
    sent = [_to_lea(w, "First note."), _to_lea(w, "Second note.")]
    first = learner.get("/learn").text
    assert '<a href="#messages">2 new messages from your educators</a>' in first
    assert first.count(NEW) == 2
    for message_id in sent:
        assert f'class="card message new" id="message-{message_id}"' in first
    again = learner.get("/learn").text  # seen: no longer new
    assert "new messages from your educators" not in again
    assert NEW not in again
    assert "First note." in again
    assert "Second note." in again


def test_a_new_reply_shows_on_the_class_list_class_page_and_learner_page_until_opened(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    sent = _to_lea(w, "How did the quiz go?")
    reply_to_feedback(w.db, w.learner, message_id=sent, body="Better than last time!")
    educator, admin = clients["educator"], clients["admin"]
    classes = educator.get("/teach").text
    assert f'<a href="/teach/classes/{w.class_id}#replies"><strong>1 new reply</strong></a>' in (
        classes
    )
    page = educator.get(f"/teach/classes/{w.class_id}").text
    assert "1 new reply to you" in page
    assert page.count(NEW) == 1
    # the admin sees the reply, but it was not sent to them: never new, and reading marks nothing
    assert NEW not in admin.get(f"/teach/classes/{w.class_id}").text
    learner_page = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    assert NEW not in admin.get(learner_page).text
    assert "1 new reply" in educator.get("/teach").text

    opened = educator.get(learner_page).text
    assert opened.count(NEW) == 1
    assert opened.index(NEW) < opened.index("Better than last time!")
    assert NEW not in educator.get(learner_page).text
    assert "new reply" not in educator.get("/teach").text
    assert "new reply to you" not in educator.get(f"/teach/classes/{w.class_id}").text


def test_the_api_reads_without_marking_and_marks_on_request(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    sent = _to_lea(w, "A note for the API.")
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    for _ in range(2):  # reading twice: still new
        (message,) = client.get("/api/v1/me/feedback", headers=lea).json()
        assert (message["id"], message["read_at"]) == (sent, None)
    refused = client.post("/api/v1/me/feedback/read", headers=lea, json={"ids": [sent, 999_999]})
    assert refused.status_code == 404
    assert client.get("/api/v1/me/feedback", headers=lea).json()[0]["read_at"] is None
    empty = client.post("/api/v1/me/feedback/read", headers=lea, json={"ids": []})
    assert empty.status_code == 422  # a schema error, like every body the API's models refuse
    assert [tuple(e["loc"]) for e in empty.json()["detail"]] == [("body", "ids")]
    marked = client.post("/api/v1/me/feedback/read", headers=lea, json={"ids": [sent]})
    assert (marked.status_code, marked.json()) == (200, {"new": 1})
    assert client.get("/api/v1/me/feedback", headers=lea).json()[0]["read_at"] is not None
    assert client.post("/api/v1/me/feedback/read", headers=lea, json={"ids": [sent]}).json() == {
        "new": 0
    }
    # the educator's class list counts their unread replies
    reply_to_feedback(w.db, w.learner, message_id=sent, body="Got it.")
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    (summary,) = client.get("/api/v1/classes", headers=teacher).json()
    assert (summary["id"], summary["new_replies"]) == (w.class_id, 1)


def test_a_learner_leaves_a_class_from_their_account_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    learner = clients["learner"]
    account = learner.get("/account/data").text
    assert 'id="classes"' in account
    assert "<strong>7B</strong>" in account
    assert "seen by Teacher" in account
    leave = f"/account/classes/{w.class_id}/leave"
    assert f'href="{leave}"' in account
    confirm = learner.get(leave).text
    assert "Its educators (Teacher) will no longer see your progress" in confirm
    assert f'action="{leave}"' in confirm
    assert "Leave the class" in confirm
    # the other class is not theirs to name or leave
    other = f"/account/classes/{w.other_class_id}/leave"
    assert learner.get(other).status_code == 404
    csrf = learner.cookies["ll_csrf"]
    assert learner.post(other, data={"csrf_token": csrf}).status_code == 404

    done = learner.post(leave, data={"csrf_token": csrf})
    assert (done.status_code, done.headers["location"]) == (303, "/account/data?left=1#classes")
    after = learner.get("/account/data?left=1").text
    assert "You left the class." in after
    assert "You are in no class" in after
    assert "<strong>7B</strong>" not in after
    assert learner.get(leave).status_code == 404  # gone: no second leave
    roster = clients["educator"].get(f"/teach/classes/{w.class_id}").text
    assert f"/learners/{w.learner.user_id}" not in roster
    assert "Omar" in roster
    # an educator's account page lists no classes to leave
    assert 'id="classes"' not in clients["educator"].get("/account/data").text


def test_the_api_lists_the_learners_classes_and_leaves_one(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    (mine,) = client.get("/api/v1/me/classes", headers=lea).json()
    assert (mine["id"], mine["name"], mine["educators"]) == (w.class_id, "7B", ["Teacher"])
    # a class the learner is not in: 404, and nothing changes
    assert client.delete(f"/api/v1/me/classes/{w.other_class_id}", headers=lea).status_code == 404
    assert len(client.get("/api/v1/me/classes", headers=lea).json()) == 1
    assert client.delete(f"/api/v1/me/classes/{w.class_id}", headers=lea).status_code == 204
    assert client.get("/api/v1/me/classes", headers=lea).json() == []
    assert client.delete(f"/api/v1/me/classes/{w.class_id}", headers=lea).status_code == 404
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    report = client.get(f"/api/v1/classes/{w.class_id}/report", headers=teacher).json()
    assert [row["id"] for row in report["learners"]] == [w.other_learner.user_id]
