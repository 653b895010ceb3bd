"""The educator's learning-curves page and its JSON twin, on a class's answers."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from learnloop.config import PedagogySettings, Settings
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.web.app import create_app
from tests.conftest import PASSWORD, World
from tests.web.conftest import login


def test_the_page_draws_each_objective_s_curve_with_its_category_and_a_table(
    sqlite_world: World, hasher: PasswordHasher, tmp_path: Path
) -> None:
    w = sqlite_world
    for viewer in (w.learner, w.other_learner):
        for item, right in (("pw-3", False), ("pw-4", False), ("pw-5", True), ("pw-6", True)):
            record_attempt(
                w.db, viewer, activity_key="parts-practice", item_key=item,
                response=answer_for(w.course, item, right),
            )  # fmt: skip
    settings = Settings(
        database_url="sqlite://", instance_dir=tmp_path, secret_key="test-secret",
        pedagogy=PedagogySettings(curve_min_learners=2),
    )  # fmt: skip
    app = create_app(settings, database=w.db, hasher=hasher)
    with TestClient(app, follow_redirects=False) as client:
        login(client, w.educator.username)
        overview = client.get(f"/teach/classes/{w.class_id}").text
        assert f'href="/teach/classes/{w.class_id}/curves"' in overview
        page = client.get(f"/teach/classes/{w.class_id}/curves").text
        assert (
            "What a fraction means: error rate at opportunities 1 to 4: 100%, 100%, 0%, 0%" in page
        )
        assert "<strong>Good</strong>: errors fall with practice (2 learners answered)" in page
        assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="curve"') == 1
        assert "<strong>Too little data</strong>: too few learners have practised it yet" in page
        assert "<td>100% (2)</td><td>100% (2)</td><td>0% (2)</td><td>0% (2)</td>" in page
    with TestClient(app) as api:
        bearer = api.post(
            "/api/v1/auth/token", json={"username": w.educator.username, "password": PASSWORD}
        ).json()["access_token"]
        data = api.get(
            f"/api/v1/classes/{w.class_id}/learning-curves",
            headers={"Authorization": f"Bearer {bearer}"},
        ).json()
    parts = next(c for c in data["curves"] if c["objective"] == "parts-of-a-whole")
    assert (parts["kind"], parts["learners"]) == ("good", 2)
    assert [p["error_rate"] for p in parts["points"]] == [1.0, 1.0, 0.0, 0.0]
    assert data["min_learners"] == 2
