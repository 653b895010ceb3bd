"""Why a learner may be stuck: a misconception their wrong answers repeat, a prerequisite that
slipped, one kind of activity tried, and a run of misses; on the class page and in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from learnloop.config import PedagogySettings
from learnloop.engine.logistic_kt import RECENT_OUTCOMES
from learnloop.reports.class_views import class_overview
from learnloop.reports.stuck_reasons import StuckReason
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.storage.tables import Attempt
from tests.conftest import World
from tests.web.conftest import login, make_app, role_token

PRACTICE = {"parts-of-a-whole": ("parts-practice", ["pw-3", "pw-4", "pw-5", "pw-6", "pw-7"]),
            "equivalent": ("equivalent-practice", ["eq-3", "eq-4", "eq-5", "eq-6", "eq-7"])}  # fmt: skip


def answer(w: World, objective: str, right: bool, holds: frozenset[str] = frozenset()) -> None:
    """Every practice item of the objective, twice if wrong (the misses that count)."""
    activity, items = PRACTICE[objective]
    for item in items:
        for _ in range(1 if right else 2):
            record_attempt(
                w.db, w.learner, activity_key=activity, item_key=item,
                response=answer_for(w.course, item, right, holds=holds),
            )  # fmt: skip


def reasons(w: World, objective: str, now: datetime | None = None) -> list[StuckReason]:
    o = class_overview(w.db, w.educator, w.class_id, PedagogySettings(), now=now)
    (stuck,) = [s for s in o.stuck if s.objective == objective]
    return stuck.reasons


def test_a_repeated_misconception_one_kind_of_activity_and_a_run_of_misses(world: World) -> None:
    answer(world, "parts-of-a-whole", right=False, holds=frozenset({"top-bottom-roles"}))
    with world.db.reading() as s:
        tagged = sum(
            "top-bottom-roles" in tags.split()
            for tags in s.scalars(select(Attempt.misconceptions).where(Attempt.counted.is_(True)))
        )
    assert tagged >= 2
    found = reasons(world, "parts-of-a-whole")
    assert found == [
        StuckReason("misconception", "Mixes up what the top and bottom numbers count", tagged),
        StuckReason("one-kind", "interactive"),  # a reading teaches it too
        StuckReason("misses", "", RECENT_OUTCOMES),  # as many as are kept, all wrong
    ]


def test_a_prerequisite_due_for_review_is_named(world: World) -> None:
    answer(world, "parts-of-a-whole", right=True)
    answer(world, "equivalent", right=False)
    now = datetime.now(UTC)
    kinds = [(r.kind, r.detail, r.state) for r in reasons(world, "equivalent", now)]
    assert ("prerequisite", "What a fraction means", "due") not in kinds  # just mastered
    later = [(r.kind, r.detail, r.state)
             for r in reasons(world, "equivalent", now + timedelta(days=400))]  # fmt: skip
    assert ("prerequisite", "What a fraction means", "due") in later


def test_nothing_is_read_for_a_class_where_nobody_is_stuck(world: World) -> None:
    answer(world, "parts-of-a-whole", right=True)
    o = class_overview(world.db, world.educator, world.class_id, PedagogySettings())
    assert o.stuck == []


def test_the_class_page_and_the_api_say_why(world: World, tmp_path: Path) -> None:
    answer(world, "parts-of-a-whole", right=False, holds=frozenset({"top-bottom-roles"}))
    app = make_app(world, PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1), tmp_path)
    with TestClient(app, follow_redirects=False) as c:
        login(c, world.educator.username)
        page = c.get(f"/teach/classes/{world.class_id}").text
        assert "wrong answers show: Mixes up what the top and bottom numbers count" in page
        assert "every answer came from interactive practice" in page
        assert f"{RECENT_OUTCOMES} wrong answers in a row" in page
        auth = {"Authorization": f"Bearer {role_token(c, world, 'educator')}"}
        report = c.get(f"/api/v1/classes/{world.class_id}/report", headers=auth).json()
    kinds = [r["kind"] for r in report["stuck"][0]["reasons"]]
    assert kinds == ["misconception", "one-kind", "misses"]
