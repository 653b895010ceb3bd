"""Discussion on activities, one thread per class and activity (product.md, Collaboration).

Learners post in their class's thread of an activity of their course; the class's educators post
and moderate; an admin moderates everywhere. Nobody outside the class reads or writes its
threads. A post is plain text (escaped when shown, so nothing authored by a learner runs in a
browser). Taking a post down hides it and records who did it; the text stays in the database for
accountability and leaves with its author's account.
"""

from __future__ import annotations

from datetime import UTC, datetime

from learnloop.domain import Role, Viewer
from learnloop.exceptions import InvalidInput, NotFound, PermissionDenied
from learnloop.storage import Database
from learnloop.storage.access import (
    learner_class,
    moderates_class,
    require_class_educator,
    require_learner,
    require_running,
)
from learnloop.storage.course_store import course_by_id
from learnloop.storage.tables import DiscussionPost

__all__ = ["MAX_POST_LENGTH", "hide_post", "post_message"]

MAX_POST_LENGTH = 2000  # a few paragraphs: a question, an idea, a worked step


def post_message(
    db: Database,
    viewer: Viewer,
    *,
    activity_key: str,
    body: str,
    class_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Post ``body`` in an activity's thread: a learner's own class, or (educators and admins)
    the class ``class_id``."""
    body = body.strip()
    if not body:
        raise InvalidInput("body", "write something first")
    if len(body) > MAX_POST_LENGTH:
        raise InvalidInput("body", "use at most %(max)s characters", max=MAX_POST_LENGTH)
    with db.transaction() as s:
        if class_id is None:  # a learner's own class
            require_learner(viewer)
            school_class = learner_class(s, viewer)
        elif viewer.role is Role.LEARNER:
            raise PermissionDenied("learners post in their own class's threads")
        else:
            school_class = require_running(require_class_educator(s, viewer, class_id))
        course = course_by_id(s, school_class.course_id)
        if activity_key not in course.activities:
            raise NotFound(
                "activity %(activity_key)s does not exist", activity_key=repr(activity_key)
            )
        post = DiscussionPost(
            class_id=school_class.id, activity_key=activity_key, author_id=viewer.user_id,
            body=body, created_at=now or datetime.now(UTC),
        )  # fmt: skip
        s.add(post)
        s.flush()
        return post.id


def hide_post(
    db: Database, viewer: Viewer, post_id: int, *, now: datetime | None = None
) -> tuple[int, str]:
    """Take a post down (its author, an educator of its class, or an admin); returns the class
    and activity of its thread."""
    with db.transaction() as s:
        post = s.get(DiscussionPost, post_id)
        if post is None or post.hidden_at is not None:
            raise NotFound("post %(post_id)s does not exist", post_id=post_id)
        if post.author_id != viewer.user_id and not moderates_class(s, viewer, post.class_id):
            # the same answer inside and outside the class: no hint that the post exists
            raise NotFound("post %(post_id)s does not exist", post_id=post_id)
        post.hidden_at, post.hidden_by = now or datetime.now(UTC), viewer.user_id
        return post.class_id, post.activity_key
