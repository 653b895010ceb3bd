"""Reflections: the learner writes, shares, stops sharing and deletes; educators of the class read
only what is shared; nobody else reads or changes anything (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.learner_export import learner_export
from learnloop.reports.reflections import reflections_for
from learnloop.services.erasure import delete_account
from learnloop.services.reflections import (
    MAX_REFLECTION_PART,
    delete_reflection,
    set_sharing,
    write_reflection,
)
from learnloop.storage.tables import Reflection
from tests.conftest import World

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _write(world: World, shared: bool, minutes: int = 0, objective: str = "") -> int:
    return write_reflection(
        world.db, world.learner, objective=objective, went_well="  the pizza questions\n",
        still_hard="", next_step="try the number line", shared=shared,
        now=T0 + timedelta(minutes=minutes),
    )  # fmt: skip


def test_the_learner_sees_all_theirs_and_the_educator_only_the_shared(world: World) -> None:
    private = _write(world, shared=False)
    shared = _write(world, shared=True, minutes=5, objective="parts-of-a-whole")
    mine = reflections_for(world.db, world.learner, world.learner.user_id)
    assert [(r.id, r.about, r.went_well, r.still_hard, r.shared) for r in mine] == [
        (shared, "What a fraction means", "the pizza questions", "", True),
        (private, world.course.title, "the pizza questions", "", False),
    ]
    seen = reflections_for(world.db, world.educator, world.learner.user_id, world.class_id)
    assert [r.id for r in seen] == [shared]
    set_sharing(world.db, world.learner, shared, shared=False)
    set_sharing(world.db, world.learner, private, shared=True)
    seen = reflections_for(world.db, world.admin, world.learner.user_id, world.class_id)
    assert [r.id for r in seen] == [private]  # consent withdrawn and given, at once
    delete_reflection(world.db, world.learner, private)
    assert reflections_for(world.db, world.educator, world.learner.user_id, world.class_id) == []
    with world.db.reading() as s:
        assert list(s.scalars(select(Reflection.id))) == [shared]  # deleted, not hidden


def test_nobody_else_reads_shares_or_deletes_a_reflection(world: World) -> None:
    made = _write(world, shared=True)
    for viewer in (world.other_learner, world.outsider, world.educator, world.admin):
        with pytest.raises(NotFound):
            set_sharing(world.db, viewer, made, shared=False)
        with pytest.raises(NotFound):
            delete_reflection(world.db, viewer, made)
    with pytest.raises(PermissionDenied):  # teaches another class
        reflections_for(world.db, world.other_educator, world.learner.user_id, world.class_id)
    with pytest.raises(NotFound):  # not in that class
        reflections_for(world.db, world.other_educator, world.learner.user_id, world.other_class_id)
    with pytest.raises(NotFound):  # a classmate's, even shared
        reflections_for(world.db, world.other_learner, world.learner.user_id)
    with pytest.raises(PermissionDenied):  # only learners write them
        write_reflection(world.db, world.educator, objective="", went_well="x", still_hard="",
                         next_step="", shared=True)  # fmt: skip
    with world.db.reading() as s:
        assert s.scalars(select(Reflection.shared)).one() is True


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"went_well": " ", "still_hard": "", "next_step": "\n"}, "went_well"),
        ({"went_well": "", "still_hard": "x" * (MAX_REFLECTION_PART + 1), "next_step": ""},
         "still_hard"),
        ({"went_well": "ok", "still_hard": "", "next_step": "", "objective": "no-such"},
         "objective"),
    ],
)  # fmt: skip
def test_a_reflection_that_says_nothing_or_too_much_is_refused(
    world: World, fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        write_reflection(world.db, world.learner, shared=False, **{"objective": "", **fields})
    assert info.value.field == field
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(Reflection)) == 0


def test_reflections_leave_with_the_learners_data_and_account(world: World) -> None:
    _write(world, shared=False)
    exported = learner_export(world.db, world.learner, public_url="https://x.example", now=T0)
    assert [r["next_step"] for r in exported["tables"]["reflections"]] == ["try the number line"]
    name = world.learner.username
    erased = delete_account(
        world.db, world.admin, username=name, confirm=name, public_url="https://x.example"
    )
    assert erased.rows["reflections"] == 1
