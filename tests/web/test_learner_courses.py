"""A learner in classes on two courses: a goal in each, the switch between them, and what waits
in the course they are not following, on the pages and through the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from icalendar import Calendar

from learnloop.config import PedagogySettings
from learnloop.content.catalogs import Catalogs
from learnloop.content.course_loader import load_course
from learnloop.domain import Viewer
from learnloop.domain.reminders import reminder_text
from learnloop.reports.learner_courses import my_courses
from learnloop.reports.reminders import due_digests
from learnloop.services.accounts import register_user
from learnloop.services.assignments import assign_activity
from learnloop.services.classes import leave_class
from learnloop.services.courses import add_to_class, create_class, import_course
from learnloop.services.mastery_overrides import override_mastery
from learnloop.services.onboarding import complete_onboarding
from learnloop.services.reminders import want_reminders
from learnloop.storage.tables import LearnerProfile
from tests.conftest import PASSWORD, World
from tests.web.conftest import post, role_token

INTEGERS = Path(__file__).parent.parent / "fixtures" / "courses" / "integers"


def second_course(world: World) -> tuple[int, int]:
    """The integers course and a class "9M" on it, with the world's learner and educator in it."""
    course_id, _ = import_course(world.db, load_course(INTEGERS))
    class_id = create_class(world.db, name="9M", course_id=course_id)
    for viewer in (world.learner, world.educator):
        add_to_class(world.db, class_id=class_id, user_id=viewer.user_id)
    return course_id, class_id


def assign_in_both(world: World, maths: int) -> None:
    """An activity due in two days for Lea in each of her classes: 7B (fractions), 9M (integers)."""
    due = datetime.now(UTC).date() + timedelta(days=2)
    for class_id, activity in ((world.class_id, "parts-read"), (maths, "below-zero-practice")):
        assign_activity(
            world.db, world.educator, class_id=class_id, learner_ids=[world.learner.user_id],
            activity_key=activity, due_on=due,
        )  # fmt: skip


def followed(world: World, learner: Viewer) -> int | None:
    with world.db.reading() as s:
        profile = s.get(LearnerProfile, learner.user_id)
        return profile.course_id if profile else None


