"""Discussion threads as their readers see them: a learner, the thread of an activity in their
class; an educator, their class's recent posts across activities. Hidden posts are left out.
Access as in services.discussion: the class and nobody else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from learnloop.domain import Course, Role, Viewer
from learnloop.exceptions import NotFound
from learnloop.storage import Database
from learnloop.storage.access import learner_class, require_class_educator, require_learner
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import DiscussionPost, User

__all__ = ["RECENT_POSTS_SHOWN", "PostView", "Thread", "activity_thread", "class_discussion"]

RECENT_POSTS_SHOWN = 50  # on the educator's discussion page: about a week of an active class


@dataclass(frozen=True)
class PostView:
    id: int
    activity_key: str
    activity_title: str
    author: str
    by_educator: bool
    body: str  # plain text: the templates escape it
    at: datetime
    can_hide: bool  # the viewer may take it down (their own post, or they moderate the class)


@dataclass(frozen=True)
class Thread:
    class_id: int
    class_name: str
    posts: list[PostView]  # oldest first, as a conversation reads (class_discussion: newest)
    course: Course


def _posts(
    db: Database, viewer: Viewer, class_id: int | None, activity_key: str | None, newest: bool
) -> tuple[int, str, list[PostView], Course]:
    with db.reading() as s:
        if class_id is None:
            require_learner(viewer)
            school_class = learner_class(s, viewer)
        else:
            school_class = require_class_educator(s, viewer, class_id)
        course = course_by_id(s, school_class.course_id)
        if activity_key is not None and activity_key not in course.activities:
            raise NotFound(
                "activity %(activity_key)s does not exist", activity_key=repr(activity_key)
            )
        query = (
            select(DiscussionPost, User.display_name, User.role)
            .join(User, User.id == DiscussionPost.author_id)
            .where(DiscussionPost.class_id == school_class.id, DiscussionPost.hidden_at.is_(None))
        )
        if activity_key is not None:
            query = query.where(DiscussionPost.activity_key == activity_key)
        order = (DiscussionPost.created_at.desc(), DiscussionPost.id.desc())
        rows = list(s.execute(query.order_by(*order).limit(RECENT_POSTS_SHOWN if newest else None)))
    moderates = class_id is not None  # an educator of the class, or an admin
    posts = [
        PostView(
            p.id, p.activity_key,
            course.activities[p.activity_key].title
            if p.activity_key in course.activities else p.activity_key,
            name, role in (Role.EDUCATOR.value, Role.ADMIN.value), p.body, p.created_at,
            moderates or p.author_id == viewer.user_id,
        )
        for p, name, role in rows
    ]  # fmt: skip
    return school_class.id, school_class.name, posts if newest else posts[::-1], course


def activity_thread(db: Database, viewer: Viewer, activity_key: str) -> Thread:
    """The thread of ``activity_key`` in the learner's class (NotFound when not in a class)."""
    return Thread(*_posts(db, viewer, None, activity_key, newest=False))


def class_discussion(db: Database, viewer: Viewer, class_id: int) -> Thread:
    """The class's most recent posts, every activity, newest first (educators and admins)."""
    return Thread(*_posts(db, viewer, class_id, None, newest=True))
