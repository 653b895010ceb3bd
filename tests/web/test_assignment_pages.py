"""Due days on the pages and in the API: the assign forms take a due day and refuse a bad one with
its reason (nothing assigned), the learner's home says when an assignment is due or overdue, the
class's assignments page lists each act with who has not done it and counts what is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape

import pytest
from fastapi.testclient import TestClient

from learnloop.reports.assignments import assignments_for_me
from learnloop.services.assignments import assign_activity
from learnloop.services.class_groups import form_group
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.web.pages import assignments as assignment_pages
from tests.conftest import World
from tests.web.conftest import post


def _day_month(day: datetime) -> str:
    return f"{day:%b} {day.day}"  # the English "day-month" form: "Dec 8"


def test_the_learner_page_assigns_with_a_due_day_and_refuses_a_bad_one(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    page = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    today = datetime.now(UTC)
    form = educator.get(page).text
    assert f'name="due_on" type="date" min="{today.date().isoformat()}"' in form
    for bad, reason in (
        ("next friday", "give the day as YYYY-MM-DD"),
        ((today - timedelta(days=2)).date().isoformat(), "a due day cannot be in the past"),
    ):
        refused = post(
            educator, f"/teach/classes/{w.class_id}/assign", learner_id=w.learner.user_id,
            activity="parts-read", due_on=bad, back="learner",
        )  # fmt: skip
        assert refused.status_code == 400  # type: ignore[attr-defined]
        assert reason in refused.text  # type: ignore[attr-defined]
    assert assignments_for_me(w.db, w.learner) == []

    due = today + timedelta(days=3)
    done = post(
        educator, f"/teach/classes/{w.class_id}/assign", learner_id=w.learner.user_id,
        activity="parts-read", due_on=due.date().isoformat(), back="learner",
    )  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert f"due {_day_month(due)}" in educator.get(page).text
    home = clients["learner"].get("/learn").text
    assert f'<span class="due">due {_day_month(due)}</span>' in home


def test_the_groups_form_sends_a_due_day_too(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    both = [w.learner.user_id, w.other_learner.user_id]
    form_group(w.db, w.educator, class_id=w.class_id, name="Pair", learner_ids=both)
    groups = educator.get(f"/teach/classes/{w.class_id}/groups").text
    assert 'name="due_on" type="date"' in groups
    due = (datetime.now(UTC) + timedelta(days=1)).date()
    sent = post(
        educator, f"/teach/classes/{w.class_id}/assign",
        learner_id=[w.learner.user_id, w.other_learner.user_id], activity="parts-read",
        due_on=due.isoformat(),
    )  # fmt: skip
    assert sent.status_code == 303  # type: ignore[attr-defined]
    for learner in (w.learner, w.other_learner):
        assert [a.due_on for a in assignments_for_me(w.db, learner)] == [due]


def test_the_class_assignments_page_shows_who_is_late(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    now = datetime.now(UTC)
    past = now - timedelta(days=10)
    assign_activity(  # made ten days ago, due a week ago
        w.db, w.educator, class_id=w.class_id,
        learner_ids=[w.learner.user_id, w.other_learner.user_id], activity_key="parts-read",
        note="Read & try both questions.", due_on=(past + timedelta(days=3)).date(), now=past,
    )  # fmt: skip
    for item in ("pw-1", "pw-2"):
        record_attempt(
            w.db, w.other_learner, activity_key="parts-read", item_key=item,
            response=answer_for(w.course, item, True), now=past + timedelta(hours=1),
        )  # fmt: skip
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
        activity_key="parts-practice", due_on=(now + timedelta(days=5)).date(),
    )  # fmt: skip

    class_page = clients["educator"].get(f"/teach/classes/{w.class_id}").text
    assert f'<a href="/teach/classes/{w.class_id}/assignments">Assignments</a>' in class_page
    page = clients["educator"].get(f"/teach/classes/{w.class_id}/assignments")
    assert page.status_code == 200
    text = page.text
    assert "1 assignment is overdue" in text
    assert text.count('<tr class="overdue">') == 1
    assert text.count('<strong class="overdue-badge">Overdue</strong>') == 1
    assert escape("Read & try both questions.") in text
    assert "1 of 2" in text  # Omar did the reading
    assert (
        f'<a href="/teach/classes/{w.class_id}/learners/{w.learner.user_id}#assign">Lea</a>'
        " (0 of 2 answered)"
    ) in text
    table = text.split('<table class="class-assignments">')[1]
    assert table.index("parts-read") < table.index("parts-practice")  # the overdue, due soonest
    home = clients["learner"].get("/learn").text
    overdue_since = _day_month(past + timedelta(days=3))
    assert f'<span class="due overdue">overdue since {overdue_since}</span>' in home
    as_admin = clients["admin"].get(f"/teach/classes/{w.class_id}/assignments").text
    assert "1 assignment is overdue" in as_admin


def test_the_api_takes_and_gives_due_days(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    url = f"/api/v1/classes/{w.class_id}/assignments"
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    body = {"learner_ids": [w.learner.user_id], "activity": "parts-read"}
    past = client.post(url, headers=teacher, json={**body, "due_on": yesterday})
    assert past.status_code == 400
    assert past.json()["field"] == "due_on"
    malformed = client.post(url, headers=teacher, json={**body, "due_on": "soon"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["loc"] == ["body", "due_on"]
    assert client.get(url, headers=teacher).json() == []  # nothing was assigned

    due = (datetime.now(UTC) + timedelta(days=4)).date().isoformat()
    made = client.post(url, headers=teacher, json={**body, "due_on": due})
    assert made.status_code == 201
    (act,) = client.get(url, headers=teacher).json()
    assert (act["activity"], act["due_on"], act["overdue"], act["done"]) == (
        "parts-read",
        due,
        False,
        0,
    )
    assert [(p["display_name"], p["done"], p["answered"]) for p in act["learners"]] == [
        ("Lea", False, 0)
    ]
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    (mine,) = client.get("/api/v1/me/assignments", headers=lea).json()
    assert (mine["due_on"], mine["overdue"]) == (due, False)


def test_the_activity_page_says_it_was_assigned_with_the_note_and_the_due_day(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    learner = clients["learner"]
    assert "assigned-here" not in learner.get("/learn/activities/parts-read").text  # not yet
    due = datetime.now(UTC) + timedelta(days=4)
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
        activity_key="parts-read", note="Read & answer both.", due_on=due.date(),
    )  # fmt: skip
    page = learner.get("/learn/activities/parts-read").text
    banner = page.split('<p class="card assigned-here">')[1].split("</p>")[0]
    assert banner.startswith("Assigned by Teacher on ")
    assert f'<span class="due">due {_day_month(due)}</span>' in banner
    assert "0 of 2 questions answered" in banner
    assert f"<q>{escape('Read & answer both.')}</q>" in banner
    assert "assigned-here" not in learner.get("/learn/activities/parts-practice").text
    assert "assigned-here" not in clients["other_learner"].get("/learn/activities/parts-read").text
    for item in ("pw-1", "pw-2"):  # done by answering: the banner goes
        record_attempt(
            w.db, w.learner, activity_key="parts-read", item_key=item,
            response=answer_for(w.course, item, True),
        )  # fmt: skip
    assert "assigned-here" not in learner.get("/learn/activities/parts-read").text


def test_a_long_not_yet_list_folds_away_past_the_first_names(
    clients: dict[str, TestClient], sqlite_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = sqlite_world
    monkeypatch.setattr(assignment_pages, "WAITING_SHOWN", 1)  # two learners: one shown
    assign_activity(
        w.db, w.educator, class_id=w.class_id, activity_key="parts-read",
        learner_ids=[w.learner.user_id, w.other_learner.user_id],
    )  # fmt: skip
    text = clients["educator"].get(f"/teach/classes/{w.class_id}/assignments").text
    cell = text.split('<table class="class-assignments">')[1]
    shown, folded = cell.split('<details class="more-waiting"><summary>and 1 more</summary>')
    assert ">Lea</a>" in shown.split("<td>")[-1]
    assert "Omar" not in shown.split("<td>")[-1]
    assert ">Omar</a>" in folded.split("</details>")[0]
