"""Who has gone quiet: a learner whose last answer in the class's course is a week old or more
(the longest quiet first), and those with no answer yet; a learner who has mastered it all is
done, not quiet; answers in another course do not count (both backends for the report; the
class page and the API on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.config import PedagogySettings
from learnloop.reports.class_views import class_overview
from learnloop.reports.quiet_learners import QuietLearners
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.mastery_overrides import override_mastery
from tests.conftest import World
from tests.web.conftest import login, make_app, role_token

T0 = datetime(2026, 11, 2, 16, 0, tzinfo=UTC)


def answered(w: World, who: str, at: datetime) -> None:
    learner = {"lea": w.learner, "omar": w.other_learner}[who]
    record_attempt(w.db, learner, activity_key="parts-practice", item_key="pw-4",
                   response=answer_for(w.course, "pw-4", True), now=at)  # fmt: skip


def quiet(w: World, now: datetime, days: int = 7) -> QuietLearners:
    pedagogy = PedagogySettings(quiet_after_days=days)
    return class_overview(w.db, w.educator, w.class_id, pedagogy, now=now).quiet


def test_quiet_after_a_week_the_longest_first_and_not_started(world: World) -> None:
    answered(world, "lea", T0)
    answered(world, "lea", T0 + timedelta(days=1))
    found = quiet(world, T0 + timedelta(days=3))
    assert (found.quiet, found.not_started) == ([], [(world.other_learner.user_id, "Omar")])
    answered(world, "omar", T0 + timedelta(days=2))
    found = quiet(world, T0 + timedelta(days=9, hours=1))
    assert [(q.display_name, q.days, q.last_answer_at) for q in found.quiet] == [
        ("Lea", 8, T0 + timedelta(days=1)),
        ("Omar", 7, T0 + timedelta(days=2)),
    ]
    assert found.not_started == []
    assert [q.display_name for q in quiet(world, T0 + timedelta(days=9, hours=1), 8).quiet] == [
        "Lea"
    ]


def test_a_learner_who_mastered_everything_is_done_not_quiet(world: World) -> None:
    answered(world, "lea", T0)
    for key in world.course.graph.topological_order:
        override_mastery(world.db, world.educator, class_id=world.class_id,
                         learner_id=world.learner.user_id, objective=key, action="mastered",
                         reason="seen on paper", now=T0)  # fmt: skip
    found = quiet(world, T0 + timedelta(days=30))
    assert [q.display_name for q in found.quiet] == []
    assert [name for _, name in found.not_started] == ["Omar"]


def test_the_class_page_and_the_report_list_them(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    w = sqlite_world
    long_ago = datetime.now(UTC) - timedelta(days=12)
    answered(w, "lea", long_ago)
    app = make_app(w, hasher, tmp_path)
    with TestClient(app, follow_redirects=False) as client:
        token = role_token(client, w, "educator")
        report = client.get(f"/api/v1/classes/{w.class_id}/report",
                            headers={"Authorization": f"Bearer {token}"}).json()  # fmt: skip
        assert report["quiet_after_days"] == 7
        assert [(q["display_name"], q["days"], q["mastered"]) for q in report["quiet"]] == [
            ("Lea", 12, 0)
        ]
        assert report["not_started"] == [
            {"learner_id": w.other_learner.user_id, "display_name": "Omar"}
        ]
        login(client, w.educator.username)
        page = " ".join(client.get(f"/teach/classes/{w.class_id}").text.split())
    assert 'id="quiet"' in page
    assert f'<a href="/teach/classes/{w.class_id}/learners/{w.learner.user_id}">Lea</a>' in page
    assert "12 days without an answer" in page
    assert "Not started yet:" in page


def test_the_educator_writes_to_the_quiet_learners_from_the_class_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    answered(w, "lea", datetime.now(UTC) - timedelta(days=10))
    answered(w, "omar", datetime.now(UTC) - timedelta(days=8))
    teacher = clients["educator"]
    url = f"/teach/classes/{w.class_id}/messages"
    form = {"csrf_token": teacher.cookies["ll_csrf"], "back": "class",
            "learner_id": [str(w.learner.user_id), str(w.other_learner.user_id)]}  # fmt: skip
    empty = teacher.post(url, data={**form, "body": "  "})
    assert empty.status_code == 400
    assert 'id="quiet-message" name="body"' in empty.text
    assert '<details class="message-group" open>' in empty.text
    sent = teacher.post(url, data={**form, "body": "We miss you in 7B: the strips are waiting."})
    assert (sent.status_code, sent.headers["location"]) == (
        303, f"/teach/classes/{w.class_id}?messaged=2#quiet",
    )  # fmt: skip
    assert "Message sent to 2 learners." in teacher.get(sent.headers["location"]).text
    for who in ("learner", "other_learner"):
        assert "We miss you in 7B" in clients[who].get("/learn").text
