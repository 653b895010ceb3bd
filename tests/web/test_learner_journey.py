"""The learner's journey through the pages, as a browser without JavaScript would make it."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.content import load_course
from learnloop.services.courses import import_course
from learnloop.storage.tables import Attempt
from tests.conftest import World
from tests.content.course_factory import ACTIVITY_A, ITEMS, write_course
from tests.web.conftest import csrf_of, post

REASON = re.compile(r'<p class="reason" data-reason="(\w+)">([^<]+)</p>')


def register(client: TestClient, username: str) -> None:
    token = csrf_of(client)
    r = client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": username,
            "display_name": "Newt",
            "password": "long enough pw",
            "password_again": "long enough pw",
        },
    )
    assert r.status_code == 303
    assert r.headers["location"] == "/learn/onboarding"
    cookie = next(h for h in r.headers.get_list("set-cookie") if h.startswith("ll_session="))
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie


def test_register_onboard_learn_and_see_progress(client: TestClient) -> None:
    register(client, "newt")
    assert client.get("/learn").headers["location"] == "/learn/onboarding"
    page = client.get("/learn/onboarding")
    assert (
        "Fractions, from halves to word problems" in page.text
    )  # a learner without a class picks a course
    r = post(
        client,
        "/learn/onboarding",
        course_id="1",
        goal_objective="add-unlike",
        goal_date="",
        interests="cooking",
        modalities=["interactive"],
    )
    assert r.status_code == 303  # type: ignore[attr-defined]

    home = client.get("/learn")
    reasons = REASON.findall(home.text)
    assert len(reasons) >= 2
    assert reasons[0][0] == "goal"
    assert "Toward your goal “Adding with unlike denominators”" in reasons[0][1]
    assert "as you prefer" in home.text

    # wrong: the chosen option's own feedback and a first hint
    post(client, "/learn/activities/parts-practice/items/pw-5", response="b")
    page = client.get("/learn/activities/parts-practice").text
    assert "That would be sharing 4 pizzas between 3 friends" in page
    assert "<strong>Hint:</strong> The fraction bar means" in page
    assert "Worked solution" not in page
    # second miss: the worked solution
    post(client, "/learn/activities/parts-practice/items/pw-5", response="c")
    page = client.get("/learn/activities/parts-practice").text
    assert "Worked solution" in page
    assert "12 quarters for 4 friends" in page
    # right, on another item: mastery rises and says so
    post(client, "/learn/activities/parts-practice/items/pw-4", response="5/12")
    page = client.get("/learn/activities/parts-practice").text
    change = re.search(r"Mastery of What a fraction means: (\d+)% → <strong>(\d+)%</strong>", page)
    assert change
    assert int(change.group(2)) > int(change.group(1))

    progress = client.get("/learn/progress").text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="progress-map"' in progress
    assert "Unlocks when you master What a fraction means." in progress
    assert (
        "Unlocks when you master Fractions on a number line and Equivalent fractions." in progress
    )


def test_unreadable_answer_is_explained_and_nothing_is_stored(
    client: TestClient, sqlite_world: World
) -> None:
    from tests.web.conftest import login

    login(client, "lea")
    r = post(client, "/learn/activities/parts-practice/items/pw-4", response="five twelfths")
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "is not a number" in r.text  # type: ignore[attr-defined]
    with sqlite_world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 0


def test_forms_without_the_csrf_token_are_refused(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    for role, path, data in (
        ("learner", "/learn/activities/parts-practice/items/pw-4", {"response": "5/12"}),
        ("learner", "/learn/onboarding", {"goal_objective": "compare"}),
        (
            "educator",
            f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}/feedback",
            {"body": "hi"},
        ),
        ("learner", "/logout", {}),
        ("anonymous", "/login", {"username": "lea", "password": "x"}),
        (
            "anonymous",
            "/register",
            {
                "username": "zed",
                "display_name": "z",
                "password": "long enough",
                "password_again": "long enough",
            },
        ),
    ):
        missing = clients[role].post(path, data=data)
        forged = clients[role].post(path, data={**data, "csrf_token": "forged.0000"})
        assert missing.status_code == forged.status_code == 403, (path, missing.status_code)
    with w.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Attempt)) == 0


def test_security_headers(client: TestClient) -> None:
    r = client.get("/login")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("ll_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie


def test_a_script_in_a_course_file_never_reaches_the_page(
    client: TestClient, sqlite_world: World, tmp_path: Path
) -> None:
    hostile = ACTIVITY_A.replace(
        "Read **this**.",
        'Read.\n\n<script>window.__pwned = 1</script>\n<img src=x onerror="window.__pwned=2">',
    )
    items = ITEMS.replace("  prompt: Pick one", '  prompt: "Pick <script>alert(1)</script> one"')
    course = load_course(
        write_course(tmp_path / "c", **{"activities/a-read.md": hostile, "items/items.yaml": items})
    )
    course_id, _ = import_course(sqlite_world.db, course)
    register(client, "mallory")
    post(client, "/learn/onboarding", course_id=str(course_id))
    page = client.get("/learn/activities/a-read")
    assert page.status_code == 200
    assert "<script" not in page.text.lower()
    assert "onerror" not in page.text.lower()
    assert "Read." in page.text
    assert "Pick" in page.text


def test_the_home_says_how_far_the_goal_is(clients: dict[str, TestClient]) -> None:
    # lea's goal, add-unlike, needs parts-of-a-whole, equivalent, add-like and itself; no date
    home = clients["learner"].get("/learn").text
    assert 'data-status="no-date"' in home
    assert "4 objectives to go to Adding with unlike denominators" in home
