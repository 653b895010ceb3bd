"""The educator sees who is behind their own goal: the same reckoning as the learner's home (what
is left, what the date needs, where their pace or their time a week gets them), on the class
page, the learner's page and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from learnloop.config import PedagogySettings
from learnloop.domain import Viewer
from learnloop.reports.class_views import class_overview
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.onboarding import complete_onboarding
from tests.conftest import World
from tests.web.conftest import role_token


def goal(w: World, learner: Viewer, days: int, minutes: int) -> None:
    complete_onboarding(
        w.db, learner, course_id=None, goal_objective="add-unlike",
        goal_date=(datetime.now(UTC) + timedelta(days=days)).date(), interests="",
        preferred_modalities=[], weekly_minutes=minutes,
    )  # fmt: skip


def test_the_class_page_lists_who_is_behind_their_goal(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    w = sqlite_world
    goal(w, w.learner, days=7, minutes=10)  # Lea: four objectives in a week at ten minutes
    goal(w, w.other_learner, days=300, minutes=120)  # Omar: plenty of time
    page = clients["educator"].get(f"/teach/classes/{w.class_id}").text
    assert "2 learners have set a goal in this course." in page
    section = page.split('id="goals"')[1].split("</section>")[0]
    assert section.count("<tr data-status=") == 1  # Omar is on track: not listed
    row = section.split('<tr data-status="behind">')[1].split("</tr>")[0]
    assert ">Lea</a>" in row
    assert "Adding with unlike denominators" in row
    assert "behind: 4 objectives to go, about 4.0 a week needed; at 10 minutes a week" in row

    # once Lea has a pace of her own, it is what the forecast follows
    for item in ("pw-3", "pw-4", "pw-5", "pw-6", "pw-7"):
        record_attempt(
            w.db, w.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(w.course, item, True),
        )  # fmt: skip
    lea = clients["educator"].get(f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}")
    assert 'data-status="behind"><strong>behind</strong>: 3 objectives to go' in lea.text
    assert "at their pace of 0.5 a week, there by" in lea.text

    # past the date: overdue, listed first
    later = datetime.now(UTC) + timedelta(days=10)
    o = class_overview(w.db, w.educator, w.class_id, PedagogySettings(), now=later)
    assert [(g.display_name, g.pace.status) for g in o.behind] == [("Lea", "overdue")]
    assert [g.pace.status for g in o.goals] == ["overdue", "on-track"]

    auth = {"Authorization": f"Bearer {role_token(clients['educator'], w, 'educator')}"}
    report = clients["educator"].get(f"/api/v1/classes/{w.class_id}/report", headers=auth).json()
    assert [(g["display_name"], g["pace"]["status"]) for g in report["goals"]] == [
        ("Lea", "behind"), ("Omar", "on-track"),
    ]  # fmt: skip
    assert report["goals"][0]["pace"]["per_week"] == 0.5
    detail = (
        clients["educator"]
        .get(f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}", headers=auth)
        .json()
    )
    assert detail["pace"]["remaining"] == 3


def test_no_goal_no_section_and_french_numbers(
    sqlite_world: World, clients: dict[str, TestClient]
) -> None:
    w = sqlite_world
    teacher = clients["educator"]
    # the world's learners chose a goal with no date: listed as set, nobody behind
    page = teacher.get(f"/teach/classes/{w.class_id}").text
    assert "Nobody is behind their goal right now." in page
    goal(w, w.learner, days=7, minutes=10)
    teacher.cookies.set("lang", "fr")
    page = teacher.get(f"/teach/classes/{w.class_id}").text
    assert "environ 4,0 par semaine" in page
