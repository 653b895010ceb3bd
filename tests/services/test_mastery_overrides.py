"""An educator's mastery override: what it changes, that the learner sees why, who may make it,
and that a refused one changes nothing (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from learnloop.config import PedagogySettings
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.learner_views import learner_home, progress_map
from learnloop.reports.mastery_overrides import overrides_for
from learnloop.services.demo_practice import answer_for
from learnloop.services.learning import record_attempt
from learnloop.services.mastery_overrides import override_mastery
from learnloop.storage.tables import Mastery, MasteryOverride, MemoryCard
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def states(world: World) -> dict[str, str]:
    _, objectives = progress_map(world.db, world.learner, world.learner.user_id)
    return {o.key: o.state for o in objectives}


def test_marking_mastered_unlocks_what_depends_on_it_and_starts_its_review(world: World) -> None:
    assert states(world)["number-line"] == "locked"
    override_mastery(
        world.db, world.educator, class_id=world.class_id, learner_id=world.learner.user_id,
        objective="parts-of-a-whole", action="mastered",
        reason="  Shaded and named fractions   on paper, all correct. ", now=T0,
    )  # fmt: skip
    after = states(world)
    assert after["parts-of-a-whole"] == "mastered"
    assert after["number-line"] == "ready"
    assert after["equivalent"] == "ready"
    with world.db.reading() as s:
        m = s.get(Mastery, (world.learner.user_id, world.course_id, "parts-of-a-whole"))
        card = s.get(MemoryCard, (world.learner.user_id, world.course_id, "parts-of-a-whole"))
    assert m is not None
    assert m.mastered
    assert m.mastered_at == T0
    assert m.p_known == pytest.approx(0.95)  # raised to the objective's threshold
    assert card is not None
    assert not card.needs_practice
    seen = overrides_for(world.db, world.learner, world.learner.user_id)
    assert [(o.objective_title, o.words, o.reason, o.educator) for o in seen] == [
        ("What a fraction means", "marked mastered",
         "Shaded and named fractions on paper, all correct.", "Teacher")
    ]  # fmt: skip
    assert overrides_for(world.db, world.educator, world.learner.user_id, world.class_id) == seen


def test_sending_back_into_practice_works_as_a_failed_review(world: World) -> None:
    for item in ("pw-3", "pw-4", "pw-5"):
        record_attempt(
            world.db, world.learner, activity_key="parts-practice", item_key=item,
            response=answer_for(world.course, item, True), now=T0,
        )  # fmt: skip
    assert states(world)["parts-of-a-whole"] == "mastered"
    override_mastery(
        world.db, world.admin, class_id=world.class_id, learner_id=world.learner.user_id,
        objective="parts-of-a-whole", action="practice", reason="Guessed in class today.",
        now=T0,
    )  # fmt: skip
    with world.db.reading() as s:
        card = s.get(MemoryCard, (world.learner.user_id, world.course_id, "parts-of-a-whole"))
    assert card is not None
    assert card.needs_practice
    assert states(world)["parts-of-a-whole"] == "mastered"  # what it unlocked stays open
    home = learner_home(world.db, world.learner, PedagogySettings())
    assert home.back_in_practice == 1
    assert home.next_steps[0].reason == "refresh"


@pytest.mark.parametrize(
    ("objective", "action", "reason", "field"),
    [
        ("parts-of-a-whole", "mastered", "   ", "reason"),
        ("parts-of-a-whole", "mastered", "x" * 501, "reason"),
        ("parts-of-a-whole", "promote", "because", "action"),
        ("no-such-objective", "mastered", "because", "objective"),
        ("parts-of-a-whole", "practice", "not mastered yet", "objective"),
    ],
)
def test_a_bad_override_names_its_field_and_changes_nothing(
    world: World, objective: str, action: str, reason: str, field: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        override_mastery(
            world.db, world.educator, class_id=world.class_id,
            learner_id=world.learner.user_id, objective=objective, action=action, reason=reason,
        )  # fmt: skip
    assert info.value.field == field
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(MasteryOverride)) == 0
        assert s.scalar(select(func.count()).select_from(Mastery)) == 0
        assert s.scalar(select(func.count()).select_from(MemoryCard)) == 0


def test_an_objective_already_mastered_cannot_be_marked_again(world: World) -> None:
    kwargs = {
        "class_id": world.class_id, "learner_id": world.learner.user_id,
        "objective": "parts-of-a-whole", "action": "mastered", "reason": "seen on paper",
    }  # fmt: skip
    override_mastery(world.db, world.educator, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="already mastered"):
        override_mastery(world.db, world.educator, **kwargs)  # type: ignore[arg-type]


def test_only_the_class_educators_and_admins_may_override(world: World) -> None:
    def attempt(viewer: object, learner_id: int | None = None) -> None:
        override_mastery(
            world.db, viewer, class_id=world.class_id,  # type: ignore[arg-type]
            learner_id=learner_id or world.learner.user_id, objective="parts-of-a-whole",
            action="mastered", reason="because",
        )  # fmt: skip

    for viewer in (world.learner, world.other_learner, world.outsider, world.other_educator):
        with pytest.raises(PermissionDenied):
            attempt(viewer)
    with pytest.raises(NotFound):  # a learner of another class, through this class
        attempt(world.educator, world.outsider.user_id)
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(MasteryOverride)) == 0
    with pytest.raises(NotFound):  # nobody reads another learner's overrides directly
        overrides_for(world.db, world.other_learner, world.learner.user_id)
    with pytest.raises(PermissionDenied):
        overrides_for(world.db, world.other_educator, world.learner.user_id, world.class_id)
