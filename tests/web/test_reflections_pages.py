"""Reflections through the pages: the learner writes one on their progress page, shares it, the
class's educator reads it on the learner's page, the learner stops sharing and it is gone there."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import World


def test_a_reflection_is_the_learners_to_share(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    lea, teacher = clients["learner"], clients["educator"]
    learner_page = f"/teach/classes/{w.class_id}/learners/{w.learner.user_id}"
    page = lea.get("/learn/progress").text
    assert 'action="/learn/reflections"' in page
    assert '<option value="parts-of-a-whole">What a fraction means</option>' in page
    empty = lea.post("/learn/reflections", data={"csrf_token": lea.cookies["ll_csrf"]})
    assert empty.status_code == 400
    assert "write at least one of the three" in empty.text
    made = lea.post(
        "/learn/reflections",
        data={"csrf_token": lea.cookies["ll_csrf"], "objective": "parts-of-a-whole",
              "went_well": "Pizza <b>shares</b>", "still_hard": "Improper fractions"},
    )  # fmt: skip
    assert made.status_code == 303
    page = lea.get("/learn/progress").text
    assert "Pizza &lt;b&gt;shares&lt;/b&gt;" in page  # plain text, escaped
    assert "only you" in page
    assert "Pizza" not in teacher.get(learner_page).text  # not shared: the educator never sees it
    reflection = re.search(r'action="/learn/reflections/(\d+)/sharing"', page)
    assert reflection is not None
    share = lea.post(
        f"/learn/reflections/{reflection[1]}/sharing",
        data={"csrf_token": lea.cookies["ll_csrf"], "shared": "1"},
    )
    assert share.status_code == 303
    seen = teacher.get(learner_page).text
    assert f"Reflections {w.learner.display_name} shared" in seen
    assert "Pizza &lt;b&gt;shares&lt;/b&gt;" in seen
    assert "Improper fractions" in seen
    assert "Pizza" not in clients["other_educator"].get(learner_page).text  # 403 page
    lea.post(
        f"/learn/reflections/{reflection[1]}/sharing", data={"csrf_token": lea.cookies["ll_csrf"]}
    )
    assert "Pizza" not in teacher.get(learner_page).text  # consent withdrawn
    gone = lea.post(
        f"/learn/reflections/{reflection[1]}/delete", data={"csrf_token": lea.cookies["ll_csrf"]}
    )
    assert gone.status_code == 303
    assert "Pizza" not in lea.get("/learn/progress").text
