"""The educator's journey: heatmap, who is stuck, a learner's record, feedback the learner sees."""

from __future__ import annotations

from fastapi.testclient import TestClient

from learnloop.services.learning import record_attempt
from tests.conftest import World


def test_heatmap_stuck_list_learner_page_and_feedback(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    # lea answers wrong ten times on ten fresh attempts across items: stuck on the first objective
    for item, answer in [
        ("pw-1", "b"),
        ("pw-3", "b"),
        ("pw-5", "b"),
        ("pw-7", ["a"]),
        ("pw-2", "1/6"),
    ] * 2:
        activity = "parts-read" if item in ("pw-1", "pw-2") else "parts-practice"
        record_attempt(w.db, w.learner, activity_key=activity, item_key=item, response=answer)
    for item, answer in (("pw-4", "5/12"), ("pw-5", "a"), ("pw-6", "numerator")):
        record_attempt(
            w.db, w.other_learner, activity_key="parts-practice", item_key=item, response=answer
        )

    page = clients["educator"].get(f"/teach/classes/{w.class_id}").text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="heatmap"' in page
    assert 'aria-labelledby="hm-title hm-desc"' in page
    assert "<summary>The heatmap as a table</summary>" in page
    assert "Omar, What a fraction means: mastered" in page  # the other learner's cell
    stuck = page[page.index('<table class="stuck">') : page.index("</table>")]
    assert "Lea" in stuck
    assert "What a fraction means" in stuck
    assert "Omar" not in stuck

    learner_page = (
        clients["educator"].get(f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}").text
    )
    assert learner_page.count("✗ wrong") >= 5
    assert 'class="sparkline"' in learner_page

    r = clients["educator"].post(
        f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}/feedback",
        data={
            "csrf_token": clients["educator"].cookies["ll_csrf"],
            "body": "Let's look at quarters together on Monday.",
        },
    )
    assert r.status_code == 303
    home = clients["learner"].get("/learn").text
    assert "Let&#39;s look at quarters together on Monday." in home
    assert "Let&#39;s look at quarters" not in clients["other_learner"].get("/learn").text


def test_items_misconceptions_and_groups_pages_and_api(
    clients: dict[str, TestClient],
    client: TestClient,
    tokens: dict[str, str | None],
    sqlite_world: World,
) -> None:
    from tests.reports.test_item_analysis import add_across, master_parts

    w = sqlite_world
    for viewer in (w.learner, w.other_learner):
        master_parts(w, viewer)
        add_across(w, viewer, 2)
    overview = clients["educator"].get(f"/teach/classes/{w.class_id}").text
    assert f'href="/teach/classes/{w.class_id}/items"' in overview
    assert f'href="/teach/classes/{w.class_id}/groups"' in overview

    page = clients["educator"].get(f"/teach/classes/{w.class_id}/items").text
    start = page.index('<table class="misconceptions">')
    table = page[start : page.index("</table>", start)]
    first_row = table[table.index("<tbody>") : table.index("</tr>", table.index("<tbody>"))]
    assert "Adds the tops and adds the bottoms" in first_row
    assert "Lea</a> (2)" in first_row
    assert "Omar</a> (2)" in first_row
    assert "<q>5/14</q> × 4 (2 learners): <em>Adds the tops and adds the bottoms</em>" in page
    items_table = page[page.index('<table class="items">') :]
    items_table = items_table[: items_table.index("</table>")]
    untried = page[page.index('<ul class="untried"') :]
    assert "<code>al-1</code>" in items_table  # answered: a row of the table
    assert "<code>al-1</code>" not in untried
    assert "<code>dv-1</code>" not in items_table  # nobody answered it: one name in the list
    preview = f"/teach/classes/{w.class_id}/activities/divide-read"
    assert (
        f'Dividing fractions: <a href="{preview}#item-dv-1"><code>dv-1</code></a>, '
        f'<a href="{preview}#item-dv-2"><code>dv-2</code></a>'
    ) in untried

    groups = clients["educator"].get(f"/teach/classes/{w.class_id}/groups").text
    assert "Misconception: Adds the tops and adds the bottoms" in groups
    assert "Objective: Adding with like denominators" in groups

    bearer = {"Authorization": f"Bearer {tokens['educator']}"}
    api = client.get(f"/api/v1/classes/{w.class_id}/items", headers=bearer).json()
    al1 = next(i for i in api["items"] if i["key"] == "al-1")
    assert al1["wrong_answers"][0] == {
        "text": "5/14", "answers": 4, "learners": 2,
        "misconceptions": ["Adds the tops and adds the bottoms"],
    }  # fmt: skip
    mis = {m["key"]: m for m in api["misconceptions"]}
    assert [x["display_name"] for x in mis["add-across"]["learners"]] == ["Lea", "Omar"]
    grouped = client.get(f"/api/v1/classes/{w.class_id}/groups", headers=bearer).json()
    kinds = {(g["kind"], g["key"]) for g in grouped["groups"]}
    assert ("misconception", "add-across") in kinds
    assert ("objective", "add-like") in kinds
    assert grouped["max_size"] == 4


