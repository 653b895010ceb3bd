"""Withdrawing an answer from the educator's learner page and through the API: the estimates are
worked out again, the learner sees the reason on their progress page, a refused withdrawal says
why next to the answers and changes nothing, and one withdrawn by mistake is put back."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import Mastery, WithdrawnAnswer
from tests.conftest import World

PARTS = ("pw-3", "pw-4", "pw-5", "pw-6", "pw-7")


def _mastered(w: World) -> bool:
    with w.db.reading() as s:
        row = s.get(Mastery, (w.learner.user_id, w.course_id, "parts-of-a-whole"))
    return bool(row and row.mastered)


def test_an_answer_withdrawn_on_the_learner_page_no_longer_counts(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    ids = [
        record_attempt(
            w.db, w.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(w.course, item, True),
        ).attempt_id
        for item in PARTS
    ]  # fmt: skip
    assert _mastered(w)
    teacher = clients["educator"]
    page = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    shown = teacher.get(page).text
    for attempt_id in ids:
        assert f'action="{page}/answers/{attempt_id}/withdraw"' in shown
    csrf = teacher.cookies["ll_csrf"]
    refused = teacher.post(f"{page}/answers/{ids[0]}/withdraw", data={"csrf_token": csrf})
    assert refused.status_code == 400
    assert "say why: the learner sees the reason" in refused.text
    assert "<details open><summary>Withdraw…</summary>" in refused.text  # next to that answer
    assert teacher.post(
        f"{page}/answers/{ids[0]}/withdraw", data={"reason": "no token"}
    ).status_code == 403  # fmt: skip
    assert _mastered(w)
    for attempt_id in ids[:3]:
        done = teacher.post(
            f"{page}/answers/{attempt_id}/withdraw",
            data={"csrf_token": csrf, "reason": "Answered by <b>a classmate</b>"},
        )
        assert done.status_code == 303
        assert done.headers["location"].endswith("?withdrawn=1#withdrawn")
    assert not _mastered(w)  # two right answers are not mastery
    after = teacher.get(f"{page}?withdrawn=1").text
    listed = after[after.index('<ul class="withdrawn">') :]
    assert listed.count("<li>") == 3
    assert "pw-3 in Practice — naming fractions, answered" in listed
    assert "by Teacher: <q>Answered by &lt;b&gt;a classmate&lt;/b&gt;</q>" in listed  # escaped
    assert listed.count("Put it back</button>") == 3
    progress = clients["learner"].get("/learn/progress").text
    assert "Answers that no longer count" in progress
    assert "by Teacher: <q>Answered by &lt;b&gt;a classmate&lt;/b&gt;</q>" in progress
    assert "Put it back" not in progress  # the learner only reads it
    assert (
        "Answers that no longer count" not in clients["other_learner"].get("/learn/progress").text
    )
    # one was withdrawn by mistake: put back, it counts again
    for attempt_id in ids[:3]:
        assert f'action="{page}/answers/{attempt_id}/restore"' in after
    back = teacher.post(f"{page}/answers/{ids[2]}/restore", data={"csrf_token": csrf})
    assert back.status_code == 303
    assert back.headers["location"].endswith("?restored=1#withdrawn")
    again = teacher.get(f"{page}?restored=1").text
    assert "Put back. The estimates count it again." in again
    assert again[again.index('<ul class="withdrawn">') :].count("<li>") == 2
    assert f'action="{page}/answers/{ids[2]}/withdraw"' in again


def test_the_api_lists_answers_and_withdraws_one(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    for item in PARTS:
        record_attempt(
            w.db, w.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(w.course, item, True),
        )  # fmt: skip
    bearer = {"Authorization": f"Bearer {tokens['educator']}"}
    base = f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}/answers"
    listed = client.get(base, headers=bearer).json()
    assert [a["item"] for a in listed["answers"]] == list(reversed(PARTS))  # latest first
    assert listed["withdrawn"] == []
    last = listed["answers"][0]
    refused = client.post(f"{base}/{last['id']}/withdraw", headers=bearer, json={"reason": ""})
    assert refused.status_code == 400
    assert "reason" in refused.text
    missing = client.post(
        f"{base}/{last['id'] + 99}/withdraw", headers=bearer, json={"reason": "x"}
    )
    assert missing.status_code == 404
    done = client.post(
        f"{base}/{last['id']}/withdraw", headers=bearer, json={"reason": "page failed"}
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["id"] == last["id"]
    assert "parts-of-a-whole" in body["mastered_before"]
    assert body["voided_statement"] is not None
    again = client.get(base, headers=bearer).json()
    assert [a["id"] for a in again["answers"]] == [a["id"] for a in listed["answers"][1:]]
    assert [(x["id"], x["reason"], x["by"]) for x in again["withdrawn"]] == [
        (last["id"], "page failed", "Teacher")
    ]
    with w.db.reading() as s:
        assert s.scalars(select(WithdrawnAnswer.id)).all() == [last["id"]]
    # the learner reads it in their own record, their classmate nothing
    own = client.get(
        "/api/v1/me/withdrawn-answers", headers={"Authorization": f"Bearer {tokens['learner']}"}
    ).json()
    assert [(x["id"], x["item"], x["reason"], x["by"]) for x in own] == [
        (last["id"], "pw-7", "page failed", "Teacher")
    ]
    other = {"Authorization": f"Bearer {tokens['other_learner']}"}
    assert client.get("/api/v1/me/withdrawn-answers", headers=other).json() == []
    back = client.post(f"{base}/{last['id']}/restore", headers=bearer)
    assert back.status_code == 200, back.text
    assert back.json()["mastered_after"] == body["mastered_before"]
    assert client.post(f"{base}/{last['id']}/restore", headers=bearer).status_code == 404
    assert [a["id"] for a in client.get(base, headers=bearer).json()["answers"]] == [
        a["id"] for a in listed["answers"]
    ]
