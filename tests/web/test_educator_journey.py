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
