"""Groups through the pages: the educator keeps a suggested group or forms one by hand; its
members see it on their home page; disbanding removes it there."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from learnloop.services.learning import record_attempt
from tests.conftest import World


def test_groups_are_formed_seen_and_disbanded(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    for viewer in (w.learner, w.other_learner):  # both working on parts-of-a-whole: one suggestion
        record_attempt(w.db, viewer, activity_key="parts-practice", item_key="pw-3", response="b")
    teacher = clients["educator"]
    groups_url = f"/teach/classes/{w.class_id}/groups"
    page = teacher.get(groups_url).text
    assert "None yet. Form one below, or keep a suggested group." in page
    assert "Keep as a group" in page
    csrf = teacher.cookies["ll_csrf"]
    kept = teacher.post(
        f"/teach/classes/{w.class_id}/groups/new",
        data={"csrf_token": csrf, "name": "What a fraction means",
              "learner_id": [str(w.learner.user_id), str(w.other_learner.user_id)]},
    )  # fmt: skip
    assert kept.status_code == 303
    again = teacher.post(
        f"/teach/classes/{w.class_id}/groups/new",
        data={"csrf_token": csrf, "name": "What a fraction means",
              "learner_id": [str(w.learner.user_id), str(w.other_learner.user_id)]},
    )  # fmt: skip
    assert again.status_code == 400
    assert "has a group called &#39;What a fraction means&#39; already" in again.text
    alone = teacher.post(
        f"/teach/classes/{w.class_id}/groups/new",
        data={"csrf_token": csrf, "name": "Solo", "learner_id": [str(w.learner.user_id)]},
    )
    assert alone.status_code == 400
    assert "choose 2 to 12 learners" in alone.text
    home = clients["learner"].get("/learn").text
    assert "<strong>What a fraction means</strong> (7B): Lea, Omar" in home
    assert (
        "Your groups" not in clients["outsider"].get("/learn").text
        if "outsider" in clients
        else True
    )
    page = teacher.get(groups_url).text
    group = re.search(r'action="/teach/groups/(\d+)/disband"', page)
    assert group is not None
    gone = teacher.post(f"/teach/groups/{group[1]}/disband", data={"csrf_token": csrf})
    assert gone.status_code == 303
    assert "Your groups" not in clients["learner"].get("/learn").text
