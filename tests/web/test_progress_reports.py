"""A learner's progress report on one page: every objective with where it stands (the day it was
mastered, the estimate in progress, what unlocks a locked one), the goal, the last weeks of
practice; the learner's own, and the same for an educator of their class in the class's course
(even while the learner follows another), nobody else's; print styles drop the site's frame."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.mastery_overrides import override_mastery
from learnloop.services.onboarding import choose_course
from tests.conftest import World
from tests.web.test_learner_courses import second_course

STYLE = Path(__file__).resolve().parents[2] / "src/learnloop/web/static/style.css"


def _practise(w: World) -> None:
    override_mastery(w.db, w.educator, class_id=w.class_id, learner_id=w.learner.user_id,
                     objective="parts-of-a-whole", action="mastered", reason="seen on paper")  # fmt: skip
    for i, right in enumerate((True, False, True)):
        item = ("pw-3", "pw-4", "pw-5")[i]
        record_attempt(w.db, w.learner, activity_key="parts-practice", item_key=item,
                       response=answer_for(w.course, item, right))  # fmt: skip


def test_a_learner_reads_their_own_report(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    _practise(w)
    page = clients["learner"].get("/learn/progress/report")
    assert page.status_code == 200
    text = page.text
    assert "Progress report: Lea" in text
    rows = re.findall(r"<tr class=\"([a-z-]+)\">", text)
    assert len(rows) == len(w.course.objectives)  # every objective, once
    assert rows.count("mastered") == 1
    assert "Mastered</strong> on" in text
    assert "Locked until" in text
    assert len(re.findall(r"<tr><th scope=\"row\">", text)) == 4  # four weeks
    assert "<td>3</td><td>2</td><td>1</td>" in text  # this week: 3 answers, 2 right, 1 day
    assert "3 answers since" in text
    assert 'href="/learn/progress/report"' in clients["learner"].get("/learn/progress").text


def test_an_educator_reads_it_in_the_class_course_and_nobody_else_does(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    _practise(w)
    integers, _ = second_course(w)
    choose_course(w.db, w.learner, integers)  # Lea follows the other course now
    url = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}/report"
    page = clients["educator"].get(url)
    assert page.status_code == 200
    assert w.course.title in page.text  # the class's course, not the one she follows
    assert "Mastered</strong> on" in page.text
    assert "7B" in page.text
    learner_page = clients["educator"].get(
        f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    )
    assert f'href="{url}"' in learner_page.text
    chart = learner_page.text[learner_page.text.index('<figure class="chart') :]
    chart = chart[: chart.index("</figure>")]
    assert "Numbers below zero" not in chart  # the page's map is the class's course too
    assert w.course.objectives["parts-of-a-whole"].title in chart
    assert clients["other_educator"].get(url).status_code in (403, 404)
    assert clients["other_learner"].get(url).status_code in (403, 404)
    assert clients["educator"].get("/learn/progress/report").status_code == 403


def test_paper_drops_the_site_frame() -> None:
    css = STYLE.read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert "header, nav, footer, form" in printed


def test_the_api_gives_the_same_report(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    _practise(w)
    lea = client.get("/api/v1/me/progress-report",
                     headers={"Authorization": f"Bearer {tokens['learner']}"}).json()  # fmt: skip
    teacher = client.get(f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}/report",
                         headers={"Authorization": f"Bearer {tokens['educator']}"}).json()  # fmt: skip
    assert lea["objectives"] == teacher["objectives"]
    assert teacher["class_name"] == "7B"
    assert lea["class_name"] is None
    states = [o["state"] for o in lea["objectives"]]
    assert len(states) == len(w.course.objectives)
    assert states.count("mastered") == 1
    assert [wk["answers"] for wk in lea["weeks"]][-1] == 3
    assert lea["answers"] == 3
    whole = client.get(f"/api/v1/classes/{w.class_id}/reports",
                       headers={"Authorization": f"Bearer {tokens['educator']}"}).json()  # fmt: skip
    assert [r["learner"] for r in whole] == ["Lea", "Omar"]
    assert whole[0]["objectives"] == teacher["objectives"]


def test_the_class_reports_print_one_learner_a_sheet(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    _practise(w)
    page = clients["educator"].get(f"/teach/classes/{w.class_id}/reports")
    assert page.status_code == 200
    names = re.findall(r'<h2 class="report-title" id="report-h-\d+">Progress report: ([^<]+)</h2>',
                       page.text)  # fmt: skip
    assert names == ["Lea", "Omar"]  # the class's learners, by name
    assert len(set(re.findall(r'id="(objectives-h-\d+)"', page.text))) == 2  # ids stay unique
    assert (
        f'href="/teach/classes/{w.class_id}/reports"'
        in clients["educator"].get(f"/teach/classes/{w.class_id}").text
    )
    assert clients["other_educator"].get(f"/teach/classes/{w.class_id}/reports").status_code == 403
    css = STYLE.read_text(encoding="utf-8")
    assert "article.report + article.report { page-break-before: always; }" in css
