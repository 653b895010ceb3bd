"""Reports of a problem with a question, through the pages and the API: the learner reports from
under the question, the class's educator reads it on the items page and answers, the learner
reads the answer under the question; an admin sees and answers every report of a course."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from learnloop.domain.item_reports import MAX_REPORT_REPLY
from learnloop.services.item_reports import report_item, resolve_item_report
from learnloop.storage.tables import ItemReport
from tests.conftest import World
from tests.web.conftest import post

ACTIVITY = "/learn/activities/parts-practice"
FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}


def _reports(w: World) -> int:
    with w.db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(ItemReport)) or 0)


def _report_id(page: str) -> str:
    found = re.search(r'action="[^"]*/item-reports/(\d+)/resolve"', page)
    assert found is not None, page
    return found[1]


def test_a_report_goes_from_the_learner_to_the_educator_and_back(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    lea, teacher = clients["learner"], clients["educator"]
    page = lea.get(ACTIVITY).text
    assert f'<a href="{ACTIVITY}/items/pw-3/report">' in page
    assert page.count("Report a problem with this question") == 5  # a link under each question
    assert "<textarea" not in page.split('id="item-pw-3"')[1].split("</section>")[0]  # no form
    form = lea.get(f"{ACTIVITY}/items/pw-3/report").text
    assert f'action="{ACTIVITY}/items/pw-3/report"' in form
    assert w.course.items["pw-3"].prompt in form  # the question it is about
    assert 'value="answer-key" required checked' in form
    sent = post(lea, f"{ACTIVITY}/items/pw-3/report", kind="answer-key",
                comment="I wrote <b>3/4</b> and it was marked wrong")  # fmt: skip
    assert sent.status_code == 303  # type: ignore[attr-defined]
    assert sent.headers["location"] == f"{ACTIVITY}#item-pw-3"  # type: ignore[attr-defined]
    page = lea.get(ACTIVITY).text
    assert "You reported a problem with this question on" in page
    assert "Change your report" in page
    form = lea.get(f"{ACTIVITY}/items/pw-3/report").text  # what it said, to change
    assert "I wrote &lt;b&gt;3/4&lt;/b&gt; and it was marked wrong</textarea>" in form

    items = f"/teach/classes/{w.class_id}/items"
    assert (
        f'<a href="{items}#reports"><strong>1 reported question waits</strong></a>'
        in teacher.get(f"/teach/classes/{w.class_id}").text
    )
    seen = teacher.get(items).text
    assert "1 report waits for a look." in seen
    assert "The answer marked right is wrong, or a right answer was marked wrong" in seen
    assert "I wrote &lt;b&gt;3/4&lt;/b&gt; and it was marked wrong" in seen  # escaped
    assert f'href="/teach/classes/{w.class_id}/learners/{w.learner.user_id}">Lea</a>' in seen
    assert '<a href="#reports">reported by 1 learner</a>' in seen  # on the item's own row
    report = _report_id(seen)
    assert "marked wrong" not in clients["other_educator"].get(items).text  # a 403 page
    theirs = clients["other_educator"].get(f"/teach/classes/{w.other_class_id}/items").text
    assert "marked wrong" not in theirs  # not their class's learner

    answered = post(teacher, f"/teach/classes/{w.class_id}/item-reports/{report}/resolve",
                    reply="You were right: 3/4 counts now.")  # fmt: skip
    assert answered.status_code == 303  # type: ignore[attr-defined]
    assert answered.headers["location"] == f"{items}#reports"  # type: ignore[attr-defined]
    seen = teacher.get(items).text
    assert "Every report has been looked at." in seen
    assert "reported question" not in teacher.get(f"/teach/classes/{w.class_id}").text
    assert "You were right: 3/4 counts now." in seen
    page = lea.get(ACTIVITY).text
    assert "was looked at on" in page
    assert "You were right: 3/4 counts now." in page
    assert "Change your report" not in page  # a new report would be a new one


def test_a_bad_report_says_why_on_its_form_and_keeps_nothing(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    lea = clients["learner"]
    bad = post(lea, f"{ACTIVITY}/items/pw-4/report", kind="other", comment="  ")
    assert bad.status_code == 400  # type: ignore[attr-defined]
    text = bad.text  # type: ignore[attr-defined]
    assert 'aria-invalid="true"' in text  # the form again, with what was wrong
    assert "say what is wrong with the question" in text
    assert 'value="other" required checked' in text  # what was chosen stays
    assert _reports(sqlite_world) == 0
    missing = post(lea, f"{ACTIVITY}/items/not-here/report", kind="typo")
    assert missing.status_code == 404  # type: ignore[attr-defined]
    assert lea.get(f"{ACTIVITY}/items/not-here/report").status_code == 404
    assert _reports(sqlite_world) == 0


def test_an_admin_answers_from_the_courses_page(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    post(clients["learner"], f"{ACTIVITY}/items/pw-5/report", kind="typo")
    admin = clients["admin"]
    page = admin.get("/admin/courses/fractions").text
    assert "Questions learners reported" in page
    assert "Lea (<code>lea</code>)" in page
    report = _report_id(page)
    too_long = post(admin, f"/admin/courses/fractions/item-reports/{report}/resolve",
                    reply="x" * (MAX_REPORT_REPLY + 1))  # fmt: skip
    assert too_long.status_code == 400  # type: ignore[attr-defined]
    assert "use at most 1000 characters" in too_long.text  # type: ignore[attr-defined]
    done = post(admin, f"/admin/courses/fractions/item-reports/{report}/resolve", reply="")
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "Every report has been looked at." in admin.get("/admin/courses/fractions").text


def test_the_report_form_speaks_french(clients: dict[str, TestClient]) -> None:
    page = clients["learner"].get(ACTIVITY, headers=FRENCH).text
    assert "Report a problem with this question" not in page
    assert "Signaler un problème" in page


def test_the_api_twins(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    bad = client.post("/api/v1/me/item-reports", headers=lea,
                      json={"activity": "parts-practice", "item": "pw-3", "kind": "wrong"})  # fmt: skip
    assert bad.status_code == 400
    assert bad.json()["field"] == "kind"
    made = client.post("/api/v1/me/item-reports", headers=lea,
                       json={"activity": "parts-practice", "item": "pw-3", "kind": "unclear",
                             "comment": "Which strip?"})  # fmt: skip
    assert made.status_code == 201
    report = made.json()["id"]
    [mine] = client.get("/api/v1/me/item-reports", headers=lea).json()
    assert (mine["id"], mine["item"], mine["kind"], mine["comment"], mine["resolved_at"]) == (
        report, "pw-3", "unclear", "Which strip?", None,
    )  # fmt: skip
    [theirs] = client.get(f"/api/v1/classes/{w.class_id}/item-reports", headers=teacher).json()
    assert (theirs["username"], theirs["item_in_course"]) == ("lea", True)
    done = client.post(f"/api/v1/item-reports/{report}/resolve", headers=teacher,
                       json={"reply": "The blue one."})  # fmt: skip
    assert done.status_code == 204
    again = client.post(f"/api/v1/item-reports/{report}/resolve", headers=teacher, json={})
    assert again.status_code == 400
    assert again.json()["field"] == "report"
    [mine] = client.get("/api/v1/me/item-reports", headers=lea).json()
    assert mine["reply"] == "The blue one."
    assert mine["resolved_at"] is not None


def test_the_learners_home_tells_of_an_answer_until_it_is_seen(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    lea = clients["learner"]
    made = report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                       kind="typo", comment="")  # fmt: skip
    assert "report-answers" not in lea.get("/learn").text  # not answered yet
    resolve_item_report(w.db, w.educator, made, reply="Fixed, thank you!")
    home = lea.get("/learn").text
    assert "An answer to your report on a question" in home
    assert (
        f'href="/learn/activities/parts-practice#item-pw-3">{w.course.activities["parts-practice"].title}</a>'
        in home
    )
    assert "<q>Fixed, thank you!</q>" in home
    assert "report-answers" not in lea.get("/learn").text  # seen on the home: told once
    # seen under its question instead, the home does not tell of it either
    other = report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-4",
                        kind="typo", comment="")  # fmt: skip
    resolve_item_report(w.db, w.educator, other, reply="Fixed too.")
    assert "Fixed too." in lea.get(ACTIVITY).text
    assert "report-answers" not in lea.get("/learn").text


def test_the_api_reads_answers_without_marking_them(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    lea = {"Authorization": f"Bearer {tokens['learner']}"}
    made = report_item(w.db, w.learner, activity_key="parts-practice", item_key="pw-3",
                       kind="typo", comment="")  # fmt: skip
    resolve_item_report(w.db, w.educator, made, reply="Fixed.")
    [mine] = client.get("/api/v1/me/item-reports", headers=lea).json()
    assert mine["answer_seen_at"] is None
    other = {"Authorization": f"Bearer {tokens['other_learner']}"}
    assert client.post("/api/v1/me/item-reports/seen", headers=other,
                       json={"ids": [made]}).json() == {"marked": 0}  # not theirs  # fmt: skip
    assert client.post("/api/v1/me/item-reports/seen", headers=lea,
                       json={"ids": [made]}).json() == {"marked": 1}  # fmt: skip
    [mine] = client.get("/api/v1/me/item-reports", headers=lea).json()
    assert mine["answer_seen_at"] is not None


def test_the_reports_on_one_question_are_answered_at_once(
    clients: dict[str, TestClient],
    client: TestClient,
    tokens: dict[str, str | None],
    sqlite_world: World,
) -> None:
    w = sqlite_world
    for viewer in (w.learner, w.other_learner):
        report_item(w.db, viewer, activity_key="parts-practice", item_key="pw-5",
                    kind="answer-key", comment="4/3 is right")  # fmt: skip
    teacher = clients["educator"]
    items = f"/teach/classes/{w.class_id}/items"
    page = teacher.get(items).text
    assert "Answer the 2 reports on pw-5 at once" in page
    done = post(teacher, f"/teach/classes/{w.class_id}/item-reports/answer-item", item="pw-5",
                reply="Yes: it is fixed.")  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    page = teacher.get(items).text
    assert "Every report has been looked at." in page
    assert page.count("Yes: it is fixed.") == 2
    again = post(teacher, f"/teach/classes/{w.class_id}/item-reports/answer-item", item="pw-5")
    assert again.status_code == 400  # type: ignore[attr-defined]
    assert "no report on &#39;pw-5&#39; waits" in again.text  # type: ignore[attr-defined]
    report_item(w.db, w.outsider, activity_key="parts-practice", item_key="pw-5", kind="typo",
                comment="")  # fmt: skip
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    answered = client.post("/api/v1/admin/courses/fractions/item-reports/resolve", headers=admin,
                           json={"item": "pw-5", "reply": "Fixed."})  # fmt: skip
    assert answered.json() == {"answered": 1}