def test_a_second_course_asks_its_goal_and_keeps_the_first(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    w, lea = sqlite_world, clients["learner"]
    integers, _ = second_course(w)  # being added to a class on it makes it the one followed
    home = lea.get("/learn")
    # her goal ("add-unlike") is an objective of the fractions course only: the home asked it
    # of the wrong course and failed; now the new course asks her goal in it first
    assert (home.status_code, home.headers["location"]) == (303, "/learn/onboarding")
    page = lea.get("/learn/onboarding")
    assert "You now follow Negative numbers. Choose your goal in it" in page.text
    assert 'value="multiply-negatives"' in page.text
    assert 'value="add-unlike"' not in page.text
    assert re.search(r'value="reading"\s+checked', page.text)  # her own answers are kept
    assert "placement diagnostic" in page.text  # offered: she has not started this course
    sent = post(lea, "/learn/onboarding", goal_objective="multiply-negatives", modalities="reading")
    assert sent.status_code == 303  # type: ignore[attr-defined]
    home = lea.get("/learn")
    assert home.status_code == 200
    assert "Negative numbers" in home.text
    assert "Multiplying negatives" in home.text
    # switching back: her fractions goal is as she left it, and no onboarding is asked
    switched = post(lea, f"/learn/courses/{w.course_id}")
    assert switched.headers["location"] == "/learn"  # type: ignore[attr-defined]
    home = lea.get("/learn")
    assert "Fractions, from halves" in home.text
    assert "Adding with unlike denominators" in home.text
    assert followed(w, w.learner) == w.course_id
    switched = post(lea, f"/learn/courses/{integers}")
    assert switched.headers["location"] == "/learn"  # type: ignore[attr-defined]
    assert "Multiplying negatives" in lea.get("/learn").text


def test_the_educator_reads_the_goal_of_their_class_s_course(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    w = sqlite_world
    _, maths = second_course(w)
    teacher = clients["educator"]
    page = teacher.get(f"/teach/classes/{maths}/learners/{w.learner.user_id}").text
    assert "Lea has not started this course yet" in page
    post(clients["learner"], "/learn/onboarding", goal_objective="below-zero")
    auth = {"Authorization": f"Bearer {role_token(clients['educator'], w, 'educator')}"}
    in_7b = teacher.get(f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}", headers=auth)
    in_9m = teacher.get(f"/api/v1/classes/{maths}/learners/{w.learner.user_id}", headers=auth)
    assert in_7b.json()["profile"]["goal_objective"] == "add-unlike"
    assert in_9m.json()["profile"]["goal_objective"] == "below-zero"
    assert (in_7b.json()["following"], in_9m.json()["following"]) == ("elsewhere", "following")
    page = teacher.get(f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}").text
    assert "Lea follows another of their courses at the moment" in page
    post(clients["learner"], f"/learn/courses/{w.course_id}")
    page = teacher.get(f"/teach/classes/{maths}/learners/{w.learner.user_id}").text
    assert "Lea follows another" in page
    assert "has not started" not in page


def test_what_waits_in_the_other_course_shows_on_the_home(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    w, lea = sqlite_world, clients["learner"]
    integers, _ = second_course(w)
    post(lea, "/learn/onboarding", goal_objective="")
    now = datetime.now(UTC)
    for activity, due in (
        ("parts-practice", now.date() - timedelta(days=1)),
        ("parts-read", None),
    ):
        assign_activity(
            w.db, w.educator, class_id=w.class_id, learner_ids=[w.learner.user_id],
            activity_key=activity, due_on=due, now=now - timedelta(days=3),
        )  # fmt: skip
    home = lea.get("/learn")
    assert (
        "Waiting for you in <strong>Fractions, from halves to word problems</strong>:" in home.text
    )
    assert "2 assignments (1 overdue)" in home.text
    assert f'action="/learn/courses/{w.course_id}"' in home.text
    page = lea.get("/learn/courses")
    rows = page.text.split('<tr id="course-')[1:]
    assert [r.split('"', 1)[0] for r in rows] == [str(integers), str(w.course_id)]  # current first
    assert "You follow this course" in rows[0]
    assert "nothing" in rows[0]
    assert "7B" in rows[1]
    assert "2 assignments" in rows[1]
    assert "Switch to Fractions" in rows[1]
    # once followed, the assignments are on the home itself, and nothing waits elsewhere
    post(lea, f"/learn/courses/{w.course_id}")
    home = lea.get("/learn")
    assert "Assigned by your educators" in home.text
    assert "Waiting for you in" not in home.text


def test_reviews_due_in_the_other_course_are_counted(sqlite_world: World) -> None:
    w = sqlite_world
    second_course(w)
    override_mastery(
        w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id,
        objective="parts-of-a-whole", action="mastered", reason="Seen on paper",
    )  # fmt: skip
    later = datetime.now(UTC) + timedelta(days=400)  # every review card is due by then
    fractions = next(c for c in my_courses(w.db, w.learner, later) if c.course_id == w.course_id)
    assert (fractions.current, fractions.mastered, fractions.reviews_due) == (False, 1, 1)
    assert fractions.waiting
    today = next(c for c in my_courses(w.db, w.learner) if c.course_id == w.course_id)
    assert today.reviews_due == 0
    assert not today.waiting


def test_only_the_courses_of_the_learner_s_classes_can_be_followed(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    w = sqlite_world
    integers, maths = second_course(w)
    omar = clients["other_learner"]  # in 7B only
    refused = post(omar, f"/learn/courses/{integers}")
    assert refused.status_code == 403  # type: ignore[attr-defined]
    assert "join a class on this course" in refused.text  # type: ignore[attr-defined]
    assert post(omar, "/learn/courses/99999").status_code == 404  # type: ignore[attr-defined]
    assert followed(w, w.other_learner) == w.course_id  # nothing changed
    assert f'id="course-{integers}"' not in omar.get("/learn/courses").text
    # Lea started integers; after leaving its class it is still hers to follow on her own
    post(clients["learner"], "/learn/onboarding", goal_objective="below-zero")
    leave_class(w.db, w.learner, class_id=maths)
    lea = clients["learner"]
    post(lea, f"/learn/courses/{w.course_id}")
    back = post(lea, f"/learn/courses/{integers}")
    assert back.headers["location"] == "/learn"  # type: ignore[attr-defined]
    assert "Numbers below zero" in lea.get("/learn").text


def test_a_learner_in_no_class_chooses_any_course_through_the_api(
    sqlite_world: World, client: TestClient, hasher: PasswordHasher
) -> None:
    w = sqlite_world
    integers, _ = second_course(w)
    register_user(w.db, hasher, username="solo", password=PASSWORD, display_name="Solo")
    token = client.post(
        "/api/v1/auth/token", json={"username": "solo", "password": PASSWORD}
    ).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/me/courses", headers=auth).json()
    assert {c["id"] for c in listed} == {w.course_id, integers}
    assert not any(c["current"] or c["started"] for c in listed)
    chosen = client.put("/api/v1/me/course", json={"course_id": integers}, headers=auth)
    assert chosen.json() == {"course_id": integers, "started": False}
    assert client.get("/api/v1/me/profile", headers=auth).json()["course_id"] == integers
    client.put(
        "/api/v1/me/profile", json={"goal_objective": "add-negatives"}, headers=auth
    ).raise_for_status()
    again = client.put("/api/v1/me/course", json={"course_id": w.course_id}, headers=auth)
    assert again.json() == {"course_id": w.course_id, "started": False}
    listed = client.get("/api/v1/me/courses", headers=auth).json()
    assert [(c["id"], c["current"], c["started"]) for c in listed] == [
        (w.course_id, True, False), (integers, False, True),
    ]  # fmt: skip
    bad = client.put("/api/v1/me/course", json={"course_id": "maths"}, headers=auth)
    assert bad.status_code == 422  # a schema error, named by its field
    assert "course_id" in bad.text


@pytest.mark.parametrize("role", ["other_educator", "admin"])
def test_courses_are_a_learner_s_own(
    sqlite_world: World, clients: dict[str, TestClient], role: str
) -> None:
    integers, _ = second_course(sqlite_world)
    assert post(clients[role], f"/learn/courses/{integers}").status_code == 403  # type: ignore[attr-defined]


def test_the_calendar_holds_every_course_s_due_days_and_its_links_open_the_right_course(
    sqlite_world: World, clients: dict[str, TestClient], client: TestClient
) -> None:
    w, lea = sqlite_world, clients["learner"]
    integers, maths = second_course(w)
    post(lea, "/learn/onboarding", goal_objective="")
    assign_in_both(w, maths)
    made = post(lea, "/learn/calendar")
    link = re.search(r'value="http://[^/]+(/calendar/[^"]+\.ics)"', made.text)  # type: ignore[attr-defined]
    assert link
    feed = Calendar.from_ical(client.get(link.group(1)).content)
    assert str(feed["x-wr-calname"]) == "learnloop"  # two courses: neither names it
    events = {str(e["summary"]): str(e["url"]) for e in feed.walk("VEVENT")}
    assert events == {
        "What is a fraction? · Fractions, from halves to word problems":
            f"http://127.0.0.1:8000/learn/courses/{w.course_id}/activities/parts-read",
        "Practice — below zero · Negative numbers":
            f"http://127.0.0.1:8000/learn/courses/{integers}/activities/below-zero-practice",
    }  # fmt: skip
    # Lea follows integers now: its activity opens; the fractions one offers the switch first
    here = lea.get(f"/learn/courses/{integers}/activities/below-zero-practice")
    assert here.headers["location"] == "/learn/activities/below-zero-practice"
    there = lea.get(f"/learn/courses/{w.course_id}/activities/parts-read")
    assert there.status_code == 200
    assert "This activity is in Fractions, from halves to word problems" in there.text
    assert followed(w, w.learner) == integers  # a GET changes nothing
    switched = post(lea, f"/learn/courses/{w.course_id}", next="/learn/activities/parts-read")
    assert switched.headers["location"] == "/learn/activities/parts-read"  # type: ignore[attr-defined]
    assert lea.get("/learn/activities/parts-read").status_code == 200
    # a switch leads on to an activity and nowhere else
    away = post(lea, f"/learn/courses/{integers}", next="https://evil.example/learn/activities/x")
    assert away.headers["location"] == "/learn"  # type: ignore[attr-defined]
    # another learner's course is not found through this address
    omar = clients["other_learner"]
    assert omar.get(f"/learn/courses/{integers}/activities/below-zero-practice").status_code == 404


def test_a_reminder_goes_before_the_new_course_is_started(sqlite_world: World) -> None:
    w = sqlite_world
    _, maths = second_course(w)  # Lea follows integers now, and has not started it
    assign_in_both(w, maths)
    want_reminders(w.db, w.learner, email="lea@example.org", frequency="daily", language="en",
                   now=datetime.now(UTC) - timedelta(days=2))  # fmt: skip
    soon = datetime.now(UTC) + timedelta(minutes=5)
    (waiting,) = [d for d in due_digests(w.db, PedagogySettings(), soon, Catalogs.load().wording)
                  if d.user_id == w.learner.user_id]  # fmt: skip
    # being put in a class on a new course does not silence her reminders about the old one
    assert [a.title for a in waiting.assignments] == [
        "What is a fraction?",
        "Practice — below zero",
    ]


def test_a_reminder_names_what_waits_in_every_course(sqlite_world: World) -> None:
    w = sqlite_world
    _, maths = second_course(w)  # Lea follows integers now, and has not started it
    complete_onboarding(
        w.db, w.learner, course_id=None, goal_objective=None, goal_date=None, interests="",
        preferred_modalities=[],
    )  # fmt: skip
    at = datetime.now(UTC) + timedelta(days=400)  # her fractions review card is due by then
    override_mastery(
        w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id,
        objective="parts-of-a-whole", action="mastered", reason="Seen on paper",
    )  # fmt: skip
    assign_in_both(w, maths)
    want_reminders(w.db, w.learner, email="lea@example.org", frequency="daily", language="en",
                   now=at - timedelta(days=2))  # fmt: skip
    (digest,) = [
        d for d in due_digests(w.db, PedagogySettings(), at, Catalogs.load().wording)
        if d.user_id == w.learner.user_id
    ]  # fmt: skip
    assert digest.course_title == "Negative numbers"
    assert [(a.title, a.course) for a in digest.assignments] == [
        ("What is a fraction?", "Fractions, from halves to word problems"),
        ("Practice — below zero", ""),
    ]  # fmt: skip
    assert digest.reviews_elsewhere == [("Fractions, from halves to word problems", 1)]
    body = reminder_text(digest, home_url="http://x/learn", stop_url="http://x/stop").body
    assert "1 review is due in Fractions, from halves to word problems." in body
    assert "What is a fraction? in Fractions, from halves to word problems (overdue since" in body


def test_an_activity_address_takes_only_an_activity_key(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    lea = clients["learner"]
    odd = lea.get(f"/learn/courses/{sqlite_world.course_id}/activities/a.b%0d%0aX-Evil:1")
    assert odd.status_code == 422  # never echoed into a redirect
    assert "x-evil" not in {k.lower() for k in odd.headers}
