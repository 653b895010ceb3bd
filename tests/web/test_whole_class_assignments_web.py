"""Work for the whole class through the page and the API: given to everyone, marked as such on
the class's assignments page and in the API, and given to a learner who joins afterwards."""

from __future__ import annotations

from fastapi.testclient import TestClient

from learnloop.services.classes import add_members
from tests.conftest import World
from tests.web.conftest import post


def test_the_page_gives_it_to_the_whole_class_and_says_so(
    clients: dict[str, TestClient], sqlite_world: World
) -> None:
    w = sqlite_world
    teacher = clients["educator"]
    done = post(teacher, f"/teach/classes/{w.class_id}/assign", activity="parts-read",
                everyone="true", back="assignments", open_only="true")  # fmt: skip
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert "assigned=2" in done.headers["location"]  # type: ignore[attr-defined]
    page = teacher.get(f"/teach/classes/{w.class_id}/assignments").text
    assert "to the whole class, newcomers included" in page
    add_members(w.db, w.admin, class_id=w.class_id, usernames="olga")
    assert "1 of 3" not in page
    assert "0 of 3" in teacher.get(f"/teach/classes/{w.class_id}/assignments").text


def test_the_api_gives_it_to_everyone(
    client: TestClient, tokens: dict[str, str | None], sqlite_world: World
) -> None:
    w = sqlite_world
    teacher = {"Authorization": f"Bearer {tokens['educator']}"}
    made = client.post(f"/api/v1/classes/{w.class_id}/assignments", headers=teacher,
                       json={"activity": "parts-read", "everyone": True})  # fmt: skip
    assert made.status_code == 201
    assert sorted(made.json()["assigned"]) == ["Lea", "Omar"]
    [act] = client.get(f"/api/v1/classes/{w.class_id}/assignments", headers=teacher).json()
    assert act["everyone"] is True
    nobody = client.post(f"/api/v1/classes/{w.class_id}/assignments", headers=teacher,
                         json={"activity": "parts-read"})  # fmt: skip
    assert nobody.status_code == 400
    assert nobody.json()["field"] == "learner_ids"
