"""The groups educators formed, as their readers see them: an educator, their class's groups; a
learner, the groups they are in, with their fellow members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from learnloop.domain import Viewer
from learnloop.reports.item_analysis import learners_query
from learnloop.storage import Database
from learnloop.storage.access import require_class_educator, require_learner
from learnloop.storage.tables import ClassGroup, ClassGroupMember, ClassMember, SchoolClass, User

__all__ = ["GroupView", "class_groups", "class_learners", "my_groups"]


@dataclass(frozen=True)
class GroupView:
    id: int
    class_id: int
    class_name: str
    name: str
    members: list[tuple[int, str]]  # (user id, display name), by name


def _views(s: Session, groups: list[ClassGroup]) -> list[GroupView]:
    ids = [g.id for g in groups]
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for group_id, user_id, name in s.execute(
        select(ClassGroupMember.group_id, User.id, User.display_name)
        .join(User, User.id == ClassGroupMember.user_id)
        .where(ClassGroupMember.group_id.in_(ids))
        .order_by(User.display_name)
    ):
        members[group_id].append((user_id, name))
    rows = s.execute(
        select(SchoolClass.id, SchoolClass.name).where(
            SchoolClass.id.in_({g.class_id for g in groups})
        )
    )
    names: dict[int, str] = {row.id: row.name for row in rows}
    return [GroupView(g.id, g.class_id, names[g.class_id], g.name, members[g.id]) for g in groups]


def class_groups(db: Database, viewer: Viewer, class_id: int) -> list[GroupView]:
    with db.reading() as s:
        require_class_educator(s, viewer, class_id)
        groups = list(
            s.scalars(
                select(ClassGroup).where(ClassGroup.class_id == class_id).order_by(ClassGroup.name)
            )
        )
        return _views(s, groups)


def my_groups(db: Database, viewer: Viewer) -> list[GroupView]:
    require_learner(viewer)
    with db.reading() as s:
        groups = list(
            s.scalars(
                select(ClassGroup)
                .join(ClassGroupMember, ClassGroupMember.group_id == ClassGroup.id)
                .join(  # still in the group's class: leaving a class leaves its groups' view
                    ClassMember,
                    (ClassMember.class_id == ClassGroup.class_id)
                    & (ClassMember.user_id == ClassGroupMember.user_id),
                )
                .where(ClassGroupMember.user_id == viewer.user_id)
                .order_by(ClassGroup.name)
            )
        )
        return _views(s, groups)


def class_learners(db: Database, viewer: Viewer, class_id: int) -> list[tuple[int, str]]:
    """The class's learners (id, display name), by name, for choosing a group's members."""
    with db.reading() as s:
        require_class_educator(s, viewer, class_id)
        return [(i, n) for i, n in s.execute(learners_query(class_id))]
