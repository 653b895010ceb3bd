"""Changing and withdrawing an assignment from the class's assignments page and the API: a form per
open act (CSRF-checked), a bad day refused with its reason beside the field and nothing changed,
a message saying what was done, and a message to those who have not done it; PATCH and DELETE do
the same for a script."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.reports.assignments import assignments_for_me, class_assignments
from learnloop.services.assignments import assign_activity
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import FeedbackMessage
from tests.conftest import World, unlock_activity
from tests.web.conftest import post


def _two_acts(w: World) -> tuple[int, int]:
    """A reading for Lea and Omar, due in two days, that Omar has done; a practice for Lea."""
    now = datetime.now(UTC)
    both = [w.learner.user_id, w.other_learner.user_id]
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=both, activity_key="parts-read",
        due_on=(now + timedelta(days=2)).date(), now=now - timedelta(hours=1),
    )  # fmt: skip
    for item in ("pw-1", "pw-2"):
        record_attempt(
            w.db, w.other_learner, activity_key="parts-read", item_key=item,
            response=answer_for(w.course, item, True),
        )  # fmt: skip
    assign_activity(
        w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
        activity_key="parts-practice",
    )  # fmt: skip
    acts = {
        a.activity_key: a.id for a in class_assignments(w.db, w.educator, w.class_id).assignments
    }
    return acts["parts-read"], acts["parts-practice"]


def test_the_page_changes_a_due_day_and_refuses_a_bad_one_beside_its_field(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    reading, practice = _two_acts(w)
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/assignments"
    page = educator.get(url).text
    for act in (reading, practice):
        assert f'action="{url}/{act}/due"' in page
        assert f'action="{url}/{act}/withdraw"' in page

    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    refused = post(educator, f"{url}/{reading}/due", due_on=yesterday)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    text = refused.text  # type: ignore[attr-defined]
    assert '<details class="change-assignment" open>' in text
    assert f'aria-invalid="true" aria-describedby="due-error-{reading}"' in text
    assert (
        f'<p class="error" id="due-error-{reading}" role="alert">a due day cannot be in the past'
        in text
    )
    assert text.count("aria-invalid") == 1  # only the field that was sent
    due = (datetime.now(UTC) + timedelta(days=2)).date()
    assert [a.due_on for a in assignments_for_me(w.db, w.other_learner)] == [due]  # unchanged

    later = (datetime.now(UTC) + timedelta(days=10)).date()
    changed = post(educator, f"{url}/{reading}/due", due_on=later.isoformat())
    assert changed.status_code == 303  # type: ignore[attr-defined]
    assert changed.headers["location"] == f"{url}?changed=1"  # type: ignore[attr-defined]
    after = educator.get(f"{url}?changed=1").text
    assert "The due day is changed for everyone it was assigned to." in after
    assert f'value="{later.isoformat()}"' in after
    assert {a.activity_key: a.due_on for a in assignments_for_me(w.db, w.learner)} == {
        "parts-read": later,
        "parts-practice": None,
    }
    cleared = post(educator, f"{url}/{practice}/due", due_on="")  # empty: no due day, still fine
    assert cleared.status_code == 303  # type: ignore[attr-defined]

    # without the form's CSRF token nothing changes
    forged = educator.post(f"{url}/{reading}/due", data={"due_on": ""})
    assert forged.status_code == 403
    assert [a.due_on for a in assignments_for_me(w.db, w.other_learner)] == [later]


def test_the_page_withdraws_and_says_who_keeps_it(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    reading, _ = _two_acts(w)
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/assignments"
    done = post(educator, f"{url}/{reading}/withdraw")
    assert done.status_code == 303  # type: ignore[attr-defined]
    location = done.headers["location"]  # type: ignore[attr-defined]
    assert location == f"{url}?withdrawn=1&kept=1"
    text = educator.get(location).text
    assert "Withdrawn from 1 learner. 1 learner who had done it keeps it as done." in text
    # Omar's done reading is still listed, with nothing left to change on it
    assert f'action="{url}/{reading}/withdraw"' not in text
    assert "everyone has done it" in text
    assert [a.activity_key for a in assignments_for_me(w.db, w.learner)] == ["parts-practice"]
    home = clients["learner"].get("/learn").text
    assert "What is a fraction?" not in home.split("<h2", 2)[1]  # off Lea's assignments
    # in French too
    french = educator.get(location, headers={"Accept-Language": "fr"}).text
    assert "Retiré pour 1 élève. 1 élève qui l’avait fait le garde comme fait." in french


def test_the_api_changes_and_withdraws(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    reading, practice = _two_acts(w)
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    url = f"/api/v1/classes/{w.class_id}/assignments"
    listed = {a["activity"]: a["id"] for a in client.get(url, headers=teacher).json()}
    assert listed == {"parts-read": reading, "parts-practice": practice}

    past = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    refused = client.patch(f"{url}/{reading}", headers=teacher, json={"due_on": past})
    assert (refused.status_code, refused.json()["field"]) == (400, "due_on")
    missing = client.patch(f"{url}/{reading}", headers=teacher, json={})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "due_on"]
    later = (datetime.now(UTC) + timedelta(days=6)).date().isoformat()
    assert (
        client.patch(f"{url}/{reading}", headers=teacher, json={"due_on": later}).status_code == 204
    )
    assert (
        client.patch(f"{url}/{practice}", headers=teacher, json={"due_on": None}).status_code == 204
    )
    due = {a["activity"]: a["due_on"] for a in client.get(url, headers=teacher).json()}
    assert due == {"parts-read": later, "parts-practice": None}

    gone = client.delete(f"{url}/{reading}", headers=teacher)
    assert (gone.status_code, gone.json()) == (200, {"withdrawn": 1, "kept": 1})
    all_gone = client.delete(f"{url}/{practice}", headers=teacher)
    assert all_gone.json() == {"withdrawn": 1, "kept": 0}
    assert client.delete(f"{url}/{practice}", headers=teacher).status_code == 404
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    assert client.get("/api/v1/me/assignments", headers=lea).json() == []


def test_the_page_assigns_to_the_whole_class_or_names_who_it_is_locked_for(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/assignments"
    page = educator.get(url).text
    assert '<input type="hidden" name="everyone" value="true">' in page
    assert '<option value="fraction-strips">' in page  # every activity of the course is offered

    locked = post(educator, f"/teach/classes/{w.class_id}/assign", everyone="true",
                  back="assignments", activity="fraction-strips")  # fmt: skip
    assert locked.status_code == 400  # type: ignore[attr-defined]
    text = locked.text  # type: ignore[attr-defined]
    assert '<details class="card assign-class" id="assign-class" open>' in text
    assert "still locked for Lea, Omar: nothing assigned" in text
    assert class_assignments(w.db, w.educator, w.class_id).assignments == []

    assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
                    activity_key="parts-read")  # fmt: skip
    due = (datetime.now(UTC) + timedelta(days=3)).date()
    sent = post(educator, f"/teach/classes/{w.class_id}/assign", everyone="true",
                back="assignments", activity="parts-read", note="Everyone, please.",
                due_on=due.isoformat())  # fmt: skip
    assert sent.status_code == 303  # type: ignore[attr-defined]
    location = sent.headers["location"]  # type: ignore[attr-defined]
    assert location == f"{url}?assigned=1&already=1&locked=0"
    said = educator.get(location).text
    assert "Assigned to 1 learner. They see it first on their home page." in said
    assert "1 learner already had it open and keeps it as it was." in said
    (omars,) = assignments_for_me(w.db, w.other_learner)
    assert (omars.activity_key, omars.note, omars.due_on) == (
        "parts-read",
        "Everyone, please.",
        due,
    )
    (leas,) = assignments_for_me(w.db, w.learner)
    assert leas.due_on is None  # her earlier assignment, as it was


def test_the_page_messages_those_who_have_not_done_it(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    reading, _ = _two_acts(w)
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/assignments"
    page = educator.get(url).text
    form = page.split(f'<input type="hidden" name="act" value="{reading}">')[1].split("</form>")[0]
    assert f'name="learner_id" value="{w.learner.user_id}"' in form  # Lea has not done it
    assert f'value="{w.other_learner.user_id}"' not in form  # Omar has
    due = (datetime.now(UTC) + timedelta(days=2)).date()
    assert f"A reminder: What is a fraction? is due {due:%b} {due.day}.</textarea>" in form

    def sent() -> list[tuple[int, str]]:
        with w.db.reading() as s:
            return [(m.recipient_id, m.body) for m in s.scalars(select(FeedbackMessage))]

    empty = post(educator, f"/teach/classes/{w.class_id}/messages", back="assignments",
                 act=reading, learner_id=w.learner.user_id, body="  ")  # fmt: skip
    assert empty.status_code == 400  # type: ignore[attr-defined]
    text = empty.text  # type: ignore[attr-defined]
    assert f'aria-invalid="true" aria-describedby="remind-error-{reading}"' in text
    assert f'<p class="error" id="remind-error-{reading}" role="alert">' in text
    assert sent() == []
    left = post(educator, f"/teach/classes/{w.class_id}/messages", back="assignments",
                act=reading, learner_id=w.outsider.user_id, body="Hello")  # not in the class  # fmt: skip
    assert left.status_code == 400  # type: ignore[attr-defined]
    near = left.text.split(f'id="remind-error-{reading}" role="alert">')[1]  # type: ignore[attr-defined]
    assert near.startswith(f"{w.outsider.user_id}: not learners of this class")  # by its form
    assert sent() == []
    done = post(educator, f"/teach/classes/{w.class_id}/messages", back="assignments",
                act=reading, learner_id=w.learner.user_id, body="Please read it tonight.")  # fmt: skip
    assert done.headers["location"] == f"{url}?messaged=1"  # type: ignore[attr-defined]
    assert "Message sent to 1 learner." in educator.get(f"{url}?messaged=1").text
    assert sent() == [(w.learner.user_id, "Please read it tonight.")]


def test_the_page_and_the_api_excuse_one_learner(
    clients: dict[str, TestClient], client: TestClient, sqlite_world: World,
    tokens: dict[str, str | None],
) -> None:  # fmt: skip
    w = sqlite_world
    lea, omar = w.learner.user_id, w.other_learner.user_id
    assign_activity(w.db, w.educator, class_id=w.class_id, learner_ids=[lea, omar],
                    activity_key="parts-practice")  # fmt: skip
    (act,) = class_assignments(w.db, w.educator, w.class_id).assignments
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/assignments"
    page = educator.get(url).text
    for learner in (lea, omar):  # each who has not done it, ticked
        assert f'<input type="checkbox" name="learner_id" value="{learner}" checked>' in page
    none_ticked = post(educator, f"{url}/{act.id}/withdraw", choose="1")
    assert none_ticked.status_code == 400  # type: ignore[attr-defined]
    assert "choose at least one learner" in none_ticked.text  # type: ignore[attr-defined]
    assert len(assignments_for_me(w.db, w.other_learner)) == 1  # nothing withdrawn
    excused = post(educator, f"{url}/{act.id}/withdraw", choose="1", learner_id=omar)
    assert excused.headers["location"] == f"{url}?withdrawn=1&kept=0"  # type: ignore[attr-defined]
    assert assignments_for_me(w.db, w.other_learner) == []
    assert len(assignments_for_me(w.db, w.learner)) == 1  # Lea still has it

    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    api = f"/api/v1/classes/{w.class_id}/assignments/{act.id}"
    stranger = client.delete(f"{api}?learner_id={omar}", headers=teacher)  # not his any more
    assert (stranger.status_code, stranger.json()["field"]) == (400, "learner_ids")
    gone = client.delete(f"{api}?learner_id={lea}", headers=teacher)
    assert gone.json() == {"withdrawn": 1, "kept": 0}
    assert class_assignments(w.db, w.educator, w.class_id).assignments == []


def test_the_whole_class_form_gives_it_to_those_it_is_open_for(
    clients: dict[str, TestClient], client: TestClient, sqlite_world: World,
    tokens: dict[str, str | None],
) -> None:  # fmt: skip
    w = sqlite_world
    unlock_activity(w, w.learner, "number-line-read")  # Lea: what a fraction means, mastered
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/assignments"
    assert '<input type="checkbox" name="open_only" value="true" checked>' in educator.get(url).text
    sent = post(educator, f"/teach/classes/{w.class_id}/assign", everyone="true",
                back="assignments", activity="number-line-read", open_only="true")  # fmt: skip
    location = sent.headers["location"]  # type: ignore[attr-defined]
    assert location == f"{url}?assigned=1&already=0&locked=1"
    said = educator.get(location).text
    assert "Assigned to 1 learner. They see it first on their home page." in said
    assert "It is still locked for 1 learner, who did not get it." in said
    assert [a.activity_key for a in assignments_for_me(w.db, w.learner)] == ["number-line-read"]
    assert assignments_for_me(w.db, w.other_learner) == []

    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    body = {"learner_ids": [w.learner.user_id, w.other_learner.user_id],
            "activity": "number-line-practice", "open_only": True}  # fmt: skip
    made = client.post(f"/api/v1/classes/{w.class_id}/assignments", headers=teacher, json=body)
    assert made.json() == {"assigned": ["Lea"], "already": [], "locked": ["Omar"]}
