"""Groups an educator forms: the class's learners only, names unique in a class, members see the
group and one another, nobody outside the class forms, sees or disbands one (both backends)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.reports.class_groups import class_groups, my_groups
from learnloop.services.class_groups import MAX_GROUP_MEMBERS, disband_group, form_group
from learnloop.services.classes import remove_member
from learnloop.storage.tables import ClassGroup, ClassGroupMember
from tests.conftest import World


def _pair(world: World) -> list[int]:
    return [world.learner.user_id, world.other_learner.user_id]


def test_a_formed_group_is_seen_by_its_members_and_its_educators(world: World) -> None:
    made = form_group(world.db, world.educator, class_id=world.class_id,
                      name="  Table   three ", learner_ids=[*_pair(world), world.learner.user_id])  # fmt: skip
    [seen] = class_groups(world.db, world.educator, world.class_id)
    assert (seen.id, seen.name, seen.class_name) == (made, "Table three", "7B")
    assert seen.members == [(world.learner.user_id, "Lea"), (world.other_learner.user_id, "Omar")]
    [mine] = my_groups(world.db, world.other_learner)
    assert mine == seen
    assert my_groups(world.db, world.outsider) == []
    assert [g.id for g in class_groups(world.db, world.admin, world.class_id)] == [made]
    assert disband_group(world.db, world.educator, made) == world.class_id
    assert my_groups(world.db, world.learner) == []
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ClassGroupMember)) == 0


@pytest.mark.parametrize(
    ("name", "members", "field"),
    [
        (" ", "pair", "name"),
        ("x" * 81, "pair", "name"),
        ("Solo", "one", "learner_ids"),
        ("Crowd", "crowd", "learner_ids"),
    ],
)
def test_a_group_needs_a_name_and_two_to_twelve_learners(
    world: World, name: str, members: str, field: str
) -> None:
    ids = {"pair": _pair(world), "one": [world.learner.user_id],
           "crowd": list(range(1000, 1001 + MAX_GROUP_MEMBERS))}[members]  # fmt: skip
    with pytest.raises(InvalidInput) as info:
        form_group(world.db, world.educator, class_id=world.class_id, name=name, learner_ids=ids)
    assert info.value.field == field


def test_only_the_class_s_learners_and_a_new_name(world: World) -> None:
    with pytest.raises(NotFound, match="are not in this class"):
        form_group(world.db, world.educator, class_id=world.class_id, name="Mixed",
                   learner_ids=[world.learner.user_id, world.outsider.user_id])  # fmt: skip
    form_group(
        world.db, world.educator, class_id=world.class_id, name="A", learner_ids=_pair(world)
    )
    with pytest.raises(InvalidInput, match="has a group called 'A' already"):
        form_group(
            world.db, world.admin, class_id=world.class_id, name="A", learner_ids=_pair(world)
        )
    with world.db.reading() as s:
        assert s.scalar(select(func.count()).select_from(ClassGroup)) == 1


def test_nobody_outside_the_class_forms_sees_or_disbands(world: World) -> None:
    made = form_group(world.db, world.educator, class_id=world.class_id, name="A",
                      learner_ids=_pair(world))  # fmt: skip
    for viewer in (world.other_educator, world.learner):
        with pytest.raises(PermissionDenied):
            form_group(
                world.db, viewer, class_id=world.class_id, name="B", learner_ids=_pair(world)
            )
        with pytest.raises(PermissionDenied):
            class_groups(world.db, viewer, world.class_id)
        with pytest.raises(NotFound):
            disband_group(world.db, viewer, made)
    with pytest.raises(PermissionDenied):
        my_groups(world.db, world.educator)  # learners' own view
    assert len(class_groups(world.db, world.educator, world.class_id)) == 1


def test_leaving_the_class_leaves_its_groups_view(world: World) -> None:
    form_group(
        world.db, world.educator, class_id=world.class_id, name="A", learner_ids=_pair(world)
    )
    remove_member(world.db, world.admin, class_id=world.class_id, user_id=world.learner.user_id)
    assert my_groups(world.db, world.learner) == []
    assert len(my_groups(world.db, world.other_learner)) == 1