def test_an_override_from_the_learner_page_reaches_the_learner_with_its_reason(
    clients: dict[str, TestClient],
    client: TestClient,
    tokens: dict[str, str | None],
    sqlite_world: World,
) -> None:
    w = sqlite_world
    teacher = clients["educator"]
    page = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    form = {"csrf_token": teacher.cookies["ll_csrf"], "objective": "parts-of-a-whole"}
    refused = teacher.post(f"{page}/mastery", data={**form, "action": "mastered", "reason": " "})
    assert refused.status_code == 400
    assert "say why: the learner sees the reason" in refused.text
    no_token = teacher.post(
        f"{page}/mastery", data={"objective": "parts-of-a-whole", "action": "mastered",
                                 "reason": "Seen on paper"},
    )  # fmt: skip
    assert no_token.status_code == 403  # CSRF
    r = teacher.post(
        f"{page}/mastery",
        data={**form, "action": "mastered", "reason": "Explained <b>halves</b> at the board"},
    )
    assert r.status_code == 303
    assert "overridden=1" in r.headers["location"]
    progress = clients["learner"].get("/learn/progress").text
    assert "What a fraction means marked mastered by Teacher" in progress
    assert "<q>Explained &lt;b&gt;halves&lt;/b&gt; at the board</q>" in progress  # escaped
    assert "marked mastered" not in clients["other_learner"].get("/learn/progress").text
    bearer = {"Authorization": f"Bearer {tokens['educator']}"}
    api = client.post(
        f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}/mastery-overrides",
        headers=bearer,
        json={"objective": "parts-of-a-whole", "action": "practice", "reason": "Check again"},
    )
    assert api.status_code == 201, api.text
    assert api.json()["state"] == "mastered"
    again = client.post(
        f"/api/v1/classes/{w.class_id}/learners/{w.learner.user_id}/mastery-overrides",
        headers=bearer,
        json={"objective": "number-line", "action": "practice", "reason": "Check again"},
    )
    assert again.status_code == 400
    assert "objective" in again.text
    assert "sent back into practice by Teacher" in clients["learner"].get("/learn/progress").text
    seen = client.get(
        "/api/v1/me/mastery-overrides", headers={"Authorization": f"Bearer {tokens['learner']}"}
    ).json()
    assert [(o["objective"], o["action"], o["reason"], o["educator"]) for o in seen] == [
        ("parts-of-a-whole", "practice", "Check again", "Teacher"),
        ("parts-of-a-whole", "mastered", "Explained <b>halves</b> at the board", "Teacher"),
    ]  # newest first, as typed (escaping is the page's)


def test_an_activity_assigned_to_a_group_is_first_on_the_learners_home(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    for viewer in (w.learner, w.other_learner):  # both working on parts-of-a-whole: one group
        record_attempt(w.db, viewer, activity_key="parts-practice", item_key="pw-3", response="b")
    teacher = clients["educator"]
    groups = teacher.get(f"/teach/classes/{w.class_id}/groups").text
    assert f'action="/teach/classes/{w.class_id}/assign"' in groups
    r = teacher.post(
        f"/teach/classes/{w.class_id}/assign",
        data={"csrf_token": teacher.cookies["ll_csrf"], "activity": "parts-read",
              "note": "Read the part about equal pieces.",
              "learner_id": [str(w.learner.user_id), str(w.other_learner.user_id)]},
    )  # fmt: skip
    assert r.status_code == 303
    assert "Assigned to Lea, Omar" in teacher.get(r.headers["location"]).text
    locked = teacher.post(
        f"/teach/classes/{w.class_id}/assign",
        data={"csrf_token": teacher.cookies["ll_csrf"], "activity": "add-like-practice",
              "learner_id": [str(w.learner.user_id)], "back": "learner"},
    )  # fmt: skip
    assert locked.status_code == 400
    assert "still locked for Lea" in locked.text
    home = clients["learner"].get("/learn").text
    section = home[home.index("Assigned by your educators") : home.index("Recommended next steps")]
    assert "What is a fraction?" in section
    assert "Read the part about equal pieces." in section
    assignment_id = section.split('id="assignment-')[1].split('"')[0]
    done = clients["learner"].post(
        f"/learn/assignments/{assignment_id}/done",
        data={"csrf_token": clients["learner"].cookies["ll_csrf"]},
    )
    assert done.status_code == 303
    assert "Assigned by your educators" not in clients["learner"].get("/learn").text
    learner_page = teacher.get(f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}").text
    preview = (
        f'<a href="/teach/classes/{w.class_id}/activities/parts-read">What is a fraction?</a>, '
    )
    assert preview in learner_page  # the assignment, linked to the activity with its answer key
    assert ": done" in learner_page
