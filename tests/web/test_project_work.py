"""Project work through the pages and the JSON API: a learner hands in work on the recipe project,
the class's educator fills in its rubric, the learner reads the feedback on the activity."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.services.class_groups import form_group
from learnloop.storage.tables import ProjectReview, ProjectSubmission
from tests.conftest import World, unlock_activity

RECIPE = "/learn/activities/recipe-project"


def _count(w: World, table: type[ProjectSubmission] | type[ProjectReview]) -> int:
    with w.db.reading() as s:
        return s.scalar(select(func.count()).select_from(table)) or 0


def test_work_goes_in_gets_rubric_feedback_and_comes_back(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    lea, teacher = clients["learner"], clients["educator"]
    assert "Feedback on your work" not in lea.get("/learn").text  # nothing reviewed yet
    locked = lea.get(RECIPE).text
    assert "Your work" in locked
    assert f'action="{RECIPE}/work"' not in locked  # locked: the form waits for the prerequisites
    unlock_activity(w, w.learner, "recipe-project")
    page = lea.get(RECIPE).text
    assert "Every amount is scaled by the right fraction" in page  # the rubric, before handing in
    assert "Not yet → Some amounts → Every amount" in page
    empty = lea.post(f"{RECIPE}/work", data={"csrf_token": lea.cookies["ll_csrf"], "body": " "})
    assert empty.status_code == 400
    assert "write or paste your work first" in empty.text
    body = "For 6 people: 1 1/2 × 3/2 = 2 1/4 cups of flour <script>alert(1)</script>"
    r = lea.post(f"{RECIPE}/work", data={"csrf_token": lea.cookies["ll_csrf"], "body": body})
    assert r.status_code == 303
    assert r.headers["location"] == f"{RECIPE}#work"
    mine = lea.get(RECIPE).text
    assert "Waiting for your educator's feedback." in mine
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mine  # escaped, never run
    assert "<script>alert(1)</script>" not in mine

    lea_page = teacher.get(f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}").text
    assert "Project — scale a recipe</a>" in lea_page
    assert "<strong>waiting for feedback</strong>" in lea_page
    listing = teacher.get(f"/teach/classes/{w.class_id}/work").text
    assert "Waiting for feedback (1)" in listing
    submission = re.search(r'href="/teach/work/(\d+)"', listing)
    assert submission is not None
    review_url = f"/teach/work/{submission[1]}"
    form = teacher.get(review_url).text
    assert "&lt;script&gt;" in form
    assert form.count('type="radio" name="level-') == 12  # four criteria of three levels
    csrf = teacher.cookies["ll_csrf"]
    partial = teacher.post(
        f"{review_url}/review", data={"csrf_token": csrf, "level-scaling": "2", "comment": "?"}
    )
    assert partial.status_code == 400
    assert "choose a level for The working is shown for each ingredient" in partial.text
    assert _count(w, ProjectReview) == 0
    saved = teacher.post(
        f"{review_url}/review",
        data={"csrf_token": csrf, "level-scaling": "2", "level-working": "1",
              "level-mixed-numbers": "2", "level-checking": "0",
              "comment": "Check the sugar: 3/4 × 3/2 is 1 1/8."},
    )  # fmt: skip
    assert saved.status_code == 303
    again = teacher.get(saved.headers["location"]).text
    assert "Feedback saved" in again
    assert 'value="1" required checked' in again  # the saved levels are shown chosen
    assert "Reviewed" in teacher.get(f"/teach/classes/{w.class_id}/work").text

    feedback = lea.get(RECIPE).text
    assert "Feedback from Teacher" in feedback
    assert "The working is shown for each ingredient: <strong>Some working</strong> (2 of 3)" in (
        feedback
    )
    assert "Check the sugar: 3/4 × 3/2 is 1 1/8." in feedback
    assert "A better version" in feedback  # and can hand in again
    home = lea.get("/learn").text
    section = home[home.index("Feedback on your work") :]
    assert "Project — scale a recipe</a>: feedback from Teacher" in section
    assert "The working is shown for each ingredient: <strong>Some working</strong>" in section
    assert "Feedback on your work" not in clients["other_learner"].get("/learn").text

    other = clients["other_educator"].get(review_url)
    assert other.status_code == 404
    no_csrf = teacher.post(f"{review_url}/review", data={"level-scaling": "0"})
    assert no_csrf.status_code == 403
    assert _count(w, ProjectSubmission) == 1


def test_the_api_twins(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    unlock_activity(w, w.learner, "recipe-project")
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    made = client.post("/api/v1/me/work/recipe-project", headers=lea, json={"body": "v1"})
    assert made.status_code == 201
    work_id = made.json()["id"]
    listing = client.get(f"/api/v1/classes/{w.class_id}/work", headers=teacher).json()
    assert [(x["id"], x["learner"], x["review"]) for x in listing["awaiting"]] == [
        (work_id, "Lea", None)
    ]
    bad = client.post(
        f"/api/v1/work/{work_id}/review", headers=teacher,
        json={"levels": {"scaling": 9}, "comment": ""},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "levels.scaling" in bad.text
    levels = {"scaling": 2, "working": 2, "mixed-numbers": 1, "checking": 1}
    ok = client.post(
        f"/api/v1/work/{work_id}/review", headers=teacher, json={"levels": levels, "comment": "ok"}
    )
    assert ok.status_code == 204
    [mine] = client.get("/api/v1/me/work/recipe-project", headers=lea).json()
    assert mine["review"]["comment"] == "ok"
    assert [(lv["criterion"], lv["level"], lv["levels"]) for lv in mine["review"]["levels"]] == [
        ("scaling", 2, 3), ("working", 2, 3), ("mixed-numbers", 1, 3), ("checking", 1, 3),
    ]  # fmt: skip


def test_work_handed_in_for_a_group_reaches_every_member(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    for viewer in (w.learner, w.other_learner):
        unlock_activity(w, viewer, "recipe-project")
    team = form_group(w.db, w.educator, class_id=w.class_id, name="Bakers",
                      learner_ids=[w.learner.user_id, w.other_learner.user_id])  # fmt: skip
    lea, omar = clients["learner"], clients["other_learner"]
    page = lea.get(RECIPE).text
    assert '<label for="work-group">Hand in for</label>' in page
    assert f'<option value="{team}">Bakers (Lea, Omar)</option>' in page
    bad = lea.post(f"{RECIPE}/work", data={"csrf_token": lea.cookies["ll_csrf"], "body": "ours",
                                           "group_id": "x"})  # fmt: skip
    assert bad.status_code == 400
    done = lea.post(f"{RECIPE}/work", data={"csrf_token": lea.cookies["ll_csrf"], "body": "ours",
                                            "group_id": str(team)})  # fmt: skip
    assert done.status_code == 303
    assert "for Bakers, by Lea" in omar.get(RECIPE).text
    listing = clients["educator"].get(f"/teach/classes/{w.class_id}/work").text
    assert "Lea for Bakers" in listing
