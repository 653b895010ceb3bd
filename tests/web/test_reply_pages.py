"""A learner replies to their educator's message on the home page; the educator reads it on the
learner's page, marked as the learner's reply; an empty reply is refused where it was written."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from learnloop.services.class_groups import form_group
from learnloop.services.messages import reply_to_feedback, send_feedback
from tests.conftest import World


def test_a_reply_on_the_home_page_reaches_the_learner_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    sent = send_feedback(
        sqlite_world.db, sqlite_world.educator, class_id=sqlite_world.class_id,
        learner_id=sqlite_world.learner.user_id, body="Try the strips before Friday.",
    )  # fmt: skip
    learner = clients["learner"]
    home = learner.get("/learn").text
    assert "Messages with your educators" in home
    assert f'action="/learn/messages/{sent}/reply"' in home
    assert "Reply to Teacher" in home

    empty = learner.post(
        f"/learn/messages/{sent}/reply",
        data={"csrf_token": learner.cookies["ll_csrf"], "body": " "},
    )
    assert empty.status_code == 400
    assert f'<p class="error" role="alert" id="reply-error-{sent}">write your reply first</p>' in (
        empty.text
    )
    assert "<details open>" in empty.text  # the form it came from stays open

    done = learner.post(
        f"/learn/messages/{sent}/reply",
        data={"csrf_token": learner.cookies["ll_csrf"], "body": "I will, <b>thanks</b>!"},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/learn?replied=1#messages"
    after = learner.get("/learn?replied=1").text
    assert "Reply sent." in after
    assert "Your reply to Teacher" in after
    assert "I will, &lt;b&gt;thanks&lt;/b&gt;!" in after  # plain text, escaped

    educator = clients["educator"]
    page = educator.get(
        f"/teach/classes/{sqlite_world.class_id}/learners/{sqlite_world.learner.user_id}"
    ).text
    reply_at = page.index("I will, &lt;b&gt;thanks&lt;/b&gt;!")
    assert page.index("Lea's reply", reply_at) > reply_at
    assert reply_at < page.index("Try the strips before Friday.")  # newest first


def test_the_class_page_lists_the_latest_replies_of_its_learners(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    assert "Learners&#39; replies" not in educator.get(f"/teach/classes/{w.class_id}").text
    for learner, n in ((w.learner, 4), (w.other_learner, 3)):
        sent = send_feedback(w.db, w.educator, class_id=w.class_id, learner_id=learner.user_id,
                             body="How is it going?")  # fmt: skip
        for i in range(n):
            reply_to_feedback(w.db, learner, message_id=sent, body=f"{learner.username} {i}")
    page = educator.get(f"/teach/classes/{w.class_id}").text
    assert "Learners' replies" in page
    listed = re.findall(r"<p>((?:lea|omar) \d)</p>", page)
    assert listed == ["omar 2", "omar 1", "omar 0", "lea 3", "lea 2"]  # newest first, five
    assert f'href="/teach/classes/{w.class_id}/learners/{w.other_learner.user_id}#feedback"' in page
    # the other class's page knows nothing of them
    other = clients["other_educator"].get(f"/teach/classes/{w.other_class_id}").text
    assert "Learners' replies" not in other


def test_the_groups_page_messages_a_group(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    form_group(w.db, w.educator, class_id=w.class_id, name="Table one",
               learner_ids=[w.learner.user_id, w.other_learner.user_id])  # fmt: skip
    page = educator.get(f"/teach/classes/{w.class_id}/groups").text
    assert f'action="/teach/classes/{w.class_id}/messages"' in page
    assert "Message this group" in page
    token = educator.cookies["ll_csrf"]
    refused = educator.post(
        f"/teach/classes/{w.class_id}/messages",
        data={"csrf_token": token, "body": "Hi", "learner_id": [str(w.outsider.user_id)]},
    )
    assert refused.status_code == 400
    assert "not learners of this class; nobody was sent the message" in refused.text
    sent = educator.post(
        f"/teach/classes/{w.class_id}/messages",
        data={"csrf_token": token, "body": "Table one: see me at break.",
              "learner_id": [str(w.learner.user_id), str(w.other_learner.user_id)]},
    )  # fmt: skip
    assert sent.status_code == 303
    assert "Message sent to 2 learners." in educator.get(sent.headers["location"]).text
    for role in ("learner", "other_learner"):
        assert "Table one: see me at break." in clients[role].get("/learn").text


def test_the_api_replies_and_lists_the_exchange(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    sent = send_feedback(w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id,
                         body="Well done on the strips.")  # fmt: skip
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    made = client.post(f"/api/v1/me/feedback/{sent}/reply", headers=lea, json={"body": " Thanks "})
    assert made.status_code == 201
    reply = made.json()
    assert (reply["sender"], reply["recipient"], reply["body"], reply["mine"]) == (
        "Lea", "Teacher", "Thanks", True
    )  # fmt: skip
    listed = client.get("/api/v1/me/feedback", headers=lea).json()
    assert [(m["id"], m["mine"]) for m in listed] == [(reply["id"], True), (sent, False)]
    omar = {"Authorization": f"Bearer {tokens['other_learner']}"}
    stolen = client.post(f"/api/v1/me/feedback/{sent}/reply", headers=omar, json={"body": "Hi"})
    assert stolen.status_code == 404
