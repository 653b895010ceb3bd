"""Groups an educator forms in a class (product.md, Collaboration: "groups formed by the educator
or suggested from the learner model"): by hand, or by keeping a suggested group (similar needs, for
targeted support) as it is. A group's members see it, and one another, on their home page; the
educator assigns to it from the groups page as to a suggested group.

Only the class's educators (and admins) form and disband its groups; to anyone else a group does
not exist. A learner may be in several groups of a class. Disbanding deletes the group, never its
members' records.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from learnloop.domain import Viewer
from learnloop.exceptions import InvalidInput, NotFound
from learnloop.storage import Database
from learnloop.storage.access import (
    learners_of_class_among,
    moderates_class,
    require_class_educator,
    require_running,
)
from learnloop.storage.tables import ClassGroup, ClassGroupMember

__all__ = ["MAX_GROUP_MEMBERS", "disband_group", "form_group"]

# A group an educator forms can be larger than a suggested one (config.group_size_max): a project
# team or a table of a classroom; past a dozen it is half a class, not a group.
MAX_GROUP_MEMBERS = 12
MAX_GROUP_NAME = 80


def form_group(
    db: Database,
    viewer: Viewer,
    *,
    class_id: int,
    name: str,
    learner_ids: list[int],
    now: datetime | None = None,
) -> int:
    """A new group of the class's learners named ``learner_ids``; its id."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("name", "give the group a name")
    if len(name) > MAX_GROUP_NAME:
        raise InvalidInput("name", "use at most %(max)s characters", max=MAX_GROUP_NAME)
    ids = list(dict.fromkeys(learner_ids))
    if not 2 <= len(ids) <= MAX_GROUP_MEMBERS:
        raise InvalidInput(
            "learner_ids",
            "choose 2 to %(max)s learners",
            max=MAX_GROUP_MEMBERS,
        )
    with db.transaction() as s:
        require_running(require_class_educator(s, viewer, class_id))
        members = learners_of_class_among(s, class_id, ids)
        outside = [i for i in ids if i not in members]
        if outside:
            raise NotFound(
                "learner(s) %(names)s are not in this class", names=", ".join(map(str, outside))
            )
        taken = s.scalar(
            select(ClassGroup.id).where(ClassGroup.class_id == class_id, ClassGroup.name == name)
        )
        if taken is not None:
            raise InvalidInput(
                "name", "the class has a group called %(name)s already", name=repr(name)
            )
        group = ClassGroup(
            class_id=class_id, name=name, educator_id=viewer.user_id,
            created_at=now or datetime.now(UTC),
        )  # fmt: skip
        s.add(group)
        s.flush()
        s.add_all(ClassGroupMember(group_id=group.id, user_id=i) for i in ids)
        return group.id


def disband_group(db: Database, viewer: Viewer, group_id: int) -> int:
    """Delete a group (its class's educators and admins); returns its class."""
    with db.transaction() as s:
        group = s.get(ClassGroup, group_id)
        if group is None or not moderates_class(s, viewer, group.class_id):
            raise NotFound("group %(group_id)s does not exist", group_id=group_id)
        class_id = group.class_id
        s.delete(group)
        return class_id
