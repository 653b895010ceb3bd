"""The course's activities for a class's educator: the list, objective by objective, with how many
learners each is open for, and one activity with its answer key (right choices, the number, the
expected wrong answers with their feedback and misconceptions, hints, worked solution) and whom it
is still locked for, with a link that opens the whole-class assign form on it. Learners never get
these pages (tests/web/test_roles.py)."""

from __future__ import annotations

from html import escape

import pytest
from fastapi.testclient import TestClient

from learnloop.reports.activity_preview import activity_preview, class_activities, numeric_key
from tests.conftest import World


@pytest.mark.parametrize(
    ("value", "shown"),
    [(3.0, "3"), (0.75, "0.75"), (2.5, "2.5"), (5 / 12, "5/12"), (1 / 3, "1/3"),
     (0.123456789, "0.123457"), (-0.5, "-0.5")],
)  # fmt: skip
def test_a_numeric_answer_is_shown_as_an_author_writes_it(value: float, shown: str) -> None:
    assert numeric_key(value) == shown


def test_the_preview_shows_the_answer_key_and_who_it_is_locked_for(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    educator = clients["educator"]
    url = f"/teach/classes/{w.class_id}/activities"
    page = educator.get(f"{url}/parts-read")
    assert page.status_code == 200
    text = page.text
    assert "✓ Right</strong>: <span>The whole is split into 8 equal parts" in text
    assert text.count("✗ Wrong</strong>") == 3
    assert "Reveals: " + escape(w.course.misconceptions["top-bottom-roles"].title) in text
    assert "<strong>1/3</strong>" in text  # pw-2's 2/6, as a fraction
    assert "4/6 is the part that was <strong>eaten</strong>" in text  # an expected wrong answer
    assert "The bottom number is called the denominator. What does it count?" in text  # a hint
    assert "Open for all 2 learners of the class." in text
    assert (
        f'href="/teach/classes/{w.class_id}/assignments?activity=parts-read#assign-class"' in text
    )

    strips = educator.get(f"{url}/fraction-strips").text
    assert "Still locked for 2 learners: Lea, Omar." in strips
    assert '<h2 id="rubric-h">Rubric</h2>' in strips  # a hands-on task: its rubric
    assert educator.get(f"{url}/no-such-activity").status_code == 404
    french = educator.get(f"{url}/parts-read", headers={"Accept-Language": "fr"}).text
    assert "Corrigé" in french

    # the link from the preview opens the whole-class form on that activity
    form = educator.get(f"/teach/classes/{w.class_id}/assignments?activity=parts-read").text
    assert '<details class="card assign-class" id="assign-class" open>' in form
    assert '<option value="parts-read" selected>' in form


def test_the_list_has_every_activity_once_under_its_objective(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    data = class_activities(w.db, w.educator, w.class_id)
    listed = [r.activity.key for _, rows in data.objectives for r in rows]
    assert sorted(listed) == sorted(w.course.activities)  # each once
    order = list(w.course.graph.topological_order)
    assert [o.key for o, _ in data.objectives] == sorted(
        (o.key for o, _ in data.objectives), key=order.index
    )
    first_objective, first_rows = data.objectives[0]
    assert first_objective.key == "parts-of-a-whole"
    # as a lesson runs: the reading, the practice, then the hands-on task
    assert [r.activity.key for r in first_rows] == [
        "parts-read",
        "parts-practice",
        "fraction-strips",
    ]
    open_for = {r.activity.key: r.open_for for _, rows in data.objectives for r in rows}
    assert (open_for["parts-read"], open_for["fraction-strips"], data.learners) == (2, 0, 2)
    preview = activity_preview(w.db, w.educator, w.class_id, "fraction-strips")
    assert preview.locked_for == ("Lea", "Omar")

    page = clients["educator"].get(f"/teach/classes/{w.class_id}/activities").text
    for key in w.course.activities:
        assert f'href="/teach/classes/{w.class_id}/activities/{key}"' in page
    assert "2 of 2" in page
    assert "0 of 2" in page
    items = clients["educator"].get(f"/teach/classes/{w.class_id}/items").text  # nobody tried any
    link = f'<a href="/teach/classes/{w.class_id}/activities/parts-practice#item-pw-4"><code>pw-4</code>'
    assert link in items  # an item leads to its answer key
    class_page = clients["educator"].get(f"/teach/classes/{w.class_id}").text
    assert f'<a href="/teach/classes/{w.class_id}/activities">Activities</a>' in class_page


def test_the_api_gives_the_answer_key_to_the_class_educator(
    client: TestClient, sqlite_world: World, tokens: dict[str, str | None]
) -> None:
    w = sqlite_world
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    url = f"/api/v1/classes/{w.class_id}/activities/parts-read"
    body = client.get(url, headers=teacher).json()
    assert (body["key"], body["learners"], body["locked_for"]) == ("parts-read", 2, [])
    pw1, pw2 = body["items"]
    assert [c["correct"] for c in pw1["choices"]] == [True, False, False, False]
    assert pw1["choices"][1]["misconception"] == "top-bottom-roles"
    assert pw2["answer"] == pytest.approx(1 / 3)
    expected = w.course.items["pw-2"].wrong_answers
    assert [(x["match"], x["feedback"]) for x in pw2["wrong_answers"]] == [
        (x.match, x.feedback) for x in expected
    ]
    assert "eaten" in pw2["wrong_answers"][0]["feedback"]
    learner = {"Authorization": f"Bearer {tokens['learner']}"}
    assert client.get(url, headers=learner).status_code == 403  # the key is the educator's
    assert (
        client.get(f"/api/v1/classes/{w.class_id}/activities/nope", headers=teacher).status_code
        == 404
    )
